"""Recording from a web request: the logged-in organiser and the client's address."""

from typing import Any

from flask import request
from flask_login import current_user
from sqlalchemy import select

from rsvp.audit.models import AuditAction, AuditEntry
from rsvp.audit.services import record
from rsvp.auth.models import Organiser
from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.invitees.models import Invitee


def audit(action: AuditAction, event: Event | None = None, invitee: Invitee | None = None, *,
          actor: Organiser | int | None = None, label: str = "", **details: Any) -> AuditEntry:
    """Record what this request did, in its transaction; the caller commits.

    ``actor`` defaults to the logged-in organiser; an id is looked up (a reset asked for).
    """
    if isinstance(actor, int):
        actor = db.session.get(Organiser, actor)
    elif actor is None and current_user.is_authenticated:
        actor = current_user._get_current_object()  # type: ignore[attr-defined]
    return record(db.session, action, actor=actor, actor_label=label, event=event,
                  invitee=invitee, remote_addr=request.remote_addr, via="web", details=details)


def audit_failed_login(address: str, **details: Any) -> AuditEntry:
    """A wrong password or code: the account if the address has one, never what was typed
    otherwise (it may be a password typed into the wrong field)."""
    account = db.session.scalar(select(Organiser).where(Organiser.email == address))
    return audit(AuditAction.LOGIN_FAILED, actor=account,
                 label="" if account else "?", known=account is not None, **details)
