"""The retry policy on its own: which replies fail for good, mark the mailbox, or are retried."""

import pytest

from rsvp.mailing.retry_policy import (
    Failure,
    ServerReply,
    backoff,
    classify,
    enhanced_status,
    gives_up,
    retry_in,
    unavailable_retry_in,
)
from rsvp.mailing.smtp import DeliveryError

CONFIG = {"MAIL_MAX_ATTEMPTS": 5, "MAIL_RETRY_BASE": 5.0, "MAIL_RETRY_MAX": 300.0,
          "MAIL_THROTTLE_RETRY_BASE": 60.0, "MAIL_THROTTLE_RETRY_MAX": 1800.0}


@pytest.mark.parametrize(("code", "text", "stage", "failure"), [
    # The mailbox does not exist, is disabled or full: the invitee is marked undeliverable.
    (550, "5.1.1 <weg@example.org>: Recipient address rejected: User unknown", "rcpt",
     Failure.MAILBOX),
    (550, "5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found", "rcpt", Failure.MAILBOX),
    (550, "5.2.1 Mailbox disabled", "rcpt", Failure.MAILBOX),
    (552, "5.2.2 Mailbox full", "data", Failure.MAILBOX),
    (554, "5.1.1 user unknown", "data", Failure.MAILBOX),
    (550, "No such user here", "rcpt", Failure.MAILBOX),
    (551, "User not local; please try <x@example.net>", "rcpt", Failure.MAILBOX),
    (553, "mailbox name not allowed", "rcpt", Failure.MAILBOX),
    # Permanent for the message, but saying nothing about the mailbox.
    (550, "5.7.1 Message rejected as spam", "rcpt", Failure.PERMANENT),
    (554, "5.7.1 Service unavailable; client host blocked using Spamhaus", "data",
     Failure.PERMANENT),
    (550, "5.1.7 Bad sender address syntax", "rcpt", Failure.PERMANENT),
    (552, "5.2.3 Message size exceeds fixed maximum message size", "data", Failure.PERMANENT),
    (550, "5.1.0 Sender rejected", "mail", Failure.PERMANENT),
    (550, "Sender unknown", "mail", Failure.PERMANENT),
    (554, "Transaction failed", "data", Failure.PERMANENT),
    (552, "Requested action aborted", "rcpt", Failure.PERMANENT),
    # Temporary: retried, the pace ones with the longer backoff.
    (451, "4.7.1 Greylisted, try again later", "rcpt", Failure.TEMPORARY),
    (450, "4.2.1 Mailbox busy", "rcpt", Failure.TEMPORARY),
    (451, "4.7.500 Server busy. Please try again later", "rcpt", Failure.THROTTLED),
    (432, "4.3.2 Concurrent connections limit exceeded", None, Failure.THROTTLED),
    (421, "4.7.0 Too many messages, throttled", "data", Failure.THROTTLED),
    (None, "connection lost: timed out", None, Failure.TEMPORARY),
])
def test_each_reply_gets_its_decision(code, text, stage, failure):
    assert classify(ServerReply(code, text, stage)) is failure


def test_an_address_refused_on_our_side_fails_without_marking_the_mailbox():
    refusal = DeliveryError(None, "the SMTP server does not offer SMTPUTF8", refused=True)
    assert classify(refusal) is Failure.PERMANENT


def test_the_enhanced_status_is_read_only_at_the_start_of_the_reply():
    assert enhanced_status("5.1.1 <x@example.org>: unknown") == (5, 1, 1)
    assert enhanced_status("Recipient 5.1.1 unknown") is None
    assert enhanced_status("5.1.1.2 not a status") is None


def test_the_backoff_doubles_up_to_its_cap():
    assert [backoff(n, 5.0, 30.0) for n in (1, 2, 3, 4, 5)] == [5.0, 10.0, 20.0, 30.0, 30.0]


def test_throttling_waits_the_longer_backoff():
    assert retry_in(Failure.TEMPORARY, 2, CONFIG) == 10.0
    assert retry_in(Failure.THROTTLED, 2, CONFIG) == 120.0


def test_temporary_failures_give_up_after_the_last_attempt_and_permanent_ones_at_once():
    assert not gives_up(Failure.TEMPORARY, 4, CONFIG)
    assert gives_up(Failure.TEMPORARY, 5, CONFIG)
    assert gives_up(Failure.MAILBOX, 1, CONFIG) and gives_up(Failure.PERMANENT, 1, CONFIG)


def test_an_unreachable_server_is_asked_again_after_the_longest_ordinary_backoff():
    assert unavailable_retry_in(CONFIG) == 300.0
