"""Events: what invitees are invited to."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import chain
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, false, update
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import (
    Mapped,
    Session,
    SessionTransaction,
    mapped_column,
    relationship,
    scoped_session,
)
from sqlalchemy.orm.util import identity_key

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.extensions import db, made_session
from rsvp.languages import LANGUAGES as LANGUAGES

#: personal: a forwarded link still answers for the invitee, and the page says whose it is;
#: transferable: whoever has the link may answer with their own name, as a substitute.
LINK_POLICIES = ("personal", "transferable")
#: About six months after the event ends.
DEFAULT_RETENTION_DAYS = 183
#: Bounds of what an event may say, checked by the form and the event file alike: beyond
#: them a number overflows its column and a date its year (9999 plus a far time zone).
MAX_CAPACITY = 100_000
MAX_GUESTS = 100
MAX_RETENTION_DAYS = 3650
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
#: What an event may say in each language; the event's own columns hold its language's text.
LOCALISED_FIELDS = ("title", "subtitle", "description")


@dataclass(frozen=True)
class EventTexts:
    """An event's title, subtitle and description in one language."""

    title: str
    subtitle: str
    description: str


class EventRules:
    """The event's deadline, link policy and cancellation as rules, for the model and for
    the page's plain row (rsvp.responses.page_query) alike."""

    __slots__ = ()
    if TYPE_CHECKING:
        rsvp_deadline: datetime | None
        link_policy: str
        cancelled_at: datetime | None

    def deadline_passed(self, now: datetime | None = None) -> bool:
        return self.rsvp_deadline is not None and (now or utcnow()) > self.rsvp_deadline

    @property
    def transferable(self) -> bool:
        return self.link_policy == "transferable"

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


class Event(EventRules, db.Model):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("max_guests >= 0", name="max_guests_not_negative"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("language IN ('de', 'en')", name="known_language"),
        CheckConstraint("retention_days >= 0", name="retention_not_negative"),
        CheckConstraint("link_policy IN ('personal', 'transferable')", name="known_link_policy"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The short name used in URLs and on the command line.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: IANA zone the event's times are shown in; the instants themselves are stored in UTC.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    venue_name: Mapped[str] = mapped_column(String(300), default="")
    venue_address: Mapped[str] = mapped_column(String(500), default="")
    #: The host line: who invites ("Das Bundesministerium ... und das BBSR").
    organiser: Mapped[str] = mapped_column(String(500), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(320), default="")
    contact_phone: Mapped[str] = mapped_column(String(50), default="")
    rsvp_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Places in the venue: accepted invitees plus their guests. None means unlimited.
    capacity: Mapped[int | None]
    #: How many accompanying guests one invitee may bring.
    max_guests: Mapped[int] = mapped_column(default=0)
    language: Mapped[str] = mapped_column(String(5), default="de")
    #: The iCalendar SEQUENCE: raised whenever the time or place changes, so calendars
    #: replace the entry they already have.
    ical_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    #: When the invitation with programme and registration will come: the save-the-date
    #: says "ab September 2027". A calendar date; None says "in good time".
    registration_opens: Mapped[date | None] = mapped_column(Date)
    #: Days after the event ends that invitees' personal data is kept; `rsvp purge` then
    #: removes it and keeps only anonymous counts.
    retention_days: Mapped[int] = mapped_column(default=DEFAULT_RETENTION_DAYS,
                                                server_default=str(DEFAULT_RETENTION_DAYS))
    #: When `rsvp purge` last removed personal data of this event.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Anonymous counts of the invitees purged so far ({"invited": 120, "accepted": 80, ...}).
    purged_counts: Mapped[dict[str, int] | None] = mapped_column(JSON)
    #: What a forwarded link allows: see LINK_POLICIES.
    link_policy: Mapped[str] = mapped_column(String(12), default="personal",
                                             server_default="personal")
    #: Set when the event was called off: answers close and calendars drop the entry.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Ask for each accompanying person's name; the number of guests follows from the names.
    guest_names: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Who created the event, and whom the CLI acts as; access comes from EventMember alone.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("organiser.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Raised by every flush that changes the event, its texts or its questions
    #: (_raise_revisions below): what is kept of its page for one revision is not shown for
    #: another.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The texts in languages other than the event's own, at most one row per language.
    translations: Mapped[list["EventText"]] = relationship(
        cascade="all, delete-orphan", order_by="EventText.language", back_populates="event")

    def texts_in(self, language: str) -> EventTexts:
        """The event's texts in ``language``: each one not given there is the event's own."""
        # The event's own language needs no look at the translations (nor their query).
        row = None if language == self.language else next(
            (t for t in self.translations if t.language == language), None)
        if row is None:
            return EventTexts(self.title, self.subtitle, self.description)
        return EventTexts(row.title or self.title, row.subtitle or self.subtitle,
                          row.description or self.description)

    def in_language(self, language: str) -> "EventInLanguage":
        """The event as a page or mail in ``language`` shows it."""
        return EventInLanguage(self, language)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def purge_due_at(self) -> datetime:
        """When `rsvp purge` removes the invitees' personal data."""
        try:
            return self.ends_at + timedelta(days=self.retention_days)
        except OverflowError:
            # Only an event saved before dates and days were bounded can get here.
            return datetime.max.replace(tzinfo=UTC)

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


#: What an organiser is on one event's team; the dashboard's permission table maps actions to these.
ROLES = ("owner", "editor", "viewer", "checkin")


class EventMember(db.Model):
    """One organiser's role on one event: at most one per pair."""

    __tablename__ = "event_member"
    __table_args__ = (
        db.UniqueConstraint("event_id", "organiser_id"),
        CheckConstraint("role IN ('owner', 'editor', 'viewer', 'checkin')",
                        name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("organiser.id", ondelete="CASCADE"),
                                              index=True)
    role: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<EventMember {self.organiser_id} {self.role} of {self.event_id}>"


class EventText(db.Model):
    """An event's title, subtitle and description in one language other than its own."""

    __tablename__ = "event_text"
    __table_args__ = (
        db.UniqueConstraint("event_id", "language"),
        CheckConstraint("language IN ('de', 'en')", name="known_language"),
        CheckConstraint("title <> '' OR subtitle <> '' OR description <> ''", name="not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    #: Empty: the event's own title is shown in this language too (likewise the others).
    title: Mapped[str] = mapped_column(String(300), default="")
    subtitle: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    event: Mapped[Event] = relationship(back_populates="translations")

    def __repr__(self) -> str:
        return f"<EventText {self.language} of {self.event_id}>"


class EventInLanguage:
    """An event read in one language: its texts in that language, everything else its own.

    Pages and mails take it where they took the event, so their templates stay as they are.
    """

    def __init__(self, event: Event, language: str) -> None:
        self.event = event
        self.shown_language = language
        texts = event.texts_in(language)
        self.title, self.subtitle, self.description = (
            texts.title, texts.subtitle, texts.description)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.event, name)

    def __repr__(self) -> str:
        return f"<Event {self.event.slug} in {self.shown_language}>"


#: The models whose rows an event's page shows besides its own, each with how to find the
#: event a row belongs to (``page_part_of``).
_PAGE_PARTS: dict[type, Callable[[Any], int | None]] = {}


def page_part_of(event_id_of: Callable[[Any], int | None]) -> Callable[[type], type]:
    """Class decorator: a change of such a row raises its event's revision as well."""
    def register(cls: type) -> type:
        _PAGE_PARTS[cls] = event_id_of
        return cls
    return register


page_part_of(lambda text: text.event_id or (text.event.id if text.event else None))(EventText)


_RAISED = "rsvp.raised_revisions"


def raised_revisions(session: Session | scoped_session[Session]) -> bool:
    """Whether this session's transaction has raised an event's revision: what it reads at
    that revision is its own change, which a rollback may take back, so it must not be kept
    as the revision's (rsvp.questions.queries.asks_questions)."""
    made = made_session(session)  # not made for this: one not made yet has raised nothing
    return made is not None and made.info.get(_RAISED, False)


@sqlalchemy_event.listens_for(Session, "after_transaction_end")
def _revisions_settled(session: Session, transaction: SessionTransaction) -> None:
    """Committed, the revisions stand; rolled back, they are gone, and nothing was kept."""
    if transaction.parent is None:
        session.info.pop(_RAISED, None)


@sqlalchemy_event.listens_for(Session, "before_flush")
def _raise_revisions(session: Session, flush_context: object, instances: object) -> None:
    """Raise the revision of every event whose page this flush changes, in SQL (``revision +
    1``), so two organisers saving at once still make two revisions."""
    changed: set[int] = set()
    for row in chain(session.dirty, session.deleted, session.new):
        if isinstance(row, Event):
            if row not in session.new and session.is_modified(row, include_collections=False):
                changed.add(row.id)
            continue
        event_id_of = _PAGE_PARTS.get(type(row))
        if event_id_of is None or (row in session.dirty and not session.is_modified(row)):
            continue
        event_id = event_id_of(row)
        if event_id is not None:
            changed.add(event_id)
    if changed:
        session.info[_RAISED] = True
    for event_id in changed:
        loaded = session.identity_map.get(identity_key(Event, event_id))
        if loaded is not None and loaded not in session.deleted:
            loaded.revision = Event.revision + 1  # type: ignore[assignment]
        elif loaded is None:
            session.execute(update(Event).where(Event.id == event_id)
                            .values(revision=Event.revision + 1)
                            .execution_options(synchronize_session=False))
