"""The one place that hands queued messages to a sender, after the caller's commit.

Views, CLI commands and imports call an operation, commit, and pass its Outcome here. The
web app never waits: the messages go to the in-process sender threads, or to the Celery
workers when RSVP_CELERY_BROKER_URL is set (rsvp.mailing.sender_threads decides). A CLI command
waits for the delivery in its own process, since its threads would die with it.
"""

from collections.abc import Callable

from flask import Flask

from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.mailing.account_mail import deliver_account_messages, deliver_account_messages_soon
from rsvp.mailing.delivery import SendReport, deliver_due
from rsvp.mailing.sender_threads import deliver_soon, start_delivery
from rsvp.outcome import Outcome


def dispatch(app: Flask, outcome: Outcome, *, wait: bool = False, limit: int | None = None,
             on_progress: Callable[[int], None] | None = None) -> SendReport | None:
    """Deliver what ``outcome`` queued: in the background, or here and now with ``wait``.

    The messages must be committed. Returns the report of a waited-for delivery, else None.
    Raises SmtpUnavailable (only with ``wait``) when the server cannot be reached.
    """
    if outcome.account_message_ids:
        if wait:
            deliver_account_messages(db.session, outcome.account_message_ids)
        else:
            deliver_account_messages_soon(app, outcome.account_message_ids)
    if wait:
        return _deliver_here(outcome, limit, on_progress)
    if not outcome.queued:
        return None
    if outcome.message_ids:
        deliver_soon(app, outcome.event_id, outcome.message_ids)
    if outcome.kind is not None:
        start_delivery(app, outcome.event_id, outcome.kind)
    return None


def hand_to_workers(outcome: Outcome) -> int:
    """Give what ``outcome`` queued (a bulk kind: all of it the event has queued) to the
    `rsvp worker` processes in chunks, for `rsvp send --via celery`; returns the chunk count.

    Needs the Celery app set up (rsvp.celery_app); the messages must be committed.
    """
    from rsvp.mailing.celery_tasks import deliver_chunk, enqueue_delivery

    if outcome.kind is not None:
        return enqueue_delivery(db.session, outcome.event_id, outcome.kind)
    if outcome.message_ids:
        deliver_chunk.delay(outcome.event_id, list(outcome.message_ids))
        return 1
    return 0


def _deliver_here(outcome: Outcome, limit: int | None,
                  on_progress: Callable[[int], None] | None) -> SendReport | None:
    """A bulk send takes whatever the event has queued, as `rsvp send` always has."""
    if outcome.kind is None and not outcome.message_ids:
        return None
    event = db.session.get(Event, outcome.event_id)
    assert event is not None, "dispatch after the event's commit"
    ids = None if outcome.kind is not None else outcome.message_ids
    return deliver_due(db.session, event, message_ids=ids, limit=limit, on_progress=on_progress)
