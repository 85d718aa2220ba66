"""Does the time a forged link takes tell whether its invitee id exists?

Forged tokens (signed with another key) for invitees that exist and for ids that do not,
interleaved, each through the whole invitee page. The baseline is the missing-id time;
a ratio near 1.00x means the answer time says nothing about which ids exist.
"""

import statistics
import time

from itsdangerous import URLSafeSerializer

from bench.common import bench_app, database, people_csv, result
from rsvp.events.services import create_event
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.invitees.services import import_invitees

ROUNDS = 3000


def main() -> None:
    with database("sqlite") as url:
        app = bench_app(url, TESTING=True)
        with app.app_context():
            event = create_event(db.session, {
                "slug": "timing", "title": "Timing", "starts_at": "2027-11-22T12:00",
                "ends_at": "2027-11-22T17:00"})
            import_invitees(db.session, event, people_csv(1000))
            db.session.commit()
            existing = [(i.id, i.nonce) for i in db.session.scalars(db.select(Invitee))]
        forger = URLSafeSerializer("not-the-app-key", salt="rsvp.link.v1")
        present = [forger.dumps([i, n]) for i, n in existing]
        absent = [forger.dumps([i + 100_000, n]) for i, n in existing]
        client = app.test_client()
        times: dict[str, list[float]] = {"present": [], "absent": []}
        for round_ in range(ROUNDS):
            for name, tokens in (("present", present), ("absent", absent)):
                token = tokens[round_ % len(tokens)]
                start = time.perf_counter()
                status = client.get(f"/r/{token}").status_code
                times[name].append(time.perf_counter() - start)
                assert status == 404
    present_us = statistics.median(times["present"]) * 1e6
    absent_us = statistics.median(times["absent"]) * 1e6
    print(f"median over {ROUNDS} forged links each: existing id {present_us:.1f} us, "
          f"missing id {absent_us:.1f} us")
    result("token_timing", present_us, "us", absent_us, higher_is_better=False)


if __name__ == "__main__":
    main()
