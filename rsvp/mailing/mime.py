"""One rendered mail as the bytes the SMTP server receives, built once and directly.

The standard library's email package parses and re-generates every header on the way out,
which costs more than rendering the templates. The structure here is fixed and simple, so it
is written out directly: headers encoded once (RFC 2047 words, IDNA domains), bodies
quoted-printable (binascii, in C), attachments base64, CRLF line ends throughout. Header
values made from user data are folded to one line first, so they can never add a header.
"""

import base64
import binascii
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from email.utils import format_datetime, formataddr, make_msgid
from functools import lru_cache
from typing import TYPE_CHECKING

from rsvp.invitees.models import Invitee
from rsvp.mailing.dkim import sign_message
from rsvp.mailing.from_address import sender as configured_sender
from rsvp.mailing.render import Attachment, InlineImage, RenderedMail, one_line

if TYPE_CHECKING:
    from rsvp.events.models import Event

CRLF = b"\r\n"


@dataclass(frozen=True)
class Outgoing:
    """A message ready for the SMTP server, and what the log records of it."""

    envelope_from: str
    #: Bare addresses for RCPT TO.
    recipients: list[str]
    #: The recipient's address as the log shows it.
    address: str
    #: The Message-ID header, without angle brackets.
    message_id: str
    data: bytes
    rendered: RenderedMail


def build_outgoing(invitee: Invitee | None, rendered: RenderedMail,
                   recipient: tuple[str, str] | None = None, *,
                   event: "Event | None" = None) -> Outgoing:
    """The invitee's mail as bytes: multipart/alternative text and HTML, plus attachments.

    ``recipient`` (name, address) sends it elsewhere, e.g. as a test to the organiser; with
    ``event`` too, it needs no invitee (a withdrawal kept for a person since erased).
    """
    sender = configured_sender()
    envelope_from = sender[1]
    message_id = make_msgid(domain=envelope_from.rpartition("@")[2] or None)[1:-1]
    if invitee is not None:
        event = invitee.event
        recipient = recipient or (invitee.full_name, invitee.email)
    assert event is not None and recipient is not None, "an invitee, or an event and recipient"
    name, address = recipient
    to = _address((name, address))
    headers = [
        ("From", _address(sender)),
        ("To", to),
        ("Subject", _text_header(rendered.subject)),
        ("Date", format_datetime(datetime.now(UTC))),
        ("Message-ID", f"<{message_id}>"),
    ]
    if event.contact_email:
        headers.append(("Reply-To", _address((event.contact_name, event.contact_email))))
    headers.append(("MIME-Version", "1.0"))
    body = _alternative(rendered.text, rendered.html, rendered.related)
    if rendered.attachments:
        body = _mixed(body, rendered.attachments)
    head = b"".join(f"{name}: {value}".encode() + CRLF for name, value in headers)
    return Outgoing(envelope_from=envelope_from, recipients=[envelope_address(address)],
                    address=address,
                    message_id=message_id, data=sign_message(head + body),
                    rendered=rendered)


def _alternative(text: str, html: str, related: tuple[InlineImage, ...] = ()) -> bytes:
    html_part = _part('text/html; charset="utf-8"', html)
    if related:
        # The HTML and the images it shows by cid: belong together (RFC 2387); clients
        # then show them in the text rather than as attachments.
        html_part = _multipart('related; type="text/html"',
                               [html_part, *(_inline(image) for image in related)])
    return _multipart("alternative", [_part('text/plain; charset="utf-8"', text), html_part])


def _inline(image: InlineImage) -> bytes:
    encoded = base64.encodebytes(image.data).replace(b"\n", CRLF)
    return (f"Content-Type: {one_line(image.content_type)}".encode() + CRLF
            + f"Content-ID: <{one_line(image.content_id)}>".encode() + CRLF
            + b"Content-Disposition: inline" + CRLF
            + b"Content-Transfer-Encoding: base64" + CRLF + CRLF + encoded)


def _mixed(alternative: bytes, attachments: tuple[Attachment, ...]) -> bytes:
    return _multipart("mixed", [alternative, *(_attachment(a) for a in attachments)])


def _multipart(subtype: str, parts: list[bytes]) -> bytes:
    # "=_" never occurs in quoted-printable or base64 text, so the boundary cannot either.
    boundary = f"=_rsvp_{secrets.token_hex(12)}".encode()
    out = [b'Content-Type: multipart/' + subtype.encode() + b'; boundary="' + boundary + b'"',
           b"", b""]
    head = CRLF.join(out)
    delimiter = b"--" + boundary
    return (head + b"".join(delimiter + CRLF + part + CRLF for part in parts)
            + delimiter + b"--" + CRLF)


def _part(content_type: str, text: str) -> bytes:
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    encoded = binascii.b2a_qp(normalised, istext=True).replace(b"\n", CRLF)
    return (b"Content-Type: " + content_type.encode() + CRLF
            + b"Content-Transfer-Encoding: quoted-printable" + CRLF + CRLF + encoded)


def _attachment(attachment: Attachment) -> bytes:
    filename = one_line(attachment.filename).replace('"', "")
    content_type = one_line(attachment.content_type)
    if content_type.startswith("text/") and "charset" not in content_type:
        content_type += '; charset="utf-8"'
    encoded = base64.encodebytes(attachment.data).replace(b"\n", CRLF)
    return (f'Content-Type: {content_type}; name="{filename}"'.encode() + CRLF
            + f'Content-Disposition: attachment; filename="{filename}"'.encode() + CRLF
            + b"Content-Transfer-Encoding: base64" + CRLF + CRLF + encoded)


@lru_cache(maxsize=4096)
def _text_header(value: str) -> str:
    value = one_line(value)
    charset = "us-ascii" if value.isascii() else "utf-8"
    return Header(value, charset, header_name="Subject").encode(linesep="\r\n")


def envelope_address(address: str) -> str:
    """The address for MAIL FROM and RCPT TO: a non-ASCII domain in IDNA (ASCII) form; a
    non-ASCII mailbox as it is (sent with SMTPUTF8)."""
    address = one_line(address)
    local, _, domain = address.rpartition("@")
    if local.isascii() and not domain.isascii():
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    return address


@lru_cache(maxsize=4096)
def _address(pair: tuple[str, str]) -> str:
    name, address = one_line(pair[0]), envelope_address(pair[1])
    if any(c in address for c in "<>,;\"\\"):
        raise ValueError(f"not a single address: {address!r}")
    if not address.rpartition("@")[0].isascii():
        # A non-ASCII mailbox goes as UTF-8 (RFC 6532, sent with SMTPUTF8); the name stays
        # encoded.
        if not name:
            return address
        return formataddr((name, "@"), charset="utf-8").removesuffix("<@>") + f"<{address}>"
    # RFC 2047 for a non-ASCII name, quotes where the name needs them. (Flask-Mail's
    # sanitize_address gives the same, through the email package's slower Header.)
    return formataddr((name, address), charset="utf-8") if name else address


def build_account_outgoing(address: str, subject: str, text: str) -> Outgoing:
    """A plain-text mail to an organiser (a reset or set-password link): no event, no invitee."""
    sender = configured_sender()
    message_id = make_msgid(domain=sender[1].rpartition("@")[2] or None)[1:-1]
    headers = [("From", _address(sender)), ("To", _address(("", address))),
               ("Subject", _text_header(subject)),
               ("Date", format_datetime(datetime.now(UTC))), ("Message-ID", f"<{message_id}>"),
               ("MIME-Version", "1.0")]
    head = b"".join(f"{name}: {value}".encode() + CRLF for name, value in headers)
    body = _part('text/plain; charset="utf-8"', text)
    return Outgoing(envelope_from=sender[1], recipients=[envelope_address(address)],
                    address=address, message_id=message_id, data=sign_message(head + body),
                    rendered=RenderedMail(subject=subject, text=text, html=""))
