"""Exchange's throttling replies: temporary, a longer backoff than other 4xx, the batch goes on."""

import contextlib
import socket
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.mailing.delivery import deliver_due
from rsvp.mailing.models import Message, MessageStatus
from rsvp.mailing.smtp import SmtpUnavailable
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
    # The spell is the server's first three recipients, not a stretch of time: on a slow
    # machine the first message can reach the server after any fixed stretch has passed.
    throttled = iter([EXCHANGE_THROTTLING[0]] * 3)
    smtp_server.handler.rcpt_reply = lambda rcpt: next(throttled, None)
    report = deliver_due(db.session, event)
    assert (report.sent, report.failed, report.deferred) == (6, 0, 0)
    assert len(smtp_server.received) == 6
    retried = db.session.scalars(select(Message).where(Message.attempts > 1)).all()
    assert retried and all(m.status is MessageStatus.SENT for m in retried)


class BusyFront:
    """A TCP front for the SMTP server that turns the first ``refusals`` sessions away with
    Exchange's greeting "421 4.3.2 ... concurrent server connections", then relays."""

    def __init__(self, backend_port: int, refusals: int) -> None:
        self.backend_port, self.refusals = backend_port, refusals
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sessions = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sessions += 1
            if self.sessions <= self.refusals:
                client.sendall(b"421 4.3.2 The maximum number of concurrent server connections "
                               b"has exceeded a limit, closing transmission channel\r\n")
                client.close()
                continue
            backend = socket.create_connection(("127.0.0.1", self.backend_port))
            for a, b in ((client, backend), (backend, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def busy_front(app, smtp_server):
    front = BusyFront(smtp_server.port, refusals=2)
    app.extensions["mail"].port = front.port
    yield front
    front.close()


def test_a_server_busy_at_connect_is_waited_for_and_the_batch_goes_on(busy_front, smtp_server,
                                                                     create_event):
    event = queued_event(create_event, 4)
    started = time.monotonic()
    report = deliver_due(db.session, event)
    assert (report.sent, report.failed, report.deferred) == (4, 0, 0)
    assert busy_front.sessions >= 3
    # Two refusals: the throttling backoff (0.4 s, then 0.8 s) was waited, not the ordinary one.
    assert time.monotonic() - started >= 1.2
    assert len({r.rcpt_tos[0] for r in smtp_server.received}) == 4


def test_a_server_busy_for_good_ends_with_a_clear_error_and_nothing_lost(app, smtp_server,
                                                                        create_event):
    front = BusyFront(smtp_server.port, refusals=1000)
    app.extensions["mail"].port = front.port
    app.config["MAIL_MAX_ATTEMPTS"] = 2
    event = queued_event(create_event, 2)
    try:
        with pytest.raises(SmtpUnavailable, match=r"busy: 421 4\.3\.2"):
            deliver_due(db.session, event)
    finally:
        front.close()
    statuses = set(db.session.scalars(select(Message.status)))
    assert statuses == {MessageStatus.QUEUED}
