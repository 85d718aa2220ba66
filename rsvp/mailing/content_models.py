"""What organisers write themselves: template overrides and the free texts of update rounds."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.extensions import db
from rsvp.mailing.kinds import OVERRIDABLE_KINDS as OVERRIDABLE_KINDS


class TemplateOverride(db.Model):
    """An organiser's subject and body for one kind of message, per event and language."""

    __tablename__ = "template_override"
    __table_args__ = (
        UniqueConstraint("event_id", "kind", "language", name="uq_template_override_kind_lang"),
        CheckConstraint("language IN ('de', 'en')", name="known_language"),
        CheckConstraint(
            "kind IN ('save-the-date', 'invitation', 'reminder', 'confirmation', 'waitlisted', "
            "'promoted', 'cancellation')",
            name="overridable_kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))
    #: Empty means "keep the default" for that part.
    subject: Mapped[str] = mapped_column(String(500), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    #: Empty while body_text is set: the HTML part is made from the text then.
    body_html: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<TemplateOverride {self.kind}/{self.language} event={self.event_id}>"


class UpdateRound(db.Model):
    """One free message an organiser sends to a chosen group ("the programme is online")."""

    __tablename__ = "update_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    #: Sandboxed template text with the documented placeholders; framed by the salutation,
    #: the closing and the contact in the invitee's language.
    body: Mapped[str] = mapped_column(Text)
    #: Who it was addressed to, kept for the record: an audience name and an optional tag.
    audience: Mapped[str] = mapped_column(String(20))
    tag: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The same message in other languages; invitees of a language without one get the above.
    translations: Mapped[list["UpdateRoundTranslation"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, lazy="selectin")

    def text_for(self, language: str) -> tuple[str, str]:
        """Subject and body for invitees reading ``language``."""
        for translation in self.translations:
            if translation.language == language:
                return translation.subject, translation.body
        return self.subject, self.body

    def __repr__(self) -> str:
        return f"<UpdateRound {self.id} event={self.event_id}>"


class UpdateRoundTranslation(db.Model):
    """An update round's subject and text in one more language."""

    __tablename__ = "update_round_translation"
    __table_args__ = (CheckConstraint("language IN ('de', 'en')", name="known_language"),)

    update_round_id: Mapped[int] = mapped_column(
        ForeignKey("update_round.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(5), primary_key=True)
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<UpdateRoundTranslation {self.language} round={self.update_round_id}>"
