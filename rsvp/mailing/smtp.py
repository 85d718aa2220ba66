"""SMTP delivery through Flask-Mail, with timeouts and a clear verdict on every failure."""

import smtplib

import flask_mail
from flask import current_app

from rsvp.extensions import mail


class SmtpUnavailable(Exception):
    """No usable connection to the SMTP server: refused, unreachable, or login rejected."""


class DeliveryError(Exception):
    """The server did not accept one message."""

    def __init__(self, code: int | None, reply: str) -> None:
        super().__init__(code, reply)
        self.code = code
        self.reply = reply

    @property
    def permanent(self) -> bool:
        return self.code is not None and 500 <= self.code < 600

    def __str__(self) -> str:
        return f"{self.code} {self.reply}" if self.code else self.reply


class SmtpConnection(flask_mail.Connection):
    """Flask-Mail's connection with a socket timeout: a hanging server must not hang us."""

    def configure_host(self) -> smtplib.SMTP:
        timeout = current_app.config["MAIL_TIMEOUT"]
        state = self.mail
        try:
            if state.use_ssl:
                host: smtplib.SMTP = smtplib.SMTP_SSL(state.server, state.port, timeout=timeout)
            else:
                host = smtplib.SMTP(state.server, state.port, timeout=timeout)
            if state.use_tls:
                host.starttls()
            if state.username and state.password:
                host.login(state.username, state.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise SmtpUnavailable(
                f"the SMTP server {state.server}:{state.port} rejected the login: "
                f"{exc.smtp_code} {_text(exc.smtp_error)}"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
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

    def deliver(self, message: flask_mail.Message, envelope_from: str | None = None) -> None:
        """Send one message; raises DeliveryError with the server's code and reply."""
        try:
            self.send(message, envelope_from)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise DeliveryError(code, _text(reply)) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise DeliveryError(exc.smtp_code, _text(exc.smtp_error)) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(exc.smtp_code, _text(exc.smtp_error)) from None
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            # No reply at all: the connection is gone and the message may be retried.
            self.host = None
            raise DeliveryError(None, f"connection lost: {exc or type(exc).__name__}") from None


def open_connection() -> SmtpConnection:
    """Open a connection with the app's mail settings; raises SmtpUnavailable."""
    state = current_app.extensions["mail"]
    connection = SmtpConnection(state)
    connection.host = connection.configure_host()
    return connection


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


__all__ = ["DeliveryError", "SmtpConnection", "SmtpUnavailable", "mail", "open_connection"]
