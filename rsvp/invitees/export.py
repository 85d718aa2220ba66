"""The invitee list with delivery state and answers, as CSV rows, streamed."""

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import islice

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import Session, aliased, selectinload

from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.questions.models import AnswerOption, GuestName, Question, QuestionAnswer
from rsvp.questions.queries import questions_of, stored_value
from rsvp.questions.rules import field_name
from rsvp.responses.models import Response

HEADER = ["email", "salutation", "title", "first_name", "last_name", "organisation", "language",
          "invitation", "invitation_sent_at", "answer", "guests", "comment", "answered_at",
          "substitute_name", "substitute_email", "last_delivery_error", "last_delivery_at"]
#: Spreadsheet programs run cells starting with these as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Make a cell inert in Excel and LibreOffice: a leading quote stops formula injection."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_rows(session: Session, event: Event, *, chunk: int = 2000) -> Iterator[list[str]]:
    """Yield the header and one row per invitee, fetching in chunks to keep memory flat.

    After the fixed columns: one per question (``q_diet``; a multichoice's option keys joined
    by "|"), then per guest their name and per-person answers (``guest_1_name``,
    ``guest_1_q_diet``), as the answer form and the answers import name them.
    """
    extra = question_columns(session, event)
    yield HEADER + extra
    result = iter(session.execute(_export_query(event).execution_options(yield_per=chunk)))
    while rows := list(islice(result, chunk)):
        answers = answer_cells(session, [row[0] for row in rows])
        for invitee_id, *values in rows:
            cells = answers.get(invitee_id, {})
            yield [*_fixed_cells(values), *(neutralise(cells.get(c, "")) for c in extra)]


def _export_query(event: Event):  # type: ignore[no-untyped-def]
    invitation, latest = aliased(Message), aliased(Message)
    return (
        select(Invitee.id, Invitee.email, Invitee.salutation, Invitee.academic_title,
               Invitee.first_name, Invitee.last_name, Invitee.organisation, Invitee.language,
               invitation.status, invitation.sent_at,
               Response.answer, Response.guests, Response.comment, Response.answered_at,
               Response.substitute_name, Response.substitute_email,
               *_last_delivery(latest))
        .outerjoin(invitation, (invitation.invitee_id == Invitee.id)
                   & (invitation.dedup_key == MessageKind.INVITATION.value))
        .outerjoin(latest, latest.id == _latest_finished_message())
        .outerjoin(Response, Response.invitee_id == Invitee.id)
        .where(Invitee.event_id == event.id)
        .order_by(Invitee.id)
    )


def _fixed_cells(row: Iterable[object]) -> list[str]:
    (email, salutation, title, first, last, organisation, language,
     status, sent_at, answer, guests, comment, answered_at, substitute_name,
     substitute_email, delivery_error, delivery_at) = row
    return [neutralise(v) for v in (
        email, salutation or "", title, first, last, organisation, language or "",
        status.value if status else "not sent",  # type: ignore[attr-defined]
        _iso(sent_at), answer.value if answer else "",  # type: ignore[attr-defined]
        "" if guests is None else guests, comment or "", _iso(answered_at),
        substitute_name or "", substitute_email or "", delivery_error or "", _iso(delivery_at),
    )]


def _iso(moment: object) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""  # type: ignore[attr-defined]


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


def answer_cells(session: Session, invitee_ids: list[int]) -> dict[int, dict[str, str]]:
    """The stored answers and guests' names of these invitees, by invitee and column."""
    cells: dict[int, dict[str, str]] = {i: {} for i in invitee_ids}
    answers = session.scalars(
        select(QuestionAnswer).where(QuestionAnswer.invitee_id.in_(invitee_ids))
        .options(selectinload(QuestionAnswer.question).selectinload(Question.options),
                 selectinload(QuestionAnswer.chosen).selectinload(AnswerOption.option)))
    for answer in answers:
        cells[answer.invitee_id][field_name(answer.question, answer.person)] = \
            stored_value(answer) or ""
    for guest in session.scalars(select(GuestName).where(GuestName.invitee_id.in_(invitee_ids))):
        cells[guest.invitee_id][f"guest_{guest.position}_name"] = guest.name
    return cells


def _latest_finished_message() -> ColumnElement[int]:
    """The id of the invitee's message whose delivery ended last (sent or failed)."""
    return (select(Message.id)
            .where(Message.invitee_id == Invitee.id,
                   Message.status.in_([MessageStatus.SENT, MessageStatus.FAILED]))
            .order_by(Message.updated_at.desc(), Message.id.desc()).limit(1)
            .correlate(Invitee).scalar_subquery())


def _last_delivery(latest: type[Message]) -> tuple[ColumnElement, ColumnElement]:
    """The server's reply and its time: the undeliverable mark's if the address has one (a
    refusal or a bounce), else the latest finished message's ("" when it was sent)."""
    marked = Invitee.bounced_at.is_not(None)
    error = case((marked, Invitee.bounce_reason),
                 (latest.status == MessageStatus.FAILED, latest.last_error), else_="")
    at = case((marked, Invitee.bounced_at), else_=latest.updated_at)
    return error, at


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
