"""The brake on guessing passwords, counted in the database so every worker sees one count.

Three brakes, each a list of limits such as "5 per minute;20 per hour" over failed logins:
per pair of address and client (LOGIN_RATE_LIMIT), per client (LOGIN_RATE_LIMIT_PER_CLIENT),
and per address from all clients (LOGIN_RATE_LIMIT_PER_ACCOUNT). The last only stops clients
that have failed on the address themselves, so a stranger's guessing never locks the owner
out of a client that has not been guessing.
"""

from datetime import datetime, timedelta

from flask import current_app
from limits import RateLimitItem, parse_many
from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from rsvp.auth.models import LoginFailure
from rsvp.dbtypes import utcnow

BRAKES = ("LOGIN_RATE_LIMIT", "LOGIN_RATE_LIMIT_PER_CLIENT", "LOGIN_RATE_LIMIT_PER_ACCOUNT")


def _limits(name: str) -> list[RateLimitItem]:
    return parse_many(str(current_app.config[name]))


def _failures_since(session: Session, since: datetime, *where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(LoginFailure).where(LoginFailure.at > since, *where)
    return session.scalar(query) or 0


def _over(session: Session, name: str, now: datetime, *where: ColumnElement[bool]) -> bool:
    """True when any limit of the brake ``name`` is used up by the failures ``where``."""
    return any(
        _failures_since(session, now - timedelta(seconds=item.get_expiry()), *where)
        >= item.amount
        for item in _limits(name))


def is_braked(session: Session, address: str, client: str) -> bool:
    """True when this client may not try to log in as this address now."""
    now = utcnow()
    same_address, same_client = LoginFailure.address == address, LoginFailure.client == client
    if _over(session, "LOGIN_RATE_LIMIT", now, same_address, same_client):
        return True
    if _over(session, "LOGIN_RATE_LIMIT_PER_CLIENT", now, same_client):
        return True
    return (_over(session, "LOGIN_RATE_LIMIT_PER_ACCOUNT", now, same_address)
            and _has_failed_within(session, "LOGIN_RATE_LIMIT_PER_ACCOUNT", now, address, client))


def _has_failed_within(session: Session, name: str, now: datetime, address: str,
                       client: str) -> bool:
    longest = max(item.get_expiry() for item in _limits(name))
    return _failures_since(session, now - timedelta(seconds=longest),
                           LoginFailure.address == address, LoginFailure.client == client) > 0


def record_failure(session: Session, address: str, client: str) -> None:
    """Count one failed login, and forget those older than every brake's longest window."""
    now = utcnow()
    longest = max(item.get_expiry() for name in BRAKES for item in _limits(name))
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - timedelta(seconds=longest)))
    session.add(LoginFailure(address=address, client=client[:64], at=now))
    session.flush()
