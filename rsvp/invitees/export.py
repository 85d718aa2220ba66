"""The invitee list with delivery state and answers, as rows, streamed.

Two shapes of the same columns: the machine-readable export (English column names, codes,
UTC times in ISO 8601; kept stable for scripts) and the office export (column names and
words in the reader's language, times in the event's zone, tags). A column is declared once
in ``COLUMNS``: its SQL expression, both headers, and the words its codes are shown as.
"""

import csv
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from functools import cache
from itertools import islice

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from rsvp.events.models import Event
from rsvp.i18n import format_short_datetime
from rsvp.invitees.models import Invitee, InviteeTag
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.questions.models import AnswerOption, GuestName, Question, QuestionAnswer
from rsvp.questions.queries import questions_of, shown_value, stored_value
from rsvp.questions.rules import field_name
from rsvp.responses.models import Answer, Response

#: Spreadsheet programs run cells starting with these as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: What the machine-readable export writes for an invitation never queued.
NOT_SENT = "not sent"



@cache
def _invitation() -> type[Message]:
    """The invitee's invitation (made on first use: aliasing configures every mapper)."""
    return aliased(Message, name="invitation")


@cache
def _latest() -> type[Message]:
    """The invitee's message whose delivery ended last."""
    return aliased(Message, name="latest")


@dataclass(frozen=True)
class Column:
    """One column of both exports."""

    #: The column's name in the machine-readable export, and the label of its SQL value.
    key: str
    #: Its name in the office export, a lazy string in the reader's language.
    label: object
    #: Where its value comes from; labelled ``key`` in the query.
    expr: Callable[[], ColumnElement]
    #: Codes shown as words in the office export (None: a value nobody gave).
    words: Mapping[object, object] = field(default_factory=dict)
    #: Part of the machine-readable export; a column added later may be office-only there.
    machine: bool = True
    #: What the machine-readable export writes for no value.
    empty: str = ""
    #: The column's width in a spreadsheet, in characters.
    width: int = 16


SALUTATION_WORDS = {"ms": _l("Ms"), "mr": _l("Mr")}
LANGUAGE_WORDS = {"de": _l("German"), "en": _l("English")}
DELIVERY_WORDS = {
    None: _p("invitation", "Not sent"), MessageStatus.QUEUED: _p("invitation", "Queued"),
    MessageStatus.SENDING: _p("invitation", "Sending"), MessageStatus.SENT: _l("Sent"),
    MessageStatus.FAILED: _l("Failed"),
}
ANSWER_WORDS = {
    None: _p("answer", "Open"), Answer.ACCEPTED: _p("answer", "Accepted"),
    Answer.DECLINED: _p("answer", "Declined"), Answer.WAITLISTED: _l("Waiting list"),
}


def _tags() -> ColumnElement:
    """The invitee's tags, comma-separated (sorted when the row is written)."""
    return (select(func.aggregate_strings(InviteeTag.tag, "\x1f"))
            .where(InviteeTag.invitee_id == Invitee.id)
            .correlate(Invitee).scalar_subquery())


def _last_delivery_error() -> ColumnElement:
    """The undeliverable mark's reason if the address has one (a refusal or a bounce), else
    the latest finished message's reply ("" when it was sent)."""
    return case((Invitee.bounced_at.is_not(None), Invitee.bounce_reason),
                (_latest().status == MessageStatus.FAILED, _latest().last_error), else_="")


def _last_delivery_at() -> ColumnElement:
    return case((Invitee.bounced_at.is_not(None), Invitee.bounced_at), else_=_latest().updated_at)


COLUMNS: list[Column] = [
    Column("email", _l("Email"), lambda: Invitee.email, width=32),
    Column("salutation", _l("Salutation"), lambda: Invitee.salutation, SALUTATION_WORDS,
           width=8),
    Column("title", _l("Title"), lambda: Invitee.academic_title, width=10),
    Column("first_name", _l("First name"), lambda: Invitee.first_name),
    Column("last_name", _l("Last name"), lambda: Invitee.last_name, width=20),
    Column("organisation", _l("Organisation"), lambda: Invitee.organisation, width=30),
    Column("language", _l("Language"), lambda: Invitee.language, LANGUAGE_WORDS, width=10),
    Column("invitation", _l("Invitation"), lambda: _invitation().status, DELIVERY_WORDS,
           empty=NOT_SENT, width=14),
    Column("invitation_sent_at", _l("Invited on"), lambda: _invitation().sent_at, width=17),
    Column("answer", _l("Answer"), lambda: Response.answer, ANSWER_WORDS, width=12),
    Column("guests", _l("Guests"), lambda: Response.guests, width=10),
    Column("comment", _l("Comment"), lambda: Response.comment, width=30),
    Column("answered_at", _l("Answered on"), lambda: Response.answered_at, width=17),
    Column("substitute_name", _l("Substitute"), lambda: Response.substitute_name, width=20),
    Column("substitute_email", _l("Substitute's email"), lambda: Response.substitute_email,
           width=28),
    Column("last_delivery_error", _l("Last delivery error"), _last_delivery_error, width=30),
    Column("last_delivery_at", _l("Last delivery"), _last_delivery_at, width=17),
    Column("tags", _l("Tags"), _tags, machine=False, width=20),
]

HEADER = [column.key for column in COLUMNS if column.machine]


def export_widths() -> list[int]:
    """The office export's column widths, in characters."""
    return [column.width for column in COLUMNS]


def neutralise(value: object) -> str:
    """Make a cell inert in Excel and LibreOffice: a leading quote stops formula injection."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_query(event: Event, columns: list[Column]) -> Select:
    """The columns' values for each of the event's invitees, in the order they came."""
    invitation = _invitation()
    return (
        select(Invitee.id.label("_invitee_id"),
               *(column.expr().label(column.key) for column in columns))
        .outerjoin(invitation, (invitation.invitee_id == Invitee.id)
                   & (invitation.dedup_key == MessageKind.INVITATION.value))
        .outerjoin(_latest(), _latest().id == _latest_finished_message())
        .outerjoin(Response, Response.invitee_id == Invitee.id)
        .where(Invitee.event_id == event.id)
        .order_by(Invitee.id)
    )


def records(session: Session, event: Event, columns: list[Column], *,
            chunk: int = 2000) -> Iterator[dict[str, object]]:
    """Each invitee's values by column key, fetched in chunks to keep memory flat."""
    query = export_query(event, columns).execution_options(yield_per=chunk)
    for row in session.execute(query).mappings():
        values = dict(row)
        if values.get("tags"):
            values["tags"] = ", ".join(sorted(str(values["tags"]).split("\x1f")))
        yield values


def export_rows(session: Session, event: Event, *, chunk: int = 2000) -> Iterator[list[str]]:
    """The machine-readable export: the header and one row per invitee.

    After the fixed columns: one per question (``q_diet``; a multichoice's option keys joined
    by "|"), then per guest their name and per-person answers (``guest_1_name``,
    ``guest_1_q_diet``), as the answer form and the answers import name them.
    """
    columns = [column for column in COLUMNS if column.machine]
    extra = question_columns(session, event)
    yield HEADER + extra
    for values, cells in _with_answers(session, records(session, event, columns, chunk=chunk),
                                       chunk, stored=True):
        yield [*(neutralise(_code(values[c.key], c.empty)) for c in columns),
               *(neutralise(cells.get(key, "")) for key in extra)]


def _with_answers(session: Session, rows: Iterator[dict[str, object]], chunk: int, *,
                  stored: bool, language: str = "de",
                  ) -> Iterator[tuple[dict[str, object], dict[str, str]]]:
    """Each row with its invitee's answers by column, looked up a chunk of invitees at once."""
    while batch := list(islice(rows, chunk)):
        ids = [int(values["_invitee_id"]) for values in batch]  # type: ignore[call-overload]
        answers = answer_cells(session, ids, stored=stored, language=language)
        for values in batch:
            yield values, answers.get(int(values["_invitee_id"]), {})  # type: ignore[call-overload]


def question_columns(session: Session, event: Event) -> list[str]:
    """The questions' columns: every question (hidden ones too: their answers stay), then
    each possible guest's name (where asked) and answers to the per-person questions."""
    questions = questions_of(session, event, hidden=True)
    per_person = [q for q in questions if q.per_person]
    return [field_name(q) for q in questions] + [
        column for person in range(1, event.max_guests + 1)
        for column in _guest_columns(event, per_person, person)]


def _guest_columns(event: Event, per_person: list[Question], person: int) -> list[str]:
    names = [f"guest_{person}_name"] if event.guest_names else []
    return names + [field_name(q, person) for q in per_person]


def question_labels(session: Session, event: Event, language: str) -> list[str]:
    """The questions' columns as the office export heads them: the question in words."""
    questions = questions_of(session, event, hidden=True)
    per_person = [q for q in questions if q.per_person]
    labels = [q.label(language) for q in questions]
    for person in range(1, event.max_guests + 1):
        if event.guest_names:
            labels.append(str(_l("Guest %(number)s: name", number=person)))
        labels += [str(_l("Guest %(number)s: %(question)s", number=person,
                          question=q.label(language))) for q in per_person]
    return labels


def answer_cells(session: Session, invitee_ids: list[int], *, stored: bool = True,
                 language: str = "de") -> dict[int, dict[str, str]]:
    """The answers and guests' names of these invitees, by invitee and column: as stored
    (option keys) or, for the office, as shown in ``language``."""
    cells: dict[int, dict[str, str]] = {i: {} for i in invitee_ids}
    answers = session.scalars(
        select(QuestionAnswer).where(QuestionAnswer.invitee_id.in_(invitee_ids))
        .options(selectinload(QuestionAnswer.question).selectinload(Question.options),
                 selectinload(QuestionAnswer.chosen).selectinload(AnswerOption.option)))
    for answer in answers:
        value = stored_value(answer) if stored else shown_value(answer, language)
        cells[answer.invitee_id][field_name(answer.question, answer.person)] = value or ""
    for guest in session.scalars(select(GuestName).where(GuestName.invitee_id.in_(invitee_ids))):
        cells[guest.invitee_id][f"guest_{guest.position}_name"] = guest.name
    return cells


def _code(value: object, empty: str) -> object:
    if value is None:
        return empty
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value


def office_values(session: Session, event: Event) -> Iterator[list[object]]:
    """The office export as typed values: headers and words in the reader's language,
    times as aware datetimes in the event's zone, numbers as numbers, answers in words."""
    language = get_locale().language if get_locale() else event.language
    # Each label and word translated once, not once per row.
    labels = [str(column.label) for column in COLUMNS]
    words = [{code: str(word) for code, word in column.words.items()} for column in COLUMNS]
    extra = question_columns(session, event)
    yield labels + question_labels(session, event, language)
    rows = records(session, event, COLUMNS)
    for values, cells in _with_answers(session, rows, 2000, stored=False, language=language):
        yield [*(_word(values[c.key], words[i], event) for i, c in enumerate(COLUMNS)),
               *(cells.get(key, "") for key in extra)]


def _word(value: object, words: dict[object, str], event: Event) -> object:
    if words:
        return words.get(value, "" if value is None else str(value))
    if isinstance(value, datetime):
        return value.astimezone(event.zone)
    return "" if value is None else value


def office_rows(session: Session, event: Event) -> Iterator[list[str]]:
    """The office export as text: '22.11.2027, 12:00' in the event's zone, cells neutralised."""
    language = get_locale().language if get_locale() else "de"
    for row in office_values(session, event):
        yield [neutralise(format_short_datetime(v, event, language) if isinstance(v, datetime)
                          else v) for v in row]


def _latest_finished_message() -> ColumnElement[int]:
    """The id of the invitee's message whose delivery ended last (sent or failed)."""
    return (select(Message.id)
            .where(Message.invitee_id == Invitee.id,
                   Message.status.in_([MessageStatus.SENT, MessageStatus.FAILED]))
            .order_by(Message.updated_at.desc(), Message.id.desc()).limit(1)
            .correlate(Invitee).scalar_subquery())


def csv_lines(
    rows: Iterator[list[str]], *, delimiter: str = ",", bom: bool = True
) -> Iterator[str]:
    """Turn rows into CSV text line by line; a BOM tells Excel it is UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if bom:
        yield "\ufeff"
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
