"""RSVP_MAIL_MAX_RATE holds across separate sender processes sharing one Redis schedule."""

import re
import subprocess
from itertools import pairwise

from tests.scale.conftest import RSVP, worker_env

#: How long a slot nobody took stays usable (the limiter's catch-up at 20 a second). A longer
#: pause between two arrivals is the machine's, such as a stalled fsync, not the limiter's: it
#: never holds a sender back longer than the senders ahead of it in the schedule.
CATCH_UP = 0.5


def sending_time(arrivals: list[float]) -> tuple[float, list[float]]:
    """From the first arrival to the last, less what pauses beyond the catch-up lost; and
    those pauses."""
    pauses = [b - a for a, b in pairwise(arrivals) if b - a > CATCH_UP]
    return arrivals[-1] - arrivals[0] - sum(pause - CATCH_UP for pause in pauses), pauses


def test_two_senders_together_keep_within_ten_percent_of_the_max_rate(app, app_config,
                                                                      smtp_server, create_event,
                                                                      import_people, tmp_path):
    event = create_event()
    import_people(event, 100)
    env = worker_env(app_config, tmp_path / "instance")
    env.update(RSVP_MAIL_MAX_RATE="20", RSVP_MAIL_RATE_URL=str(app_config["CELERY_BROKER_URL"]),
               RSVP_MAIL_BATCH_SIZE="10")
    senders = [subprocess.Popen([RSVP, "send", event.slug], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [sender.communicate(timeout=60)[0] for sender in senders]
    arrivals = sorted(r.at for r in smtp_server.received)
    assert len(arrivals) == 100, outputs
    assert len({r.rcpt_tos[0] for r in smtp_server.received}) == 100
    sent = [int(re.search(r"(\d+) sent,", out).group(1)) for out in outputs]
    assert sum(sent) == 100 and min(sent) > 0, outputs
    seconds, pauses = sending_time(arrivals)
    assert len(pauses) <= 2, f"the senders paused {len(pauses)} times: {pauses}"
    rate = (len(arrivals) - 1) / seconds
    assert 18 <= rate <= 22, f"{rate:.1f} messages/s, pauses {pauses}"
