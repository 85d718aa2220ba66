"""Per-message return paths (VERP): a bounce names the message it is about, without guessing.

The envelope sender of message 42 is ``bounces+42.<signature>@<sender domain>``; the short
signature stops anyone from marking invitees bounced by mailing made-up addresses.
"""

import hashlib
import hmac
import re
from email.utils import parseaddr

from flask import current_app

LOCAL_PART = "bounces"
VERP_PATTERN = re.compile(rf"^{LOCAL_PART}\+(\d+)\.([0-9a-f]{{10}})@", re.IGNORECASE)


def _signature(message_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"bounce:{message_id}".encode(), hashlib.sha256).hexdigest()[:10]


def bounce_domain() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    address = sender[1] if isinstance(sender, (tuple, list)) else parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def return_path(message_id: int) -> str:
    """The envelope sender (MAIL FROM) for one logged message."""
    return f"{LOCAL_PART}+{message_id}.{_signature(message_id)}@{bounce_domain()}"


def message_id_from_return_path(address: str) -> int | None:
    """The logged message a VERP address belongs to, or None if it is not one of ours."""
    match = VERP_PATTERN.match(address.strip().strip("<>"))
    if not match:
        return None
    message_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2).lower(), _signature(message_id)):
        return None
    return message_id
