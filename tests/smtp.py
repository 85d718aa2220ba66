"""A real SMTP server on loopback for the tests: aiosmtpd, keeping what it receives."""

import asyncio
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, message_from_string, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes
    #: time.monotonic() when the message was kept.
    at: float = field(default_factory=time.monotonic)
    #: The client's address and port: the same for the messages of one SMTP connection.
    peer: object = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_message(raw: bytes) -> EmailMessage:
    """Parse as a mail client would, UTF-8 headers (RFC 6532, SMTPUTF8) included."""
    try:
        return message_from_string(raw.decode("utf-8"), policy=policy.default)
    except UnicodeDecodeError:
        return message_from_bytes(raw, policy=policy.default)


class RecordingHandler:
    """Accepts everything unless ``rcpt_reply`` says otherwise for a recipient."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()
        #: Called with each RCPT TO address; return an SMTP reply such as "451 4.7.1 later"
        #: to refuse it, or None to accept.
        self.rcpt_reply: Callable[[str], str | None] | None = None
        #: Called with each RCPT TO address; True closes the connection there, unanswered.
        self.drop_at_rcpt: Callable[[str], bool] | None = None
        #: Called with the recipients of each message, once it is kept; True closes the
        #: connection instead of answering 250: the sender cannot know it arrived.
        self.drop_after_data: Callable[[list[str]], bool] | None = None
        #: Called with the recipients of each message once its data arrived; return an SMTP
        #: reply such as "554 5.1.1 unknown" to refuse it there (as Exchange may), or None.
        self.data_reply: Callable[[list[str]], str | None] | None = None
        #: Seconds to wait before answering DATA: a slow server.
        self.data_delay: float = 0.0
        #: Offer PIPELINING (RFC 2920) as Postfix and Exchange do; aiosmtpd reads commands
        #: one after the other either way, so it serves pipelined clients as they are.
        self.pipelining = True

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.drop_at_rcpt is not None and self.drop_at_rcpt(address):
            server.transport.close()
            return "421 4.4.2 closing"
        if self.rcpt_reply is not None:
            reply = self.rcpt_reply(address)
            if reply:
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        if self.data_reply is not None and (reply := self.data_reply(list(envelope.rcpt_tos))):
            return reply
        raw = envelope.original_content or envelope.content
        parsed = parse_message(raw)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, raw,
                                          peer=session.peer))
        if self.drop_after_data is not None and self.drop_after_data(list(envelope.rcpt_tos)):
            server.transport.close()
        return "250 Message accepted"


class SmtpServer:
    """The server and what it has received, as the tests see them."""

    def __init__(self, *, smtputf8: bool = True) -> None:
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     enable_SMTPUTF8=smtputf8)

    def start(self) -> "SmtpServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.rcpt_tos]

    def wait_for(self, count: int, timeout: float = 5) -> list[Received]:
        """What was received, once at least ``count`` messages are in (mail sent in the
        background arrives after the request); fails the test after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while len(received := self.received) < count:
            assert time.monotonic() < deadline, (
                f"expected {count} messages within {timeout}s, received {len(received)}")
            time.sleep(0.01)
        return received

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.received.clear()
