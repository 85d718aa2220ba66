"""Email addresses: how they are checked and compared."""

import contextlib
import unicodedata
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import (
    CASE_INSENSITIVE_MAILBOX_NAMES,
    DOT_ATOM_TEXT,
    EMAIL_MAX_LENGTH,
)
from flask_babel import lazy_gettext as _l

#: email-validator's refusals (English only) in words the interface translates, first match
#: wins; ``str()`` of the error keeps the library's own sentence for logs.
REFUSALS = (
    ("must have an @-sign", _l("An email address must have an @-sign.")),
    ("something before the @-sign", _l("There must be something before the @-sign.")),
    ("something after the @-sign", _l("There must be something after the @-sign.")),
    ("too long", _l("The email address is too long.")),
    ("two periods in a row", _l("An email address cannot have two periods in a row.")),
    ("after the @-sign", _l("The part after the @-sign is not a valid domain.")),
    ("character", _l("The email address contains characters that are not allowed.")),
)


class InvalidEmail(ValueError):
    """An address that mail cannot be sent to."""

    @property
    def reason(self) -> object:
        """Why, as a lazy string in the reader's language."""
        text = str(self)
        return next((words for part, words in REFUSALS if part in text),
                    _l("This is not a valid email address."))


def normalise_email(raw: str) -> str:
    """Return the address as it should be stored and mailed to, or raise InvalidEmail.

    email-validator decides; it spends most of its time on the domain, which a list of
    100,000 members shares with thousands of others. So an address whose local part is
    plain ASCII (the library's own fast case, returned unchanged) only has its domain
    checked, once per domain; every other address, and every refusal, goes through the
    library whole, so the verdict and its message are always the library's.
    """
    address = raw.strip()
    local, _, domain = address.rpartition("@")
    if DOT_ATOM_TEXT.match(local) and (checked := _checked_domain(domain)) is not None:
        unicode_domain, ascii_domain = checked
        if local.lower() in CASE_INSENSITIVE_MAILBOX_NAMES:
            local = local.lower()
        normalised = f"{local}@{unicode_domain}"
        forms = (address, normalised, f"{local}@{ascii_domain}")
        if all(len(form.encode()) <= EMAIL_MAX_LENGTH for form in forms):
            return normalised
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc)) from None
    return result.normalized


@lru_cache(maxsize=16384)
def _checked_domain(domain: str) -> tuple[str, str] | None:
    """The domain's normalised and ASCII forms as email-validator gives them, None if refused."""
    try:
        result = validate_email(f"x@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return None
    return result.domain, result.ascii_domain


def email_key(address: str) -> str:
    """Fold an address for comparison: one key for every spelling of the same mailbox.

    The local part is case-folded as well: strictly it is case-sensitive, but no real
    provider treats it so and organisers' lists mix cases freely.
    """
    address = unicodedata.normalize("NFC", address.strip())
    local, _, domain = address.rpartition("@")
    return f"{local.casefold()}@{_folded_domain(domain)}"


@lru_cache(maxsize=16384)
def _folded_domain(domain: str) -> str:
    # A domain IDNA cannot encode is kept as written; validation has refused it earlier.
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return domain.lower()
