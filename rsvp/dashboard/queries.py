"""What the organiser's pages show, counted and paged in the database."""

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    TextClause,
    and_,
    case,
    exists,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased, selectinload

from rsvp.auth.models import Organiser
from rsvp.checkin.models import CheckIn
from rsvp.converters import is_id
from rsvp.events.models import Event, EventMember
from rsvp.invitees.models import SQLITE_SEARCH_EXPRESSION, Invitee, InviteeTag, search_text
from rsvp.mailing.content_models import UpdateRound
from rsvp.mailing.models import Message, MessageKind, MessageStatus, SentTest
from rsvp.mailing.services import Audience, due_condition
from rsvp.questions.models import COUNTED_TYPES, AnswerChange, Question
from rsvp.questions.queries import invitee_ids_answering, questions_of
from rsvp.responses.models import Answer, Response, ResponseChange

PER_PAGE = 50
#: "arrived" and "not_arrived": accepted invitees checked in at the door, or not (yet).
ANSWER_FILTERS = ("accepted", "declined", "waitlisted", "none", "arrived", "not_arrived")
DELIVERY_FILTERS = ("sent", "failed", "queued", "not_sent", "undeliverable")
#: Filter values renamed, still understood in links people saved.
OLD_FILTER_NAMES = {"bounced": "undeliverable"}
SORTS = ("name", "email", "organisation", "answered", "added")
#: An answer filter's argument: ``q_KEY=VALUE`` (an option key, yes/no, a text or a number).
ANSWER_ARGUMENT = re.compile(r"^q_([A-Za-z0-9_]{1,40})$")


def visible_to(organiser_id: int):  # type: ignore[no-untyped-def]
    """Events an organiser may see: those whose team they are on (admins see every event)."""
    return select(EventMember.id).where(EventMember.event_id == Event.id,
                                        EventMember.organiser_id == organiser_id).exists()


def event_overview(session: Session, organiser_id: int, *,
                   is_admin: bool = False) -> list[tuple[Event, int, int]]:
    """The organiser's events (an admin's: all) with their invitees and answers counted."""
    invited = (select(func.count()).where(Invitee.event_id == Event.id)
               .correlate(Event).scalar_subquery())
    answered = (select(func.count()).where(Response.event_id == Event.id)
                .correlate(Event).scalar_subquery())
    query = select(Event, invited, answered).order_by(Event.starts_at.desc())
    if not is_admin:
        query = query.where(visible_to(organiser_id))
    rows = session.execute(query).all()
    return [(event, invitees, answers) for event, invitees, answers in rows]


@dataclass(frozen=True)
class InviteeFilter:
    """The list's search, filters, order and page, as read from the query string."""

    q: str = ""
    answer: str = ""
    delivery: str = ""
    tag: str = ""
    sort: str = "name"
    page: int = 1
    #: (question key, answer) pairs from ``?q_diet=vegan``: all must hold.
    answers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_args(cls, args: Any) -> "InviteeFilter":
        page = args.get("page", "1")
        return cls(
            q=" ".join(str(args.get("q", "")).split())[:200],
            answer=_one_of(args.get("answer"), ANSWER_FILTERS),
            delivery=_one_of(OLD_FILTER_NAMES.get(args.get("delivery"), args.get("delivery")),
                             DELIVERY_FILTERS),
            tag=str(args.get("tag", "")).strip()[:100],
            sort=_one_of(args.get("sort"), SORTS) or "name",
            page=int(page) if is_id(page) and int(page) < 1_000_000 else 1,
            answers=_answer_args(args),
        )

    def args(self, **changes: object) -> dict[str, object]:
        """Query-string arguments for a link to this list with some changes (e.g. page)."""
        values = {"q": self.q, "answer": self.answer, "delivery": self.delivery, "tag": self.tag,
                  "sort": self.sort, "page": self.page,
                  **{f"q_{key}": value for key, value in self.answers}, **changes}
        return {k: v for k, v in values.items() if v not in ("", None, 1) or k == "sort"}


def _answer_args(args: Any) -> tuple[tuple[str, str], ...]:
    """The answer filters of the query string, at most ten, each value bounded."""
    found = []
    for name in list(args)[:200]:
        match = ANSWER_ARGUMENT.match(str(name))
        value = " ".join(str(args.get(name, "")).split())[:200]
        if match and value and len(found) < 10:
            found.append((match.group(1), value))
    return tuple(found)


def _one_of(value: object, allowed: tuple[str, ...]) -> str:
    return str(value) if value in allowed else ""


@dataclass(frozen=True)
class InviteeRow:
    id: int
    email: str
    name: str
    organisation: str
    answer: Answer | None
    guests: int | None
    answered_at: datetime | None
    delivery: MessageStatus | None
    #: The address is marked undeliverable (a bounce, or a mailbox that refused).
    bounced: bool = False
    #: The server's reply that marked it.
    bounce_reason: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class InviteePage:
    rows: list[InviteeRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)


def invitee_page(session: Session, event: Event, flt: InviteeFilter,
                 per_page: int = PER_PAGE) -> InviteePage:
    """One page of the event's invitees, searched, filtered and sorted by the database."""
    invitation = aliased(Message)
    sqlite = session.get_bind().dialect.name == "sqlite"
    scope, counted = Invitee.event_id == event.id, flt
    if sqlite and flt.q:
        # Counting reads every invitee of the event: one LIKE per word on the text already in
        # ix_invitee_event_search_text takes half the time of four on the name index, which
        # SQLite's planner would pick for the whole query. The matches then lead the count.
        scope = Invitee.id.in_(_sqlite_search(event.id, flt.q.split()))
        counted = replace(flt, q="")
    answered = [Invitee.id.in_(invitee_ids_answering(session, event, key, value))
                for key, value in flt.answers]
    total = session.scalar(_filtered(
        select(func.count()).select_from(Invitee), counted, invitation,
        join_response=bool(flt.answer), join_invitation=bool(flt.delivery), sqlite=sqlite,
    ).where(scope, *answered)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(flt.page, pages)
    query = _filtered(
        select(Invitee.id, Invitee.email, Invitee.first_name, Invitee.last_name,
               Invitee.organisation, Response.answer, Response.guests, Response.answered_at,
               invitation.status, Invitee.bounced_at, Invitee.bounce_reason),
        flt, invitation, join_response=True, join_invitation=True, sqlite=sqlite,
    ).where(Invitee.event_id == event.id, *answered)
    ordered = _sorted(query, flt.sort).limit(per_page).offset((page - 1) * per_page)
    rows = [
        InviteeRow(id=i, email=email, name=" ".join(p for p in (first, last) if p),
                   organisation=org, answer=answer, guests=guests, answered_at=answered_at,
                   delivery=status, bounced=bounced_at is not None, bounce_reason=reason)
        for i, email, first, last, org, answer, guests, answered_at, status, bounced_at, reason
        in session.execute(ordered)
    ]
    tags = _tags(session, [row.id for row in rows])
    for row in rows:
        row.tags.extend(tags.get(row.id, []))
    return InviteePage(rows=rows, total=total, page=page, per_page=per_page)


def _sqlite_search(event_id: int, words: list[str]) -> TextClause:
    """The ids of the event's invitees whose search text holds every word, read from
    ix_invitee_event_search_text (SQLAlchemy cannot say INDEXED BY on SQLite)."""
    conditions = " AND ".join(f"{SQLITE_SEARCH_EXPRESSION} LIKE :word{i} ESCAPE '\\'"
                              for i in range(len(words)))
    return text(
        "SELECT id FROM invitee INDEXED BY ix_invitee_event_search_text "
        f"WHERE event_id = :event_id AND {conditions}"
    ).bindparams(event_id=event_id, **{f"word{i}": _like_pattern(word)
                                       for i, word in enumerate(words)})


def _like_pattern(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _filtered(query: Select, flt: InviteeFilter, invitation: Any, *, join_response: bool,
              join_invitation: bool, sqlite: bool) -> Select:
    """Add the joins a query needs and the filter's conditions.

    The joins never multiply rows (one response and one first invitation per invitee), so
    the count leaves out those no condition needs.
    """
    if join_response:
        query = query.outerjoin(Response, Response.invitee_id == Invitee.id)
    if join_invitation:
        query = query.outerjoin(invitation, and_(
            invitation.invitee_id == Invitee.id,
            invitation.dedup_key == MessageKind.INVITATION.value))
    for word in flt.q.split():
        query = query.where(_word_condition(word, sqlite))
    query = _by_answer(query, flt.answer)
    query = _by_delivery(query, flt.delivery, invitation)
    if flt.tag:
        query = query.where(exists().where(InviteeTag.invitee_id == Invitee.id,
                                           InviteeTag.tag == flt.tag))
    return query


def _word_condition(word: str, sqlite: bool) -> ColumnElement[bool]:
    """Invitees with ``word`` in their name, address or organisation."""
    pattern = _like_pattern(word)
    if sqlite:
        # SQLite's LIKE ignores ASCII case by itself (its ILIKE would lower() every row).
        # A word has no spaces, so it matches one column or none: column by column, the
        # page in name order is read from ix_invitee_event_name_search and stops as soon
        # as it is full.
        return or_(*(column.like(pattern, escape="\\") for column in (
            Invitee.last_name, Invitee.first_name, Invitee.email, Invitee.organisation)))
    # PostgreSQL: the trigram index on exactly this expression (ix_invitee_search).
    return search_text().ilike(pattern, escape="\\")


def _by_answer(query: Select, answer: str) -> Select:
    """Only invitees with this answer ("none": not answered); all for an empty one."""
    if answer == "none":
        return query.where(Response.id.is_(None))
    if answer in ("arrived", "not_arrived"):
        # The standing check-in, read through uq_check_in_standing (one per invitee).
        arrived = exists().where(CheckIn.invitee_id == Invitee.id, CheckIn.undone_at.is_(None))
        return query.where(Response.answer == Answer.ACCEPTED,
                           arrived if answer == "arrived" else ~arrived)
    if answer:
        return query.where(Response.answer == Answer(answer))
    return query


def _by_delivery(query: Select, delivery: str, invitation: Any) -> Select:
    """Only invitees whose invitation is in this state, or whose address is undeliverable."""
    if delivery == "undeliverable":
        return query.where(Invitee.bounced_at.is_not(None))
    if delivery == "not_sent":
        return query.where(invitation.id.is_(None))
    if delivery == "queued":
        return query.where(invitation.status.in_([MessageStatus.QUEUED, MessageStatus.SENDING]))
    if delivery:
        return query.where(invitation.status == MessageStatus(delivery))
    return query

def _sorted(query: Select, sort: str) -> Select:
    orders = {
        "name": (Invitee.last_name, Invitee.first_name, Invitee.id),
        "email": (Invitee.email_key, Invitee.id),
        "organisation": (Invitee.organisation, Invitee.last_name, Invitee.id),
        "answered": (Response.answered_at.desc().nulls_last(), Invitee.id),
        "added": (Invitee.id.desc(),),
    }
    return query.order_by(*orders[sort])


def _tags(session: Session, ids: list[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {}
    if ids:
        for invitee_id, tag in session.execute(
            select(InviteeTag.invitee_id, InviteeTag.tag)
            .where(InviteeTag.invitee_id.in_(ids)).order_by(InviteeTag.tag)
        ):
            tags.setdefault(invitee_id, []).append(tag)
    return tags


def event_tags(session: Session, event: Event) -> list[str]:
    """Every tag used in the event, for the filter."""
    return list(session.scalars(
        select(InviteeTag.tag).join(Invitee).where(Invitee.event_id == event.id)
        .group_by(InviteeTag.tag).order_by(InviteeTag.tag).limit(500)
    ))


def message_counts(session: Session, event: Event, kind: MessageKind, *,
                   update_round_id: int | None = None,
                   after_id: int | None = None) -> dict[str, int]:
    """How many messages of ``kind`` are in each state: of one update round, if given, and
    only those queued after message ``after_id`` (one send's, not the earlier ones)."""
    counts = {status.value: 0 for status in MessageStatus}
    query = select(Message.status, func.count()).where(Message.event_id == event.id,
                                                       Message.kind == kind)
    if update_round_id is not None:
        query = query.where(Message.update_round_id == update_round_id)
    if after_id is not None:
        query = query.where(Message.id > after_id)
    for status, number in session.execute(query.group_by(Message.status)):
        counts[status.value] = number
    return counts


def last_message_id(session: Session, event: Event) -> int:
    """The id of the event's latest message so far (0 for none): where a new send begins."""
    return session.scalar(select(func.max(Message.id)).where(Message.event_id == event.id)) or 0


def latest_round_id(session: Session, event: Event) -> int | None:
    """The event's most recent message to a group sent, the one a progress page follows; a
    draft only previewed on the announce page has no messages and is not it."""
    return session.scalar(select(func.max(Message.update_round_id)).where(
        Message.event_id == event.id, Message.kind == MessageKind.UPDATE))


def due_count(session: Session, event: Event, kind: MessageKind,
              update: UpdateRound | None = None) -> int:
    """How many invitees a send of ``kind`` (of ``update``, a round's group) would write to now."""
    condition = (due_condition(kind, Audience(update.audience), update.tag or None, update.id)
                 if update is not None else due_condition(kind))
    return session.scalar(select(func.count()).select_from(Invitee).where(
        Invitee.event_id == event.id, condition)) or 0


def recent_tests(session: Session, event: Event, limit: int = 10) -> list[SentTest]:
    """The event's latest tests from the send page, newest first."""
    return list(session.scalars(
        select(SentTest).where(SentTest.event_id == event.id)
        .order_by(SentTest.sent_at.desc(), SentTest.id.desc()).limit(limit)))


def invitee_messages(session: Session, invitee: Invitee) -> list[Message]:
    """Every email sent or queued to an invitee, newest first."""
    return list(session.scalars(
        select(Message).where(Message.invitee_id == invitee.id)
        # Each confirmation is shown with the answer it confirmed.
        .options(selectinload(Message.response_change))
        .order_by(Message.queued_at.desc(), Message.id.desc())))


def answer_history(session: Session, invitee: Invitee) -> list[tuple[ResponseChange, str | None]]:
    """Every change of an invitee's answer with the organiser's address where one made it."""
    return [(change, email) for change, email in session.execute(
        select(ResponseChange, Organiser.email)
        .outerjoin(Organiser, Organiser.id == ResponseChange.organiser_id)
        .where(ResponseChange.invitee_id == invitee.id)
        .order_by(ResponseChange.changed_at.desc(), ResponseChange.id.desc()))]


@dataclass(frozen=True)
class DailyAnswers:
    day: date
    accepted: int
    declined: int


def answers_over_time(session: Session, event: Event) -> list[DailyAnswers]:
    """Accepted and declined at the end of each day with changes, in the event's time zone.

    Summed from the history: each change adds one to its new answer and takes one from its
    old one. Changes of deleted invitees are left out, so the last day matches the counts.
    """
    day = _local_day(session, event)
    accepted = (func.sum(case((ResponseChange.new_answer == Answer.ACCEPTED, 1), else_=0))
                - func.sum(case((ResponseChange.old_answer == Answer.ACCEPTED, 1), else_=0)))
    declined = (func.sum(case((ResponseChange.new_answer == Answer.DECLINED, 1), else_=0))
                - func.sum(case((ResponseChange.old_answer == Answer.DECLINED, 1), else_=0)))
    rows = session.execute(
        select(day, accepted, declined)
        .where(ResponseChange.event_id == event.id, ResponseChange.invitee_id.is_not(None))
        .group_by(day).order_by(day)
    ).all()
    series, total_accepted, total_declined = [], 0, 0
    for when, accepted_delta, declined_delta in rows:
        total_accepted += int(accepted_delta or 0)
        total_declined += int(declined_delta or 0)
        series.append(DailyAnswers(_as_date(when), total_accepted, total_declined))
    return series


def _local_day(session: Session, event: Event):  # type: ignore[no-untyped-def]
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(event.timezone, ResponseChange.changed_at))
    # SQLite has no time zones: shift by the zone's offset today (off by an hour across DST).
    offset = datetime.now(event.zone).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    return func.date(ResponseChange.changed_at, f"{minutes:+d} minutes")


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def counted_questions(session: Session, event: Event) -> list[Question]:
    """The questions counted per answer on the overview (choice, multichoice, yes/no), in page
    order; hidden ones too, since their answers stay."""
    return [q for q in questions_of(session, event, hidden=True) if q.type in COUNTED_TYPES]


def answer_changes(session: Session, invitee: Invitee) -> dict[int, list[AnswerChange]]:
    """The questions' old and new values per change of the invitee's answer (history rows)."""
    changes: dict[int, list[AnswerChange]] = {}
    for change in session.scalars(
            select(AnswerChange).join(ResponseChange, ResponseChange.id == AnswerChange.change_id)
            .where(ResponseChange.invitee_id == invitee.id).order_by(AnswerChange.id)):
        changes.setdefault(change.change_id, []).append(change)
    return changes
