"""Name badges and the participant list for 10,000 accepted invitees (SQLite).

Measures building the badge PDF (A4 label sheets: a QR code and fitted texts per badge,
from the query on) and the participant list PDF. Baseline, in the same run: the same query
and a plain text dump of every participant with their check-in code, so the figures say
what the PDF itself costs. Target: the badges in under 30 s. The CPU time is printed too:
on a shared machine the wall clock measures the neighbours as well.
"""

import io
import time

from sqlalchemy import insert, select

from bench.bench_send import make_event
from bench.common import Timer, bench_app, database, people_csv, result
from rsvp.checkin.badges import LABELS, badges_of, badges_pdf
from rsvp.checkin.participant_list import list_sheet, participants_pdf
from rsvp.checkin.participants import list_options, participants
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.invitees.services import import_invitees
from rsvp.responses.models import Answer, Response
from rsvp.tokens import checkin_code_of

ROWS = 10_000


def fill(event) -> None:  # type: ignore[no-untyped-def]
    """Everyone accepted with one guest."""
    import_invitees(db.session, event, people_csv(ROWS))
    ids = list(db.session.scalars(select(Invitee.id).where(Invitee.event_id == event.id)))
    db.session.execute(insert(Response), [
        {"invitee_id": i, "event_id": event.id, "answer": Answer.ACCEPTED, "guests": 1}
        for i in ids])
    db.session.commit()


def text_dump(event) -> int:  # type: ignore[no-untyped-def]
    """The baseline: every participant and their code as a line of text."""
    out = io.StringIO()
    for person in participants(db.session, event):
        out.write(f"{person.titled_name}\t{person.organisation}\t"
                  f"{checkin_code_of(person.invitee_id, person.nonce)}\n")
    return len(out.getvalue())


def main() -> None:
    with database("sqlite") as url:
        app = bench_app(url)
        with app.app_context():
            event = make_event()
            fill(event)
            with Timer() as base:
                text_dump(event)
            cpu = time.process_time()
            with Timer() as badges:
                pdf = badges_pdf(event.title, list(badges_of(participants(db.session, event))),
                                 LABELS)
            cpu = time.process_time() - cpu
            options = list_options(signature=True)
            with Timer() as listing:
                sheet = list_sheet(event, participants(db.session, event), options, "de")
                listed = participants_pdf(event, sheet, options, "de")
        print(f"[sqlite] {ROWS} accepted: text dump {base.seconds:.2f} s; badges (A4 labels) "
              f"{badges.seconds:.1f} s ({cpu:.1f} s of CPU), {len(pdf) / 1e6:.1f} MB "
              f"(target < 30 s); participant list with signature column "
              f"{listing.seconds:.1f} s, {len(listed) / 1e6:.1f} MB")
        result("badges-10000", badges.seconds, "s", base.seconds, higher_is_better=False)
        result("participant-list-10000", listing.seconds, "s", base.seconds,
               higher_is_better=False)


if __name__ == "__main__":
    main()
