"""Delivery against a real SMTP server that refuses, drops and stalls: retries, failures, claims."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from rsvp.dbtypes import utcnow
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.delivery import SendReport, _claim, _deliver_batch, deliver_due
from rsvp.mailing.models import Message, MessageStatus
from rsvp.mailing.send_rate import rate_limiter
from rsvp.mailing.smtp import open_connection
from tests.mailing.conftest import message_to, queued_event


@pytest.fixture(autouse=True, params=[True, False], ids=["pipelining", "one-by-one"])
def server_pipelining(request, smtp_server) -> bool:
    """Every case against a server that offers PIPELINING (MAIL, RCPT and DATA sent
    together) and against one that does not (each command waits for its reply)."""
    smtp_server.handler.pipelining = request.param
    return request.param


def refuse_first(times: int, address: str, reply: str):
    """An rcpt_reply hook refusing ``address`` the first ``times`` times it is offered."""
    seen = Counter()

    def hook(rcpt: str) -> str | None:
        seen[rcpt] += 1
        return reply if rcpt == address and seen[rcpt] <= times else None
    return hook


def test_a_451_recipient_is_retried_with_backoff_until_delivered(smtp_server, create_event):
    event = queued_event(create_event, 3)
    smtp_server.handler.rcpt_reply = refuse_first(2, "person2@example.org", "451 4.7.1 Try later")
    report = deliver_due(db.session, event)
    assert (report.sent, report.failed, report.deferred) == (3, 0, 0)
    assert len(smtp_server.to("person2@example.org")) == 1
    retried = message_to("person2@example.org")
    assert retried.status is MessageStatus.SENT and retried.attempts == 3
    assert not retried.maybe_duplicate


def test_a_550_recipient_is_failed_with_the_servers_reply_and_not_retried(smtp_server,
                                                                         create_event):
    event = queued_event(create_event, 3)
    smtp_server.handler.rcpt_reply = refuse_first(99, "person1@example.org",
                                                  "550 5.1.1 No such user here")
    report = deliver_due(db.session, event)
    assert (report.sent, report.failed) == (2, 1)
    failed = message_to("person1@example.org")
    assert failed.status is MessageStatus.FAILED and failed.attempts == 1
    assert failed.last_error == "550 5.1.1 No such user here"
    assert report.errors == [("person1@example.org", "550 5.1.1 No such user here")]


def test_temporary_failures_end_in_failed_after_the_last_attempt(app, smtp_server, create_event):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    event = queued_event(create_event, 1)
    smtp_server.handler.rcpt_reply = lambda rcpt: "451 4.3.0 Mailbox busy"
    report = deliver_due(db.session, event)
    assert (report.sent, report.failed, report.deferred) == (0, 1, 0)
    failed = message_to("person1@example.org")
    assert failed.attempts == 3 and failed.last_error == "451 4.3.0 Mailbox busy"


def test_without_waiting_a_temporary_failure_stays_queued_for_a_later_run(app, smtp_server,
                                                                          create_event):
    app.config.update(MAIL_RETRY_BASE=60.0, MAIL_RETRY_MAX=60.0)
    event = queued_event(create_event, 2)
    smtp_server.handler.rcpt_reply = refuse_first(1, "person1@example.org", "421 4.7.0 Slow down")
    report = deliver_due(db.session, event, wait_for_retries=False)
    assert (report.sent, report.deferred) == (1, 1)
    deferred = message_to("person1@example.org")
    assert deferred.status is MessageStatus.QUEUED and deferred.claimed_at is None
    assert deferred.next_attempt_at > utcnow() + timedelta(seconds=50)


def queued_to(address: str) -> int:
    """The id of the queued message for the invitee with this address."""
    return db.session.scalar(select(Message.id).join(Invitee).where(Invitee.email == address))


def test_a_run_for_given_messages_sends_those_and_counts_what_is_left_of_them(app, smtp_server,
                                                                             create_event):
    # A deferred message waits a minute: the run must leave it queued, not retry it at once.
    app.config.update(MAIL_RETRY_BASE=60.0, MAIL_RETRY_MAX=60.0)
    event = queued_event(create_event, 4)
    first = deliver_due(db.session, event, wait_for_retries=False,
                        message_ids=[queued_to("person1@example.org"),
                                     queued_to("person2@example.org")])
    assert (first.sent, first.failed, first.deferred) == (2, 0, 0)
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == ["person1@example.org",
                                                                    "person2@example.org"]
    # One already sent, one the server defers, one that goes out.
    smtp_server.handler.rcpt_reply = refuse_first(1, "person3@example.org", "451 4.7.1 Later")
    again = deliver_due(db.session, event, wait_for_retries=False,
                        message_ids=[queued_to(f"person{n}@example.org") for n in (1, 3, 4)])
    assert (again.sent, again.failed, again.deferred) == (1, 0, 1)
    assert len(smtp_server.to("person1@example.org")) == 1
    assert message_to("person3@example.org").status is MessageStatus.QUEUED


def test_a_connection_dropped_mid_batch_is_reopened_and_the_batch_goes_on(smtp_server,
                                                                         create_event):
    event = queued_event(create_event, 5)
    dropped = Counter()

    def drop_once(rcpt: str) -> bool:
        dropped[rcpt] += 1
        return rcpt == "person3@example.org" and dropped[rcpt] == 1
    smtp_server.handler.drop_at_rcpt = drop_once
    report = deliver_due(db.session, event)
    assert report.sent == 5
    assert Counter(r.rcpt_tos[0] for r in smtp_server.received) == {
        f"person{i}@example.org": 1 for i in range(1, 6)}
    retried = message_to("person3@example.org")
    assert retried.attempts == 2 and not retried.maybe_duplicate


def test_a_connection_lost_after_the_whole_message_went_out_is_flagged_maybe_duplicate(
        smtp_server, create_event):
    event = queued_event(create_event, 3)
    dropped = Counter()

    def drop_once(rcpts: list[str]) -> bool:
        dropped[rcpts[0]] += 1
        return rcpts[0] == "person2@example.org" and dropped[rcpts[0]] == 1
    smtp_server.handler.drop_after_data = drop_once
    report = deliver_due(db.session, event)
    assert report.sent == 3
    # The server kept the first copy, but its 250 never came: the second copy is the retry.
    assert len(smtp_server.to("person2@example.org")) == 2
    assert message_to("person2@example.org").maybe_duplicate
    assert not message_to("person1@example.org").maybe_duplicate


def test_a_server_slower_than_the_timeout_counts_as_a_temporary_failure(app, smtp_server,
                                                                       create_event):
    app.config.update(MAIL_TIMEOUT=0.3, MAIL_MAX_ATTEMPTS=2)
    smtp_server.handler.data_delay = 1.0
    event = queued_event(create_event, 1)
    report = deliver_due(db.session, event)
    assert report.failed == 1
    slow = message_to("person1@example.org")
    assert slow.attempts == 2 and "timed out" in slow.last_error
    assert slow.maybe_duplicate, "the server may have accepted what we stopped waiting for"


def test_a_message_whose_claim_was_taken_over_is_not_sent(app, smtp_server, create_event):
    event = queued_event(create_event, 1)
    claim = _claim(db.session, event.id, None, 10, None)
    assert len(claim.messages) == 1
    # Another sender thought this one dead and claimed the message itself.
    db.session.execute(update(Message).values(claimed_at=utcnow() + timedelta(seconds=1)))
    db.session.commit()
    # The first sender, slow but alive, goes on with its batch.
    report = SendReport()
    _deliver_batch(db.session, claim, report, None, rate_limiter(app))
    assert (report.sent, report.failed) == (0, 0)
    assert smtp_server.received == []
    assert db.session.scalar(select(Message.status)) is MessageStatus.QUEUED


def test_a_message_left_sending_by_a_dead_sender_is_sent_again_and_flagged(app, smtp_server,
                                                                          create_event):
    event = queued_event(create_event, 2)
    long_ago = utcnow() - timedelta(seconds=app.config["MAIL_CLAIM_TIMEOUT"] + 1)
    db.session.execute(update(Message).where(Message.id == 1)
                       .values(status=MessageStatus.SENDING, claimed_at=long_ago, attempts=1))
    db.session.commit()
    report = deliver_due(db.session, event)
    assert report.sent == 2
    resent = db.session.get(Message, 1)
    assert resent.status is MessageStatus.SENT and resent.maybe_duplicate
    assert not db.session.get(Message, 2).maybe_duplicate


def test_an_unreachable_server_loses_nothing_and_keeps_nothing_claimed(app, create_event):
    from tests.smtp import free_port

    app.extensions["mail"].port = free_port()
    event = queued_event(create_event, 2)
    from rsvp.mailing.smtp import SmtpUnavailable

    with pytest.raises(SmtpUnavailable):
        deliver_due(db.session, event)
    rows = db.session.execute(select(Message.status, Message.claimed_at)).all()
    assert rows == [(MessageStatus.QUEUED, None)] * 2


def test_two_senders_at_once_send_each_message_exactly_once(app, smtp_server, create_event):
    app.config["MAIL_BATCH_SIZE"] = 20
    event = queued_event(create_event, 200)
    reports = []

    def sender() -> None:
        with app.app_context():
            reports.append(deliver_due(db.session, db.session.merge(event, load=True)))
            db.session.remove()
    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = Counter(r.rcpt_tos[0] for r in smtp_server.received)
    assert len(counts) == 200 and set(counts.values()) == {1}
    assert sum(r.sent for r in reports) == 200
    assert db.session.scalar(select(Message).where(Message.maybe_duplicate)) is None


def test_greylisting_is_not_taken_for_throttling():
    from rsvp.mailing.retry_policy import is_throttling
    from rsvp.mailing.smtp import DeliveryError

    assert not is_throttling(DeliveryError(451, "4.7.1 Greylisted, try again later"))
    assert is_throttling(DeliveryError(451, "4.7.500 Server busy. Please try again later"))
    assert is_throttling(DeliveryError(432, "4.3.2 Concurrent connections limit exceeded"))


def test_the_connection_pipelines_exactly_when_the_server_offers_it(app, smtp_server,
                                                                    server_pipelining):
    connection = open_connection()
    try:
        connection.host.ehlo_or_helo_if_needed()
        assert connection.host.has_extn("pipelining") is server_pipelining
    finally:
        connection.close()
