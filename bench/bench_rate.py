"""Send rate: two `rsvp send` processes sharing RSVP_MAIL_MAX_RATE through Redis for a minute.

The baseline is the configured rate itself: the ratio says how close the two senders
together came to it (the target is within 10% over the minute).
"""

import os
import subprocess
import sys

from sqlalchemy import func, select

from bench.bench_send import make_event
from bench.common import Timer, bench_app, database, people_csv, result, smtp_sink
from rsvp.extensions import db
from rsvp.invitees.services import import_invitees
from rsvp.mailing.models import Message

RATE = 50
SECONDS = 60
REDIS_URL = os.environ.get("RSVP_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def main() -> None:
    count = RATE * SECONDS
    with smtp_sink() as port, database("sqlite") as url:
        app = bench_app(url)
        with app.app_context():
            event = make_event()
            import_invitees(db.session, event, people_csv(count))
            db.session.commit()
        env = {**os.environ, "RSVP_DATABASE_URL": url, "RSVP_SECRET_KEY": app.config["SECRET_KEY"],
               "RSVP_MAIL_PORT": str(port), "RSVP_MAIL_MAX_RATE": str(RATE),
               "RSVP_MAIL_RATE_URL": REDIS_URL, "RSVP_MAIL_BATCH_SIZE": "20"}
        rsvp = os.path.join(os.path.dirname(sys.executable), "rsvp")
        with Timer() as timer:
            senders = [subprocess.Popen([rsvp, "send", "bench"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                       for _ in range(2)]
            for sender in senders:
                sender.wait()
        with app.app_context():
            sent, first, last = db.session.execute(
                select(func.count(), func.min(Message.sent_at), func.max(Message.sent_at))
                .where(Message.status == "sent")).one()
    achieved = (sent - 1) / (last - first).total_seconds()
    print(f"configured rate {RATE} msg/s; two senders sent {sent} in {timer.seconds:.1f} s; "
          f"achieved {achieved:.2f} msg/s between the first and last message "
          f"({(achieved / RATE - 1):+.1%}; target within 10%)")
    result("send-rate", achieved, "msg/s", RATE)


if __name__ == "__main__":
    main()
