"""Queueing messages, and the delivery functions (rsvp.mailing.delivery) under one name.

Delivery (claims, retries, the send rate, the one window for duplicates) is described in
rsvp.mailing.delivery; the CLI, the views and the Celery tasks all call it from here or there.
"""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, exists, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.mailing.delivery import SendReport, deliver_due, deliver_one
from rsvp.mailing.mime import build_message
from rsvp.mailing.mime import sender_address as _sender_address
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.responses.models import Response, ResponseChange

#: Kinds an invitee receives at most once; their kind is their dedup key.
ONCE_ONLY_KINDS = {MessageKind.SAVE_THE_DATE, MessageKind.INVITATION, MessageKind.REMINDER}


def _already(kind: MessageKind) -> ColumnElement[bool]:
    return exists().where(Message.invitee_id == Invitee.id, Message.dedup_key == kind.value)


def due_condition(kind: MessageKind) -> ColumnElement[bool]:
    """Which invitees are due a once-only message of ``kind``."""
    condition = ~_already(kind)
    if kind is MessageKind.REMINDER:
        invited = exists().where(Message.invitee_id == Invitee.id,
                                 Message.dedup_key == MessageKind.INVITATION.value,
                                 Message.status == MessageStatus.SENT)
        answered = exists().where(Response.invitee_id == Invitee.id)
        condition = and_(condition, invited, ~answered)
    return condition


def due_invitees(session: Session, event: Event, kind: MessageKind,
                 limit: int | None = None) -> Sequence[Invitee]:
    """The invitees a send of ``kind`` would write to now (for --dry-run and previews)."""
    query = (select(Invitee).where(Invitee.event_id == event.id, due_condition(kind))
             .order_by(Invitee.id).limit(limit))
    return session.scalars(query).all()


def queue_messages(session: Session, event: Event, kind: MessageKind,
                   limit: int | None = None) -> int:
    """Queue ``kind`` for every invitee due it; returns how many were queued."""
    if kind not in ONCE_ONLY_KINDS:
        raise ValueError(f"{kind} is not sent in bulk")
    now = utcnow()
    constants = [literal(kind.value), literal(kind.value),
                 literal(MessageStatus.QUEUED.value),
                 literal(0), *(literal("") for _ in range(6)), literal(False),
                 literal(now, UTCDateTime), literal(now, UTCDateTime)]
    due = (
        select(Invitee.event_id, Invitee.id, *constants)
        .where(Invitee.event_id == event.id, due_condition(kind))
        .order_by(Invitee.id).limit(limit)
    )
    columns = ["event_id", "invitee_id", "kind", "dedup_key", "status", "attempts", "last_error",
               "message_id", "recipient", "subject", "body_text", "body_html", "maybe_duplicate",
               "queued_at", "updated_at"]
    dialect = session.get_bind().dialect.name
    insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_(Message).from_select(columns, due).on_conflict_do_nothing()
    result = session.execute(statement)
    session.flush()
    return result.rowcount or 0


def queue_message(session: Session, invitee: Invitee, kind: MessageKind,
                  dedup_key: str | None) -> Message:
    """Queue one message for one invitee (confirmations, resends)."""
    message = Message(event_id=invitee.event_id, invitee_id=invitee.id, kind=kind,
                      dedup_key=dedup_key)
    session.add(message)
    session.flush()
    return message


def queue_confirmation(session: Session, invitee: Invitee, change: ResponseChange) -> Message:
    """Queue the confirmation of one recorded answer; one per history row, never two."""
    return queue_message(session, invitee, MessageKind.CONFIRMATION, f"confirmation:{change.id}")


__all__ = ["ONCE_ONLY_KINDS", "SendReport", "_sender_address", "build_message", "deliver_due",
           "deliver_one", "due_condition", "due_invitees", "queue_confirmation", "queue_message",
           "queue_messages"]
