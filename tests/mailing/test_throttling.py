"""Exchange's throttling replies: temporary, a longer backoff than other 4xx, the batch goes on."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.mailing.delivery import deliver_due
from rsvp.mailing.models import Message, MessageStatus
from tests.mailing.conftest import message_to, queued_event

EXCHANGE_THROTTLING = [
    "432 4.3.2 Concurrent connections limit exceeded. Visit https://aka.ms/concurrent_sending",
    "451 4.7.500 Server busy. Please try again later from [203.0.113.7].",
    "421 4.7.0 Temporary server error, throttled. Please try again later",
]


@pytest.fixture
def app_config(app_config):
    return app_config | {"MAIL_RETRY_BASE": 0.01, "MAIL_RETRY_MAX": 0.05,
                         "MAIL_THROTTLE_RETRY_BASE": 0.4, "MAIL_THROTTLE_RETRY_MAX": 2.0}


@pytest.mark.parametrize("reply", EXCHANGE_THROTTLING)
def test_a_throttling_reply_backs_off_longer_than_other_temporary_failures(
        smtp_server, create_event, reply):
    event = queued_event(create_event, 3)
    refusals = {"person1@example.org": reply, "person2@example.org": "451 4.7.1 Greylisted"}
    smtp_server.handler.rcpt_reply = refusals.get
    report = deliver_due(db.session, event, wait_for_retries=False)
    assert (report.sent, report.failed, report.deferred) == (1, 0, 2)
    throttled, greylisted = message_to("person1@example.org"), message_to("person2@example.org")
    assert throttled.status is MessageStatus.QUEUED
    # The backoff as recorded with the failure (updated_at is written just after it).
    assert throttled.next_attempt_at - throttled.updated_at > timedelta(seconds=0.35)
    assert greylisted.next_attempt_at - greylisted.updated_at < timedelta(seconds=0.1)
    assert throttled.last_error.startswith(reply[:9])


def test_the_batch_keeps_going_through_a_throttled_spell_and_everything_arrives(
        smtp_server, create_event):
    event = queued_event(create_event, 6)
    until = time.monotonic() + 0.5
    smtp_server.handler.rcpt_reply = lambda rcpt: (
        EXCHANGE_THROTTLING[0] if time.monotonic() < until else None)
    report = deliver_due(db.session, event)
    assert (report.sent, report.failed, report.deferred) == (6, 0, 0)
    assert len(smtp_server.received) == 6
    retried = db.session.scalars(select(Message).where(Message.attempts > 1)).all()
    assert retried and all(m.status is MessageStatus.SENT for m in retried)
