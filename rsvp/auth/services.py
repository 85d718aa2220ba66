"""Organiser accounts."""

from sqlalchemy import select
from sqlalchemy.orm import Session

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
