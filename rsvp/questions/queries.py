"""Reading questions and answers: an invitee's answers, counts per option, the door's view.

Counts are SQL over the typed answer rows (``answer_option`` per chosen option, ``bool_value``
for yes/no) and count accepted people only: the invitee, and their guests where the
question is asked per person (a guest's answer is its own row).
"""

from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING

from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from rsvp.events.models import Event, raised_revisions
from rsvp.invitees.models import Invitee
from rsvp.questions.models import (
    COUNTED_TYPES,
    OPTION_TYPES,
    AnswerOption,
    GuestName,
    Question,
    QuestionAnswer,
    QuestionOption,
)
from rsvp.responses.models import Answer, Response

if TYPE_CHECKING:
    from rsvp.responses.page_query import ShownEvent


@cache
def _statements() -> tuple[Select, Select, Select]:
    """The questions (all, and those shown) and an invitee's answers, built once with bound
    parameters at first use (loader options need every model mapped): every answer, invitee
    page and confirmation runs them, and building one per call cost more than running it."""
    questions = (select(Question).where(Question.event_id == bindparam("b_event"))
                 .options(selectinload(Question.options))
                 .order_by(Question.position, Question.id))
    answers = (select(QuestionAnswer).join(Question)
               .where(QuestionAnswer.invitee_id == bindparam("b_invitee"))
               .options(selectinload(QuestionAnswer.chosen).selectinload(AnswerOption.option),
                        selectinload(QuestionAnswer.question))
               .order_by(Question.position, Question.id, QuestionAnswer.person)
               .execution_options(populate_existing=True))
    return questions, questions.where(Question.hidden.is_(False)), answers


_GUEST_NAMES = (select(GuestName.__table__.c.name)
                .where(GuestName.__table__.c.invitee_id == bindparam("b_invitee"))
                .order_by(GuestName.__table__.c.position))
_ANY_SHOWN = (select(Question.__table__.c.id)
              .where(Question.__table__.c.event_id == bindparam("b_event"),
                     Question.__table__.c.hidden.is_(False))
              .limit(1))


#: Whether an event shows any question, per (id, created_at, revision): see asks_questions.
_ASKING: dict[tuple[int, datetime, int], bool] = {}
#: Revisions remembered before the mapping starts again (a few bytes each).
KEPT_REVISIONS = 4096


def asks_questions(session: Session, event: "ShownEvent") -> bool:
    """Whether the event shows any question: read once per revision of the event and kept.

    Every change of an event's questions raises its revision (rsvp.events.models), so what is
    kept for one revision stays true, in every process; a session that raised one itself
    reads anew, since a rollback may take its change back. Most events ask nothing, and then
    an answer, its page and its confirmation read no questions at all.
    """
    if raised_revisions(session):
        return _any_shown(session, event)
    # created_at as well: a new database (tests, a re-created instance) reuses ids.
    key = (event.id, event.created_at, event.revision)
    asks = _ASKING.get(key)
    if asks is None:
        asks = _any_shown(session, event)
        if len(_ASKING) >= KEPT_REVISIONS:
            _ASKING.clear()
        _ASKING[key] = asks
    return asks


def _any_shown(session: Session, event: "ShownEvent") -> bool:
    return session.scalar(_ANY_SHOWN, {"b_event": event.id}) is not None


def questions_of(session: Session, event: "ShownEvent", *,
                 hidden: bool = False) -> list[Question]:
    """The event's questions in page order, options loaded; hidden ones only when asked.

    Where the event shows none (asks_questions, kept per revision), that is known without
    reading them.
    """
    if not hidden and not asks_questions(session, event):
        return []
    every, shown, _answers = _statements()
    return list(session.scalars(every if hidden else shown, {"b_event": event.id}))


def answers_of(session: Session, invitee: Invitee) -> list[QuestionAnswer]:
    """The invitee's answers (theirs and their guests'), by question order, then person."""
    return list(session.scalars(_statements()[2], {"b_invitee": invitee.id}))


def guest_names_of(session: Session, invitee: Invitee) -> list[str]:
    """The accompanying persons' names, first guest first."""
    return list(session.scalars(_GUEST_NAMES, {"b_invitee": invitee.id}))


def _accepted() -> Select:
    return select(Response.invitee_id).where(Response.answer == Answer.ACCEPTED)


def _coming() -> Select:
    return select(Response.invitee_id).where(
        Response.answer.in_((Answer.ACCEPTED, Answer.WAITLISTED)))


def counts(session: Session, event: Event) -> dict[str, dict[str, int]]:
    """Accepted people per answer of each choice, multichoice and yes/no question, by keys:
    ``{"diet": {"any": 80, "vegan": 4}, "next_day": {"yes": 30, "no": 50}}``; zeros included."""
    questions = [q for q in questions_of(session, event, hidden=True) if q.type in COUNTED_TYPES]
    result = {q.key: ({"yes": 0, "no": 0} if q.type == "yesno"
                      else {o.key: 0 for o in q.options}) for q in questions}
    accepted = QuestionAnswer.invitee_id.in_(_accepted())
    for key, option, n in session.execute(
            select(Question.key, QuestionOption.key, func.count())
            .select_from(AnswerOption).join(QuestionOption).join(Question)
            .join(QuestionAnswer, QuestionAnswer.id == AnswerOption.answer_id)
            .where(Question.event_id == event.id, accepted)
            .group_by(Question.key, QuestionOption.key)):
        result[key][option] = n
    for key, value, n in session.execute(
            select(Question.key, QuestionAnswer.bool_value, func.count())
            .join(Question).where(Question.event_id == event.id, Question.type == "yesno",
                                  QuestionAnswer.bool_value.is_not(None), accepted)
            .group_by(Question.key, QuestionAnswer.bool_value)):
        result[key]["yes" if value else "no"] = n
    return result


def labelled_counts(session: Session, event: Event,
                    language: str) -> list[tuple[Question, list[tuple[str, int]]]]:
    """The counts per option with each question and option in ``language``, in page order:
    [(question, [("Vegetarisch", 23), ("Vegan", 4)]), ...]."""
    by_key = counts(session, event)
    labelled = []
    for question in questions_of(session, event, hidden=True):
        if question.key not in by_key:
            continue
        numbers = by_key[question.key]
        if question.type == "yesno":
            labels = [(_("Yes"), numbers["yes"]), (_("No"), numbers["no"])]
        else:
            labels = [(o.label(language), numbers[o.key]) for o in question.options]
        labelled.append((question, labels))
    return labelled


def places_taken(session: Session, option_ids: Iterable[int], *,
                 besides: int | None = None) -> dict[int, int]:
    """People holding each option (guests included), leaving out invitee ``besides``: the
    accepted and those waiting for a place, so moving someone up never overbooks an option."""
    ids = list(option_ids)
    if not ids:
        return {}
    query = (select(AnswerOption.option_id, func.count())
             .join(QuestionAnswer, QuestionAnswer.id == AnswerOption.answer_id)
             .where(AnswerOption.option_id.in_(ids),
                    QuestionAnswer.invitee_id.in_(_coming()))
             .group_by(AnswerOption.option_id))
    if besides is not None:
        query = query.where(QuestionAnswer.invitee_id != besides)
    taken = dict.fromkeys(ids, 0)
    taken.update({option_id: n for option_id, n in session.execute(query)})
    return taken


def invitee_ids_answering(session: Session, event: Event, key: str, value: str) -> Select:
    """The ids of the event's invitees of whom someone answered question ``key`` with ``value``
    (an option key, "yes"/"no", or the exact text, number or YYYY-MM-DD date), for ``in_()``."""
    question = session.scalar(select(Question).where(Question.event_id == event.id,
                                                     Question.key == key))
    query = select(QuestionAnswer.invitee_id).where(QuestionAnswer.question_id == (
        question.id if question else -1))
    if question is None:
        return query.where(False)
    if question.type in OPTION_TYPES:
        return query.join(AnswerOption).join(QuestionOption).where(QuestionOption.key == value)
    return query.where(_value_matches(question.type, value))


def _value_matches(kind: str, value: str):  # type: ignore[no-untyped-def]
    """The condition ``value`` puts on an answer row of a question of type ``kind``."""
    if kind in ("yesno", "consent"):
        return QuestionAnswer.bool_value.is_(value in ("yes", "true", "1"))
    if kind == "number":
        number = int(value) if value.lstrip("-").isdecimal() else None
        return QuestionAnswer.number_value == number if number is not None else and_(False)
    if kind == "date":
        try:
            return QuestionAnswer.date_value == date.fromisoformat(value)
        except ValueError:
            return and_(False)
    return QuestionAnswer.text_value == value


def shown_value(answer: QuestionAnswer, language: str) -> str:
    """An answer as a person reads it, in ``language`` (option labels, Yes/No, a local date)."""
    kind = answer.question.type
    if kind in OPTION_TYPES:
        options = sorted((c.option for c in answer.chosen), key=lambda o: (o.position, o.id))
        return ", ".join(o.label(language) for o in options)
    if kind == "yesno" and answer.bool_value is not None:
        return _("Yes") if answer.bool_value else _("No")
    if kind == "consent":
        return _("Agreed") if answer.bool_value else ""
    if kind == "date" and answer.date_value is not None:
        return format_date(answer.date_value, format="long", locale=language)
    if kind == "number" and answer.number_value is not None:
        return str(answer.number_value)
    return answer.text_value or ""


def stored_value(answer: QuestionAnswer | None) -> str | None:
    """An answer as its history and the export write it: option keys joined by "|", "yes"/"no",
    YYYY-MM-DD, the number or the text; None for no answer."""
    if answer is None:
        return None
    kind = answer.question.type
    if kind in OPTION_TYPES:
        options = sorted((c.option for c in answer.chosen), key=lambda o: (o.position, o.id))
        return "|".join(o.key for o in options)
    if kind in ("yesno", "consent"):
        return None if answer.bool_value is None else ("yes" if answer.bool_value else "no")
    if kind == "date":
        return answer.date_value.isoformat() if answer.date_value else None
    if kind == "number":
        return None if answer.number_value is None else str(answer.number_value)
    return answer.text_value


def door_answers(session: Session, invitee: Invitee, language: str) -> list[tuple[str, str]]:
    """(question, answer) of the questions shown at the door, the guests' marked by name."""
    return restated_answers(session, invitee, language, door=True)


def form_values(session: Session, invitee: Invitee) -> dict[str, list[str]]:
    """The stored answers and names as the form's fields hold them, to fill the form in."""
    values: dict[str, list[str]] = {}
    for answer in answers_of(session, invitee):
        stored = stored_value(answer)
        if stored is None:
            continue
        name = (f"q_{answer.question.key}" if answer.person == 0
                else f"guest_{answer.person}_q_{answer.question.key}")
        values[name] = stored.split("|") if answer.question.type in OPTION_TYPES else [stored]
    for position, name in enumerate(guest_names_of(session, invitee), start=1):
        values[f"guest_{position}_name"] = [name]
    return values


def full_options(session: Session, questions: Iterable[Question],
                 invitee: Invitee) -> set[int]:
    """The limited options without a place left for this invitee (who keeps their own)."""
    limited = {o.id: o.limit or 0 for q in questions for o in q.options if o.limit is not None}
    taken = places_taken(session, limited, besides=invitee.id)
    return {option_id for option_id, limit in limited.items() if taken[option_id] >= limit}


def restated_answers(session: Session, invitee: Invitee, language: str, *,
                     door: bool = False, names: list[str] | None = None,
                     ) -> list[tuple[str, str]]:
    """Every answer given (or, with ``door``, those shown at check-in), for the confirmation
    and the door: (question, answer), a guest's marked by name (``names``, the guests' names
    when the caller has read them already)."""
    if not asks_questions(session, invitee.event):
        return []
    if names is None:
        names = guest_names_of(session, invitee)
    restated = []
    with force_locale(language):
        for answer in answers_of(session, invitee):
            _restate(answer, names, language, door, restated)
    return restated


def _restate(answer: QuestionAnswer, names: list[str], language: str, door: bool,
             restated: list[tuple[str, str]]) -> None:
    """Add one answer to ``restated`` as (question, answer), a guest's marked by name."""
    value = shown_value(answer, language)
    if answer.question.hidden or not value or (door and not answer.question.show_at_checkin):
        return
    label = answer.question.label(language)
    if answer.person:
        who = names[answer.person - 1] if answer.person <= len(names) else None
        label = f"{label} ({who or _('guest %(n)d', n=answer.person)})"
    restated.append((label, value))
