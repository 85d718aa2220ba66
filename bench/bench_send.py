"""Sending: 10,000 personalised invitations end to end vs a plain Flask-Mail loop.

Ours: `deliver_due` (render text and HTML, sign the link, build the message, record the state
before and after the server's answer) into an SMTP sink in another process. Baseline: a plain
loop of ``flask_mail.Mail.send()`` over the same bodies, rendered beforehand (its rendering
not counted), into the same sink. The two take turns over three rounds and the round with the
median ratio is reported: on a shared machine the baseline alone moved by half within an hour.
"""

import argparse
import cProfile
import multiprocessing
import pstats
import sys
from datetime import UTC, datetime, timedelta

import flask_mail
from sqlalchemy import func, select

from bench.common import (
    Timer,
    add_database_option,
    bench_app,
    database,
    people_csv,
    result,
    smtp_sink,
)
from rsvp.events.services import create_event
from rsvp.extensions import db, mail
from rsvp.invitees.models import Invitee
from rsvp.invitees.services import import_invitees
from rsvp.mailing.delivery import deliver_due
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.mailing.render import render_mail
from rsvp.mailing.services import queue_messages


def make_event():  # type: ignore[no-untyped-def]
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=60)
    return create_event(db.session, {
        "slug": "bench", "title": "Bundeskonferenz Gemeinwesenarbeit",
        "subtitle": "Ergebnisse und Perspektiven", "starts_at": start,
        "ends_at": start + timedelta(hours=6), "timezone": "Europe/Berlin",
        "venue_name": "REFUGIO Berlin", "venue_address": "Lenaustraße 3–4, 12047 Berlin",
        "organiser": "Bundesinstitut für Bau-, Stadt- und Raumforschung",
        "contact_name": "Dr. Petra Beispiel", "contact_email": "kontakt@example.org",
        "contact_phone": "+49 30 1234567", "rsvp_deadline": start - timedelta(days=14),
        "capacity": 20000, "max_guests": 1, "language": "de",
    })


def rendered_bodies(app, count: int) -> list:  # type: ignore[no-untyped-def]
    """The baseline's input: ``count`` invitations rendered beforehand, with their recipient
    and the event's contact for Reply-To."""
    with app.app_context():
        invitees = db.session.scalars(select(Invitee).order_by(Invitee.id).limit(count)).all()
        return [((i.full_name, i.email), (i.event.contact_name, i.event.contact_email),
                 render_mail(i, MessageKind.INVITATION)) for i in invitees]


def baseline(app, bodies: list) -> float:  # type: ignore[no-untyped-def]
    """Messages per second of Mail.send() over pre-rendered bodies: the same message as ours
    (text, HTML, the calendar file, Reply-To), built and sent by Flask-Mail."""
    with app.app_context(), Timer() as timer:
        for recipient, contact, rendered in bodies:
            mail.send(flask_mail.Message(
                subject=rendered.subject, recipients=[recipient], body=rendered.text,
                html=rendered.html, sender=app.config["MAIL_DEFAULT_SENDER"], reply_to=contact,
                attachments=[flask_mail.Attachment(a.filename, a.content_type, a.data)
                             for a in rendered.attachments]))
    return len(bodies) / timer.seconds


def queue_invitations(app) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        queue_messages(db.session, _event(), MessageKind.INVITATION)
        db.session.commit()
        db.engine.dispose()


def ours(app, count: int, profile: bool, senders: int = 1) -> float:  # type: ignore[no-untyped-def]
    """Messages per second of ``deliver_due`` sending ``count`` of the queued invitations in
    ``senders`` processes at once, as that many ``rsvp send`` processes or Celery workers
    would run (their claims keep them apart)."""
    profiler = cProfile.Profile() if profile else None
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    shares = [count // senders + (1 if n < count % senders else 0) for n in range(senders)]
    with Timer() as timer:
        if senders == 1:
            _send(app, profiler, results, count)
        else:
            processes = [context.Process(target=_send, args=(app, None, results, share))
                         for share in shares]
            for process in processes:
                process.start()
            for process in processes:
                process.join()
    reported = sum(results.get(timeout=5) for _ in range(senders))
    assert reported == count, (reported, count)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return count / timer.seconds


def _send(app, profiler, results, limit: int) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        # A forked process must not share the parent's database connections.
        db.engine.dispose(close=False)
        if profiler:
            profiler.enable()
        report = deliver_due(db.session, _event(), limit=limit)
        if profiler:
            profiler.disable()
        results.put(report.sent)


def _event():  # type: ignore[no-untyped-def]
    from rsvp.events.services import get_event

    return get_event(db.session, "bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--baseline-count", type=int, default=2_000)
    add_database_option(parser, both=False)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--senders", type=int, default=2,
                        help="sender processes at once (one per core)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="baseline and ours take turns this many times; the ratio is the "
                             "median of the rounds', so a slow spell of the machine hits both")
    args = parser.parse_args()
    rounds = 1 if args.profile else args.rounds
    senders = 1 if args.profile else args.senders
    with smtp_sink() as port, database(args.database) as url:
        app = bench_app(url, MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                        MAIL_DEFAULT_SENDER="Konferenzbüro <einladung@rsvp.example.org>")
        with app.app_context():
            event = make_event()
            import_invitees(db.session, event, people_csv(args.count))
            db.session.commit()
        bodies = rendered_bodies(app, args.baseline_count // rounds)
        queue_invitations(app)
        figures = []
        for number in range(1, rounds + 1):
            base = baseline(app, bodies)
            rate = ours(app, args.count // rounds, args.profile, senders)
            figures.append((rate, base))
            print(f"round {number}: baseline Mail.send() loop, pre-rendered: {base:.0f} msg/s "
                  f"({len(bodies)} messages); rsvp deliver_due, {args.database}, {senders} "
                  f"sender process(es), end to end: {rate:.0f} msg/s "
                  f"({args.count // rounds} messages): {rate / base:.2f}x")
        with app.app_context():
            sent = db.session.scalar(select(func.count()).select_from(Message)
                                     .where(Message.status == MessageStatus.SENT))
        assert sent == args.count // rounds * rounds, sent
    # The round with the median ratio stands for the run.
    rate, base = sorted(figures, key=lambda f: f[0] / f[1])[len(figures) // 2]
    print(f"median round: {rate:.0f} msg/s, {rate / base:.2f}x a {base:.0f} msg/s baseline")
    print(f"target: >= 1000 msg/s and >= 3x baseline: "
          f"{'met' if rate >= 1000 and rate >= 3 * base else 'MISSED'}")
    result(f"send-{args.database}", rate, "msg/s", base)


if __name__ == "__main__":
    sys.exit(main())
