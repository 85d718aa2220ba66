"""Two-factor login with TOTP (an authenticator app) and single-use recovery codes."""

import hashlib
import secrets

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rsvp.auth.models import Organiser, RecoveryCode
from rsvp.dbtypes import utcnow

RECOVERY_CODES = 10
ISSUER = "rsvp"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(organiser: Organiser, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=organiser.email, issuer_name=ISSUER)


def _matching_counter(secret: str, code: str) -> int | None:
    """The time step ``code`` belongs to (this one or a neighbour, for clock drift), or None."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow())
    for counter in (now, now - 1, now + 1):
        if secrets.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


def code_fits_secret(secret: str, code: str) -> bool:
    """True when ``code`` is the secret's current code (for confirming an enrolment)."""
    return _matching_counter(secret, code) is not None


def use_totp_code(organiser: Organiser, code: str) -> bool:
    """Accept the organiser's TOTP code once: a code of a step already used is refused."""
    if organiser.totp_secret is None:
        return False
    counter = _matching_counter(organiser.totp_secret, code)
    if counter is None or counter <= (organiser.totp_last_counter or -1):
        return False
    organiser.totp_last_counter = counter
    return True


def _recovery_hash(code: str) -> str:
    """A plain SHA-256: the codes are 48 random bits, no password a slow hash must protect."""
    normalised = "".join(code.split()).replace("-", "").lower()
    return hashlib.sha256(normalised.encode()).hexdigest()


def new_recovery_codes(session: Session, organiser: Organiser) -> list[str]:
    """Replace the organiser's recovery codes; returns the new ones, to be shown once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.organiser_id == organiser.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(organiser_id=organiser.id, code_hash=_recovery_hash(code))
                    for code in codes)
    session.flush()
    return codes


def use_recovery_code(session: Session, organiser: Organiser, code: str) -> bool:
    """Accept one unused recovery code and mark it used."""
    if not code.strip() or len(code) > 64:
        return False
    row = session.scalar(select(RecoveryCode).where(
        RecoveryCode.organiser_id == organiser.id, RecoveryCode.used_at.is_(None),
        RecoveryCode.code_hash == _recovery_hash(code)))
    if row is None:
        return False
    row.used_at = utcnow()
    session.flush()
    return True


def use_second_factor(session: Session, organiser: Organiser, code: str) -> bool:
    """A TOTP code or a recovery code, each accepted once."""
    return use_totp_code(organiser, code) or use_recovery_code(session, organiser, code)


def enable(session: Session, organiser: Organiser, secret: str, code: str) -> list[str] | None:
    """Turn two-factor login on once ``code`` proves the app has ``secret``; the recovery codes."""
    if not code_fits_secret(secret, code):
        return None
    organiser.totp_secret = secret
    organiser.totp_last_counter = _matching_counter(secret, code)
    return new_recovery_codes(session, organiser)


def disable(session: Session, organiser: Organiser) -> None:
    organiser.totp_secret = None
    organiser.totp_last_counter = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.organiser_id == organiser.id))
