"""What the door reads: people found by name or organisation, and how many have arrived."""

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import and_, func, literal_column, select
from sqlalchemy.orm import Session

from rsvp.checkin.models import CheckIn
from rsvp.invitees.models import SQLITE_SEARCH_EXPRESSION, Invitee, search_text
from rsvp.responses.models import Answer, Response

SEARCH_LIMIT = 20


@dataclass(frozen=True)
class DoorRow:
    """One person as the door list shows them."""

    id: int
    title: str
    name: str
    organisation: str
    answer: Answer | None
    guests: int
    checked_in_at: datetime | None
    guests_in: int


def door_search(session: Session, event_id: int, words: str,
                limit: int = SEARCH_LIMIT) -> list[DoorRow]:
    """The event's invitees with every word in their name, address or organisation."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    # The same expressions the invitee list's indexes are built on: trigrams on PostgreSQL
    # (ix_invitee_search), the whole text per event on SQLite (ix_invitee_event_search_text).
    haystack = literal_column(SQLITE_SEARCH_EXPRESSION) if sqlite else search_text()
    query = (select(Invitee.id, Invitee.academic_title, Invitee.first_name, Invitee.last_name,
                    Invitee.organisation, Response.answer, Response.guests,
                    CheckIn.checked_in_at, CheckIn.guests)
             .outerjoin(Response, Response.invitee_id == Invitee.id)
             .outerjoin(CheckIn, and_(CheckIn.invitee_id == Invitee.id,
                                      CheckIn.undone_at.is_(None)))
             .where(Invitee.event_id == event_id))
    for word in words.split()[:8]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        like = haystack.like if sqlite else haystack.ilike
        query = query.where(like(pattern, escape="\\"))
    query = query.order_by(Invitee.last_name, Invitee.first_name, Invitee.id).limit(limit)
    return [DoorRow(i, title, " ".join(p for p in (first, last) if p), org, answer, guests or 0,
                    at, guests_in or 0)
            for i, title, first, last, org, answer, guests, at, guests_in
            in session.execute(query)]


@dataclass(frozen=True)
class Arrivals:
    """Checked in of accepted (people, guests counted), and when they came."""

    expected: int
    arrived: int
    #: Each standing check-in's time and the people it let in, in order.
    times: list[tuple[datetime, int]]

    def by_quarter_hour(self, zone: tzinfo) -> list[tuple[datetime, int, int]]:
        """Per quarter of an hour with arrivals (local start, people, running total)."""
        slots: dict[datetime, int] = {}
        for moment, people in self.times:
            local = moment.astimezone(zone)
            start = local.replace(minute=local.minute - local.minute % 15, second=0,
                                  microsecond=0)
            slots[start] = slots.get(start, 0) + people
        total, rows = 0, []
        for start, people in sorted(slots.items()):
            total += people
            rows.append((start, people, total))
        return rows

    @property
    def percent(self) -> int:
        return round(100 * self.arrived / self.expected) if self.expected else 0


def arrivals(session: Session, event_id: int) -> Arrivals:
    """How many of the accepted people (and their guests) have come in, and when."""
    expected = session.scalar(
        select(func.coalesce(func.sum(1 + Response.guests), 0))
        .where(Response.event_id == event_id, Response.answer == Answer.ACCEPTED)) or 0
    times = [(at, 1 + guests) for at, guests in session.execute(
        select(CheckIn.checked_in_at, CheckIn.guests)
        .where(CheckIn.event_id == event_id, CheckIn.undone_at.is_(None))
        .order_by(CheckIn.checked_in_at))]
    return Arrivals(int(expected), sum(people for _, people in times), times)
