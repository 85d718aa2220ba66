"""Internationalised addresses: SMTPUTF8 where the server offers it, a clear failure where not."""

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.mailing.models import Message, MessageStatus
from tests.smtp import SmtpServer


def test_a_non_ascii_mailbox_is_delivered_with_smtputf8(runner, smtp_server, create_event,
                                                        create_invitee):
    event = create_event()
    create_invitee(event, email="jürgen@beispiel.de", first_name="Jürgen", last_name="Weiß")
    result = runner.invoke(args=["send", event.slug])
    assert result.exit_code == 0, result.output
    [received] = smtp_server.received
    assert received.rcpt_tos == ["jürgen@beispiel.de"]
    assert received.message["To"].addresses[0].addr_spec == "jürgen@beispiel.de"
    assert received.message["To"].addresses[0].display_name == "Jürgen Weiß"


def test_an_idn_domain_is_sent_in_its_ascii_form_without_smtputf8(runner, smtp_server,
                                                                  create_event, create_invitee):
    event = create_event()
    create_invitee(event, email="post@müller.example")
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    [received] = smtp_server.received
    assert received.rcpt_tos == ["post@xn--mller-kva.example"]


@pytest.fixture
def smtp_server_without_smtputf8(app):
    server = SmtpServer(smtputf8=False).start()
    app.extensions["mail"].port = server.port
    yield server
    server.stop()


def test_a_non_ascii_mailbox_fails_clearly_when_the_server_lacks_smtputf8(
        runner, smtp_server_without_smtputf8, create_event, create_invitee):
    event = create_event()
    create_invitee(event, email="jürgen@beispiel.de")
    create_invitee(event, email="plain@example.org")
    result = runner.invoke(args=["send", event.slug])
    assert result.exit_code == 1
    failed = db.session.scalar(select(Message).where(Message.status == MessageStatus.FAILED))
    assert failed.recipient == "jürgen@beispiel.de"
    assert "SMTPUTF8" in failed.last_error
    assert [r.rcpt_tos for r in smtp_server_without_smtputf8.received] == [["plain@example.org"]]
