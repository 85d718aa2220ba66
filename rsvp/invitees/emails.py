"""Email addresses: how they are checked and compared."""

import contextlib
import unicodedata

from email_validator import EmailNotValidError, validate_email


class InvalidEmail(ValueError):
    """An address that mail cannot be sent to."""


def normalise_email(raw: str) -> str:
    """Return the address as it should be stored and mailed to, or raise InvalidEmail."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc)) from None
    return result.normalized


def email_key(address: str) -> str:
    """Fold an address for comparison: one key for every spelling of the same mailbox.

    The local part is case-folded as well: strictly it is case-sensitive, but no real
    provider treats it so and organisers' lists mix cases freely.
    """
    address = unicodedata.normalize("NFC", address.strip())
    local, _, domain = address.rpartition("@")
    # A domain IDNA cannot encode is kept as written; validation has refused it earlier.
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return f"{local.casefold()}@{domain.lower()}"
