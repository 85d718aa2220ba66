"""What an organiser (or the retention rule) does to an invitee, one use case per function.

Each changes the rows, queues the mail it causes and returns the Outcome; the dashboard
and the CLI call the same function, commit, and hand the outcome to rsvp.mailing.dispatch.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rsvp.invitees import privacy
from rsvp.invitees.models import Invitee
from rsvp.invitees.retention import Purge, purge_due
from rsvp.mailing.models import Message, MessageKind
from rsvp.mailing.services import queue_calendar_withdrawal, queue_message, queue_promotions
from rsvp.outcome import SYSTEM, Agent, Outcome
from rsvp.responses.waitlist import lock_event, promote_waiting


@dataclass
class EraseOutcome(Outcome):
    """What was kept without the person, and who moved up into the freed place."""

    erasure: privacy.Erasure | None = None
    #: How many moved up from the waiting list into the freed place.
    promoted: int = 0


def erase_invitee(session: Session, invitee: Invitee, *, by: Agent) -> EraseOutcome:
    """Erase the person, keep the anonymous history, give the freed places to the waiting list."""
    event = invitee.event
    # The event's lock first, as every answer takes it: places are counted per event.
    lock_event(session, event)
    outcome = EraseOutcome(event.id)
    # Queued (and rendered) before the erasure, while the address is there to write to.
    withdrawal = queue_calendar_withdrawal(session, invitee)
    outcome.erasure = privacy.erase_invitee(session, invitee)
    promoted = queue_promotions(session, promote_waiting(session, event))
    outcome.promoted = len(promoted)
    outcome.add([m.id for m in promoted] + ([withdrawal.id] if withdrawal else []))
    return outcome


def revoke_link(session: Session, invitee: Invitee, *, by: Agent) -> Outcome:
    """Make the invitee's link invalid; the new one goes out only when the organiser sends it."""
    invitee.revoke_link()
    session.flush()
    return Outcome(invitee.event_id)


def resend_invitation(session: Session, invitee: Invitee, *, by: Agent) -> Outcome:
    """Queue the invitation (again) for one invitee, whatever was sent before."""
    first = session.scalar(select(Message.id).where(
        Message.invitee_id == invitee.id, Message.dedup_key == MessageKind.INVITATION.value))
    # The first invitation counts in the figures; a resend is logged beside it.
    dedup_key = MessageKind.INVITATION.value if first is None else None
    message = queue_message(session, invitee, MessageKind.INVITATION, dedup_key)
    return Outcome(invitee.event_id, [message.id])


@dataclass(frozen=True)
class PurgeReport:
    """The events whose personal data went (or would go); a purge sends no mail."""

    purges: list[Purge]


def purge_expired(session: Session, *, by: Agent = SYSTEM, now: datetime | None = None,
                  dry_run: bool = False) -> PurgeReport:
    """Remove the personal data of every event past its retention period; the caller commits."""
    return PurgeReport(purge_due(session, now=now, dry_run=dry_run))
