"""Answers that did not come through the link: a CSV of email and answer, recorded in bulk.

Each row is recorded as if the organiser had typed it on the invitee's page: audited with the
organiser (channel "import"), held to the capacity, confirmed by mail unless unwanted. A bad
row is reported with its line and reason and never stops its neighbours.
"""

from dataclasses import dataclass, field

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.invitees.csvfile import HEADER_ALIASES, CsvFileError, CsvRow, read_upload
from rsvp.invitees.models import Invitee
from rsvp.invitees.services import invitee_by_email
from rsvp.outcome import Agent, Outcome
from rsvp.questions.models import Question
from rsvp.questions.queries import form_values, questions_of
from rsvp.questions.rules import QuestionError, QuestionErrors, field_name
from rsvp.responses.models import Answer
from rsvp.responses.operations import AnswerOutcome, answer_for_invitee
from rsvp.responses.services import AnswerError, EventCancelled

#: Column names of an answers file, in English and German.
ANSWER_COLUMNS: dict[str, set[str]] = {
    "email": HEADER_ALIASES["email"],
    "answer": {"answer", "antwort", "response", "rsvp", "status", "rückmeldung", "zu-/absage"},
    "guests": {"guests", "gäste", "begleitpersonen", "begleitung", "begleitperson"},
    "comment": {"comment", "kommentar", "anmerkung", "bemerkung", "notiz"},
}
#: How offices write yes and no.
ANSWER_WORDS: dict[str, Answer] = {
    **dict.fromkeys(("accepted", "accept", "yes", "y", "ja", "j", "zusage", "zugesagt",
                     "kommt", "x"), Answer.ACCEPTED),
    **dict.fromkeys(("declined", "decline", "no", "n", "nein", "absage", "abgesagt",
                     "kommt nicht"), Answer.DECLINED),
}


@dataclass(frozen=True)
class RejectedAnswer:
    line: int
    email: str
    #: A lazy string: put into words in the language of the page (a CLI prints English).
    reason: object


@dataclass(frozen=True)
class PlannedAnswer:
    """A row that goes in: what it records (or that it changes nothing)."""

    line: int
    email: str
    #: The answer as recorded: an acceptance may land on the waiting list.
    answer: Answer
    guests: int
    changed: bool


@dataclass
class AnswerImportReport(Outcome):
    """What the rows did; as an Outcome it carries the messages queued (confirmations,
    people moved up) for the caller to dispatch after its commit."""

    recorded: int = 0
    #: Rows whose answer was already the invitee's: nothing written, nothing sent.
    unchanged: int = 0
    #: Of the recorded acceptances, those that went to the waiting list (the event was full).
    waitlisted: int = 0
    rejected: list[RejectedAnswer] = field(default_factory=list)
    #: Every row that went in, in file order (the preview lists them).
    planned: list[PlannedAnswer] = field(default_factory=list)


def import_answers(session: Session, event: Event, data: bytes, *, organiser_id: int | None,
                   confirm: bool = True, dry_run: bool = False) -> AnswerImportReport:
    """Record each row's answer for the invitee with that address; the caller commits.

    ``dry_run`` records them all, reports, and rolls them back (the preview). Raises
    CsvFileError when the file as a whole cannot be read, EventCancelled when the event takes
    no answers at all.
    """
    if event.cancelled:
        raise EventCancelled()
    columns = question_columns(questions_of(session, event), event.max_guests)
    rows = read_upload(data, {**ANSWER_COLUMNS, **columns})
    report = AnswerImportReport(event.id)
    # One savepoint around the rows' own: SQLite's driver opens no transaction for a
    # SAVEPOINT, so without it each row's release would commit that row on its own.
    with session.begin_nested() as whole:
        for row in rows:
            _import_row(session, event, row, Agent.organiser(organiser_id), confirm, report)
        if dry_run:
            whole.rollback()
    if dry_run:
        report.message_ids.clear()
    return report


def _import_row(session: Session, event: Event, row: CsvRow, by: Agent, confirm: bool,
                report: AnswerImportReport) -> None:
    """Record one row, or add it to the rejected ones with its reason."""
    if row.values is None:
        report.rejected.append(RejectedAnswer(row.line, "", row.error or _l("unreadable")))
        return
    email = row.values.get("email", "")
    try:
        outcome = _record_row(session, event, row.values, by, confirm)
    except (AnswerError, LookupError, ValueError) as exc:
        report.rejected.append(RejectedAnswer(row.line, email, _reason(exc)))
        return
    _count(report, row.line, email, outcome)


def _record_row(session: Session, event: Event, values: dict[str, str], by: Agent,
                confirm: bool) -> AnswerOutcome:
    email = values.get("email", "")
    if not email:
        raise ValueError(_l("no email address"))
    answer = ANSWER_WORDS.get(" ".join(values.get("answer", "").lower().split()))
    if answer is None:
        raise ValueError(_l("answer %(value)s is neither yes nor no (accepted/declined, ja/nein, "
                            "Zusage/Absage)", value=repr(values.get("answer", ""))))
    guests_text = values.get("guests", "").strip() or "0"
    if not guests_text.isdigit():
        raise ValueError(_l("guests %(value)s is not a whole number", value=repr(guests_text)))
    invitee = invitee_by_email(session, event, email)
    # A savepoint per row: a row refused half-way leaves nothing behind.
    with session.begin_nested():
        return answer_for_invitee(session, invitee, answer.value, by=by, channel="import",
                                  guests=int(guests_text), comment=values.get("comment", ""),
                                  confirm=confirm,
                                  questions=_question_fields(session, invitee, values))


def question_columns(questions: list[Question], max_guests: int) -> dict[str, set[str]]:
    """The questions' columns of an answers file, named as the export names them (``q_diet``,
    ``guest_1_name``, ``guest_1_q_diet``); a question's own key (``diet``) is understood too
    where no other column has that name."""
    taken = {alias for names in ANSWER_COLUMNS.values() for alias in names}
    columns: dict[str, set[str]] = {}
    for question in questions:
        name = field_name(question)
        columns[name] = {name.lower()} | ({question.key.lower()} - taken)
    for person in range(1, max_guests + 1):
        columns[f"guest_{person}_name"] = {f"guest_{person}_name"}
        for question in questions:
            if question.per_person:
                columns[field_name(question, person)] = {field_name(question, person).lower()}
    return columns


def _question_fields(session: Session, invitee: Invitee,
                     values: dict[str, str]) -> dict[str, list[str]] | None:
    """The questions' fields of a row over the invitee's stored answers: a column left out
    keeps the stored answer, an empty cell clears it; None when the file has no such column."""
    given = {name: value for name, value in values.items()
             if name.startswith(("q_", "guest_"))}
    if not given:
        return None
    fields = form_values(session, invitee)
    several = {field_name(q, person) for q in questions_of(session, invitee.event)
               if q.type == "multichoice" for person in range(invitee.event.max_guests + 1)}
    for name, value in given.items():
        parts = value.split("|") if name in several else [value]
        fields[name] = [v.strip() for v in parts if v.strip()]
    return fields


def _count(report: AnswerImportReport, line: int, email: str, outcome: AnswerOutcome) -> None:
    """Add one recorded row to the report."""
    assert outcome.result is not None
    response = outcome.result.response
    report.planned.append(PlannedAnswer(line, email, response.answer, response.guests,
                                        outcome.result.change is not None))
    if outcome.result.change is None:
        report.unchanged += 1
        return
    report.recorded += 1
    if outcome.result.response.answer is Answer.WAITLISTED:
        report.waitlisted += 1
    report.add(outcome.message_ids)


def _reason(error: Exception) -> object:
    """Why a row was refused, as a lazy string shown in the reader's language."""
    if isinstance(error, QuestionError | QuestionErrors):
        return _each_field(error)
    if isinstance(error, AnswerError):
        return error.message
    if isinstance(error, LookupError):
        return _l("no invitee with this address in the event")
    return error.args[0] if error.args else str(error)


def _each_field(error: QuestionError | QuestionErrors) -> LazyString:
    """Every refused answer with its column: "q_diet: Please choose one of the options."."""
    errors = getattr(error, "errors", [error])
    return LazyString(lambda: "; ".join(f"{e.field}: {e.message}" for e in errors))


__all__ = ["AnswerImportReport", "CsvFileError", "PlannedAnswer", "RejectedAnswer",
           "import_answers"]
