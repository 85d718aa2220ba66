"""A full venue: places counted under a lock per event, and the waiting list served in order.

Every answer for an event first takes the event's lock (``lock_event``), so the places counted
and the places given out can never disagree: two declines at once free two places and move
up two different people, and two acceptances for the last place give it to one of them.
"""

from datetime import datetime

from sqlalchemy import and_, bindparam, case, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from rsvp.dbtypes import utcnow
from rsvp.events.models import Event
from rsvp.responses.models import Actor, Answer, Response, ResponseChange

#: The channel of a history row written when someone moves up from the waiting list.
WAITLIST_CHANNEL = "waitlist"


_event = Event.__table__
_response = Response.__table__

# The statements every answer runs, built once with bound parameters: an ORM statement built
# per call costs several times its execution on SQLite, and none of these needs the ORM.
_LOCK_EVENT = (update(_event).where(_event.c.id == bindparam("b_event"))
               .values(capacity=_event.c.capacity, updated_at=_event.c.updated_at)
               .returning(_event.c.capacity))
_PLACES = select(
    func.coalesce(func.sum(case(
        (and_(_response.c.answer == Answer.ACCEPTED,
              _response.c.invitee_id != bindparam("b_invitee")), 1 + _response.c.guests),
        else_=0)), 0).label("taken"),
    func.coalesce(func.sum(case((_response.c.answer == Answer.WAITLISTED, 1), else_=0)),
                  0).label("waiting"),
).where(_response.c.event_id == bindparam("b_event"),
        # Not in_(): a list is expanded into the statement at every execution.
        or_(_response.c.answer == Answer.ACCEPTED, _response.c.answer == Answer.WAITLISTED),
        ).subquery("places")
# One row whether or not the invitee has answered: the places, and their answer beside them.
_ANSWER_AND_PLACES = (
    select(Response, _PLACES.c.taken, _PLACES.c.waiting).select_from(_PLACES)
    .outerjoin(Response, Response.invitee_id == bindparam("b_invitee"))
    .execution_options(populate_existing=True))
_WAITING_LIST = (select(Response).where(Response.event_id == bindparam("b_event"),
                                        Response.answer == Answer.WAITLISTED)
                 .order_by(Response.waitlisted_at, Response.id))


def lock_event(session: Session, event: Event) -> int | None:
    """Serialise answers per event: the first write locks the event's row until commit.

    PostgreSQL takes the row lock (FOR NO KEY UPDATE, so inserts referring to the event are
    not blocked); SQLite takes its database write lock. Nothing visibly changes. Returns the
    capacity as it stands now and puts it on ``event``, which may have been loaded earlier.
    """
    capacity = session.scalar(_LOCK_EVENT, {"b_event": event.id})
    set_committed_value(event, "capacity", capacity)
    return capacity


def places_taken(session: Session, event_id: int, *, besides: int | None = None) -> int:
    """Accepted invitees plus their guests, leaving out the invitee ``besides``."""
    query = select(func.coalesce(func.sum(1 + Response.guests), 0)).where(
        Response.event_id == event_id, Response.answer == Answer.ACCEPTED)
    if besides is not None:
        query = query.where(Response.invitee_id != besides)
    return int(session.scalar(query) or 0)


def places_free(session: Session, event: Event, *, besides: int | None = None) -> int | None:
    """Places still free, or None when the event has no limit."""
    if event.capacity is None:
        return None
    return event.capacity - places_taken(session, event.id, besides=besides)


def answer_and_places(session: Session, event_id: int,
                      invitee_id: int) -> tuple[Response | None, int, int]:
    """The invitee's answer as it stands, the places taken besides theirs (as places_taken)
    and how many wait, in one query; the caller holds the event's lock."""
    current, taken, waiting = session.execute(
        _ANSWER_AND_PLACES, {"b_event": event_id, "b_invitee": invitee_id}).one()
    return current, int(taken or 0), int(waiting or 0)


def waiting_count(session: Session, event_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Response).where(
        Response.event_id == event_id, Response.answer == Answer.WAITLISTED)) or 0


def waitlist_position(session: Session, response: Response) -> int | None:
    """1 for the next to move up; None when the invitee is not waiting."""
    if response.answer is not Answer.WAITLISTED or response.waitlisted_at is None:
        return None
    ahead = session.scalar(select(func.count()).select_from(Response).where(
        Response.event_id == response.event_id, Response.answer == Answer.WAITLISTED,
        (Response.waitlisted_at < response.waitlisted_at)
        | ((Response.waitlisted_at == response.waitlisted_at) & (Response.id < response.id)),
    )) or 0
    return ahead + 1


def waiting_list(session: Session, event: Event) -> list[Response]:
    """The waiting invitees' responses, the next to move up first."""
    return list(session.scalars(_WAITING_LIST, {"b_event": event.id}))


def promote_waiting(session: Session, event: Event) -> list[ResponseChange]:
    """Move people up from the waiting list while their party fits; the caller holds the lock.

    Strictly in order of arrival: when the next party does not fit, nobody behind it jumps
    the queue. Returns the history rows written, one per person moved up.
    """
    waiting = waiting_list(session, event)
    # Nobody waits after nearly every answer: then there are no places to count.
    if event.capacity is None or not waiting:
        heads = waiting
    else:
        heads = []
        free = places_free(session, event) or 0
        for response in waiting:
            if 1 + response.guests > free:
                break
            free -= 1 + response.guests
            heads.append(response)
    return [move_up(session, response, actor=Actor.SYSTEM) for response in heads]


def move_up(session: Session, response: Response, *, actor: Actor,
            organiser_id: int | None = None, now: datetime | None = None) -> ResponseChange:
    """Turn one waiting response into an acceptance and record the change."""
    now = now or utcnow()
    change = ResponseChange(
        invitee_id=response.invitee_id, event_id=response.event_id, actor=actor,
        organiser_id=organiser_id, old_answer=Answer.WAITLISTED, old_guests=response.guests,
        old_comment=response.comment, new_answer=Answer.ACCEPTED, new_guests=response.guests,
        new_comment=response.comment, channel=WAITLIST_CHANNEL, changed_at=now,
    )
    response.answer, response.waitlisted_at, response.answered_at = Answer.ACCEPTED, None, now
    session.add(change)
    session.flush()
    return change



def fill_free_places(session: Session, event: Event) -> list[ResponseChange]:
    """Take the event's lock and move the waiting list up into whatever places are free."""
    lock_event(session, event)
    return promote_waiting(session, event)


class NotWaiting(LookupError):
    """The invitee is not (or no longer) on the waiting list."""


def promote_by_hand(session: Session, event: Event, invitee_id: int,
                    organiser_id: int | None) -> ResponseChange:
    """An organiser moves one person up, ahead of the queue and even past the capacity."""
    lock_event(session, event)
    response = session.scalars(
        select(Response).where(Response.invitee_id == invitee_id, Response.event_id == event.id)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if response is None or response.answer is not Answer.WAITLISTED:
        raise NotWaiting(invitee_id)
    return move_up(session, response, actor=Actor.ORGANISER, organiser_id=organiser_id)
