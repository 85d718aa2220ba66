"""The dashboard's question editor: add, change, reorder, hide and remove an event's questions.

The values are checked by rsvp.questions.services.question_values, the event file's rules;
a question that has answers keeps its key and type and is hidden, never silently dropped.
"""

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.events.services import EventError
from rsvp.questions.models import AnswerOption, Question, QuestionAnswer, QuestionOption
from rsvp.questions.queries import questions_of
from rsvp.questions.services import _check_show_if, question_values


class QuestionHasAnswers(EventError):
    """The change would lose answers already given: hide the question instead."""


def answer_count(session: Session, question: Question) -> int:
    """How many people answered the question (guests' answers included)."""
    return session.scalar(select(func.count()).select_from(QuestionAnswer).where(
        QuestionAnswer.question_id == question.id)) or 0


def add_question(session: Session, event: Event, raw: dict[str, Any]) -> Question:
    """Check one question as the event file would and add it at the end of the list."""
    values = _checked(session, event, raw, None)
    last = session.scalar(select(func.max(Question.position)).where(
        Question.event_id == event.id)) or 0
    question = Question(event=event, position=last + 1)
    _apply(session, event, question, values)
    session.add(question)
    session.flush()
    return question


def update_question(session: Session, question: Question, raw: dict[str, Any]) -> Question:
    """Change a question; once answered its key and type stay and chosen options stay."""
    event = question.event
    values = {**_checked(session, event, raw, question), "hidden": question.hidden}
    if answer_count(session, question):
        _keep_answers(session, question, values)
    _apply(session, event, question, values)
    session.flush()
    return question


def _checked(session: Session, event: Event, raw: dict[str, Any],
             question: Question | None) -> dict[str, Any]:
    """The values checked; the key unique in the event; a show_if naming an earlier question."""
    values = question_values(raw)
    others = [q for q in questions_of(session, event, hidden=True) if q is not question]
    if any(q.key == values["key"] for q in others):
        raise EventError(_l("the key %(key)s is used twice", key=repr(values["key"])),
                         field="question.key")
    earlier = [q for q in others if question is None or
               (q.position, q.id) < (question.position, question.id)]
    specs = [{"key": q.key, "type": q.type, "options": [{"key": o.key} for o in q.options]}
             for q in earlier]
    _check_show_if(values, specs, "question.show_if")
    return values


def _keep_answers(session: Session, question: Question, values: dict[str, Any]) -> None:
    """Refuse a change that would make the given answers meaningless."""
    if values["key"] != question.key or values["type"] != question.type:
        raise QuestionHasAnswers(_l("This question has answers: its key and type cannot "
                                    "change. Hide it and add a new one instead."),
                                 field="question.key")
    kept = {o["key"] for o in values["options"]}
    chosen = set(session.scalars(
        select(QuestionOption.key).join(AnswerOption)
        .where(QuestionOption.question_id == question.id)))
    if chosen - kept:
        raise QuestionHasAnswers(_l("Options already chosen cannot be removed: %(keys)s",
                                    keys=", ".join(sorted(chosen - kept))),
                                 field="question.options")


def _apply(session: Session, event: Event, question: Question, values: dict[str, Any]) -> None:
    """Write checked values; options are matched by key, so chosen ones keep their rows."""
    options, show_if = values["options"], values["show_if"]
    for name, value in values.items():
        if name not in ("options", "show_if"):
            setattr(question, name, value)
    by_key = {o.key: o for o in question.options}
    question.options = [_option(by_key.get(o["key"]), o) for o in options]
    question.show_if_question, question.show_if_equals = None, ""
    if show_if is not None:
        question.show_if_question = session.scalar(select(Question).where(
            Question.event_id == event.id, Question.key == show_if[0]))
        question.show_if_equals = show_if[1]


def _option(row: QuestionOption | None, values: dict[str, Any]) -> QuestionOption:
    row = row or QuestionOption()
    for name, value in values.items():
        setattr(row, name, value)
    return row


def move_question(session: Session, question: Question, step: int) -> None:
    """Swap the question with its neighbour above (``step`` -1) or below (+1)."""
    order = questions_of(session, question.event, hidden=True)
    for position, each in enumerate(order, start=1):
        each.position = position
    index = order.index(question)
    if 0 <= index + step < len(order):
        _swap(order[index], order[index + step])
    session.flush()


def _swap(one: Question, other: Question) -> None:
    one.position, other.position = other.position, one.position


def set_hidden(session: Session, question: Question, hidden: bool) -> None:
    """Stop asking the question (its answers stay), or ask it again."""
    question.hidden = hidden
    session.flush()


def remove_question(session: Session, question: Question) -> None:
    """Drop a question nobody answered; one with answers raises QuestionHasAnswers."""
    if answer_count(session, question):
        raise QuestionHasAnswers(_l("This question already has answers, so it cannot be "
                                    "removed. Hide it instead: it is no longer asked and the "
                                    "answers stay."))
    dependants = session.scalars(select(Question).where(
        Question.show_if_question_id == question.id))
    for dependant in dependants:
        dependant.show_if_question, dependant.show_if_equals = None, ""
    session.delete(question)
    session.flush()
