"""An event's registration questions, their options, the typed answers and guests' names.

Answers are stored typed, one row per invitee, person and question (``person`` 0 is the
invitee, 1, 2, ... their guests for a ``per_person`` question): text in ``text_value``, a
number in ``number_value``, a date in ``date_value``, yes/no and consent in ``bool_value``,
and the chosen options of a choice or multichoice question as rows of ``answer_option``
referring to the option, so counts per option are one GROUP BY.
"""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.events.models import Event, page_part_of
from rsvp.extensions import db
from rsvp.invitees.models import Invitee

#: The kinds of question, in the order an editor offers them.
QUESTION_TYPES = ("text", "textarea", "number", "choice", "multichoice", "yesno", "consent",
                  "date")
#: Types whose answer is one or more of the question's options.
OPTION_TYPES = ("choice", "multichoice")
#: Types counted per option on the dashboard and in `rsvp stats --json`.
COUNTED_TYPES = ("choice", "multichoice", "yesno")
#: accepted: asked when the invitee accepts; always: asked with every answer, a no too.
ASK_WHEN = ("accepted", "always")
KEY_MAX_LENGTH = 40
LABEL_MAX_LENGTH = 500
#: A text answer's length when the question sets none (a textarea's, the comment's).
TEXT_MAX_LENGTH = 200
TEXTAREA_MAX_LENGTH = 2000
GUEST_NAME_MAX_LENGTH = 200


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


@page_part_of(lambda question: question.event_id
              or (question.event.id if question.event else None))
class Question(db.Model):
    """One question of an event's registration, in German and English."""

    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("event_id", "key"),
        CheckConstraint(_in("type", QUESTION_TYPES), name="known_type"),
        CheckConstraint(_in("ask", ASK_WHEN), name="known_ask"),
        CheckConstraint("max_length IS NULL OR max_length > 0", name="max_length_positive"),
        CheckConstraint("min_number IS NULL OR max_number IS NULL OR min_number <= max_number",
                        name="number_range"),
        CheckConstraint("min_date IS NULL OR max_date IS NULL OR min_date <= max_date",
                        name="date_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: Letters, digits and underscore; the form field is ``q_<key>``, the export column too.
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    #: The order on the page (ascending, then id).
    position: Mapped[int] = mapped_column(default=0)
    type: Mapped[str] = mapped_column(String(12))
    label_de: Mapped[str] = mapped_column(String(LABEL_MAX_LENGTH), default="")
    label_en: Mapped[str] = mapped_column(String(LABEL_MAX_LENGTH), default="")
    help_de: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    ask: Mapped[str] = mapped_column(String(10), default="accepted")
    #: Asked for each accompanying guest too (person 1, 2, ...), not only the invitee.
    per_person: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Shown at the door beside the person's name (e.g. a wheelchair place).
    show_at_checkin: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Asked only when the answer to that question (same event) is ``show_if_equals``
    #: (an option key, or "yes"/"no" for a yes/no question).
    show_if_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("question.id", ondelete="SET NULL"))
    show_if_equals: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH), default="")
    #: No longer asked; its answers stay (a question with answers is hidden, not dropped).
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    min_number: Mapped[int | None] = mapped_column(Integer)
    max_number: Mapped[int | None] = mapped_column(Integer)
    #: For text and textarea; None takes TEXT_MAX_LENGTH or TEXTAREA_MAX_LENGTH.
    max_length: Mapped[int | None] = mapped_column(Integer)
    min_date: Mapped[date | None] = mapped_column(Date)
    max_date: Mapped[date | None] = mapped_column(Date)
    #: What a consent question asks the invitee to agree to.
    consent_de: Mapped[str] = mapped_column(Text, default="")
    consent_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    options: Mapped[list["QuestionOption"]] = relationship(
        back_populates="question", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(QuestionOption.position, QuestionOption.id)",
    )
    show_if_question: Mapped["Question | None"] = relationship(remote_side=[id])

    def label(self, language: str) -> str:
        return (self.label_en if language == "en" else self.label_de) or self.label_de \
            or self.label_en or self.key

    def help(self, language: str) -> str:
        return (self.help_en if language == "en" else self.help_de) or self.help_de or self.help_en

    def consent(self, language: str) -> str:
        return (self.consent_en if language == "en" else self.consent_de) or self.consent_de \
            or self.consent_en

    def option(self, key: str) -> "QuestionOption | None":
        return next((o for o in self.options if o.key == key), None)

    def __repr__(self) -> str:
        return f"<Question {self.key} {self.type} event={self.event_id}>"


@page_part_of(lambda option: option.question.event_id if option.question else None)
class QuestionOption(db.Model):
    """One option of a choice or multichoice question, with an optional number of places."""

    __tablename__ = "question_option"
    __table_args__ = (
        UniqueConstraint("question_id", "key"),
        CheckConstraint("place_limit IS NULL OR place_limit > 0", name="limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"),
                                             index=True)
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    position: Mapped[int] = mapped_column(default=0)
    label_de: Mapped[str] = mapped_column(String(LABEL_MAX_LENGTH), default="")
    label_en: Mapped[str] = mapped_column(String(LABEL_MAX_LENGTH), default="")
    #: How many people (accepted invitees and guests) may choose it; None is no limit.
    limit: Mapped[int | None] = mapped_column("place_limit", Integer)

    question: Mapped[Question] = relationship(back_populates="options")

    def label(self, language: str) -> str:
        return (self.label_en if language == "en" else self.label_de) or self.label_de \
            or self.label_en or self.key

    def __repr__(self) -> str:
        return f"<QuestionOption {self.key} question={self.question_id}>"


class QuestionAnswer(db.Model):
    """One person's answer to one question: the invitee's (person 0) or a guest's (1, 2...)."""

    __tablename__ = "question_answer"
    __table_args__ = (
        UniqueConstraint("invitee_id", "question_id", "person"),
        CheckConstraint("person >= 0", name="person_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(ForeignKey("invitee.id", ondelete="CASCADE"),
                                            index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"),
                                             index=True)
    #: 0: the invitee; n: their n-th accompanying guest (GuestName.position).
    person: Mapped[int] = mapped_column(default=0)
    text_value: Mapped[str | None] = mapped_column(Text)
    number_value: Mapped[int | None] = mapped_column(Integer)
    date_value: Mapped[date | None] = mapped_column(Date)
    #: yes/no, and a consent given (True).
    bool_value: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    question: Mapped[Question] = relationship()
    invitee: Mapped[Invitee] = relationship()
    chosen: Mapped[list["AnswerOption"]] = relationship(
        back_populates="answer", cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<QuestionAnswer {self.question_id} invitee={self.invitee_id} #{self.person}>"


class AnswerOption(db.Model):
    """One chosen option of a choice (one row) or multichoice answer (a row per option)."""

    __tablename__ = "answer_option"

    answer_id: Mapped[int] = mapped_column(
        ForeignKey("question_answer.id", ondelete="CASCADE"), primary_key=True)
    option_id: Mapped[int] = mapped_column(
        ForeignKey("question_option.id", ondelete="CASCADE"), primary_key=True, index=True)

    answer: Mapped[QuestionAnswer] = relationship(back_populates="chosen")
    option: Mapped[QuestionOption] = relationship()

    def __repr__(self) -> str:
        return f"<AnswerOption answer={self.answer_id} option={self.option_id}>"


class GuestName(db.Model):
    """The name of one accompanying person, where the event asks for names (guest_names)."""

    __tablename__ = "guest_name"
    __table_args__ = (
        UniqueConstraint("invitee_id", "position"),
        CheckConstraint("position >= 1", name="position_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(ForeignKey("invitee.id", ondelete="CASCADE"),
                                            index=True)
    #: 1 for the first guest (form field guest_1_name), and so on.
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(GUEST_NAME_MAX_LENGTH))

    def __repr__(self) -> str:
        return f"<GuestName #{self.position} invitee={self.invitee_id}>"


class AnswerChange(db.Model):
    """One question's (or guest name's) old and new value within one change of an answer.

    A child of the answer's history row: values are written as text (option keys joined by
    "|", dates as YYYY-MM-DD, yes/no as "yes"/"no"), so history reads the same for any type.
    """

    __tablename__ = "answer_change"
    __table_args__ = (CheckConstraint("person >= 0", name="person_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(
        ForeignKey("response_change.id", ondelete="CASCADE"), index=True)
    #: The question's key, or "guest_name" for a guest's name (then person is the guest).
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    person: Mapped[int] = mapped_column(default=0)
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<AnswerChange {self.key}#{self.person} change={self.change_id}>"
