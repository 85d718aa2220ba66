"""Checks of settings made before the app starts: the secret key, the sender."""

import math
import unicodedata
from collections import Counter
from email.utils import getaddresses

from email_validator import SPECIAL_USE_DOMAIN_NAMES

from rsvp.invitees.emails import InvalidEmail, normalise_email

#: Characters a key needs at least: 32 bytes of key-like text.
MIN_KEY_LENGTH = 32
#: Bits the key's own character frequencies must add up to (Shannon estimate).
MIN_KEY_BITS = 128


def estimated_bits(key: str) -> float:
    """Length times the Shannon entropy of the key's characters: 0 for "kkkk…"."""
    counts = Counter(key)
    return -sum(n * math.log2(n / len(key)) for n in counts.values()) if key else 0.0


def is_repetition(key: str) -> bool:
    """True for a key made of one shorter piece repeated ("ab" * 32, "0123456789" * 4)."""
    return len(key) > 1 and key in (key + key)[1:-1]


def weak_key_reason(key: str) -> str | None:
    """Why a key is too weak to sign links, or None for a key that looks random."""
    if len(key) < MIN_KEY_LENGTH:
        return f"has {len(key)} characters, fewer than {MIN_KEY_LENGTH}"
    if is_repetition(key):
        return "is one piece repeated"
    if (bits := estimated_bits(key)) < MIN_KEY_BITS:
        return f"looks like {bits:.0f} bits of randomness, fewer than {MIN_KEY_BITS}"
    return None


class InvalidSender(ValueError):
    """A configured sender that cannot be a From header and envelope sender."""


def check_sender(configured: object) -> None:
    """Raise InvalidSender unless ``configured`` is one name and one valid address."""
    pair = isinstance(configured, (tuple, list)) and len(configured) == 2
    text = " ".join(map(str, configured)) if pair else str(configured)  # type: ignore[arg-type]
    if any(unicodedata.category(c) == "Cc" for c in text):
        raise InvalidSender("contains a line break or another control character")
    address = str(configured[1]) if pair else _single_address(text)  # type: ignore[index]
    try:
        normalise_email(_checkable(address))
    except InvalidEmail as exc:
        raise InvalidSender(f"has no valid address ({exc})") from None


def _single_address(text: str) -> str:
    """The one address in ``text``; raise InvalidSender for none or several."""
    parsed = getaddresses([text])
    if len(parsed) != 1:
        raise InvalidSender(f"holds {len(parsed)} addresses")
    address = parsed[0][1]
    # The lenient parser drops what it cannot read ("exa mple.org" becomes "example.org").
    if not address or address not in text:
        raise InvalidSender("holds no address that can be read as written")
    return address


def _checkable(address: str) -> str:
    """The address, its domain's top label swapped if it is a special-use name.

    Development and test senders live under .localhost and .test, which email-validator
    refuses for recipients; for our own sender only the syntax matters.
    """
    local, _, domain = address.rpartition("@")
    head, _, top = domain.rpartition(".")
    if top.lower() in SPECIAL_USE_DOMAIN_NAMES and head:
        return f"{local}@{head}.example"
    return address
