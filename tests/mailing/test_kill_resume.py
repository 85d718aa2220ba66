"""The sender killed with SIGKILL at random points, 20 times in a row, then run to the end."""

import random
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import insert, select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee, new_nonce
from rsvp.mailing.models import Message

INVITEES = 1000
KILLS = 20


@pytest.fixture
def big_event(create_event):
    event = create_event()
    db.session.execute(insert(Invitee), [
        {"event_id": event.id, "email": f"gast{i}@example.org", "email_key": f"gast{i}@example.org",
         "first_name": "Gast", "last_name": str(i), "nonce": new_nonce()}
        for i in range(INVITEES)])
    db.session.commit()
    return event


def test_twenty_kills_lose_no_invitation_and_every_duplicate_is_flagged(
        sender_env, big_event, smtp_server):
    env = sender_env
    command = [sys.executable, "-m", "rsvp.cli", "send", big_event.slug]
    chance = random.Random(20261125)
    kills = 0
    for _ in range(KILLS):
        before = len(smtp_server.received)
        if before >= INVITEES:
            break
        sender = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        target = before + chance.randint(1, 40)
        deadline = time.monotonic() + 30
        while len(smtp_server.received) < target and time.monotonic() < deadline:
            if sender.poll() is not None:
                break
            time.sleep(0.002)
        time.sleep(chance.random() * 0.02)
        sender.send_signal(signal.SIGKILL)
        sender.wait()
        kills += 1
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr

    per_address = Counter(r.rcpt_tos[0] for r in smtp_server.received)
    assert len(per_address) == INVITEES, "an invitee is missing the invitation"
    assert max(per_address.values()) <= 2
    twice = {address for address, n in per_address.items() if n == 2}
    db.session.expire_all()
    flagged = set(db.session.scalars(select(Message.recipient).where(
        Message.maybe_duplicate.is_(True))))
    assert len(twice) <= kills
    assert twice <= flagged, "a duplicate the organiser cannot see"
    print(f"\n{kills} kills, {len(smtp_server.received)} messages received, "
          f"{len(twice)} duplicates, {len(flagged)} flagged")
