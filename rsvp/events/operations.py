"""Changing and calling off an event, with the mail each causes.

The dashboard and the CLI call these, commit, and hand the Outcome to rsvp.mailing.dispatch.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from rsvp.events import services
from rsvp.events.models import Event
from rsvp.mailing.models import MessageKind
from rsvp.mailing.services import queue_messages, queue_promotions
from rsvp.outcome import SYSTEM, Agent, Outcome
from rsvp.questions.services import add_questions, questions_from_file
from rsvp.responses.waitlist import fill_free_places
from rsvp.schedule.operations import plan_send
from rsvp.schedule.services import cancel_all_planned, plan_spec


def create_event(session: Session, raw: Mapping[str, Any], *, by: Agent = SYSTEM,
                 owner_id: int | None = None) -> Event:
    """Create an event with its file's `[[questions]]` and the planned sends of `[[schedule]]`.

    Raises EventError or ScheduleError (naming the entry); nothing is kept then.
    """
    values = dict(raw)
    entries = values.pop("schedule", None) or []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise services.EventError("schedule: a list of [[schedule]] tables")
    questions = questions_from_file(values.pop("questions", None))
    event = services.create_event(session, values, owner_id=owner_id)
    add_questions(session, event, questions)
    for entry in entries:
        plan_send(session, event, plan_spec(entry, event.zone), by=by)
    return event


def update_event(session: Session, event: Event, changes: dict[str, Any], *,
                 by: Agent = SYSTEM) -> Outcome:
    """Change the event; a new capacity moves the waiting list up and tells who moved.

    Planned sends relative to the deadline, start or end follow the change by themselves:
    their due time is computed from the event when a tick looks.
    """
    capacity = event.capacity
    services.update_event(session, event, changes)
    outcome = Outcome(event.id)
    if event.capacity != capacity:
        # More places (or none counted any more): the waiting list moves up and is told.
        outcome.add([m.id for m in queue_promotions(session, fill_free_places(session, event))])
    return outcome


def cancel_event(session: Session, event: Event, *, by: Agent, notify: bool = True) -> Outcome:
    """Call the event off and its planned sends; unless ``notify`` is off, everyone who heard
    of it is told.

    Raises EventError when the event was cancelled already.
    """
    services.cancel_event(session, event)
    cancel_all_planned(session, event)
    queued = queue_messages(session, event, MessageKind.CANCELLATION) if notify else 0
    return Outcome(event.id, kind=MessageKind.CANCELLATION, bulk=queued)
