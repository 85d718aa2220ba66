"""Per-message return paths (VERP): a bounce names the message it is about, without guessing.

The envelope sender of message 42 is ``<local>+42.<signature>@<domain>``, where local and
domain come from RSVP_MAIL_BOUNCE_ADDRESS (default: the sender's address, relying on
plus-addressing); the short signature stops anyone from marking invitees bounced by mailing
made-up addresses.
"""

import hashlib
import hmac
import re

from flask import current_app

from rsvp.mailing.from_address import sender_address

VERP_PATTERN = re.compile(r"^[^+@\s]+\+(\d+)\.([0-9a-f]{10})@", re.IGNORECASE)


def _signature(message_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"bounce:{message_id}".encode(), hashlib.sha256).hexdigest()[:10]


def bounce_address() -> tuple[str, str]:
    """(local part, domain) that bounces go back to."""
    config = current_app.config
    address = config.get("MAIL_BOUNCE_ADDRESS") or ""
    if not address:
        address = sender_address()
    local, _, domain = address.rpartition("@")
    return local or "bounces", domain or "localhost"


def return_path(message_id: int) -> str:
    """The envelope sender (MAIL FROM) for one logged message."""
    local, domain = bounce_address()
    return f"{local}+{message_id}.{_signature(message_id)}@{domain}"


def message_id_from_return_path(address: str) -> int | None:
    """The logged message a VERP address belongs to, or None if it is not one of ours."""
    match = VERP_PATTERN.match(address.strip().strip("<>"))
    if not match:
        return None
    message_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2).lower(), _signature(message_id)):
        return None
    return message_id
