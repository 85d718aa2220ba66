"""The log of every email: one row per message, from queued to sent or failed."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.kinds import MessageKind

if TYPE_CHECKING:
    from rsvp.events.models import Event
    from rsvp.mailing.content_models import UpdateRound
    from rsvp.responses.models import ResponseChange


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"
    #: Claimed by a sender and handed to the SMTP server; not yet known to be accepted.
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


def _values(e: type[enum.Enum]) -> list[str]:
    return [m.value for m in e]


def kind_type(name: str) -> Enum:
    """A MessageKind column: its values as strings, checked by the database (``name`` names
    the CHECK constraint)."""
    return Enum(MessageKind, name=name, values_callable=_values, native_enum=False,
                create_constraint=True, length=20)


class Message(db.Model):
    __tablename__ = "message"
    __table_args__ = (
        # The database itself refuses to queue the same message twice: a once-only kind (its
        # kind as dedup_key), the answer a confirmation confirms, an update round. The
        # references lead so that their indexes also serve the foreign keys' ON DELETE.
        UniqueConstraint("invitee_id", "dedup_key", name="uq_message_invitee_dedup"),
        UniqueConstraint("response_change_id", "invitee_id",
                         name="uq_message_response_change_invitee"),
        UniqueConstraint("update_round_id", "invitee_id", name="uq_message_update_round_invitee"),
        CheckConstraint("dedup_key IS NULL OR dedup_key = kind", name="dedup_key_is_kind"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        Index("ix_message_event_status", "event_id", "status", "kind"),
        # The tick's look for an answer's messages no sender took (stranded_answer_messages):
        # only the queued rows, few at any time however many were sent.
        Index("ix_message_queued_at", "queued_at",
              sqlite_where=text("status = 'queued'"), postgresql_where=text("status = 'queued'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    invitee_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitee.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[MessageKind] = mapped_column(kind_type("message_kind"))
    #: The kind, for a kind an invitee receives at most once; None for the others.
    dedup_key: Mapped[str | None] = mapped_column(String(64))
    #: The answer a confirmation (waiting list, promotion) is about; kept when it is gone.
    response_change_id: Mapped[int | None] = mapped_column(
        ForeignKey("response_change.id", ondelete="SET NULL"))
    #: The round an update message belongs to.
    update_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("update_round.id", ondelete="SET NULL"))
    #: The run of a planned send that queued it, so the run's sent and failed are its own.
    plan_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_run.id", ondelete="SET NULL"), index=True)
    status: Mapped[MessageStatus] = mapped_column(
        Enum(MessageStatus, name="message_status", values_callable=_values, native_enum=False,
             create_constraint=True, length=10),
        default=MessageStatus.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    #: The Message-ID header, without angle brackets.
    message_id: Mapped[str] = mapped_column(String(255), default="")
    recipient: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: The calendar file of a withdrawal, rendered when it was queued (with subject, bodies
    #: and recipient above); cleared once it is sent or failed.
    calendar_ics: Mapped[str | None] = mapped_column(Text)
    #: True when a sender died after handing this message over and before recording the
    #: server's answer, so it was sent again: the invitee may have it twice.
    maybe_duplicate: Mapped[bool] = mapped_column(default=False)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When a bounce for this message came back.
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    invitee: Mapped[Invitee | None] = relationship()
    event: Mapped["Event"] = relationship()
    response_change: Mapped["ResponseChange | None"] = relationship()
    update_round: Mapped["UpdateRound | None"] = relationship()

    def __repr__(self) -> str:
        return f"<Message {self.kind} {self.status} invitee={self.invitee_id}>"


class SentTest(db.Model):
    """A test of a mail sent from the send page to an organiser's own address.

    Kept like every other message sent, in its own table so that it never counts as sent to
    an invitee. Deleting the invitee whose mail was tested deletes these too: they carry the
    invitee's subject line.
    """

    __tablename__ = "sent_test"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: Whose mail it was: the preview's invitee.
    invitee_id: Mapped[int] = mapped_column(ForeignKey("invitee.id", ondelete="CASCADE"),
                                            index=True)
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="SET NULL"))
    kind: Mapped[MessageKind] = mapped_column(kind_type("sent_test_kind"))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    #: The Message-ID header, without angle brackets.
    message_id: Mapped[str] = mapped_column(String(255))
    #: Empty when the server accepted it; else why it was not sent.
    error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<SentTest {self.kind} to={self.recipient} event={self.event_id}>"
