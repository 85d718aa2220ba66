"""Two-factor login with TOTP (an authenticator app) and single-use recovery codes."""

import secrets

import pyotp
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

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


def _normalise_recovery(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def new_recovery_codes(session: Session, organiser: Organiser) -> list[str]:
    """Replace the organiser's recovery codes; returns the new ones, to be shown once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.organiser_id == organiser.id))
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(organiser_id=organiser.id,
                                 code_hash=generate_password_hash(_normalise_recovery(code)))
                    for code in codes)
    session.flush()
    return codes


def use_recovery_code(session: Session, organiser: Organiser, code: str) -> bool:
    """Accept one unused recovery code and mark it used."""
    wanted = _normalise_recovery(code)
    if not wanted or len(wanted) > 64:
        return False
    unused = session.scalars(select(RecoveryCode).where(
        RecoveryCode.organiser_id == organiser.id, RecoveryCode.used_at.is_(None)))
    for row in unused:
        if check_password_hash(row.code_hash, wanted):
            row.used_at = utcnow()
            session.flush()
            return True
    return False


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
