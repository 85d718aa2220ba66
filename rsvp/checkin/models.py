"""Who was let in at the door, with how many guests, when and by whom; undo kept as history."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rsvp.auth.models import Organiser
from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.extensions import db
from rsvp.invitees.models import Invitee

#: Where a check-in was made: the door page (search or scanner) or `rsvp checkin`.
VIA_PAGE = "page"
VIA_CLI = "cli"


class CheckIn(db.Model):
    """One check-in of one invitee. Undoing it marks the row (``undone_at``), never deletes
    it, and a later check-in is a new row: the door's history stays readable."""

    __tablename__ = "check_in"
    __table_args__ = (
        CheckConstraint("guests >= 0", name="guests_not_negative"),
        # One standing check-in per person, kept by the database itself: two phones scanning
        # the same code at once insert one row, the second insert fails.
        Index("uq_check_in_standing", "invitee_id", unique=True,
              sqlite_where=text("undone_at IS NULL"),
              postgresql_where=text("undone_at IS NULL")),
        # Arrivals over time, per event.
        Index("ix_check_in_event_time", "event_id", "checked_in_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(ForeignKey("invitee.id", ondelete="CASCADE"))
    #: Denormalised from the invitee, so the arrivals count with one indexed query.
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    #: How many of the invitee's guests came in with them (or after them, one by one).
    guests: Mapped[int] = mapped_column(default=0)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The organiser at the door; empty when made by `rsvp checkin` (``via`` "cli").
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="SET NULL"))
    via: Mapped[str] = mapped_column(String(10), default=VIA_PAGE)
    #: Set when the check-in was taken back; the row stays as history.
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="SET NULL"))
    undone_via: Mapped[str] = mapped_column(String(10), default="", server_default="")

    invitee: Mapped[Invitee] = relationship()
    organiser: Mapped[Organiser | None] = relationship(foreign_keys=[organiser_id])

    def __repr__(self) -> str:
        state = "undone" if self.undone_at else "standing"
        return f"<CheckIn invitee={self.invitee_id} +{self.guests} {state}>"
