"""Who takes part: the accepted people in the order a German office files them, and the
columns an organiser may choose for the printed list and the spreadsheet."""

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.orm import Session, selectinload

from rsvp.checkin.models import CheckIn
from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.questions.models import AnswerOption, GuestName, Question, QuestionAnswer
from rsvp.questions.queries import invitee_ids_answering, questions_of, shown_value
from rsvp.responses.models import Answer, Response

#: Letters Unicode does not decompose into a base letter and a mark, filed as a German
#: office files them (Łukasik under L, Ørsted under O).
_UNDECOMPOSED = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae",
                               "œ": "oe", "þ": "th"})


def german_key(text: str) -> str:
    """DIN 5007-1 order: umlauts as their base letter (Ä like A), ß as ss, case ignored,
    accents dropped (é like e, ł like l)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_UNDECOMPOSED)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


@dataclass(frozen=True)
class Participant:
    """One accepted person as the list and the badges show them."""

    invitee_id: int
    #: With the id, what the check-in code signs (rsvp.tokens.checkin_code_of).
    nonce: str
    title: str
    first_name: str
    last_name: str
    organisation: str
    email: str
    guests: int
    checked_in_at: datetime | None = None
    #: The names the answer gives for the guests, in order (none: guests only counted).
    guest_names: tuple[str, ...] = ()
    #: Further columns by key (the registration questions' answers).
    extra: dict[str, str] = field(default_factory=dict)
    #: Who was invited, when someone else comes in their place (a transferable link's
    #: substitute): then the names above are the substitute's.
    instead_of: str = ""

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.email

    @property
    def sort_name(self) -> str:
        """'Potz, Petra' as the list files them."""
        return ", ".join(p for p in (self.last_name, self.first_name) if p) or self.email

    @property
    def titled_name(self) -> str:
        """'Dr. Petra Potz' as the badge greets them."""
        return " ".join(p for p in (self.title, self.name) if p)

    def sort_key(self) -> tuple[str, str, str, int]:
        return (german_key(self.last_name or self.email), german_key(self.first_name),
                self.last_name, self.invitee_id)


def participants(session: Session, event: Event, *, consent: str | None = None,
                 questions: Sequence[Question] = (), language: str = "de") -> list[Participant]:
    """The event's accepted invitees, sorted by last name, then first name (DIN 5007-1), with
    their guests' names and their answers to ``questions`` (in ``language``).

    ``consent``: only those who agreed to the consent question with that key.
    """
    query = (select(Invitee.id, Invitee.nonce, Invitee.academic_title, Invitee.first_name,
                    Invitee.last_name, Invitee.organisation, Invitee.email, Response.guests,
                    CheckIn.checked_in_at, Response.substitute_name, Response.substitute_email)
             .join(Response, Response.invitee_id == Invitee.id)
             .outerjoin(CheckIn, and_(CheckIn.invitee_id == Invitee.id,
                                      CheckIn.undone_at.is_(None)))
             .where(Invitee.event_id == event.id, Response.answer == Answer.ACCEPTED))
    if consent is not None:
        query = query.where(Invitee.id.in_(invitee_ids_answering(session, event, consent, "yes")))
    names = _guest_names(session, event)
    answers = _answers(session, questions, names, language)
    rows = [_participant(tuple(row), names, answers) for row in session.execute(query)]
    return sorted(rows, key=Participant.sort_key)


def _participant(row: tuple, names: dict[int, list[str]],  # type: ignore[type-arg]
                 answers: dict[int, dict[str, str]]) -> Participant:
    """One row of the query as a participant; a substitute takes the invitee's place."""
    *invited, substitute, substitute_email = row
    person = Participant(*invited, guest_names=tuple(names.get(row[0], ())),
                         extra=answers.get(row[0], {}))
    if not substitute:
        return person
    first, _, last = substitute.strip().rpartition(" ")
    return replace(person, title="", first_name=first, last_name=last,
                   email=substitute_email or person.email, instead_of=person.titled_name)


def _guest_names(session: Session, event: Event) -> dict[int, list[str]]:
    """Every invitee's guests' names, first guest first (one query for the whole event)."""
    names: dict[int, list[str]] = {}
    for invitee_id, name in session.execute(
            select(GuestName.invitee_id, GuestName.name).join(Invitee)
            .where(Invitee.event_id == event.id)
            .order_by(GuestName.invitee_id, GuestName.position)):
        names.setdefault(invitee_id, []).append(name)
    return names


def _answers(session: Session, questions: Sequence[Question], names: dict[int, list[str]],
             language: str) -> dict[int, dict[str, str]]:
    """The answers to these questions by invitee and column key ("q_<key>"), as people read
    them (the questions module's shown_value); a guest's answer follows, marked by name."""
    found: dict[int, dict[str, str]] = {}
    if not questions:
        return found
    query = (select(QuestionAnswer)
             .where(QuestionAnswer.question_id.in_([q.id for q in questions]))
             .options(selectinload(QuestionAnswer.chosen).selectinload(AnswerOption.option),
                      selectinload(QuestionAnswer.question))
             .order_by(QuestionAnswer.invitee_id, QuestionAnswer.person))
    with force_locale(language):
        for answer in session.scalars(query):
            value = shown_value(answer, language)
            if not value:
                continue
            if answer.person:
                guests = names.get(answer.invitee_id, [])
                who = guests[answer.person - 1] if answer.person <= len(guests) else ""
                value = f"{who or answer.person}: {value}"
            row = found.setdefault(answer.invitee_id, {})
            key = f"q_{answer.question.key}"
            row[key] = f"{row[key]}; {value}" if key in row else value
    return found


def question_columns(session: Session, event: Event, language: str) -> dict[str, str]:
    """The event's questions as columns the list may show: "q_<key>" and the label."""
    return {f"q_{q.key}": q.label(language) for q in questions_of(session, event)}


def consent_questions(session: Session, event: Event, language: str) -> dict[str, str]:
    """The event's consent questions (key and label): each can restrict the list."""
    return {q.key: q.label(language) for q in questions_of(session, event)
            if q.type == "consent"}


def chosen_questions(session: Session, event: Event, options: "ListOptions") -> list[Question]:
    """The questions whose answers the chosen columns show."""
    keys = {key.removeprefix("q_") for key in options.columns if key.startswith("q_")}
    return [q for q in questions_of(session, event) if q.key in keys]


#: The columns beside the name an organiser may choose, in the order they are printed.
COLUMNS = {
    "title": _l("Title"),
    "organisation": _l("Organisation"),
    "guests": _l("Guests"),
    "email": _l("Email"),
    "checked_in": _l("Checked in"),
}
DEFAULT_COLUMNS = ("title", "organisation", "guests")


@dataclass(frozen=True)
class ListOptions:
    """What the organiser chose for the printed list."""

    columns: tuple[str, ...] = DEFAULT_COLUMNS
    #: An empty column to sign in, with taller rows: the sign-in sheet.
    signature: bool = False
    #: Only those who agreed to be named on the list: the key of that consent question.
    consent: str | None = None


def list_options(columns: Iterable[str] | None = None, *, signature: bool = False,
                 consent: str | None = None,
                 available: Iterable[str] = COLUMNS) -> ListOptions:
    """The chosen columns among those available, in the list's order; None: the default.

    ``available``: the fixed columns and the event's question columns (question_columns).
    """
    chosen = set(DEFAULT_COLUMNS if columns is None else columns)
    return ListOptions(tuple(key for key in available if key in chosen), signature,
                       consent or None)


def cell(person: Participant, key: str, when: str = "") -> str:
    """The text of one column for one person; ``when`` is their check-in time, formatted."""
    match key:
        case "title":
            return person.title
        case "organisation":
            return person.organisation
        case "guests":
            return ", ".join(person.guest_names) if person.guest_names else (
                str(person.guests) if person.guests else "")
        case "email":
            return person.email
        case "checked_in":
            return when
    return person.extra.get(key, "")
