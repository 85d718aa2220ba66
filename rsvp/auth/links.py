"""Signed account links: set a first password (a new co-organiser) or reset a forgotten one.

A link carries the organiser's id and session version; setting a password raises the version
(Organiser.set_password), so a link works once, and any newer link or password change voids it.
"""

from enum import Enum

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from rsvp.auth.models import Organiser


class AccountLink(Enum):
    """What a link is for, and how long it lasts in seconds."""

    SET_PASSWORD = ("rsvp.account.set-password.v1", 72 * 3600)
    RESET_PASSWORD = ("rsvp.account.reset-password.v1", 3600)

    @property
    def salt(self) -> str:
        return self.value[0]

    @property
    def max_age(self) -> int:
        return self.value[1]


class InvalidAccountLink(Exception):
    """Not ours, expired, already used, or its account is gone or deactivated."""


def _serializer(purpose: AccountLink) -> URLSafeTimedSerializer:
    config = current_app.config
    keys = [*config["SECRET_KEY_FALLBACKS"], config["SECRET_KEY"]]
    return URLSafeTimedSerializer(keys, salt=purpose.salt)


def account_link_token(organiser: Organiser, purpose: AccountLink) -> str:
    return _serializer(purpose).dumps([organiser.id, organiser.session_version or 0])


def organiser_for_link(session: Session, token: str, purpose: AccountLink) -> Organiser:
    """The account a link is for, if it is still good.

    :raises InvalidAccountLink: bad signature, too old, used, or the account is inactive.
    """
    try:
        data = _serializer(purpose).loads(token, max_age=purpose.max_age)
    except (SignatureExpired, BadSignature, UnicodeError, ValueError):
        raise InvalidAccountLink(token) from None
    match data:
        case [int() as organiser_id, int() as version]:
            organiser = session.get(Organiser, organiser_id)
        case _:
            raise InvalidAccountLink(token)
    if organiser is None or not organiser.is_active or organiser.session_version != version:
        raise InvalidAccountLink(token)
    return organiser
