"""An answer's messages that no sender took (its process was killed first): the tick hands
them out again, and leaves alone what a sender has or may still have."""

import os
import signal
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import update

from rsvp.dbtypes import utcnow
from rsvp.extensions import db
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.mailing.services import queue_messages
from rsvp.responses.operations import answer_by_link
from rsvp.tokens import make_token


def _answered_without_a_sender(invitee, minutes_ago: float = 10) -> Message:
    """The invitee accepts; the process dies before any sender runs (nothing dispatched)."""
    [message_id] = answer_by_link(db.session, invitee, "accepted").message_ids
    db.session.execute(update(Message).where(Message.id == message_id)
                       .values(queued_at=utcnow() - timedelta(minutes=minutes_ago)))
    db.session.commit()
    return db.session.get(Message, message_id)


def _status(message: Message) -> MessageStatus:
    db.session.expire_all()
    return db.session.get(Message, message.id).status


def test_a_tick_sends_a_confirmation_no_sender_took(runner, create_event, create_invitee,
                                                    smtp_server):
    invitee = create_invitee(create_event(), email="vergessen@example.org")
    confirmation = _answered_without_a_sender(invitee)
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert "1 answers' messages that no sender took are sent now." in result.output
    assert [r.rcpt_tos for r in smtp_server.received] == [["vergessen@example.org"]]
    assert _status(confirmation) is MessageStatus.SENT


def test_a_confirmation_queued_a_moment_ago_is_left_to_its_sender(runner, create_event,
                                                                  create_invitee, smtp_server):
    confirmation = _answered_without_a_sender(create_invitee(create_event()), minutes_ago=1)
    runner.invoke(args=["tick"])
    assert smtp_server.received == []
    assert _status(confirmation) is MessageStatus.QUEUED


def test_a_confirmation_a_sender_has_tried_waits_for_its_retry(runner, create_event,
                                                               create_invitee, smtp_server):
    confirmation = _answered_without_a_sender(create_invitee(create_event()))
    db.session.execute(update(Message).where(Message.id == confirmation.id).values(attempts=1))
    db.session.commit()
    runner.invoke(args=["tick"])
    assert smtp_server.received == []


def test_invitations_queued_long_ago_are_left_to_their_send(runner, create_event, smtp_server):
    event = create_event(invitees=2)
    queue_messages(db.session, event, MessageKind.INVITATION)
    db.session.execute(update(Message).values(queued_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    runner.invoke(args=["tick"])
    assert smtp_server.received == []


# Answers twice and is killed while its sender thread gathers the second confirmation, as a
# gunicorn worker ended by SIGKILL (out of memory, a deploy's hard stop) would be.
KILLED_PROCESS = """
import os, re, signal, sys, time
from rsvp import create_app
from rsvp.extensions import db
from rsvp.mailing.models import Message, MessageStatus
app = create_app({"DATABASE_URL": sys.argv[1], "MAIL_SERVER": "127.0.0.1",
                  "MAIL_PORT": int(sys.argv[2]), "SECRET_KEY": sys.argv[3],
                  "BASE_URL": "http://rsvp.test", "MAIL_SENDER_GATHER": 30.0,
                  "RATELIMIT_ENABLED": False})
client = app.test_client()


def answer(what):
    page = client.get(sys.argv[4]).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    status = client.post(sys.argv[4], data={"csrf_token": token, "response": what,
                                            "guests": "0", "comment": ""}).status_code
    assert status == 303, status


answer("accepted")
with app.app_context():
    while not db.session.query(Message).filter_by(status=MessageStatus.SENT).count():
        db.session.rollback()
        time.sleep(0.05)
answer("declined")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_confirmation_a_killed_process_held_goes_out_with_a_later_tick(
        app, app_config, runner, create_event, create_invitee, smtp_server, tmp_path):
    invitee = create_invitee(create_event(), email="gast@example.org")
    db.session.commit()
    process = subprocess.run(
        [sys.executable, "-c", KILLED_PROCESS, str(app_config["DATABASE_URL"]),
         str(smtp_server.port), str(app_config["SECRET_KEY"]), f"/r/{make_token(invitee)}"],
        timeout=60, env={**os.environ, "RSVP_INSTANCE_PATH": str(tmp_path / "i")},
        capture_output=True, text=True)
    assert process.returncode == -signal.SIGKILL, process.stderr
    assert len(smtp_server.received) == 1
    db.session.expire_all()
    assert [m.status for m in db.session.query(Message).order_by(Message.id)] == [
        MessageStatus.SENT, MessageStatus.QUEUED]
    app.config["MAIL_STRANDED_AFTER"] = 0
    result = runner.invoke(args=["tick"])
    assert "1 answers' messages that no sender took are sent now." in result.output
    assert len(smtp_server.received) == 2
    db.session.expire_all()
    assert {m.status for m in db.session.query(Message)} == {MessageStatus.SENT}
