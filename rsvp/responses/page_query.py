"""What the invitee's page reads on every request: the invitee, the event and the answer, in
one Core statement into plain rows.

The page only reads (GET must not change state), so it needs none of what the ORM's objects
carry for writing: identity map, change tracking, lazy loads. Loading three rows into ORM
objects was most of finding the invitee (bench/README.md). The rows keep the models'
rules (``InviteeRules``, ``EventRules``), so the page and the answer's re-shown form read the
same names either way. The event's texts, dates, venue and contact come from its kept parts
(rsvp.responses.event_parts), read in full only when they are rendered.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.orm import Session

from rsvp.events.models import Event, EventRules
from rsvp.extensions import read_without_transaction, reading
from rsvp.invitees.models import Invitee, InviteeRules
from rsvp.responses.models import Answer, Response


@dataclass(frozen=True, slots=True)
class PageEvent(EventRules):
    id: int
    language: str
    created_at: datetime
    revision: int
    rsvp_deadline: datetime | None
    cancelled_at: datetime | None
    link_policy: str
    max_guests: int
    guest_names: bool


@dataclass(frozen=True, slots=True)
class PageAnswer:
    id: int
    invitee_id: int
    event_id: int
    answer: Answer
    guests: int
    comment: str
    answered_at: datetime
    substitute_name: str
    substitute_email: str
    waitlisted_at: datetime | None


@dataclass(frozen=True, slots=True)
class PageInvitee(InviteeRules):
    id: int
    event_id: int
    email: str
    salutation: str | None
    academic_title: str
    first_name: str
    last_name: str
    organisation: str
    language: str | None
    nonce: str
    event: PageEvent
    response: PageAnswer | None


#: What a page shows: the model (an answer loads it, since it writes it) or the plain row.
ShownInvitee = Invitee | PageInvitee
ShownEvent = Event | PageEvent
ShownAnswer = Response | PageAnswer


#: The columns of each row, in the order of the classes' fields.
_COLUMNS = {
    PageInvitee: [getattr(Invitee, name) for name in PageInvitee.__dataclass_fields__
                  if name not in ("event", "response")],
    PageEvent: [getattr(Event, name) for name in PageEvent.__dataclass_fields__],
    PageAnswer: [getattr(Response, name) for name in PageAnswer.__dataclass_fields__],
}


@lru_cache(maxsize=1)
def _statement() -> Select:
    return (select(*_COLUMNS[PageInvitee], *_COLUMNS[PageEvent], *_COLUMNS[PageAnswer])
            .join(Event, Event.id == Invitee.event_id)
            .outerjoin(Response, Response.invitee_id == Invitee.id)
            .where(Invitee.id == bindparam("invitee_id")))


_INVITEE_END = len(_COLUMNS[PageInvitee])
_EVENT_END = _INVITEE_END + len(_COLUMNS[PageEvent])


def page_invitee(session: Session, invitee_id: int) -> PageInvitee | None:
    """The invitee with the event and the answer as the page shows them; None when gone.
    The page only reads: this and its other reads (questions, the waiting list) go outside a
    transaction (rsvp.extensions.reading, read_without_transaction)."""
    with reading(session) as connection:
        row = connection.execute(_statement(), {"invitee_id": invitee_id}).first()
    read_without_transaction(session)
    return None if row is None else _from_row(row)


def _from_row(row: Row) -> PageInvitee:
    event = PageEvent(*row[_INVITEE_END:_EVENT_END])
    answer = PageAnswer(*row[_EVENT_END:]) if row[_EVENT_END] is not None else None
    return PageInvitee(*row[:_INVITEE_END], event=event, response=answer)
