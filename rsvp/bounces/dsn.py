"""Reading bounce messages: RFC 3464 delivery status notifications and Exim's plain text."""

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses


@dataclass(frozen=True)
class Bounce:
    """What one bounce message says about one recipient."""

    recipient: str
    #: "failed" (permanent) or "delayed" (the server is still trying).
    action: str
    status: str
    diagnostic: str
    #: Addresses the bounce was sent to: our VERP return path, if the MTA kept it.
    return_paths: tuple[str, ...]
    #: The Message-ID of the message that bounced, from the returned headers.
    original_message_id: str | None

    @property
    def permanent(self) -> bool:
        return self.action == "failed" and self.status.startswith("5")

    @property
    def reason(self) -> str:
        return " ".join(p for p in (self.status, self.diagnostic) if p)[:1000]


def parse_bounce(raw: bytes) -> list[Bounce]:
    """The bounces a message reports; empty if it is not a bounce at all."""
    message = message_from_bytes(raw, policy=policy.compat32)
    return_paths = _addressed_to(message)
    original_id = _original_message_id(message)
    reports = [p for p in message.walk() if p.get_content_type() == "message/delivery-status"]
    if reports:
        return [b for report in reports for b in _from_status(report, return_paths, original_id)]
    return _from_exim_text(message, return_paths, original_id)


def _addressed_to(message: Message) -> tuple[str, ...]:
    headers = [message.get_all(name, []) for name in
               ("To", "Delivered-To", "X-Original-To", "Envelope-To", "Return-Path")]
    return tuple(addr for _, addr in getaddresses([h for group in headers for h in group]) if addr)


def _status_groups(report: Message) -> list[Message]:
    """The per-message and per-recipient field groups of a delivery-status part."""
    payload = report.get_payload()
    if isinstance(payload, list):
        return payload
    text = payload if isinstance(payload, str) else ""
    return [message_from_bytes(block.strip().encode() + b"\n", policy=policy.compat32)
            for block in re.split(r"\r?\n\s*\r?\n", text) if block.strip()]


def _from_status(report: Message, return_paths: tuple[str, ...],
                 original_id: str | None) -> list[Bounce]:
    bounces = []
    for group in _status_groups(report)[1:]:
        recipient = _address_field(group.get("Final-Recipient") or group.get("Original-Recipient"))
        if not recipient:
            continue
        bounces.append(Bounce(
            recipient=recipient,
            action=str(group.get("Action", "")).strip().lower(),
            status=str(group.get("Status", "")).strip(),
            diagnostic=_unfold(str(group.get("Diagnostic-Code", ""))).partition(";")[2].strip(),
            return_paths=return_paths, original_message_id=original_id,
        ))
    return bounces


EXIM_INTRO = re.compile(r"could not be delivered to one or more of its\s+recipients", re.I)
EXIM_RECIPIENT = re.compile(r"^\s{2,}(\S+@\S+)\s*$", re.M)
EXIM_SMTP_ERROR = re.compile(r"SMTP error from remote mail server.*?:\s+([45]\d\d)[ -]"
                             r"(([245]\.\d{1,3}\.\d{1,3})?.*)$", re.I)


def _from_exim_text(message: Message, return_paths: tuple[str, ...],
                    original_id: str | None) -> list[Bounce]:
    """Exim's default bounce: a text part listing each failed address with the SMTP error."""
    text = _first_text(message)
    if not EXIM_INTRO.search(text):
        return []
    body = text.split("------ This is a copy of the message", 1)[0]
    bounces = []
    for match in EXIM_RECIPIENT.finditer(body):
        following = _unfold(body[match.end():].split("\n\n", 1)[0])
        error = EXIM_SMTP_ERROR.search(following)
        code = error.group(1) if error else "550"
        status = (error.group(3) if error and error.group(3) else f"{code[0]}.0.0")
        diagnostic = f"{code} {error.group(2).strip()}" if error else following.strip()
        bounces.append(Bounce(match.group(1).strip("<>"), "failed" if code[0] == "5" else
                              "delayed", status, diagnostic[:500], return_paths, original_id))
    return bounces


def _first_text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True) or b""
            return payload.decode(part.get_content_charset() or "utf-8", "replace")
    return ""


def _original_message_id(message: Message) -> str | None:
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/rfc822-headers":
            payload = part.get_payload(decode=True) or b""
            headers = message_from_bytes(payload, policy=policy.compat32)
            return _clean_id(headers.get("Message-ID"))
        if kind == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) else inner
            if isinstance(inner, (Message, EmailMessage)):
                return _clean_id(inner.get("Message-ID"))
    text = _first_text(message)
    match = re.search(r"^Message-ID:\s*<([^>]+)>", text, re.I | re.M)
    return match.group(1) if match else None


def _clean_id(value: object) -> str | None:
    return str(value).strip().strip("<>") if value else None


def _address_field(value: object) -> str:
    """'rfc822; someone@example.org' -> 'someone@example.org'."""
    text = _unfold(str(value or ""))
    return text.partition(";")[2].strip().strip("<>") if ";" in text else text.strip("<> ")


def _unfold(text: str) -> str:
    return re.sub(r"\s*\r?\n\s+", " ", text).strip()
