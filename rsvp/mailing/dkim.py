"""Optional DKIM signing of the final message bytes, with dkimpy.

Configured by RSVP_DKIM_KEY_FILE (a PEM private key), RSVP_DKIM_SELECTOR and RSVP_DKIM_DOMAIN;
with any of them unset, messages go out unsigned. The signature covers the bytes exactly as
they are handed to the SMTP server, so nothing may change them afterwards.
"""

from functools import lru_cache
from pathlib import Path

import dkim
from flask import current_app

from rsvp.config import ConfigurationError

#: Headers the signature covers; a From, Subject or Reply-To changed on the way breaks it.
SIGNED_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"reply-to",
                  b"mime-version", b"content-type"]


def dkim_settings() -> tuple[str, str, str] | None:
    """(key file, selector, domain) when signing is configured, else None."""
    config = current_app.config
    values = tuple(str(config.get(name) or "").strip()
                   for name in ("DKIM_KEY_FILE", "DKIM_SELECTOR", "DKIM_DOMAIN"))
    if not all(values):
        return None
    return values  # type: ignore[return-value]


def sign_message(data: bytes) -> bytes:
    """``data`` with a DKIM-Signature header in front, or unchanged when not configured."""
    settings = dkim_settings()
    if settings is None:
        return data
    key_file, selector, domain = settings
    signature = dkim.sign(data, selector.encode(), domain.encode(), _private_key(key_file),
                          include_headers=SIGNED_HEADERS, linesep=b"\r\n")
    return signature + data


@lru_cache(maxsize=4)
def _private_key(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"RSVP_DKIM_KEY_FILE: cannot read {path}: {exc}") from None
