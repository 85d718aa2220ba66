"""A mailbox that refuses at send time marks the invitee undeliverable, as a bounce would."""

import csv
import io
import json

from sqlalchemy import select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind, MessageStatus

GONE = "person1@example.org"
UNKNOWN = f"550 5.1.1 <{GONE}>: Recipient address rejected: mailbox unavailable"


def refuse(address: str, reply: str):
    """An rcpt_reply hook refusing one address, always."""
    return lambda rcpt: reply if rcpt == address else None


def invitee(address: str) -> Invitee:
    db.session.expire_all()
    return db.session.scalar(select(Invitee).where(Invitee.email == address))


def messages_to(address: str) -> list[Message]:
    return list(db.session.scalars(select(Message).join(Invitee)
                                   .where(Invitee.email == address).order_by(Message.id)))


def test_a_550_5_1_1_at_rcpt_marks_the_invitee_undeliverable_with_the_reply(
        runner, smtp_server, create_event):
    event = create_event(invitees=3)
    smtp_server.handler.rcpt_reply = refuse(GONE, UNKNOWN)
    runner.invoke(args=["send", event.slug])
    gone = invitee(GONE)
    assert gone.bounced_at is not None and gone.bounce_reason == UNKNOWN
    [message] = messages_to(GONE)
    assert message.status is MessageStatus.FAILED and message.bounced_at == gone.bounced_at
    assert invitee("person2@example.org").bounced_at is None


def test_the_next_kind_is_not_sent_to_an_address_a_mailbox_refused(runner, smtp_server,
                                                                   create_event):
    event = create_event(invitees=2)
    smtp_server.handler.rcpt_reply = refuse(GONE, UNKNOWN)
    runner.invoke(args=["send", event.slug, "--kind", "save-the-date"])
    smtp_server.handler.rcpt_reply = None
    result = runner.invoke(args=["send", event.slug, "--kind", "invitation"])
    assert result.exit_code == 0, result.output
    assert smtp_server.to(GONE) == []
    assert [m.kind for m in messages_to(GONE)] == [MessageKind.SAVE_THE_DATE]
    assert len(smtp_server.to("person2@example.org")) == 2


def test_a_refusal_at_the_end_of_the_data_marks_the_invitee_too(runner, smtp_server,
                                                                create_event):
    event = create_event(invitees=2)
    smtp_server.handler.data_reply = lambda rcpts: (
        "554 5.1.1 RESOLVER.ADR.RecipNotFound; not found" if GONE in rcpts else None)
    runner.invoke(args=["send", event.slug])
    assert invitee(GONE).bounce_reason == "554 5.1.1 RESOLVER.ADR.RecipNotFound; not found"
    assert invitee("person2@example.org").bounced_at is None


def test_a_policy_refusal_fails_the_message_without_marking_the_invitee(runner, smtp_server,
                                                                        create_event):
    event = create_event(invitees=2)
    spam = "550 5.7.1 Message rejected as spam by content filter"
    smtp_server.handler.rcpt_reply = refuse(GONE, spam)
    runner.invoke(args=["send", event.slug, "--kind", "save-the-date"])
    [message] = messages_to(GONE)
    assert message.status is MessageStatus.FAILED and message.last_error == spam
    assert invitee(GONE).bounced_at is None
    smtp_server.handler.rcpt_reply = None
    runner.invoke(args=["send", event.slug, "--kind", "invitation"])
    assert len(smtp_server.to(GONE)) == 1


def test_a_451_is_still_retried_and_marks_nobody(runner, smtp_server, create_event):
    event = create_event(invitees=1)
    seen: list[str] = []

    def later_once(rcpt: str) -> str | None:
        seen.append(rcpt)
        return "451 4.2.1 Mailbox busy, try later" if len(seen) == 1 else None
    smtp_server.handler.rcpt_reply = later_once
    runner.invoke(args=["send", event.slug])
    [message] = messages_to(GONE)
    assert message.status is MessageStatus.SENT and message.attempts == 2
    assert invitee(GONE).bounced_at is None


def test_stats_count_the_undeliverable_and_the_failed_reminder(runner, smtp_server,
                                                               create_event):
    event = create_event(invitees=3)
    runner.invoke(args=["send", event.slug])
    smtp_server.handler.rcpt_reply = refuse(GONE, UNKNOWN)
    runner.invoke(args=["send", event.slug, "--kind", "reminder"])
    figures = json.loads(runner.invoke(args=["stats", event.slug, "--json"]).output)
    assert figures["undeliverable"] == 1
    assert figures["failed_by_kind"] == {"reminder": 1}
    assert (figures["sent"], figures["failed"]) == (3, 0)
    text = runner.invoke(args=["stats", event.slug]).output
    assert "undeliverable 1" in text and "failed reminder" in text


def test_the_export_carries_the_last_delivery_error_and_when(runner, smtp_server,
                                                             create_event):
    event = create_event(invitees=2)
    smtp_server.handler.rcpt_reply = refuse(GONE, UNKNOWN)
    runner.invoke(args=["send", event.slug])
    rows = {row["email"]: row for row in csv.DictReader(io.StringIO(
        runner.invoke(args=["export", event.slug]).output))}
    gone, there = rows[GONE], rows["person2@example.org"]
    assert gone["invitation"] == "failed" and gone["last_delivery_error"] == UNKNOWN
    assert gone["last_delivery_at"] == invitee(GONE).bounced_at.isoformat(timespec="seconds")
    assert there["last_delivery_error"] == "" and there["last_delivery_at"] != ""
    assert list(rows[GONE])[-2:] == ["last_delivery_error", "last_delivery_at"]


def test_a_new_address_clears_the_mark_and_takes_mail_again(runner, smtp_server, create_event):
    event = create_event(invitees=1)
    smtp_server.handler.rcpt_reply = refuse(GONE, UNKNOWN)
    runner.invoke(args=["send", event.slug, "--kind", "save-the-date"])
    person = invitee(GONE)
    person.email = "neu@example.org"
    db.session.commit()
    assert (person.bounced_at, person.bounce_reason) == (None, "")
    runner.invoke(args=["send", event.slug, "--kind", "invitation"])
    assert len(smtp_server.to("neu@example.org")) == 1


def test_the_mark_and_the_failed_message_are_one_transaction(create_event):
    from rsvp.dbtypes import utcnow
    from rsvp.mailing.delivery import Verdict
    from rsvp.mailing.services import queue_messages

    event = create_event(invitees=1)
    queue_messages(db.session, event, MessageKind.INVITATION)
    since = utcnow()
    db.session.execute(Message.__table__.update().values(status="sending", claimed_at=since))
    db.session.commit()
    [message] = messages_to(GONE)
    failed = {"status": MessageStatus.FAILED, "last_error": UNKNOWN, "claimed_at": None}
    with db.engine.connect() as writer:
        Verdict(message, since, dict(failed), UNKNOWN).write(writer)
        writer.rollback()
    assert invitee(GONE).bounced_at is None and messages_to(GONE)[0].status == "sending"
    with db.engine.connect() as writer:
        # Taken over meanwhile (another claim): neither the verdict nor the mark is written.
        Verdict(message, utcnow(), dict(failed), UNKNOWN).write(writer)
        writer.commit()
    assert invitee(GONE).bounced_at is None
    with db.engine.connect() as writer:
        Verdict(message, since, dict(failed), UNKNOWN).write(writer)
        writer.commit()
    assert invitee(GONE).bounce_reason == UNKNOWN
    assert messages_to(GONE)[0].status is MessageStatus.FAILED
