"""Recording from a web request: the logged-in organiser and the client's address."""

from typing import Any

from flask import request
from flask_login import current_user

from rsvp.audit.models import AuditAction, AuditEntry
from rsvp.audit.services import record
from rsvp.auth.models import Organiser
from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.invitees.models import Invitee


def audit(action: AuditAction, event: Event | None = None, invitee: Invitee | None = None, *,
          actor: Organiser | None = None, label: str = "", **details: Any) -> AuditEntry:
    """Record what this request did, in its transaction; the caller commits."""
    if actor is None and current_user.is_authenticated:
        actor = current_user._get_current_object()  # type: ignore[attr-defined]
    return record(db.session, action, actor=actor, actor_label=label, event=event,
                  invitee=invitee, remote_addr=request.remote_addr, via="web", details=details)
