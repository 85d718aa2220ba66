"""Organiser accounts."""

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from rsvp.auth.models import Organiser
from rsvp.invitees.emails import InvalidEmail, normalise_email

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """The account cannot be created or changed as asked."""


def create_organiser(session: Session, email: str, password: str, *, name: str = "") -> Organiser:
    """Create an organiser; the address must be new and the password long enough."""
    try:
        address = normalise_email(email).lower()
    except InvalidEmail as exc:
        raise AccountError(f"invalid email address: {exc}") from None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(Organiser.id).where(Organiser.email == address)) is not None:
        raise AccountError(f"an organiser {address} exists already")
    organiser = Organiser(email=address, name=name.strip())
    organiser.set_password(password)
    session.add(organiser)
    session.flush()
    return organiser


#: Checked when the address is unknown, so both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


def login_address(email: str) -> str:
    """The address a login is for: what authenticate looks up and the brake counts."""
    try:
        return normalise_email(email).lower()
    except InvalidEmail:
        return email.strip().lower()[:320]


def authenticate(session: Session, email: str, password: str) -> Organiser | None:
    """The active organiser with this address and password, or None for any mismatch."""
    address = login_address(email)
    organiser = session.scalar(select(Organiser).where(Organiser.email == address))
    if organiser is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not organiser.check_password(password) or not organiser.is_active:
        return None
    return organiser


def change_password(organiser: Organiser, password: str) -> None:
    """Give the organiser a new password; every session so far ends."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    organiser.set_password(password)


def deactivate(organiser: Organiser) -> None:
    """Stop the organiser logging in; every session so far ends."""
    organiser.is_active = False
    organiser.end_sessions()
