"""Changing and calling off an event, with the mail each causes.

The dashboard and the CLI call these, commit, and hand the Outcome to rsvp.mailing.dispatch.
"""

from typing import Any

from sqlalchemy.orm import Session

from rsvp.events import services
from rsvp.events.models import Event
from rsvp.mailing.models import MessageKind
from rsvp.mailing.services import queue_messages, queue_promotions
from rsvp.outcome import SYSTEM, Agent, Outcome
from rsvp.responses.waitlist import fill_free_places


def update_event(session: Session, event: Event, changes: dict[str, Any], *,
                 by: Agent = SYSTEM) -> Outcome:
    """Change the event; a new capacity moves the waiting list up and tells who moved."""
    capacity = event.capacity
    services.update_event(session, event, changes)
    outcome = Outcome(event.id)
    if event.capacity != capacity:
        # More places (or none counted any more): the waiting list moves up and is told.
        outcome.add([m.id for m in queue_promotions(session, fill_free_places(session, event))])
    return outcome


def cancel_event(session: Session, event: Event, *, by: Agent, notify: bool = True) -> Outcome:
    """Call the event off; unless ``notify`` is off, everyone who heard of it is told.

    Raises EventError when the event was cancelled already.
    """
    services.cancel_event(session, event)
    queued = queue_messages(session, event, MessageKind.CANCELLATION) if notify else 0
    return Outcome(event.id, kind=MessageKind.CANCELLATION, bulk=queued)
