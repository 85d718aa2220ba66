"""SMTP delivery over Flask-Mail's connection settings, with timeouts and a clear verdict on
every failure."""

import smtplib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import flask_mail
from flask import current_app

from rsvp.extensions import mail
from rsvp.mailing import retry_policy

if TYPE_CHECKING:
    from rsvp.mailing.mime import Outgoing


class SmtpUnavailable(Exception):
    """No usable connection to the SMTP server: refused, unreachable, or login rejected."""


class DeliveryError(Exception):
    """The server did not accept one message; what it means is ``rsvp.mailing.retry_policy``'s
    to say."""

    def __init__(self, code: int | None, reply: str, *, uncertain: bool = False,
                 refused: bool = False, stage: str | None = None) -> None:
        super().__init__(code, reply)
        self.code = code
        self.reply = reply
        #: Refused on our side before the server was asked: trying again cannot help.
        self.refused = refused
        #: The whole message had been sent when the connection was lost: the server may
        #: have accepted it without our hearing the 250.
        self.uncertain = uncertain
        #: The command refused: "mail", "rcpt" or "data" (None: before, or no reply).
        self.stage = stage

    @property
    def permanent(self) -> bool:
        return retry_policy.is_permanent(self)

    def __str__(self) -> str:
        return f"{self.code} {self.reply}" if self.code else self.reply


class SmtpBusy(SmtpUnavailable):
    """The server refused the session with a throttling reply: come back later, not never."""

    def __init__(self, message: str, error: DeliveryError) -> None:
        super().__init__(message)
        self.error = error


class SmtpConnection(flask_mail.Connection):
    """Flask-Mail's connection with a socket timeout: a hanging server must not hang us."""

    def configure_host(self) -> smtplib.SMTP:
        timeout = current_app.config["MAIL_TIMEOUT"]
        state = self.mail
        host: smtplib.SMTP | None = None
        try:
            if state.use_ssl:
                host = smtplib.SMTP_SSL(state.server, state.port, timeout=timeout)
            else:
                host = smtplib.SMTP(state.server, state.port, timeout=timeout)
            if state.use_tls:
                host.starttls()
            if state.username and state.password:
                host.login(state.username, state.password)
        except smtplib.SMTPAuthenticationError as exc:
            host.close()  # type: ignore[union-attr]
            raise SmtpUnavailable(
                f"the SMTP server {state.server}:{state.port} rejected the login: "
                f"{exc.smtp_code} {_text(exc.smtp_error)}"
            ) from None
        except smtplib.SMTPResponseException as exc:
            # E.g. Exchange's "421 4.3.2 ... concurrent server connections" instead of 220.
            if host is not None:
                host.close()
            refusal = DeliveryError(exc.smtp_code, _text(exc.smtp_error))
            where = f"the SMTP server {state.server}:{state.port}"
            if retry_policy.is_throttling(refusal):
                raise SmtpBusy(f"{where} is busy: {refusal}", refusal) from None
            raise SmtpUnavailable(f"{where} refused the session: {refusal}") from None
        except (OSError, smtplib.SMTPException) as exc:
            if host is not None:
                host.close()
            raise SmtpUnavailable(
                f"cannot reach the SMTP server {state.server}:{state.port}: {exc}"
            ) from None
        return host

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self.host is not None:
            try:
                self.host.quit()
            except (OSError, smtplib.SMTPException):
                self.host.close()
            self.host = None

    def reopen(self) -> None:
        self.close()
        self.host = self.configure_host()

    def deliver_bytes(self, envelope_from: str, recipients: Sequence[str], data: bytes) -> None:
        """Send one message already rendered to bytes (CRLF line ends) to bare envelope
        addresses; raises DeliveryError.

        With a server that offers PIPELINING (RFC 2920, as Postfix and Exchange do), MAIL,
        RCPT and DATA go out together: two round trips per message instead of four. A lost
        connection is told apart by stage: before the data ends nothing was delivered, after
        it the server may have the message.
        """
        if self.host is None:
            self.reopen()
        host = self.host
        assert host is not None
        stage_done = False
        try:
            host.ehlo_or_helo_if_needed()
            smtputf8 = _needs_smtputf8(envelope_from, recipients)
            if smtputf8 and not host.has_extn("smtputf8"):
                raise DeliveryError(None, "the SMTP server does not offer SMTPUTF8, which an "
                                    "address with non-ASCII characters before the @ needs",
                                    refused=True)
            envelope = [b"MAIL FROM:<" + envelope_from.encode() + b">"
                        + (b" SMTPUTF8" if smtputf8 else b"")]
            envelope += [b"RCPT TO:<" + recipient.encode() + b">" for recipient in recipients]
            refusal = self._envelope(host, envelope)
            if refusal is not None:
                self._reset()
                raise refusal
            stage_done = True
            host.send(_dot_stuffed(data))
            self._expect(host.getreply(), (250,), "data")
        except smtplib.SMTPResponseException as exc:
            self._reset()
            raise DeliveryError(exc.smtp_code, _text(exc.smtp_error)) from None
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            # No reply at all: the connection is gone and the message may be retried.
            self.host = None
            host.close()
            raise DeliveryError(None, f"connection lost: {exc or type(exc).__name__}",
                                uncertain=stage_done) from None

    def _envelope(self, host: smtplib.SMTP, commands: list[bytes]) -> DeliveryError | None:
        """MAIL and RCPT, then DATA; the first refusal, or None once the server waits for
        the data."""
        expected = [(250,)] + [(250, 251)] * (len(commands) - 1) + [(354,)]
        stages = ["mail"] + ["rcpt"] * (len(commands) - 1) + ["data"]
        commands = [*commands, b"DATA"]
        if host.has_extn("pipelining"):
            host.send(b"".join(command + b"\r\n" for command in commands))
            replies = [host.getreply() for _ in commands]
        else:
            replies = []
            for command, codes in zip(commands, expected, strict=True):
                host.send(command + b"\r\n")
                replies.append(host.getreply())
                if replies[-1][0] not in codes:
                    break
        for reply in replies:
            _connected(reply)
        refusals = [DeliveryError(code, _text(reply), stage=stage)
                    for (code, reply), codes, stage in zip(replies, expected, stages, strict=False)
                    if code not in codes]
        if refusals and replies[-1][0] == 354:
            # DATA was accepted although a recipient was refused: end the empty message.
            host.send(b".\r\n")
            host.getreply()
        return refusals[0] if refusals else None

    def _expect(self, answer: tuple[int, bytes], codes: tuple[int, ...], stage: str) -> None:
        code, reply = _connected(answer)
        if code not in codes:
            self._reset()
            raise DeliveryError(code, _text(reply), stage=stage)

    def _reset(self) -> None:
        """Forget the refused transaction so the connection can take the next message."""
        if self.host is not None:
            try:
                self.host.rset()
            except (OSError, smtplib.SMTPException):
                self.host.close()
                self.host = None


def _connected(answer: tuple[int, bytes]) -> tuple[int, bytes]:
    """The server's answer, unless it was smtplib's -1 for a connection closed under it."""
    code, reply = answer
    if code == -1:
        raise smtplib.SMTPServerDisconnected(_text(reply) or "connection closed")
    return answer


def _dot_stuffed(data: bytes) -> bytes:
    """The message as DATA sends it: lines starting with a dot doubled, ended by a lone dot.

    The data has CRLF line ends throughout, so a line start is the data's start or a CRLF;
    bytes.replace does in 0.02 ms what a multiline regex took 0.2 ms for (15 kB).
    """
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    stuffed = data.replace(b"\r\n.", b"\r\n..")
    if stuffed.startswith(b"."):
        stuffed = b"." + stuffed
    return stuffed + b".\r\n"


def _needs_smtputf8(envelope_from: str, recipients: Sequence[str]) -> bool:
    return not all(address.isascii() for address in (envelope_from, *recipients))


def open_connection() -> SmtpConnection:
    """Open a connection with the app's mail settings; raises SmtpUnavailable."""
    state = current_app.extensions["mail"]
    connection = SmtpConnection(state)
    connection.host = connection.configure_host()
    return connection


def send_now(outgoing: "Outgoing") -> None:
    """Hand one message to the SMTP server on a connection of its own, now (a test to
    oneself, an account mail); raises SmtpUnavailable or DeliveryError."""
    connection = open_connection()
    try:
        connection.deliver_bytes(outgoing.envelope_from, outgoing.recipients, outgoing.data)
    finally:
        connection.close()


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


__all__ = ["DeliveryError", "SmtpConnection", "SmtpUnavailable", "mail", "open_connection",
           "send_now"]
