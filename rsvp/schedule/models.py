"""Planned sends of an event and the record of each run."""

import enum
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.extensions import db
from rsvp.mailing.kinds import MessageKind

if TYPE_CHECKING:
    from rsvp.events.models import Event


class PlanState(enum.StrEnum):
    PLANNED = "planned"
    #: Claimed by one tick; only ever seen inside that tick's transaction.
    RUNNING = "running"
    DONE = "done"
    #: Its time passed by more than RSVP_SCHEDULE_GRACE before any tick ran it: not sent late.
    MISSED = "missed"
    #: Removed by the organiser, or the event was called off.
    CANCELLED = "cancelled"


class Anchor(enum.StrEnum):
    """What a relative planned send is counted from."""

    DEADLINE = "deadline"
    START = "start"
    END = "end"


#: Kinds that can be planned: the bulk kinds (rsvp.mailing.kinds.BULK_KINDS).
PLANNABLE_KINDS = (MessageKind.SAVE_THE_DATE, MessageKind.INVITATION, MessageKind.REMINDER,
                   MessageKind.CONFIRMATION, MessageKind.UPDATE)


def _values(e: type[enum.Enum]) -> list[str]:
    return [m.value for m in e]


def _enum(e: type[enum.Enum], name: str) -> Enum:
    return Enum(e, name=name, values_callable=_values, native_enum=False,
                create_constraint=True, length=20)


class PlannedSend(db.Model):
    __tablename__ = "planned_send"
    __table_args__ = (
        # Either an instant or an anchor with an offset, never both.
        CheckConstraint("(at IS NULL) <> (anchor IS NULL)", name="at_or_anchor"),
        CheckConstraint("anchor IS NULL OR offset_seconds IS NOT NULL", name="anchor_offset"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MessageKind] = mapped_column(
        Enum(MessageKind, name="planned_send_kind", values_callable=_values, native_enum=False,
             create_constraint=True, length=20))
    #: ``rsvp send --to``; None is the kind's default audience.
    audience: Mapped[str | None] = mapped_column(String(20))
    tag: Mapped[str | None] = mapped_column(String(100))
    #: An absolute time (stored UTC; entered in the event's zone).
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anchor: Mapped[Anchor | None] = mapped_column(_enum(Anchor, "planned_send_anchor"))
    #: Seconds from the anchor: negative before (the deadline, the start), positive after.
    offset_seconds: Mapped[int | None]
    #: An update's subject and text (placeholders allowed); empty for the other kinds.
    subject: Mapped[str] = mapped_column(String(500), default="", server_default="")
    body: Mapped[str] = mapped_column(Text, default="", server_default="")
    state: Mapped[PlanState] = mapped_column(_enum(PlanState, "planned_send_state"),
                                             default=PlanState.PLANNED, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When it was run, marked missed or cancelled.
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped["Event"] = relationship()
    runs: Mapped[list["PlanRun"]] = relationship(back_populates="planned_send",
                                                 order_by="PlanRun.id",
                                                 cascade="all, delete-orphan")

    def due_at(self, event: "Event") -> datetime | None:
        """When it is due, from the event as it is now (a moved deadline moves it)."""
        if self.at is not None:
            return self.at
        base = {Anchor.DEADLINE: event.rsvp_deadline, Anchor.START: event.starts_at,
                Anchor.END: event.ends_at}[Anchor(self.anchor)]
        if base is None:
            return None
        return base + timedelta(seconds=self.offset_seconds or 0)

    def __repr__(self) -> str:
        return f"<PlannedSend {self.id} {self.kind} {self.state}>"


class PlanRun(db.Model):
    __tablename__ = "plan_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    planned_send_id: Mapped[int] = mapped_column(
        ForeignKey("planned_send.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queued: Mapped[int] = mapped_column(default=0)
    #: Of the queued messages, how many the server took or refused so far (counted by ticks).
    sent: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)

    planned_send: Mapped[PlannedSend] = relationship(back_populates="runs")

    def __repr__(self) -> str:
        return f"<PlanRun {self.id} of {self.planned_send_id}: {self.queued} queued>"
