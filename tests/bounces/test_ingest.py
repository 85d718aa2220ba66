"""Bounces as Postfix, Exim and Exchange send them, taken in from files and Maildirs."""

import mailbox
from pathlib import Path

import pytest
from sqlalchemy import select

from rsvp.bounces.services import ingest_bounces
from rsvp.bounces.verp import message_id_from_return_path, return_path
from rsvp.extensions import db
from rsvp.mailing.models import Message

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def sent(runner, create_event, create_invitee, smtp_server):
    """An event whose invitations went out; returns {address: logged message}."""
    event = create_event()
    for address in ("weg@example.org", "da@example.org"):
        create_invitee(event, email=address)
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    return {m.recipient: m for m in db.session.scalars(select(Message))}


def sample(name: str, message: Message, *, verp: bool = True) -> bytes:
    text = (SAMPLES / name).read_text()
    address = return_path(message.id) if verp else "einladung@rsvp.test"
    return text.format(return_path=address, recipient=message.recipient,
                       message_id=message.message_id).encode()


def test_the_return_path_names_its_message_and_cannot_be_forged(app):
    assert message_id_from_return_path(return_path(42)) == 42
    forged = return_path(42).replace("+42.", "+43.")
    assert message_id_from_return_path(forged) is None
    assert message_id_from_return_path("someone@example.org") is None


@pytest.mark.parametrize("name", ["postfix.eml", "exim.eml", "exchange.eml"])
def test_a_permanent_bounce_marks_the_invitee_with_the_reason(sent, name):
    message = sent["weg@example.org"]
    report = ingest_bounces(db.session, [(name, sample(name, message))])
    db.session.commit()
    assert [r for r, _ in report.marked] == ["weg@example.org"]
    invitee = message.invitee
    assert invitee.bounced_at is not None and message.bounced_at is not None
    assert invitee.bounce_reason.startswith("5.1.1") or invitee.bounce_reason.startswith("5.1.10")
    assert "550" in invitee.bounce_reason
    assert sent["da@example.org"].invitee.bounced_at is None


@pytest.mark.parametrize("name", ["postfix.eml", "exim.eml", "exchange.eml"])
def test_without_the_return_path_the_quoted_message_id_still_finds_the_message(sent, name):
    message = sent["weg@example.org"]
    report = ingest_bounces(db.session, [(name, sample(name, message, verp=False))])
    assert [r for r, _ in report.marked] == ["weg@example.org"]


def test_delays_and_out_of_office_replies_mark_nobody(sent):
    message = sent["weg@example.org"]
    report = ingest_bounces(db.session, [("delayed.eml", sample("delayed.eml", message)),
                                         ("ooo.eml", sample("out_of_office.eml", message))])
    assert (report.marked, report.delayed, report.not_bounces) == ([], 1, 1)
    assert message.invitee.bounced_at is None


def test_a_bounce_for_someone_we_never_wrote_to_is_reported_as_unmatched(sent):
    message = sent["weg@example.org"]
    raw = sample("postfix.eml", message, verp=False).replace(
        message.message_id.encode(), b"unknown@elsewhere.example")
    report = ingest_bounces(db.session, [("stray.eml", raw)])
    assert report.marked == [] and report.unmatched == ["stray.eml: weg@example.org"]


def test_the_command_reads_a_maildir(runner, sent, tmp_path):
    box = mailbox.Maildir(str(tmp_path / "Maildir"), create=True)
    box.add(sample("exim.eml", sent["weg@example.org"]))
    box.add(sample("delayed.eml", sent["da@example.org"]))
    result = runner.invoke(args=["bounces", "ingest", str(tmp_path / "Maildir")])
    assert result.exit_code == 0, result.output
    assert "1 invitees marked bounced, 1 delays ignored" in result.output
    assert "bounced: weg@example.org: 5.1.1 550" in result.output


def test_the_bounce_of_a_real_send_arrives_back_at_its_return_path(sent, smtp_server):
    received = {r.rcpt_tos[0]: r for r in smtp_server.received}
    message = sent["weg@example.org"]
    assert message_id_from_return_path(received["weg@example.org"].mail_from) == message.id


def test_reminders_skip_bounced_invitees(runner, sent, smtp_server):
    ingest_bounces(db.session, [("b.eml", sample("postfix.eml", sent["weg@example.org"]))])
    db.session.commit()
    smtp_server.clear()
    slug = sent["weg@example.org"].invitee.event.slug
    assert runner.invoke(args=["send", slug, "--kind", "reminder"]).exit_code == 0
    assert [r.rcpt_tos for r in smtp_server.received] == [["da@example.org"]]


def test_correcting_a_bounced_address_clears_the_bounce(sent):
    message = sent["weg@example.org"]
    ingest_bounces(db.session, [("b.eml", sample("postfix.eml", message))])
    message.invitee.email = "neu@example.org"
    db.session.commit()
    assert message.invitee.bounced_at is None and message.invitee.bounce_reason == ""
