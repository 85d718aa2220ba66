"""Invitees' answers: the current one and every change that led to it."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.extensions import db
from rsvp.invitees.models import Invitee

COMMENT_MAX_LENGTH = 1000


class Answer(enum.StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    #: Wanted to come when the event was full: waits for a place, in order of arrival.
    WAITLISTED = "waitlisted"


#: What an invitee or organiser can choose; WAITLISTED is where an acceptance may land.
CHOOSABLE_ANSWERS = (Answer.ACCEPTED, Answer.DECLINED)


class Actor(enum.StrEnum):
    INVITEE = "invitee"
    ORGANISER = "organiser"
    #: The application itself, e.g. moving the next person up from the waiting list.
    SYSTEM = "system"


def _enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """A VARCHAR with a CHECK constraint; ``name`` names the constraint, so unique per table."""
    return Enum(enum_class, name=name, values_callable=lambda e: [m.value for m in e],
                native_enum=False, create_constraint=True, length=16)


class Response(db.Model):
    """The invitee's current answer; one row per invitee at most."""

    __tablename__ = "response"
    __table_args__ = (
        CheckConstraint("guests >= 0", name="guests_not_negative"),
        # The place in the queue exists exactly while the invitee waits.
        CheckConstraint("(answer = 'waitlisted') = (waitlisted_at IS NOT NULL)",
                        name="waitlisted_has_queue_time"),
        Index("ix_response_event_answer", "event_id", "answer"),
        Index("ix_response_event_waitlist", "event_id", "waitlisted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), unique=True
    )
    #: Denormalised from the invitee so the dashboard counts with one indexed query.
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    answer: Mapped[Answer] = mapped_column(_enum(Answer, "answer"))
    guests: Mapped[int] = mapped_column(default=0)
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who answered instead of the invitee through a transferable link (the event's
    #: link_policy); empty when the invitee answered themselves.
    substitute_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    substitute_email: Mapped[str] = mapped_column(String(320), default="", server_default="")
    #: When the invitee joined the waiting list; the list is served in this order (then id).
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    invitee: Mapped[Invitee] = relationship(back_populates="response")

    def __repr__(self) -> str:
        return f"<Response {self.answer} +{self.guests} invitee={self.invitee_id}>"


class ResponseChange(db.Model):
    """One change of an answer. Rows are only ever added, never updated."""

    __tablename__ = "response_change"
    __table_args__ = (
        CheckConstraint("new_guests >= 0", name="new_guests_not_negative"),
        Index("ix_response_change_event_time", "event_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitee.id", ondelete="SET NULL"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    actor: Mapped[Actor] = mapped_column(_enum(Actor, "actor"))
    #: Set when an organiser recorded the answer (e.g. taken by phone).
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="SET NULL")
    )
    old_answer: Mapped[Answer | None] = mapped_column(_enum(Answer, "old_answer"))
    old_guests: Mapped[int | None]
    old_comment: Mapped[str | None] = mapped_column(Text)
    new_answer: Mapped[Answer] = mapped_column(_enum(Answer, "new_answer"))
    new_guests: Mapped[int]
    new_comment: Mapped[str] = mapped_column(Text, default="")
    #: Where the answer came from: "link", "phone", "letter", "mail", "import", "waitlist".
    channel: Mapped[str] = mapped_column(String(20), default="link")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ResponseChange {self.old_answer}->{self.new_answer} invitee={self.invitee_id}>"
