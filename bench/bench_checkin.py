"""The door at 10,000 accepted invitees, on SQLite and PostgreSQL.

Measures door_search (the check-in page's search by name or organisation, with each person's
answer and standing check-in) and check_in itself, half the people already in. Baseline: a
bare ``SELECT count(*)`` of the event's invitees, measured in the same run. Target: search
within 100 ms p95.
"""

import argparse

from sqlalchemy import func, insert, select, text

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
from rsvp.checkin.models import CheckIn
from rsvp.checkin.operations import check_in
from rsvp.checkin.queries import door_search
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.invitees.services import import_invitees
from rsvp.outcome import SYSTEM
from rsvp.responses.models import Answer, Response

ROWS = 10_000


def fill(event) -> list[int]:  # type: ignore[no-untyped-def]
    """Everyone accepted with one guest; every second person already checked in."""
    import_invitees(db.session, event, people_csv(ROWS))
    ids = list(db.session.scalars(select(Invitee.id).where(Invitee.event_id == event.id)))
    db.session.execute(insert(Response), [
        {"invitee_id": i, "event_id": event.id, "answer": Answer.ACCEPTED, "guests": 1}
        for i in ids])
    db.session.execute(insert(CheckIn), [
        {"invitee_id": i, "event_id": event.id, "guests": 1, "via": "cli"} for i in ids[::2]])
    db.session.commit()
    return ids[1::2]


def run(kind: str) -> tuple[float, float, float]:
    with database(kind) as url:
        app = bench_app(url)
        with app.app_context():
            event = make_event()
            with Timer() as setup:
                waiting = fill(event)
            if kind == "postgresql":
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            print(f"[{kind}] {ROWS} accepted invitees set up in {setup.seconds:.1f} s")
            count = select(func.count()).select_from(Invitee).where(Invitee.event_id == event.id)
            base = p95(lambda: db.session.scalar(count))
            by_name = p95(lambda: door_search(db.session, event.id, "nachname4711"))
            by_org = p95(lambda: door_search(db.session, event.id, "Organisation 42"))
            people = iter(db.session.get(Invitee, i) for i in waiting)
            door = p95(lambda: (check_in(db.session, SYSTEM, next(people)), db.session.commit()))
        print(f"[{kind}] baseline count(*) p95 {base:.1f} ms; search by name p95 {by_name:.1f} ms;"
              f" by organisation p95 {by_org:.1f} ms (target < 100 ms); check_in + commit p95 "
              f"{door:.1f} ms")
        return base, max(by_name, by_org), door


def main() -> None:
    parser = argparse.ArgumentParser()
    add_database_option(parser)
    args = parser.parse_args()
    for kind in database_kinds(args.database):
        base, search, door = run(kind)
        result(f"checkin-search-{kind}", search, "ms p95", base, higher_is_better=False)
        result(f"checkin-{kind}", door, "ms p95", base, higher_is_better=False)


if __name__ == "__main__":
    main()
