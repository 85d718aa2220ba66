"""Reading an event's questions from its file (or the editor) and storing them.

Every check names where the mistake is, as EventError(message, field) does for the event's
own fields: ``questions[2].options[1].key: letters, digits and underscore``. The dashboard's
question editor checks its values with the same ``question_values``.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.events.services import EventError
from rsvp.invitees.models import Invitee
from rsvp.questions.models import (
    ASK_WHEN,
    KEY_MAX_LENGTH,
    LABEL_MAX_LENGTH,
    OPTION_TYPES,
    QUESTION_TYPES,
    AnswerChange,
    AnswerOption,
    GuestName,
    Question,
    QuestionAnswer,
    QuestionOption,
)
from rsvp.questions.queries import (
    answers_of,
    places_taken,
    questions_of,
    stored_value,
)
from rsvp.questions.rules import GivenAnswer, check_answers, check_guest_names, check_places
from rsvp.responses.models import Answer

KEY_PATTERN = re.compile(rf"^[A-Za-z0-9_]{{1,{KEY_MAX_LENGTH}}}$")
QUESTION_KEYS = {"key", "type", "label", "help", "required", "ask", "options", "min", "max",
                 "max_length", "consent", "show_if", "per_person", "show_at_checkin", "hidden"}
OPTION_KEYS = {"key", "de", "en", "limit"}
#: The history's key for a guest's name (AnswerChange.person is the guest).
GUEST_NAME_KEY = "guest_name"
#: The bounds a number question may set (an INTEGER column everywhere).
NUMBER_BOUND = 2_000_000_000


def questions_from_file(entries: Any) -> list[dict[str, Any]]:
    """The event file's `[[questions]]` checked: one dict of column values per question.

    Keys are unique; a ``show_if`` names an earlier question and one of its answers.
    """
    if entries in (None, []):
        return []
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise EventError(_l("a list of [[questions]] tables is needed"), field="questions")
    specs: list[dict[str, Any]] = []
    for number, entry in enumerate(entries, start=1):
        spec = question_values(entry, f"questions[{number}]")
        if any(s["key"] == spec["key"] for s in specs):
            raise EventError(_l("the key %(key)s is used twice", key=repr(spec["key"])),
                             field=f"questions[{number}].key")
        _check_show_if(spec, specs, f"questions[{number}].show_if")
        specs.append(spec)
    return specs


def question_values(raw: Mapping[str, Any], where: str = "question") -> dict[str, Any]:
    """One question's values checked; ``where`` prefixes the field named in an EventError."""
    unknown = sorted(set(raw) - QUESTION_KEYS)
    if unknown:
        raise EventError(_l("unknown keys: %(keys)s", keys=", ".join(unknown)), field=where)
    kind = _one_of(raw.get("type"), QUESTION_TYPES, f"{where}.type")
    values: dict[str, Any] = {
        "key": _key(raw.get("key"), f"{where}.key"), "type": kind,
        "ask": _one_of(raw.get("ask") or "accepted", ASK_WHEN, f"{where}.ask"),
        **_texts(raw, "label", f"{where}.label", required=True),
        **_texts(raw, "help", f"{where}.help"),
        **_flags(raw, where),
    }
    values.update(_bounds(raw, kind, where))
    values["options"] = _options(raw.get("options"), kind, f"{where}.options")
    values["show_if"] = _show_if(raw.get("show_if"), f"{where}.show_if")
    return values


def _key(value: Any, field: str) -> str:
    if not isinstance(value, str) or not KEY_PATTERN.match(value):
        raise EventError(_l("letters, digits and underscore, at most %(n)d", n=KEY_MAX_LENGTH),
                         field=field)
    return value


def _one_of(value: Any, allowed: Sequence[str], field: str) -> str:
    if value not in allowed:
        raise EventError(_l("one of %(choices)s", choices=", ".join(allowed)), field=field)
    return str(value)


def _texts(raw: Mapping[str, Any], name: str, field: str, *, required: bool = False,
           column: str | None = None) -> dict[str, str]:
    """A text in both languages: ``{ de = "…", en = "…" }`` (or one string for both)."""
    value = raw.get(name)
    if isinstance(value, str):
        value = {"de": value, "en": value}
    if value is None:
        value = {}
    if not isinstance(value, dict) or set(value) - {"de", "en"}:
        raise EventError(_l('a text per language: { de = "…", en = "…" }'), field=field)
    texts = {lang: str(value.get(lang) or "").strip() for lang in ("de", "en")}
    if required and not any(texts.values()):
        raise EventError(_l("%(field)s is required", field=name), field=field)
    if name == "label" and any(len(t) > LABEL_MAX_LENGTH for t in texts.values()):
        raise EventError(_l("at most %(limit)d characters", limit=LABEL_MAX_LENGTH), field=field)
    return {f"{column or name}_{lang}": text for lang, text in texts.items()}


def _flags(raw: Mapping[str, Any], where: str) -> dict[str, bool]:
    flags = {}
    for name in ("required", "per_person", "show_at_checkin", "hidden"):
        value = raw.get(name, False)
        if not isinstance(value, bool):
            raise EventError(_l("true or false"), field=f"{where}.{name}")
        flags[name] = value
    return flags


def _bounds(raw: Mapping[str, Any], kind: str, where: str) -> dict[str, Any]:
    """min/max of a number or date, max_length of a text, the consent's text."""
    allowed = {"number": {"min", "max"}, "date": {"min", "max"}, "text": {"max_length"},
               "textarea": {"max_length"}, "consent": {"consent"}}.get(kind, set())
    for name in ("min", "max", "max_length", "consent"):
        if name in raw and name not in allowed:
            raise EventError(_l("not for a question of type %(type)s", type=kind),
                             field=f"{where}.{name}")
    values: dict[str, Any] = {}
    if kind == "number":
        values = {f"{n}_number": _integer(raw.get(n), f"{where}.{n}") for n in ("min", "max")}
        _ordered(values["min_number"], values["max_number"], f"{where}.max")
    if kind == "date":
        values = {f"{n}_date": _day(raw.get(n), f"{where}.{n}") for n in ("min", "max")}
        _ordered(values["min_date"], values["max_date"], f"{where}.max")
    if kind in ("text", "textarea"):
        values["max_length"] = _integer(raw.get("max_length"), f"{where}.max_length", low=1)
    if kind == "consent":
        values.update(_texts(raw, "consent", f"{where}.consent", required=True))
    return values


def _integer(value: Any, field: str, low: int = -NUMBER_BOUND) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) \
            or not low <= value <= NUMBER_BOUND:
        raise EventError(_l("a whole number from %(minimum)d to %(maximum)d is needed",
                            minimum=low, maximum=NUMBER_BOUND), field=field)
    return value


def _day(value: Any, field: str) -> date | None:
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise EventError(_l("not a date (YYYY-MM-DD): %(value)s", value=repr(value)),
                         field=field) from None


def _ordered(low: Any, high: Any, field: str) -> None:
    if low is not None and high is not None and low > high:
        raise EventError(_l("max is below min"), field=field)


def _options(raw: Any, kind: str, where: str) -> list[dict[str, Any]]:
    """A choice's options: key, label per language, optional limit of places."""
    if kind not in OPTION_TYPES:
        if raw not in (None, []):
            raise EventError(_l("not for a question of type %(type)s", type=kind), field=where)
        return []
    if not isinstance(raw, list) or not raw or not all(isinstance(o, dict) for o in raw):
        raise EventError(_l("a choice needs a list of options"), field=where)
    options: list[dict[str, Any]] = []
    for number, option in enumerate(raw, start=1):
        field = f"{where}[{number}]"
        if set(option) - OPTION_KEYS:
            raise EventError(_l("unknown keys: %(keys)s",
                                keys=", ".join(sorted(set(option) - OPTION_KEYS))), field=field)
        key = _key(option.get("key"), f"{field}.key")
        if any(o["key"] == key for o in options):
            raise EventError(_l("the key %(key)s is used twice", key=repr(key)),
                             field=f"{field}.key")
        labels = _texts({"label": {k: option[k] for k in ("de", "en") if k in option}},
                        "label", field, required=True)
        options.append({"key": key, "position": number, **labels,
                        "limit": _integer(option.get("limit"), f"{field}.limit", low=1)})
    return options


def _show_if(raw: Any, field: str) -> tuple[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"question", "equals"}:
        raise EventError(_l('{ question = "key", equals = "answer" } is needed'), field=field)
    return str(raw["question"]), str(raw["equals"])


def _check_show_if(spec: dict[str, Any], earlier: list[dict[str, Any]], field: str) -> None:
    """show_if names an earlier question of a choice or yes/no type and one of its answers."""
    if spec["show_if"] is None:
        return
    key, equals = spec["show_if"]
    other = next((s for s in earlier if s["key"] == key), None)
    if other is None or other["type"] not in ("choice", "multichoice", "yesno"):
        raise EventError(_l("names no earlier choice or yes/no question: %(key)s",
                            key=repr(key)), field=field)
    answers = ("yes", "no") if other["type"] == "yesno" else [o["key"] for o in other["options"]]
    if equals not in answers:
        raise EventError(_l("one of %(choices)s", choices=", ".join(answers)), field=field)


def add_questions(session: Session, event: Event, specs: list[dict[str, Any]]) -> list[Question]:
    """Store checked question values (questions_from_file) as the event's questions, in order."""
    made: dict[str, Question] = {}
    for position, spec in enumerate(specs, start=len(made) + 1):
        values = {k: v for k, v in spec.items() if k not in ("options", "show_if")}
        question = Question(event=event, position=position, **values,
                            options=[QuestionOption(**o) for o in spec["options"]])
        if spec["show_if"] is not None:
            question.show_if_question = made[spec["show_if"][0]]
            question.show_if_equals = spec["show_if"][1]
        session.add(question)
        made[question.key] = question
    session.flush()
    return list(made.values())


@dataclass(frozen=True)
class PreparedAnswers:
    """What the questions part of an answer form said, checked: the answers, the guests'
    names (None where the event asks for none) and so the number of guests."""

    given: list[GivenAnswer]
    names: list[str] | None
    guests: int


def prepare_answers(session: Session, invitee: Invitee, form: Mapping[str, list[str]], *,
                    answer: str, guests: int) -> PreparedAnswers | None:
    """Check the questions' fields of one answer (``q_KEY``, ``guest_N_name`` ...).

    Where the event asks for names the guests are the names given; a decline has none.
    None for an event that asks nothing. Raises QuestionErrors (an AnswerError) naming each
    bad field; stores nothing.
    """
    event = invitee.event
    questions = questions_of(session, event)
    if not questions and not event.guest_names:
        return None
    accepting = answer == Answer.ACCEPTED.value
    names = None
    if event.guest_names:
        names = check_guest_names(form, event.max_guests) if accepting else []
        guests = len(names)
    given = check_answers(questions, form, accepting=accepting, guests=guests if accepting else 0)
    return PreparedAnswers(given, names, guests)


def store_answers(session: Session, invitee: Invitee, prepared: PreparedAnswers, *,
                  coming: bool) -> list[AnswerChange]:
    """Write the checked answers and names; returns the history of what changed (unsaved).

    ``coming``: accepted or waiting for a place, so holding the options chosen. Call with the
    event locked (record_answer locks it): a limited option's last place is then taken once.
    Answers of guests no longer coming are removed.
    """
    if coming:
        limited = {o.id for g in prepared.given for o in g.options if o.limit is not None}
        check_places(prepared.given, places_taken(session, limited, besides=invitee.id))
    current = {(a.question_id, a.person): a for a in answers_of(session, invitee)}
    changes = []
    for given in prepared.given:
        old = current.pop((given.question.id, given.person), None)
        before = stored_value(old)
        after = stored_value(_write(session, invitee, old, given))
        if before != after:
            changes.append(AnswerChange(key=given.question.key, person=given.person,
                                        old_value=before, new_value=after))
    for (_question, person), old in current.items():
        if person > prepared.guests:
            changes.append(AnswerChange(key=old.question.key, person=person,
                                        old_value=stored_value(old), new_value=None))
            session.delete(old)
    if prepared.names is not None:
        changes += _store_names(session, invitee, prepared.names)
    session.flush()
    return changes


def _write(session: Session, invitee: Invitee, row: QuestionAnswer | None,
           given: GivenAnswer) -> QuestionAnswer | None:
    """Make the stored row say what ``given`` says; an empty answer removes it."""
    if given.empty:
        if row is not None:
            session.delete(row)
        return None
    if row is None:
        row = QuestionAnswer(invitee_id=invitee.id, question=given.question, person=given.person)
        session.add(row)
    row.text_value, row.number_value = given.text, given.number
    row.date_value, row.bool_value = given.day, given.flag
    wanted = {o.id: o for o in given.options}
    for chosen in list(row.chosen):
        if chosen.option_id not in wanted:
            row.chosen.remove(chosen)
    held = {c.option_id for c in row.chosen}
    row.chosen.extend(AnswerOption(option=o) for i, o in wanted.items() if i not in held)
    return row


def _store_names(session: Session, invitee: Invitee, names: list[str]) -> list[AnswerChange]:
    """The guests' names by position; returns what changed."""
    rows = {g.position: g for g in session.scalars(
        select(GuestName).where(GuestName.invitee_id == invitee.id))}
    changes = []
    for position in sorted(set(rows) | set(range(1, len(names) + 1))):
        row, name = rows.get(position), (names[position - 1] if position <= len(names) else None)
        before = row.name if row else None
        if row is not None and name is None:
            session.delete(row)
        elif row is None and name is not None:
            session.add(GuestName(invitee_id=invitee.id, position=position, name=name))
        elif row is not None and name is not None:
            row.name = name
        if before != name:
            changes.append(AnswerChange(key=GUEST_NAME_KEY, person=position, old_value=before,
                                        new_value=name))
    return changes
