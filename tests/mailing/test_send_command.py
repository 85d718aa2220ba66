"""`rsvp send`: who gets what, once, and what the messages look like on the wire."""

import signal
import subprocess
import sys
import time
from collections import Counter

from sqlalchemy import select

from rsvp.bounces.verp import return_path
from rsvp.extensions import db
from rsvp.mailing.models import Message, MessageStatus
from rsvp.responses.models import Actor
from rsvp.responses.services import record_answer


def test_each_invitation_is_multipart_with_text_html_and_proper_headers(runner, smtp_server,
                                                                       create_event,
                                                                       create_invitee):
    event = create_event()
    create_invitee(event, email="petra@example.org", first_name="Petra", last_name="Potz")
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    [received] = smtp_server.received
    message = received.message
    assert message.get_content_type() in ("multipart/alternative", "multipart/mixed")
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    assert message["Message-ID"].endswith("@rsvp.test>")
    assert message["Date"]
    assert message["From"].addresses[0].display_name == "Konferenzbüro"
    assert message["To"].addresses[0].display_name == "Petra Potz"
    assert message["Reply-To"].addresses[0].addr_spec == "kontakt@example.org"
    stored = db.session.scalar(select(Message))
    assert received.mail_from == return_path(stored.id)
    assert received.mail_from.startswith(f"einladung+{stored.id}.")
    assert stored.message_id == message["Message-ID"].strip("<>")
    assert stored.status is MessageStatus.SENT and stored.sent_at is not None


def test_user_data_cannot_inject_headers(runner, smtp_server, create_event, create_invitee):
    event = create_event(title="Konferenz\r\nBcc: opfer@example.net",
                         contact_name="Petra\nBcc: x@example.net")
    create_invitee(event, email="ann@example.org", first_name="Ann\r\nX-Injected: yes")
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    [received] = smtp_server.received
    assert received.rcpt_tos == ["ann@example.org"]
    assert received.message["Bcc"] is None and received.message["X-Injected"] is None
    assert "Konferenz Bcc: opfer@example.net" in received.message["Subject"]


def test_limit_sends_only_that_many_and_the_next_run_sends_the_rest(runner, smtp_server,
                                                                   create_event):
    event = create_event(invitees=5)
    first = runner.invoke(args=["send", event.slug, "--limit", "2"])
    assert "2 sent" in first.output
    runner.invoke(args=["send", event.slug])
    assert sorted(Counter(r.rcpt_tos[0] for r in smtp_server.received).values()) == [1] * 5


def test_a_dry_run_sends_and_records_nothing(runner, smtp_server, create_event):
    event = create_event(invitees=3)
    result = runner.invoke(args=["send", event.slug, "--dry-run"])
    assert "3 would be sent" in result.output
    assert smtp_server.messages == []
    assert db.session.scalar(select(Message)) is None


def test_reminders_go_only_to_those_invited_who_have_not_answered(runner, smtp_server,
                                                                 create_event, create_invitee):
    event = create_event()
    answered = create_invitee(event, email="answered@example.org")
    create_invitee(event, email="silent@example.org")
    runner.invoke(args=["send", event.slug])
    record_answer(db.session, answered, "declined", actor=Actor.INVITEE)
    db.session.commit()
    late = create_invitee(event, email="late@example.org")  # added after the invitations went out
    smtp_server.clear()
    result = runner.invoke(args=["send", event.slug, "--kind", "reminder"])
    assert result.exit_code == 0, result.output
    assert [r.rcpt_tos for r in smtp_server.received] == [["silent@example.org"]]
    assert "Erinnerung" in smtp_server.messages[0]["Subject"]
    assert late.email not in str(smtp_server.received)


def test_an_unreachable_smtp_server_is_a_clear_error_and_loses_nothing(app, runner,
                                                                      smtp_server, create_event):
    event = create_event(invitees=2)
    app.config["MAIL_PORT"] = 1  # nothing listens there
    app.extensions["mail"].port = 1
    result = runner.invoke(args=["send", event.slug])
    assert result.exit_code == 1
    assert "cannot reach the SMTP server 127.0.0.1:1" in result.output
    app.extensions["mail"].port = smtp_server.port
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    assert len(smtp_server.messages) == 2


def test_a_permanent_rejection_is_recorded_with_the_servers_reply(runner, smtp_server,
                                                                 create_event, create_invitee):
    event = create_event()
    create_invitee(event, email="gone@example.org")
    create_invitee(event, email="here@example.org")
    smtp_server.handler.rcpt_reply = (
        lambda rcpt: "550 5.1.1 User unknown" if rcpt.startswith("gone") else None)
    result = runner.invoke(args=["send", event.slug])
    assert result.exit_code == 1
    assert "gone@example.org: 550 5.1.1 User unknown" in result.output
    failed = db.session.scalar(select(Message).where(Message.status == MessageStatus.FAILED))
    assert failed.recipient == "gone@example.org" and failed.last_error.startswith("550")


def test_a_send_killed_midway_resumes_without_sending_anyone_twice_unflagged(
        sender_env, smtp_server, create_event):
    event = create_event(invitees=30)
    smtp_server.handler.data_delay = 0.05
    env = sender_env
    command = [sys.executable, "-m", "rsvp.cli", "send", event.slug]
    sender = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while len(smtp_server.received) < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    sender.send_signal(signal.SIGKILL)
    sender.wait()
    interrupted_at = len(smtp_server.received)
    assert 10 <= interrupted_at < 30

    subprocess.run(command, env=env, check=True, capture_output=True)

    per_address = Counter(r.rcpt_tos[0] for r in smtp_server.received)
    assert set(per_address) == {f"person{i}@example.org" for i in range(1, 31)}
    twice = {address for address, n in per_address.items() if n > 1}
    db.session.expire_all()
    flagged = {m.recipient for m in db.session.scalars(
        select(Message).where(Message.maybe_duplicate.is_(True)))}
    assert max(per_address.values()) <= 2
    assert twice <= flagged and len(flagged) <= 1
