"""Queueing messages, and the delivery functions (rsvp.mailing.delivery) under one name.

Delivery (claims, retries, the send rate, the one window for duplicates) is described in
rsvp.mailing.delivery; the CLI, the views and the Celery tasks all call it from here or there.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    cast,
    exists,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.events.models import Event
from rsvp.invitees.models import Invitee, InviteeTag
from rsvp.mailing.delivery import SendReport, deliver_due
from rsvp.mailing.kinds import BULK_KINDS, Audience
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.responses.models import Answer, Response, ResponseChange

if TYPE_CHECKING:
    from rsvp.responses.services import AnswerResult

#: Kinds an invitee receives at most once; their kind is their dedup key.
ONCE_ONLY_KINDS = {MessageKind.SAVE_THE_DATE, MessageKind.INVITATION, MessageKind.REMINDER,
                   MessageKind.CANCELLATION}


#: The audience of a kind when none is named.
DEFAULT_AUDIENCE = {
    MessageKind.SAVE_THE_DATE: Audience.ALL,
    MessageKind.INVITATION: Audience.ALL,
    MessageKind.REMINDER: Audience.NO_RESPONSE,
    MessageKind.CONFIRMATION: Audience.ACCEPTED,
    MessageKind.UPDATE: Audience.ALL,
    MessageKind.CANCELLATION: Audience.ALL,
}
#: Audiences that make sense per kind: reminders only to those without an answer,
#: confirmations only to those with one.
ALLOWED_AUDIENCES = {
    MessageKind.REMINDER: {Audience.NO_RESPONSE, Audience.PENDING},
    MessageKind.CONFIRMATION: {Audience.ACCEPTED, Audience.DECLINED},
}


class AudienceError(ValueError):
    """A kind cannot be sent to the chosen audience, or an update lacks its round."""


def _answered() -> ColumnElement[bool]:
    return exists().where(Response.invitee_id == Invitee.id)


def _invited() -> ColumnElement[bool]:
    return exists().where(Message.invitee_id == Invitee.id,
                          Message.dedup_key == MessageKind.INVITATION.value,
                          Message.status == MessageStatus.SENT)


def _contacted() -> ColumnElement[bool]:
    return exists().where(Message.invitee_id == Invitee.id,
                          Message.status == MessageStatus.SENT)


def _answer_is(answer: Answer) -> ColumnElement[bool]:
    return exists().where(Response.invitee_id == Invitee.id, Response.answer == answer)


def audience_condition(audience: Audience, tag: str | None = None) -> ColumnElement[bool]:
    """Which invitees belong to ``audience`` (and carry ``tag``, when one is given)."""
    conditions = {
        Audience.PENDING: ~_answered(),
        Audience.NO_RESPONSE: and_(_invited(), ~_answered()),
        Audience.ACCEPTED: _answer_is(Answer.ACCEPTED),
        Audience.DECLINED: _answer_is(Answer.DECLINED),
        Audience.ALL: true(),
    }
    condition = conditions[audience]
    if tag:
        condition = and_(condition, exists().where(InviteeTag.invitee_id == Invitee.id,
                                                   InviteeTag.tag == tag))
    return condition


def dedup_expression(kind: MessageKind, dedup_key: str | None = None) -> ColumnElement[str]:
    """The dedup key each invitee's message of ``kind`` gets, as SQL.

    Once-only kinds: the kind. Confirmations: the answer they confirm, so one sent from the
    RSVP page is never sent again in bulk. Updates: their round ("update:<id>").
    """
    if kind is MessageKind.CONFIRMATION:
        latest = (select(func.max(ResponseChange.id))
                  .where(ResponseChange.invitee_id == Invitee.id).scalar_subquery())
        return literal("confirmation:") + cast(latest, String)
    if kind is MessageKind.UPDATE:
        if not dedup_key:
            raise AudienceError("an update needs its update round")
        return literal(dedup_key)
    return literal(kind.value)


def due_condition(kind: MessageKind, audience: Audience | None = None, tag: str | None = None,
                  dedup_key: str | None = None) -> ColumnElement[bool]:
    """Which invitees are due ``kind``: in the audience, and not yet sent this message."""
    audience = audience or DEFAULT_AUDIENCE[kind]
    allowed = ALLOWED_AUDIENCES.get(kind)
    if allowed is not None and audience not in allowed:
        choices = ", ".join(sorted(a.value for a in allowed))
        raise AudienceError(f"a {kind} goes only to: {choices}")
    already = exists().where(Message.invitee_id == Invitee.id,
                             Message.dedup_key == dedup_expression(kind, dedup_key))
    # An address that bounced takes no mail: nobody writes to it again until it is changed.
    condition = and_(~already, audience_condition(audience, tag), Invitee.bounced_at.is_(None))
    if kind is MessageKind.REMINDER:
        # A reminder presupposes the invitation, whatever the audience.
        condition = and_(condition, _invited(), ~_answered())
    if kind is MessageKind.CANCELLATION:
        # Only those who heard of the event, and not those who said they would not come.
        condition = and_(condition, _contacted(), ~_answer_is(Answer.DECLINED))
    return condition


def due_invitees(session: Session, event: Event, kind: MessageKind, limit: int | None = None,
                 *, audience: Audience | None = None, tag: str | None = None,
                 dedup_key: str | None = None) -> Sequence[Invitee]:
    """The invitees a send of ``kind`` would write to now (for --dry-run and previews)."""
    query = (select(Invitee)
             .where(Invitee.event_id == event.id, due_condition(kind, audience, tag, dedup_key))
             .order_by(Invitee.id).limit(limit))
    return session.scalars(query).all()


def queue_messages(session: Session, event: Event, kind: MessageKind, limit: int | None = None,
                   *, audience: Audience | None = None, tag: str | None = None,
                   dedup_key: str | None = None) -> int:
    """Queue ``kind`` for every invitee due it; returns how many were queued.

    ``dedup_key`` names the round of an update ("update:<id>", see create_update_round).
    """
    now = utcnow()
    constants = [literal(kind.value), dedup_expression(kind, dedup_key),
                 literal(MessageStatus.QUEUED.value),
                 literal(0), *(literal("") for _ in range(6)), literal(False),
                 literal(now, UTCDateTime), literal(now, UTCDateTime)]
    due = (
        select(Invitee.event_id, Invitee.id, *constants)
        .where(Invitee.event_id == event.id, due_condition(kind, audience, tag, dedup_key))
        .order_by(Invitee.id).limit(limit)
    )
    columns = ["event_id", "invitee_id", "kind", "dedup_key", "status", "attempts", "last_error",
               "message_id", "recipient", "subject", "body_text", "body_html", "maybe_duplicate",
               "queued_at", "updated_at"]
    dialect = session.get_bind().dialect.name
    insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_(Message).from_select(columns, due).on_conflict_do_nothing()
    # An INSERT's rowcount is kept only when asked for (psycopg otherwise reports -1).
    result = session.execute(statement, execution_options={"preserve_rowcount": True})
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
    """Queue the confirmation of one recorded answer; one per history row, never two.

    An acceptance that landed on the waiting list is confirmed as such, with the place.
    """
    kind = (MessageKind.WAITLISTED if change.new_answer is Answer.WAITLISTED
            else MessageKind.CONFIRMATION)
    return queue_message(session, invitee, kind, f"confirmation:{change.id}")


def queue_promotions(session: Session, changes: Sequence[ResponseChange]) -> list[Message]:
    """Queue the "a place is yours" message for each person moved up from the waiting list."""
    messages = [Message(event_id=change.event_id, invitee_id=change.invitee_id,
                        kind=MessageKind.PROMOTED, dedup_key=f"confirmation:{change.id}")
                for change in changes]
    session.add_all(messages)
    session.flush()
    return messages


def queue_answer_mails(session: Session, invitee: Invitee, result: "AnswerResult", *,
                       confirm: bool = True) -> list[int]:
    """Queue what an answer sends: its confirmation (unless not wanted) and any promotions.

    Returns the ids of the queued messages, for delivering them right away.
    """
    messages = queue_promotions(session, result.promoted)
    if confirm and result.change is not None:
        messages.insert(0, queue_confirmation(session, invitee, result.change))
    return [m.id for m in messages]


__all__ = [
    "BULK_KINDS",
    "ONCE_ONLY_KINDS",
    "Audience",
    "AudienceError",
    "SendReport",
    "audience_condition",
    "deliver_due",
    "due_condition",
    "due_invitees",
    "queue_answer_mails",
    "queue_confirmation",
    "queue_message",
    "queue_messages",
    "queue_promotions",
]
