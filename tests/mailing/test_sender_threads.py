"""Delivery outside the request: its own thread and app context, progress in the database."""

import os
import subprocess
import sys
import threading
import time

from rsvp.extensions import db
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.mailing.sender_threads import deliver_soon, start_delivery
from rsvp.mailing.services import queue_message, queue_messages
from rsvp.responses.models import Answer
from tests.conftest import join_background_senders
from tests.dashboard.conftest import join_deliveries, wait_until
from tests.responses.links import answer


def _confirmations(event, create_invitee, count: int) -> list[int]:
    people = [create_invitee(event, email=f"p{n}@example.org") for n in range(count)]
    ids = [queue_message(db.session, person, MessageKind.CONFIRMATION).id for person in people]
    db.session.commit()
    return ids


def _statuses(event_id: int) -> list[MessageStatus]:
    db.session.expire_all()
    return [m.status for m in db.session.query(Message).filter_by(event_id=event_id)]


def test_start_delivery_sends_the_queued_messages_from_a_thread(app, create_event, smtp_server):
    event = create_event(invitees=3)
    queue_messages(db.session, event, MessageKind.INVITATION)
    db.session.commit()
    assert start_delivery(app, event.id, MessageKind.INVITATION) is None
    wait_until(lambda: _statuses(event.id) == [MessageStatus.SENT] * 3)
    join_deliveries()
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "person1@example.org", "person2@example.org", "person3@example.org"]


def test_an_unreachable_server_leaves_everything_queued(app, create_event):
    event = create_event(invitees=2)
    queue_messages(db.session, event, MessageKind.INVITATION)
    db.session.commit()
    app.extensions["mail"].port = 1
    start_delivery(app, event.id, MessageKind.INVITATION)
    join_deliveries()
    assert _statuses(event.id) == [MessageStatus.QUEUED] * 2


def test_deliver_soon_sends_an_answers_messages_from_a_sender_thread(
        app, create_event, create_invitee, smtp_server):
    event = create_event()
    deliver_soon(app, event.id, _confirmations(event, create_invitee, 2))
    smtp_server.wait_for(2)
    join_background_senders()
    assert _statuses(event.id) == [MessageStatus.SENT] * 2
    assert len(smtp_server.received) == 2


def test_deliver_soon_keeps_a_confirmation_queued_while_the_server_is_unreachable(
        app, create_event, create_invitee, smtp_server):
    event = create_event()
    ids = _confirmations(event, create_invitee, 1)
    app.extensions["mail"].port = 1
    deliver_soon(app, event.id, ids)
    join_background_senders()
    assert _statuses(event.id) == [MessageStatus.QUEUED]
    assert smtp_server.received == []


def test_a_lingering_sender_thread_takes_the_next_confirmation_and_then_ends(
        app, create_event, create_invitee, smtp_server):
    app.config["MAIL_SENDER_LINGER"] = 1.0
    event = create_event()
    first, second = _confirmations(event, create_invitee, 2)
    deliver_soon(app, event.id, [first])
    smtp_server.wait_for(1)
    wait_until(lambda: app.extensions["rsvp_senders"].idle == 1)
    [sender] = [t for t in threading.enumerate() if t.name == "deliver-soon"]
    deliver_soon(app, event.id, [second])
    smtp_server.wait_for(2)
    assert [t for t in threading.enumerate() if t.name == "deliver-soon"] == [sender]
    join_background_senders()
    assert not sender.is_alive()
    assert _statuses(event.id) == [MessageStatus.SENT] * 2


def test_the_first_confirmation_after_a_quiet_moment_goes_out_at_once(
        app, create_event, create_invitee, smtp_server):
    app.config["MAIL_SENDER_GATHER"] = 30.0
    event = create_event()
    deliver_soon(app, event.id, _confirmations(event, create_invitee, 1))
    smtp_server.wait_for(1, timeout=10)


def test_confirmations_close_behind_a_run_wait_to_go_out_together(
        app, create_event, create_invitee, smtp_server):
    app.config["MAIL_SENDER_GATHER"] = 1.0
    event = create_event()
    first, *following = _confirmations(event, create_invitee, 3)
    deliver_soon(app, event.id, [first])
    smtp_server.wait_for(1)
    deliver_soon(app, event.id, [following[0]])
    time.sleep(0.3)
    assert len(smtp_server.received) == 1
    deliver_soon(app, event.id, [following[1]])
    received = smtp_server.wait_for(3)
    join_background_senders()
    assert received[1].peer == received[2].peer != received[0].peer
    assert _statuses(event.id) == [MessageStatus.SENT] * 3


def test_a_full_batch_goes_out_without_waiting_out_the_gathering(
        app, create_event, create_invitee, smtp_server):
    app.config.update(MAIL_SENDER_GATHER=30.0, MAIL_BATCH_SIZE=2)
    event = create_event()
    first, *following = _confirmations(event, create_invitee, 3)
    deliver_soon(app, event.id, [first])
    smtp_server.wait_for(1)
    for message_id in following:
        deliver_soon(app, event.id, [message_id])
    smtp_server.wait_for(3, timeout=10)


def test_draining_sends_what_a_thread_was_gathering(app, create_event, create_invitee,
                                                   smtp_server):
    app.config["MAIL_SENDER_GATHER"] = 30.0
    event = create_event()
    first, second = _confirmations(event, create_invitee, 2)
    deliver_soon(app, event.id, [first])
    smtp_server.wait_for(1)
    deliver_soon(app, event.id, [second])
    started = time.monotonic()
    app.extensions["rsvp_senders"].drain(10.0)
    assert time.monotonic() - started < 10.0
    assert _statuses(event.id) == [MessageStatus.SENT] * 2
    assert len(smtp_server.received) == 2


# The process answers, hands the confirmation to its sender threads and ends at once, as a
# gunicorn worker that is restarted right after a request does.
ENDING_PROCESS = """
import sys
from rsvp import create_app
from rsvp.mailing.sender_threads import deliver_soon
app = create_app({"DATABASE_URL": sys.argv[1], "MAIL_SERVER": "127.0.0.1",
                  "MAIL_PORT": int(sys.argv[2]), "SECRET_KEY": "x" * 32,
                  "BASE_URL": "http://rsvp.test"})
with app.app_context():
    deliver_soon(app, int(sys.argv[3]), [int(sys.argv[4])])
"""


def test_a_process_that_ends_first_sends_what_its_threads_hold(app, app_config, create_event,
                                                              create_invitee, smtp_server,
                                                              tmp_path):
    event = create_event()
    [message_id] = _confirmations(event, create_invitee, 1)
    subprocess.run([sys.executable, "-c", ENDING_PROCESS, str(app_config["DATABASE_URL"]),
                    str(smtp_server.port), str(event.id), str(message_id)], check=True,
                   timeout=60, env={**os.environ, "RSVP_INSTANCE_PATH": str(tmp_path / "i")})
    assert len(smtp_server.received) == 1
    assert _statuses(event.id) == [MessageStatus.SENT]


def test_an_answer_is_saved_and_its_confirmation_stays_queued_when_the_broker_is_away(
        app_config, request):
    # Nothing listens on port 1: the publish fails after the answer's commit. The app is
    # made after this change of its settings.
    app_config.update(CELERY_BROKER_URL="redis://127.0.0.1:1/0", CELERY_QUEUE="rsvp-nowhere")
    app = request.getfixturevalue("app")
    invitee = request.getfixturevalue("create_invitee")(
        request.getfixturevalue("create_event")())
    response = answer(app.test_client(), invitee)
    app.extensions["rsvp_senders"].drain(30.0)
    assert response.status_code == 303
    db.session.expire_all()
    assert invitee.response.answer is Answer.ACCEPTED
    assert _statuses(invitee.event_id) == [MessageStatus.QUEUED]
