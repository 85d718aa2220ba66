"""Writing and reading the audit log; removing personal data from it, never its entries.

The interfaces (views, CLI) record, since the actor and the address are theirs to know:
after calling an operation and before the commit, so the entry and the change stand or fall
together.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from rsvp.audit.models import VIA, AuditAction, AuditEntry
from rsvp.auth.models import Organiser
from rsvp.events.models import Event
from rsvp.invitees.models import Invitee

#: Detail keys that name a person other than the organiser; a purge or erasure removes them.
PERSONAL_KEYS = frozenset({"invitee", "email", "name", "address"})
#: Entries on one page of the activity list.
PAGE_SIZE = 50


def record(session: Session, action: AuditAction, *, actor: Organiser | None = None,
           actor_label: str = "", event: Event | None = None, invitee: Invitee | None = None,
           remote_addr: str | None = None, via: str = "web",
           details: dict[str, Any] | None = None) -> AuditEntry:
    """Add one entry; ``actor_label`` names an actor without an account (the command line).

    An invitee's address goes into the details, readable after the invitee changes.
    """
    assert via in VIA
    details = dict(details or {})
    if invitee is not None:
        details.setdefault("invitee", invitee.email)
        event = event or invitee.event
    entry = AuditEntry(
        action=action.value, actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else actor_label,
        event_id=event.id if event else None, invitee_id=invitee.id if invitee else None,
        details=details, remote_addr=remote_addr or None, via=via)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ActivityPage:
    """One page of entries, newest first."""

    entries: list[AuditEntry]
    number: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def activity(session: Session, event: Event | None = None, *, page: int = 1,
             size: int | None = PAGE_SIZE) -> ActivityPage:
    """The event's entries (every entry when ``event`` is None), newest first."""
    condition: ColumnElement[bool] = (AuditEntry.event_id == event.id) if event else (
        AuditEntry.id.is_not(None))
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(condition)) or 0
    page = max(1, page)
    query = select(AuditEntry).where(condition).order_by(AuditEntry.id.desc())
    if size is not None:
        query = query.limit(size).offset((page - 1) * size)
    return ActivityPage(list(session.scalars(query)), page, total)


def without_personal_data(details: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in details.items() if key not in PERSONAL_KEYS}


def _anonymise(session: Session, condition: ColumnElement[bool]) -> int:
    """Remove personal detail keys and the address from matching entries; they stay."""
    entries = session.scalars(select(AuditEntry).where(condition)).all()
    changed = 0
    for entry in entries:
        kept = without_personal_data(entry.details or {})
        if kept != (entry.details or {}) or entry.remote_addr is not None:
            entry.details, entry.remote_addr = kept, None
            changed += 1
    session.flush()
    return changed


def anonymise_event(session: Session, event_id: int) -> int:
    """The retention purge: the event's entries keep who acted, what and when; no invitees."""
    return _anonymise(session, AuditEntry.event_id == event_id)


def forget_invitee(session: Session, invitee_id: int) -> int:
    """An erasure on request: the invitee's name and address leave their entries too."""
    entries = session.scalars(select(AuditEntry).where(AuditEntry.invitee_id == invitee_id))
    for entry in entries:
        entry.details = without_personal_data(entry.details or {})
    session.flush()
    return invitee_id


def entry_as_dict(entry: AuditEntry) -> dict[str, Any]:
    """An entry as `rsvp audit --json` prints it."""
    return {"id": entry.id, "at": entry.at.isoformat(), "actor": entry.actor_label,
            "action": entry.action, "event_id": entry.event_id,
            "invitee_id": entry.invitee_id, "details": entry.details,
            "remote_addr": entry.remote_addr, "via": entry.via}
