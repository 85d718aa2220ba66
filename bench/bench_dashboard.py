"""Dashboard and export at 100,000 invitees, on SQLite and PostgreSQL.

Measures the service functions the pages call: event_stats (the dashboard's figures),
invitee_page (a filtered, sorted list page) and export_rows (streamed). Baseline: a bare
``SELECT count(*)`` of the event's invitees, and fetching three columns of every row.
"""

import argparse
import resource

from sqlalchemy import func, select, text, update

from bench.bench_send import make_event
from bench.common import (
    Timer,
    add_database_option,
    bench_app,
    database,
    database_kinds,
    p95,
    people_csv,
    result,
)
from rsvp.dashboard.queries import InviteeFilter, invitee_page
from rsvp.events.stats import event_stats
from rsvp.extensions import db
from rsvp.invitees.export import csv_lines, export_rows
from rsvp.invitees.models import Invitee
from rsvp.invitees.services import import_invitees
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.mailing.services import queue_messages

ROWS = 100_000


def fill(event) -> None:  # type: ignore[no-untyped-def]
    import_invitees(db.session, event, people_csv(ROWS))
    db.session.commit()
    queue_messages(db.session, event, MessageKind.INVITATION)
    db.session.execute(update(Message).where(Message.id % 50 != 0)
                       .values(status=MessageStatus.SENT))
    db.session.commit()


def run(kind: str) -> tuple[float, float, float, float, float]:
    with database(kind) as url:
        app = bench_app(url)
        with app.app_context():
            event = make_event()
            with Timer() as setup:
                fill(event)
            if kind == "postgresql":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            print(f"[{kind}] {ROWS} invitees and invitations set up in {setup.seconds:.1f} s")
            count = select(func.count()).select_from(Invitee).where(Invitee.event_id == event.id)
            base = p95(lambda: db.session.scalar(count))
            stats = p95(lambda: event_stats(db.session, event))
            flt = InviteeFilter(q="Nachname12", delivery="sent", sort="name")
            listing = p95(lambda: invitee_page(db.session, event, flt))
            plain = InviteeFilter(sort="name", page=7)
            listing_plain = p95(lambda: invitee_page(db.session, event, plain))
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            with Timer() as export:
                lines = sum(1 for _ in csv_lines(export_rows(db.session, event)))
            grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
            with Timer() as raw:
                db.session.execute(select(Invitee.email, Invitee.first_name, Invitee.last_name)
                                   .where(Invitee.event_id == event.id)).all()
        print(f"[{kind}] baseline count(*) p95 {base:.1f} ms; event_stats p95 {stats:.1f} ms; "
              f"list page (search+filter+sort) p95 {listing:.1f} ms; "
              f"list page 7 p95 {listing_plain:.1f} ms (target < 100 ms)")
        print(f"[{kind}] export {lines - 1} rows in {export.seconds:.2f} s (target < 5 s), "
              f"peak memory grew {grown:.0f} MB; baseline fetch of 3 columns "
              f"{raw.seconds:.2f} s")
        return base, stats, max(listing, listing_plain), export.seconds, raw.seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    add_database_option(parser)
    args = parser.parse_args()
    for kind in database_kinds(args.database):
        base, stats, listing, export, raw = run(kind)
        result(f"dashboard-stats-{kind}", stats, "ms p95", base, higher_is_better=False)
        result(f"dashboard-list-{kind}", listing, "ms p95", base, higher_is_better=False)
        result(f"export-{kind}", ROWS / export, "rows/s", ROWS / raw)


if __name__ == "__main__":
    main()
