"""Organiser accounts, and the one password policy every way of setting a password goes through."""

from functools import cache
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from rsvp.auth.models import Organiser
from rsvp.invitees.emails import InvalidEmail, normalise_email

MIN_PASSWORD_LENGTH = 10
#: The 10,000 most common passwords of the zxcvbn 4.5 frequency list (Xato's ten million
#: leaked passwords), one a line, ranked.
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


class AccountError(ValueError):
    """The account cannot be created or changed as asked."""


class WeakPassword(AccountError):
    """The password breaks the policy; the message says why, in the page's language."""


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").split())


def check_password_policy(password: str) -> None:
    """The password rule: long enough and not among the common passwords (any case).

    :raises WeakPassword: with a message for the person choosing it.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(_("The password needs at least %(count)s characters.",
                             count=MIN_PASSWORD_LENGTH))
    if password.strip().casefold() in common_passwords():
        raise WeakPassword(
            _("This password is one of the most common ones. Please choose another."))


def create_organiser(session: Session, email: str, password: str, *, name: str = "",
                     is_admin: bool = False) -> Organiser:
    """Create an organiser; the address must be new and the password follow the policy."""
    try:
        address = normalise_email(email).lower()
    except InvalidEmail as exc:
        raise AccountError(_("invalid email address: %(reason)s", reason=exc.reason)) from None
    check_password_policy(password)
    if session.scalar(select(Organiser.id).where(Organiser.email == address)) is not None:
        raise AccountError(_("An organiser %(address)s exists already.", address=address))
    organiser = Organiser(email=address, name=name.strip(), is_admin=is_admin)
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
    """Give the organiser a new password (after the policy); every session so far ends."""
    check_password_policy(password)
    organiser.set_password(password)


def deactivate(organiser: Organiser) -> None:
    """Stop the organiser logging in; every session so far ends."""
    organiser.is_active = False
    organiser.end_sessions()


def reactivate(organiser: Organiser) -> None:
    """Let a deactivated organiser log in again (old sessions stay ended)."""
    organiser.is_active = True


def find_organiser(session: Session, email: str) -> Organiser | None:
    """The organiser with this address (any spelling), active or not."""
    return session.scalar(select(Organiser).where(Organiser.email == login_address(email)))
