"""Recording an invitee's answer, by the invitee or on their behalf."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from rsvp.dbtypes import utcnow
from rsvp.invitees.models import Invitee
from rsvp.responses.models import Actor, Answer, Response, ResponseChange
from rsvp.responses.rules import (
    AnswerError,
    NoRoomForGuests,
    Substitute,
    validate_answer,
    validate_substitute,
)
from rsvp.responses.waitlist import answer_and_places, lock_event, promote_waiting

__all__ = ["AnswerError", "AnswerResult", "DeadlinePassed", "EventCancelled", "NoRoomForGuests",
           "Substitute", "record_answer", "validate_answer", "validate_substitute"]


class DeadlinePassed(Exception):
    """Answers through the link are closed: the event's RSVP deadline has passed."""


class EventCancelled(DeadlinePassed):
    """The event was called off: no answers are taken, from anyone."""


@dataclass(frozen=True)
class AnswerResult:
    response: Response
    #: The history row written, or None when the answer was the same as before.
    change: ResponseChange | None
    #: People moved up from the waiting list because this answer freed places.
    promoted: tuple[ResponseChange, ...] = field(default=())


def record_answer(
    session: Session,
    invitee: Invitee,
    answer: str,
    *,
    guests: int = 0,
    comment: str = "",
    actor: Actor = Actor.INVITEE,
    organiser_id: int | None = None,
    channel: str = "link",
    substitute: Substitute | None = None,
) -> AnswerResult:
    """Set the invitee's current answer and append the change to the history.

    Invitees are held to the deadline; organisers recording an answer taken by phone are not.
    An acceptance for a full event lands on the waiting list; places this answer frees go to
    the waiting list at once. The caller commits. An unchanged answer writes no history row.
    The new rows may still be pending (the session's next flush writes them).
    """
    comment, parsed, substitute, channel = _checked_input(
        invitee, answer, guests, comment, substitute, channel, actor)
    now = utcnow()
    current, places = _lock_and_read_current(session, invitee)
    state, nobody_waits = _state_for(current, parsed, guests, places)
    if _unchanged(current, (state, guests, comment, substitute.name, substitute.email)):
        return AnswerResult(current, None)
    change = ResponseChange(
        invitee_id=invitee.id, event_id=invitee.event_id, actor=actor, organiser_id=organiser_id,
        **_before(current),
        new_answer=state, new_guests=guests, new_comment=comment, channel=channel,
        changed_at=now,
    )
    if current is not None and current.answer is Answer.ACCEPTED and state is not Answer.ACCEPTED:
        # Off the guest list: their calendar files from now on outrank the ones they had.
        _count_withdrawal(session, invitee, now)
    current = _write_current(session, invitee, current, change, substitute)
    _insert_change(session, change)
    return AnswerResult(current, change, _moved_up(session, invitee, nobody_waits))


def _moved_up(session: Session, invitee: Invitee,
              nobody_waits: bool) -> tuple[ResponseChange, ...]:
    """Who moves up into the places this answer freed; none when the count under the lock
    found nobody waiting."""
    if nobody_waits:
        return ()
    return tuple(promote_waiting(session, invitee.event))


def _checked_input(invitee: Invitee, answer: str, guests: int, comment: str,
                   substitute: Substitute | None, channel: str, actor: Actor,
                   ) -> tuple[str, Answer, Substitute, str]:
    """The answer's values checked, then whether the event still takes it from ``actor``:
    (stripped comment, answer, substitute, channel)."""
    comment = comment.strip()
    parsed = validate_answer(invitee, answer, guests, comment)
    substitute = validate_substitute(invitee, substitute or Substitute())
    if substitute and channel == "link":
        channel = "substitute"
    _check_open(invitee, actor)
    return comment, parsed, substitute, channel


def _check_open(invitee: Invitee, actor: Actor) -> None:
    """Refuse answers to a cancelled event, and an invitee's own after the deadline."""
    if invitee.event.cancelled:
        raise EventCancelled()
    if actor is Actor.INVITEE and invitee.event.deadline_passed():
        raise DeadlinePassed()


def _unchanged(current: Response | None, new: tuple[object, ...]) -> bool:
    """Whether ``new`` (answer, guests, comment, substitute's name and address) is ``current``."""
    return current is not None and (current.answer, current.guests, current.comment,
                                    current.substitute_name, current.substitute_email) == new


def _before(current: Response | None) -> dict[str, object]:
    """The history row's old_* columns: the answer this change replaces, if any."""
    return {"old_answer": current.answer if current else None,
            "old_guests": current.guests if current else None,
            "old_comment": current.comment if current else None}


def _write_current(session: Session, invitee: Invitee, current: Response | None,
                   change: ResponseChange, substitute: Substitute) -> Response:
    """Make the invitee's current answer what ``change`` says; a waiting place is kept.

    The answer's rows are written with plain statements, and the objects given the values
    written, as loaded (nothing left for a flush): every answer writes them, and the unit
    of work's bookkeeping for them was most of an answer's time under the event's lock.
    """
    now = change.changed_at
    waiting_since = (current.waitlisted_at if current is not None
                     and current.answer is Answer.WAITLISTED else now)
    values = {"answer": change.new_answer, "guests": change.new_guests,
              "comment": change.new_comment, "answered_at": now,
              "waitlisted_at": waiting_since if change.new_answer is Answer.WAITLISTED else None,
              "substitute_name": substitute.name, "substitute_email": substitute.email}
    if current is None:
        current = Response(invitee_id=invitee.id, event_id=invitee.event_id, **values)
        current.id = session.execute(_INSERT_RESPONSE, {
            "invitee_id": invitee.id, "event_id": invitee.event_id, **values}).scalar_one()
        _as_loaded(session, current)
        set_committed_value(invitee, "response", current)
        set_committed_value(current, "invitee", invitee)
        return current
    session.execute(_UPDATE_RESPONSE, {"b_id": current.id, **values})
    for key, value in values.items():
        set_committed_value(current, key, value)
    return current


def _insert_change(session: Session, change: ResponseChange) -> None:
    """Write the history row (every column given) and give it its id, as loaded."""
    change.id = session.execute(_INSERT_CHANGE, {
        column: getattr(change, column) for column in _CHANGE_COLUMNS}).scalar_one()
    _as_loaded(session, change)


def _count_withdrawal(session: Session, invitee: Invitee, now: datetime) -> None:
    """One more calendar withdrawal for the invitee, counted in SQL."""
    count = session.execute(_COUNT_WITHDRAWAL, {"b_id": invitee.id, "b_now": now}).scalar_one()
    set_committed_value(invitee, "calendar_withdrawals", count)
    set_committed_value(invitee, "updated_at", now)


def _as_loaded(session: Session, row: Response | ResponseChange) -> None:
    """A new object whose row a plain INSERT wrote: in the session as if read from it."""
    make_transient_to_detached(row)
    session.add(row)


@dataclass(frozen=True)
class _Places:
    """An event's limit, the places the others have taken and how many wait, under its lock."""

    capacity: int
    taken: int
    waiting: int


def _state_for(current: Response | None, parsed: Answer, guests: int,
               places: _Places | None) -> tuple[Answer, bool]:
    """Accepted if the party fits and nobody waits ahead; else the waiting list. And whether
    the waiting list is known to be empty after this answer (False: not known).

    ``places``: as the lock found them, None for an event without a limit.
    Someone already accepted keeps their place; more guests than fit is an error for them,
    not a demotion to the waiting list.
    """
    if places is None:
        return parsed, False
    waiting = places.waiting
    if parsed is not Answer.ACCEPTED:
        # A place this frees goes to whoever waits; counted here, nobody waiting is known
        # without reading the waiting list, and the answer is written in one flush.
        return parsed, not waiting
    free = places.capacity - places.taken
    if current is not None and current.answer is Answer.ACCEPTED:
        if 1 + guests > free:
            raise NoRoomForGuests(max(free - 1, 0))
        return Answer.ACCEPTED, not waiting
    if current is not None and current.answer is Answer.WAITLISTED:
        # Keeps their place in the queue; promote_waiting moves them up when it is their turn.
        return Answer.WAITLISTED, False
    if waiting or 1 + guests > free:
        return Answer.WAITLISTED, False
    return Answer.ACCEPTED, True


def _lock_and_read_current(session: Session, invitee: Invitee,
                           ) -> tuple[Response | None, _Places | None]:
    """Lock the event, then read the answer as it stands now, and for an event with a limit
    its places (None without a limit).

    Two tabs or a double click must not both write: every answer for the event (and every
    erase, rsvp.invitees.operations) takes the event's lock first, so the second reads the
    first's answer once it is committed. No lock of the invitee's own is needed besides.
    The answer read is the invitee's ``response`` from then on (it may not have been loaded).
    """
    places = None
    capacity = lock_event(session, invitee.event)
    if capacity is None:
        current = session.scalars(_CURRENT_ANSWER, {"b_invitee": invitee.id}).one_or_none()
    else:
        current, taken, waiting = answer_and_places(session, invitee.event_id, invitee.id)
        places = _Places(capacity, taken, waiting)
    set_committed_value(invitee, "response", current)
    return current, places


# Built once (see rsvp.responses.waitlist): every answer runs it.
_CURRENT_ANSWER = (select(Response).where(Response.invitee_id == bindparam("b_invitee"))
                   .execution_options(populate_existing=True))

_RESPONSE = Response.__table__
_CHANGE = ResponseChange.__table__
_CHANGE_COLUMNS = ("invitee_id", "event_id", "actor", "organiser_id", "old_answer", "old_guests",
                   "old_comment", "new_answer", "new_guests", "new_comment", "channel",
                   "changed_at")
_INSERT_RESPONSE = insert(_RESPONSE).returning(_RESPONSE.c.id)
_UPDATE_RESPONSE = update(_RESPONSE).where(_RESPONSE.c.id == bindparam("b_id"))
_INSERT_CHANGE = insert(_CHANGE).returning(_CHANGE.c.id)
_COUNT_WITHDRAWAL = (
    update(Invitee.__table__).where(Invitee.__table__.c.id == bindparam("b_id"))
    .values(calendar_withdrawals=Invitee.__table__.c.calendar_withdrawals + 1,
            updated_at=bindparam("b_now"))
    .returning(Invitee.__table__.c.calendar_withdrawals))
