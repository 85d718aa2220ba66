"""Sample invitees an organiser's template is tried on before it is saved.

One sample with every field filled in renders most mistakes, but not those that only real
data brings out: an empty first name (``first_name[0]``), no guests (``10 // guests``), the
other salutation or language, a declined answer. So a template is rendered for each shape
of invitee that can reach it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from rsvp.i18n import mail_labels, salutation

#: Kinds whose placeholders carry an answer and a number of guests.
ANSWER_KINDS = {"confirmation", "waitlisted", "promoted"}

_EVENT = {
    "event_title": "Bundeskonferenz Gemeinwesenarbeit",
    "event_subtitle": "Ergebnisse der Studie",
    "when": "Montag, 22. November 2027, 12:00–17:00 Uhr",
    "venue": "Festsaal, Hauptstraße 1, 10115 Berlin",
    "organiser": "Bundesinstitut für Bau-, Stadt- und Raumforschung",
    "deadline": "8. November 2027",
    "rsvp_url": "https://rsvp.example/r/sample",
    "calendar_url": "https://rsvp.example/r/sample/event.ics",
    "contact_name": "Maria Muster",
    "contact_email": "kontakt@rsvp.example",
    "contact_phone": "+49 30 1234567",
}
_PERSON = {"title": "Dr.", "first_name": "Anna", "last_name": "Potz",
           "organisation": "Stadt Musterstadt"}


@dataclass(frozen=True)
class Sample:
    """Placeholder values of one made-up invitee, and words saying what is special about it."""

    label: str
    values: dict[str, object]


def samples(kind: str | None, languages: Iterable[str]) -> list[Sample]:
    """The invitees to try a template of ``kind`` (None: a message to a group) on."""
    answers = ([("accepted", 0), ("accepted", 2), ("declined", 0)] if kind in ANSWER_KINDS
               else [("", 0)])
    found: list[Sample] = []
    for language in languages:
        for answer, guests in answers:
            found.extend(_filled(language, code, answer, guests) for code in ("ms", "mr", None))
            found.append(_empty(language, answer, guests))
    return found


def _filled(language: str, code: str | None, answer: str, guests: int) -> Sample:
    person = _PERSON | {"salutation": salutation(
        salutation_code=code, title=_PERSON["title"], first_name=_PERSON["first_name"],
        last_name=_PERSON["last_name"], language=language)}
    label = f"{language}, salutation {code or 'none'}{_answer_label(answer, guests)}"
    return Sample(label, _EVENT | person | _answer(language, answer, guests))


def _empty(language: str, answer: str, guests: int) -> Sample:
    values: dict[str, object] = dict.fromkeys([*_EVENT, *_PERSON], "")
    values |= {"event_title": _EVENT["event_title"], "when": _EVENT["when"],
               "salutation": salutation(salutation_code=None, title="", first_name="",
                                        last_name="", language=language)}
    label = f"{language}, empty fields{_answer_label(answer, guests)}"
    return Sample(label, values | _answer(language, answer, guests))


def _answer(language: str, answer: str, guests: int) -> dict[str, object]:
    return {"answer": mail_labels(language)[answer] if answer else "", "guests": guests}


def _answer_label(answer: str, guests: int) -> str:
    return f", {answer} with {guests} guests" if answer else ", 0 guests"
