"""Fixtures for planned sends: an event whose invitations went out, and `rsvp` processes."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from rsvp.dbtypes import utcnow

RSVP = str(Path(sys.executable).with_name("rsvp"))


@pytest.fixture
def rsvp_env(app_config, smtp_server, tmp_path) -> dict[str, str]:
    """The environment of an `rsvp` subprocess on the test's database and SMTP server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSVP_")}
    env.update({"RSVP_DATABASE_URL": str(app_config["DATABASE_URL"]),
                "RSVP_SECRET_KEY": str(app_config["SECRET_KEY"]),
                "RSVP_BASE_URL": "http://rsvp.test",
                "RSVP_MAIL_PORT": str(smtp_server.port),
                "RSVP_MAIL_DEFAULT_SENDER": "einladung@rsvp.test",
                "RSVP_INSTANCE_PATH": str(tmp_path / "instance")})
    return env


def start_rsvp(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([RSVP, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


@pytest.fixture
def invited(runner, create_event, smtp_server):
    """An event of three invitees who got their invitation (the catcher is emptied after)."""
    event = create_event(invitees=3, rsvp_deadline=utcnow() + timedelta(days=7, minutes=-1))
    result = runner.invoke(args=["send", event.slug, "--kind", "invitation"])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.received) == 3
    smtp_server.clear()
    return event


def reminders(smtp_server) -> list[str]:
    """The recipients of the reminders that arrived, parsed from what the server got."""
    return sorted(r.rcpt_tos[0] for r in smtp_server.received
                  if "Erinnerung" in str(r.message["Subject"]) or
                  "Reminder" in str(r.message["Subject"]))
