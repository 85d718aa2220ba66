"""Celery tasks: chunks of an event's queued messages, each over one SMTP connection.

The tasks call the same ``deliver_due`` as the CLI and the app's own sender, restricted to
the chunk's message ids; who drives the sending is the only difference.
"""

from collections.abc import Sequence

from celery import shared_task
from celery.utils.log import get_task_logger
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.mailing.delivery import deliver_due, unfinished_retry_in
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.mailing.retry_policy import unavailable_retry_in
from rsvp.mailing.smtp import SmtpUnavailable

logger = get_task_logger(__name__)


@shared_task(name="rsvp.mailing.deliver_chunk", acks_late=True, reject_on_worker_lost=True)
def deliver_chunk(event_id: int, message_ids: list[int]) -> dict[str, int]:
    """Send one chunk, then come back later for what is still deferred or held elsewhere."""
    event = db.session.get(Event, event_id)
    if event is None:
        return {}
    try:
        report = deliver_due(db.session, event, message_ids=message_ids,
                             wait_for_retries=False)
    except SmtpUnavailable as exc:
        delay = unavailable_retry_in(current_app.config)
        logger.warning("SMTP server unavailable, chunk of event %s again in %ss: %s",
                       event_id, delay, exc)
        deliver_chunk.apply_async((event_id, message_ids), countdown=delay)
        return {}
    again_in = unfinished_retry_in(db.session, event_id, message_ids, report)
    if again_in is not None:
        deliver_chunk.apply_async((event_id, message_ids), countdown=again_in)
    return {"sent": report.sent, "failed": report.failed, "deferred": report.deferred}


def enqueue_delivery(session: Session, event_id: int, kind: MessageKind | None = None,
                     chunk_size: int | None = None) -> int:
    """Hand the event's queued messages (of ``kind``) to the workers; returns the task count."""
    size = int(chunk_size or current_app.config["CELERY_CHUNK_SIZE"])
    query = select(Message.id).where(Message.event_id == event_id,
                                     Message.status == MessageStatus.QUEUED)
    if kind is not None:
        query = query.where(Message.kind == kind)
    ids: Sequence[int] = session.scalars(query.order_by(Message.id)).all()
    chunks = [ids[start:start + size] for start in range(0, len(ids), size)]
    for chunk in chunks:
        deliver_chunk.delay(event_id, list(chunk))
    return len(chunks)
