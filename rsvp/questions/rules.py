"""The rules an answer to the registration questions must keep, checked once for every form.

The invitee's page and the organiser's forms hand over what was typed, by field name
(``q_KEY``, a guest's ``guest_N_q_KEY``; a multichoice one value per chosen option key); the
checks here turn it into typed values or say, per field, what is wrong. Nothing is stored:
rsvp.questions.services does that, after the event is locked, with ``check_places``.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from rsvp.questions.models import (
    GUEST_NAME_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TEXTAREA_MAX_LENGTH,
    Question,
    QuestionOption,
)
from rsvp.responses.rules import AnswerError

#: What a consent box or a yes sends.
YES_VALUES = ("yes", "y", "on", "true", "1")


class QuestionError(AnswerError):
    """One answer breaks a rule: ``field`` is its form field, ``for_invitee`` the words."""

    def __init__(self, field_name: str, code: str, words: LazyString | str) -> None:
        ValueError.__init__(self, words)
        self.field, self.code, self.number = field_name, code, 0
        self.message = self.for_invitee = words


class QuestionErrors(AnswerError):
    """Several answers break rules; ``errors`` has one QuestionError per field, page order."""

    def __init__(self, errors: Sequence[QuestionError]) -> None:
        ValueError.__init__(self, "; ".join(str(e.message) for e in errors))
        self.errors = list(errors)
        first = self.errors[0]
        self.field, self.code, self.number = first.field, first.code, 0
        self.message, self.for_invitee = first.message, first.for_invitee


@dataclass
class GivenAnswer:
    """One person's checked answer to one question; all values None (and no options) clears."""

    question: Question
    person: int = 0
    text: str | None = None
    number: int | None = None
    day: date | None = None
    flag: bool | None = None
    options: tuple[QuestionOption, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.options and all(
            v is None for v in (self.text, self.number, self.day, self.flag))

    @property
    def field_name(self) -> str:
        return field_name(self.question, self.person)


def field_name(question: Question, person: int = 0) -> str:
    """The form field of a person's answer: ``q_KEY``, or ``guest_N_q_KEY`` for guest N."""
    return f"q_{question.key}" if person == 0 else f"guest_{person}_q_{question.key}"


def is_asked(question: Question, accepting: bool) -> bool:
    """A question is asked unless hidden; one asked when accepting, only then."""
    return not question.hidden and (question.ask == "always" or accepting)


def check_answers(questions: Sequence[Question], form: Mapping[str, list[str]], *,
                  accepting: bool, guests: int) -> list[GivenAnswer]:
    """The answers of the invitee and each of ``guests`` guests (per-person questions), checked.

    Returns one GivenAnswer per person and question asked (an empty one where nothing was
    given, or where a show_if does not hold); raises QuestionErrors naming every bad field.
    """
    given: list[GivenAnswer] = []
    errors: list[QuestionError] = []
    for person in range(guests + 1):
        for question in questions:
            if (person and not question.per_person) or not is_asked(question, accepting):
                continue
            if not _condition_holds(question, person, given):
                given.append(GivenAnswer(question, person))
                continue
            try:
                given.append(_parse(question, person, form.get(field_name(question, person), [])))
            except QuestionError as exc:
                errors.append(exc)
    if errors:
        raise QuestionErrors(errors)
    return given


def _condition_holds(question: Question, person: int, given: Sequence[GivenAnswer]) -> bool:
    """A show_if holds when the other question's answer (the same person's where it is asked
    per person, else the invitee's) is ``show_if_equals``."""
    other = question.show_if_question
    if other is None:
        return True
    whose = person if other.per_person else 0
    answer = next((g for g in given if g.question is other and g.person == whose), None)
    if answer is None:
        return False
    if other.type == "yesno":
        return answer.flag is not None and ("yes" if answer.flag else "no") == \
            question.show_if_equals
    return any(o.key == question.show_if_equals for o in answer.options)


def _parse(question: Question, person: int, raw: list[str]) -> GivenAnswer:
    """One answer, typed; empty is an error only for a required question."""
    values = [v.strip() for v in raw if v.strip()]
    name = field_name(question, person)
    if not values:
        if question.required:
            code = "consent" if question.type == "consent" else "required"
            raise QuestionError(name, code, MESSAGES[code](question))
        return GivenAnswer(question, person)
    return PARSERS[question.type](question, person, values, name)


def _text(question: Question, person: int, values: list[str], name: str) -> GivenAnswer:
    default = TEXTAREA_MAX_LENGTH if question.type == "textarea" else TEXT_MAX_LENGTH
    limit = question.max_length or default
    text = values[0].replace("\r\n", "\n")
    if len(text) > limit:
        raise QuestionError(name, "text_length", _l(
            "Please shorten this to at most %(max)d characters.", max=limit))
    return GivenAnswer(question, person, text=text)


def _number(question: Question, person: int, values: list[str], name: str) -> GivenAnswer:
    text = values[0]
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isdecimal() or len(digits) > 10:
        raise QuestionError(name, "number", _l("Please enter a whole number."))
    number = int(text)
    low, high = question.min_number, question.max_number
    if (low is not None and number < low) or (high is not None and number > high):
        raise QuestionError(name, "number_range", _range_words(low, high))
    return GivenAnswer(question, person, number=number)


def _range_words(low: int | None, high: int | None) -> LazyString:
    if low is not None and high is not None:
        return _l("Please enter a number from %(min)d to %(max)d.", min=low, max=high)
    if low is not None:
        return _l("Please enter a number of at least %(min)d.", min=low)
    return _l("Please enter a number of at most %(max)d.", max=high)


def _date(question: Question, person: int, values: list[str], name: str) -> GivenAnswer:
    try:
        day = date.fromisoformat(values[0])
    except ValueError:
        raise QuestionError(name, "date", _l("Please enter a date (YYYY-MM-DD).")) from None
    low, high = question.min_date, question.max_date
    if (low and day < low) or (high and day > high):
        words = _l("Please enter a date from %(min)s to %(max)s.", min=low or "…",
                   max=high or "…")
        raise QuestionError(name, "date_range", words)
    return GivenAnswer(question, person, day=day)


def _choice(question: Question, person: int, values: list[str], name: str) -> GivenAnswer:
    keys = list(dict.fromkeys(values))
    options = [question.option(k) for k in keys]
    if any(o is None for o in options) or (question.type == "choice" and len(keys) > 1):
        raise QuestionError(name, "unknown_option", _l("Please choose one of the options."))
    return GivenAnswer(question, person, options=tuple(o for o in options if o is not None))


def _yesno(question: Question, person: int, values: list[str], name: str) -> GivenAnswer:
    if values[0] not in ("yes", "no"):
        raise QuestionError(name, "unknown_option", _l("Please choose yes or no."))
    return GivenAnswer(question, person, flag=values[0] == "yes")


def _consent(question: Question, person: int, values: list[str], name: str) -> GivenAnswer:
    if values[0].lower() not in YES_VALUES:
        raise QuestionError(name, "consent", MESSAGES["consent"](question))
    return GivenAnswer(question, person, flag=True)


PARSERS: dict[str, Callable[[Question, int, list[str], str], GivenAnswer]] = {
    "text": _text, "textarea": _text, "number": _number, "date": _date, "choice": _choice,
    "multichoice": _choice, "yesno": _yesno, "consent": _consent,
}
MESSAGES: dict[str, Callable[[Question], LazyString]] = {
    "required": lambda q: (_l("Please choose at least one option.")
                           if q.type == "multichoice" else _l("Please answer this question.")),
    "consent": lambda q: _l("Please give your consent to register."),
}


def check_guest_names(form: Mapping[str, list[str]], max_guests: int) -> list[str]:
    """The accompanying persons' names given (``guest_1_name`` ...), in order, gaps closed."""
    names = []
    for position in range(1, max_guests + 1):
        name = " ".join((form.get(f"guest_{position}_name") or [""])[0].split())
        if len(name) > GUEST_NAME_MAX_LENGTH:
            raise QuestionError(f"guest_{position}_name", "guest_name", _l(
                "Please shorten the name to at most %(max)d characters.",
                max=GUEST_NAME_MAX_LENGTH))
        if name:
            names.append(name)
    return names


def check_places(given: Sequence[GivenAnswer], taken: Mapping[int, int]) -> None:
    """Each chosen option with a limit still has a place for everyone choosing it now;
    ``taken`` counts the places others hold (queries.places_taken). Raises QuestionErrors."""
    wanted: dict[int, list[GivenAnswer]] = {}
    for answer in given:
        for option in answer.options:
            if option.limit is not None:
                wanted.setdefault(option.id, []).append(answer)
    errors = []
    for option_id, answers in wanted.items():
        option = answers[0].options[[o.id for o in answers[0].options].index(option_id)]
        if taken.get(option_id, 0) + len(answers) > (option.limit or 0):
            errors += [QuestionError(a.field_name, "option_full", _l(
                "No places are left for this option; please choose another.")) for a in answers]
    if errors:
        raise QuestionErrors(errors)
