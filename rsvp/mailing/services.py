"""Queueing messages, and the delivery functions (rsvp.mailing.delivery) under one name.

Delivery (claims, retries, the send rate, the one window for duplicates) is described in
rsvp.mailing.delivery; the CLI, the views and the Celery tasks all call it from here or there.
"""

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    and_,
    exists,
    func,
    insert,
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
from rsvp.mailing.render import left_guest_list, render_mail
from rsvp.responses.models import Answer, Response, ResponseChange

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


#: The audiences as organisers read them (the dashboard's choices, the reasons below).
AUDIENCE_NAMES = {Audience.PENDING: _l("Everyone who has not answered"),
                  Audience.NO_RESPONSE: _l("Everyone invited who has not answered"),
                  Audience.ACCEPTED: _l("Everyone who accepted"),
                  Audience.DECLINED: _l("Everyone who declined"),
                  Audience.ALL: _l("All invitees")}


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


def _latest_change() -> ColumnElement[int]:
    return (select(func.max(ResponseChange.id))
            .where(ResponseChange.invitee_id == Invitee.id).scalar_subquery())


def dedup_values(kind: MessageKind,
                 update_round_id: int | None = None) -> dict[str, ColumnElement[Any]]:
    """What makes each invitee's message of ``kind`` unique, as SQL per column.

    Once-only kinds: the kind (dedup_key). Confirmations: the answer they confirm, so one
    sent from the RSVP page is never sent again in bulk. Updates: their round.
    """
    if kind is MessageKind.CONFIRMATION:
        return {"response_change_id": _latest_change()}
    if kind is MessageKind.UPDATE:
        if not update_round_id:
            raise AudienceError("an update needs its update round")
        return {"update_round_id": literal(update_round_id)}
    return {"dedup_key": literal(kind.value)}


class _Names(list):
    """Audiences named in the reader's language when the reason is put into words."""

    def __str__(self) -> str:
        return "; ".join(str(AUDIENCE_NAMES[a]) for a in self)


def due_condition(kind: MessageKind, audience: Audience | None = None, tag: str | None = None,
                  update_round_id: int | None = None) -> ColumnElement[bool]:
    """Which invitees are due ``kind``: in the audience, and not yet sent this message."""
    audience = audience or DEFAULT_AUDIENCE[kind]
    allowed = ALLOWED_AUDIENCES.get(kind)
    if allowed is not None and audience not in allowed:
        raise AudienceError(_l("This kind of mail goes only to: %(choices)s", choices=_Names(
            sorted(allowed))))
    already = exists().where(Message.invitee_id == Invitee.id, *(
        getattr(Message, column) == value
        for column, value in dedup_values(kind, update_round_id).items()))
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
                 update_round_id: int | None = None) -> Sequence[Invitee]:
    """The invitees a send of ``kind`` would write to now (for --dry-run and previews)."""
    query = (select(Invitee)
             .where(Invitee.event_id == event.id,
                    due_condition(kind, audience, tag, update_round_id))
             .order_by(Invitee.id).limit(limit))
    return session.scalars(query).all()


#: The columns of a bulk-queued message besides its invitee and what makes it unique.
_BULK_COLUMNS = ("kind", "status", "attempts", "last_error", "message_id", "recipient",
                 "subject", "body_text", "body_html", "maybe_duplicate", "queued_at",
                 "updated_at")


def queue_messages(session: Session, event: Event, kind: MessageKind, limit: int | None = None,
                   *, audience: Audience | None = None, tag: str | None = None,
                   update_round_id: int | None = None) -> int:
    """Queue ``kind`` for every invitee due it; returns how many were queued.

    ``update_round_id`` names the round of an update (see create_update_round).
    """
    now = utcnow()
    unique = dedup_values(kind, update_round_id)
    constants = [literal(kind.value), literal(MessageStatus.QUEUED.value),
                 literal(0), *(literal("") for _ in range(6)), literal(False),
                 literal(now, UTCDateTime), literal(now, UTCDateTime)]
    due = (
        select(Invitee.event_id, Invitee.id, *unique.values(), *constants)
        .where(Invitee.event_id == event.id, due_condition(kind, audience, tag, update_round_id))
        .order_by(Invitee.id).limit(limit)
    )
    columns = ["event_id", "invitee_id", *unique, *_BULK_COLUMNS]
    dialect = session.get_bind().dialect.name
    insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Without a conflict target: whichever unique constraint a row would break, it is skipped.
    statement = insert_(Message).from_select(columns, due).on_conflict_do_nothing()
    # An INSERT's rowcount is kept only when asked for (psycopg otherwise reports -1).
    result = session.execute(statement, execution_options={"preserve_rowcount": True})
    session.flush()
    return result.rowcount or 0


def queue_message(session: Session, invitee: Invitee, kind: MessageKind,
                  dedup_key: str | None = None, *, response_change_id: int | None = None,
                  update_round_id: int | None = None) -> Message:
    """Queue one message for one invitee (confirmations, resends).

    ``dedup_key`` is the kind for the one message of a once-only kind that counts (None for
    a resend beside it); a confirmation names its answer, an update its round.
    """
    message = Message(event_id=invitee.event_id, invitee_id=invitee.id, kind=kind,
                      dedup_key=dedup_key, response_change_id=response_change_id,
                      update_round_id=update_round_id)
    session.add(message)
    session.flush()
    return message


def queue_confirmation(session: Session, invitee: Invitee, change: ResponseChange) -> int:
    """Queue the confirmation of one recorded answer; one per history row, never two. Its
    message's id.

    An acceptance that landed on the waiting list is confirmed as such, with the place.
    """
    kind = (MessageKind.WAITLISTED if change.new_answer is Answer.WAITLISTED
            else MessageKind.CONFIRMATION)
    # The answer's rows may still be pending: written first, the history row has its id.
    session.flush()
    # Every answer queues one: a plain INSERT, without the unit of work's bookkeeping for
    # an object nothing reads again (the dispatcher takes its id).
    return session.execute(_INSERT_CONFIRMATION, {
        "event_id": invitee.event_id, "invitee_id": invitee.id, "kind": kind,
        "response_change_id": change.id}).scalar_one()


_INSERT_CONFIRMATION = insert(Message.__table__).returning(Message.__table__.c.id)


def queue_promotions(session: Session, changes: Sequence[ResponseChange]) -> list[Message]:
    """Queue the "a place is yours" message for each person moved up from the waiting list."""
    messages = [Message(event_id=change.event_id, invitee_id=change.invitee_id,
                        kind=MessageKind.PROMOTED, response_change_id=change.id)
                for change in changes]
    if messages:
        session.add_all(messages)
        session.flush()
    return messages


def queue_calendar_withdrawal(session: Session, invitee: Invitee) -> Message | None:
    """Queue the METHOD:CANCEL that takes the event out of the calendar of someone who is
    leaving the guest list (erased, or moved to the waiting list); None if they are not on it.

    Rendered now and kept on the message (recipient, texts, calendar file) until it is sent,
    so it still goes out after the person is erased; delivery clears it then.
    """
    if not _had_the_meeting(session, invitee):
        return None
    if invitee.response is not None and invitee.response.answer is Answer.ACCEPTED:
        # record_answer counted a change of answer already; this withdrawal is one of its own.
        invitee.calendar_withdrawals += 1
    rendered = render_mail(invitee, MessageKind.WITHDRAWAL)
    message = Message(event_id=invitee.event_id, invitee_id=invitee.id,
                      kind=MessageKind.WITHDRAWAL, recipient=invitee.email,
                      subject=rendered.subject, body_text=rendered.text,
                      body_html=rendered.html,
                      calendar_ics=rendered.attachments[0].data.decode("utf-8"))
    session.add(message)
    session.flush()
    return message


#: Kinds that put the meeting in an invitee's calendar as accepted (REQUEST, PARTSTAT).
_ACCEPTED_CALENDAR_KINDS = (MessageKind.CONFIRMATION, MessageKind.PROMOTED, MessageKind.UPDATE)


def _had_the_meeting(session: Session, invitee: Invitee) -> bool:
    """On the guest list (or just taken off it), sent the meeting as accepted, reachable."""
    if invitee.bounced_at is not None or invitee.event.cancelled:
        return False
    response = invitee.response
    if response is None or response.answer is not Answer.ACCEPTED:
        last = session.scalar(select(ResponseChange)
                              .where(ResponseChange.invitee_id == invitee.id)
                              .order_by(ResponseChange.id.desc()).limit(1))
        if not left_guest_list(last):
            return False
    return session.scalar(select(exists().where(
        Message.invitee_id == invitee.id, Message.status == MessageStatus.SENT,
        Message.kind.in_(_ACCEPTED_CALENDAR_KINDS)))) or False


__all__ = [
    "BULK_KINDS",
    "ONCE_ONLY_KINDS",
    "Audience",
    "AudienceError",
    "SendReport",
    "audience_condition",
    "dedup_values",
    "deliver_due",
    "due_condition",
    "due_invitees",
    "queue_calendar_withdrawal",
    "queue_confirmation",
    "queue_message",
    "queue_messages",
    "queue_promotions",
]
