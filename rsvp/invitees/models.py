"""Invitees of an event and their tags."""

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    DDL,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    event,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.extensions import db
from rsvp.invitees.emails import email_key

if TYPE_CHECKING:
    from rsvp.events.models import Event
    from rsvp.responses.models import Response


#: search_text() as SQLite indexes it (the planner matches the query's expression to it).
SQLITE_SEARCH_EXPRESSION = "(email || ' ' || first_name || ' ' || last_name || ' ' || organisation)"

#: search_text() as PostgreSQL shows it back, so that Alembic's comparison finds it unchanged.
SEARCH_INDEX_EXPRESSION = (
    "((((((email::text || ' '::text) || first_name::text) || ' '::text) "
    "|| last_name::text) || ' '::text) || organisation::text)"
)


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


class InviteeRules:
    """What an invitee's name and language are, for the model and for the page's plain row
    (rsvp.responses.page_query) alike."""

    __slots__ = ()
    if TYPE_CHECKING:
        first_name: str
        last_name: str
        email: str
        language: str | None
        event: "Event"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email

    def effective_language(self) -> str:
        return self.language or self.event.language


class Invitee(InviteeRules, db.Model):
    __tablename__ = "invitee"
    __table_args__ = (
        UniqueConstraint("event_id", "email_key", name="uq_invitee_event_email"),
        CheckConstraint("salutation IS NULL OR salutation IN ('ms', 'mr')",
                        name="known_salutation"),
        CheckConstraint("language IS NULL OR language IN ('de', 'en')", name="known_language"),
        Index("ix_invitee_event_organisation", "event_id", "organisation"),
        # On PostgreSQL, trigrams turn ILIKE '%word%' on search_text() into an index lookup
        # instead of a scan of every invitee.
        Index("ix_invitee_search", literal_column(SEARCH_INDEX_EXPRESSION).label("search_text"),
              postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"},
              ).ddl_if(dialect="postgresql"),
        # SQLite has no trigrams: its search reads every invitee of the event, and from this
        # index alone (it holds every searched column) that is a third of reading the rows.
        # It also serves the list's default order by name, and every lookup by last name,
        # on both databases.
        Index("ix_invitee_event_name_search", "event_id", "last_name", "first_name", "email",
              "organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    #: The address folded for comparison (case, Unicode normalisation, IDNA domain): the
    #: database keeps it unique per event, so two spellings of one address are one invitee.
    email_key: Mapped[str] = mapped_column(String(320))
    #: "ms" or "mr"; None addresses the person by full name ("Guten Tag Alex Schmidt").
    salutation: Mapped[str | None] = mapped_column(String(2))
    #: Academic title as written, e.g. "Dr." or "Prof. Dr.".
    academic_title: Mapped[str] = mapped_column(String(50), default="")
    first_name: Mapped[str] = mapped_column(String(200), default="")
    last_name: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(300), default="")
    #: None means the event's language.
    language: Mapped[str | None] = mapped_column(String(5))
    #: Random per invitee and signed into the RSVP link; replacing it revokes the old link.
    #: How often the event was taken out of this person's calendar (a decline after
    #: accepting, a withdrawal): raises the SEQUENCE of their calendar files (see
    #: rsvp.calendar.personal_sequence).
    calendar_withdrawals: Mapped[int] = mapped_column(default=0, server_default="0")
    nonce: Mapped[str] = mapped_column(String(32), default=new_nonce)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Set when a bounce said the address does not take mail; reminders skip such invitees.
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    bounce_reason: Mapped[str] = mapped_column(String(1000), default="", server_default="")

    event: Mapped["Event"] = relationship()
    tags: Mapped[list["InviteeTag"]] = relationship(
        back_populates="invitee", cascade="all, delete-orphan", passive_deletes=True,
        order_by="InviteeTag.tag",
    )
    response: Mapped["Response | None"] = relationship(
        back_populates="invitee", cascade="all, delete-orphan", passive_deletes=True
    )

    @validates("email")
    def _fold_email(self, _key: str, value: str) -> str:
        if self.email_key and email_key(value) != self.email_key:
            # A new address has not bounced (yet).
            self.bounced_at = None
            self.bounce_reason = ""
        self.email_key = email_key(value)
        return value

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]

    def revoke_link(self) -> None:
        self.nonce = new_nonce()

    def __repr__(self) -> str:
        return f"<Invitee {self.email} event={self.event_id}>"


class InviteeTag(db.Model):
    __tablename__ = "invitee_tag"
    __table_args__ = (Index("ix_invitee_tag_tag", "tag", "invitee_id"),)

    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)

    invitee: Mapped[Invitee] = relationship(back_populates="tags")

    def __repr__(self) -> str:
        return f"<InviteeTag {self.tag}>"


def search_text() -> ColumnElement[str]:
    """What the dashboard's search looks in: address, names and organisation as one text."""
    space = literal_column("' '")
    return (Invitee.email + space + Invitee.first_name + space + Invitee.last_name + space
            + Invitee.organisation)


# The search index needs pg_trgm, a trusted extension: a database owner may add it.
event.listen(Invitee.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
# SQLite: search_text() itself indexed, so a search word is matched once per invitee instead
# of column by column: half the time of counting the matches. Created beside the table, not
# declared on it: Alembic cannot compare expression indexes on SQLite, and PostgreSQL has its
# trigram index instead.
event.listen(Invitee.__table__, "after_create", DDL(
    f"CREATE INDEX ix_invitee_event_search_text ON invitee (event_id, {SQLITE_SEARCH_EXPRESSION})"
).execute_if(dialect="sqlite"))
