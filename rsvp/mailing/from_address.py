"""Who our mail comes from: RSVP_MAIL_DEFAULT_SENDER read once, as (name, address)."""

from email.utils import parseaddr
from functools import lru_cache

from flask import current_app


def sender() -> tuple[str, str]:
    """(display name, address) of the configured sender."""
    return _parse(current_app.config["MAIL_DEFAULT_SENDER"])


def sender_address() -> str:
    """The configured sender's bare address, for MAIL FROM and the domain of our IDs."""
    return sender()[1]


def sender_domain(fallback: str = "rsvp.localhost") -> str:
    return sender_address().rpartition("@")[2] or fallback


@lru_cache(maxsize=16)
def _parse_text(configured: str) -> tuple[str, str]:
    return parseaddr(configured)


def _parse(configured: object) -> tuple[str, str]:
    if isinstance(configured, (tuple, list)):
        return str(configured[0]), str(configured[1])
    return _parse_text(str(configured))
