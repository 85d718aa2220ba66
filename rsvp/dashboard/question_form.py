"""The question editor's form: its shape only; the rules are the event file's
(rsvp.questions.services.question_values, called by rsvp.questions.editor)."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from rsvp.forms import Form
from rsvp.questions.models import LABEL_MAX_LENGTH, Question

TYPE_CHOICES = [
    SelectChoice("text", _l("Short text")), SelectChoice("textarea", _l("Long text")),
    SelectChoice("number", _l("Number")), SelectChoice("choice", _l("One of several options")),
    SelectChoice("multichoice", _l("Several options")), SelectChoice("yesno", _l("Yes or no")),
    SelectChoice("consent", _l("Consent")), SelectChoice("date", _l("Date")),
]
#: Where an error of question_values ("question.options[2].key") is shown in the form.
ERROR_FIELDS = {"label": "label_de", "help": "help_de", "consent": "consent_de",
                "show_if": "show_if_question", "min": "minimum", "max": "maximum"}


class QuestionForm(Form):
    key = StringField(_l("Key (letters, digits, underscore)"),
                      validators=[InputRequired(message=_l("Please fill in this field.")),
                                  Length(max=40)])
    type = SelectField(_l("Type"), choices=TYPE_CHOICES, default="text")
    label_de = StringField(_l("Question (German)"), validators=[Length(max=LABEL_MAX_LENGTH)])
    label_en = StringField(_l("Question (English)"), validators=[Length(max=LABEL_MAX_LENGTH)])
    help_de = StringField(_l("Help text (German)"), validators=[Length(max=2000)])
    help_en = StringField(_l("Help text (English)"), validators=[Length(max=2000)])
    required = BooleanField(_l("An answer is required"))
    ask = SelectField(_l("Asked"), default="accepted", choices=[
        SelectChoice("accepted", _l("when accepting")),
        SelectChoice("always", _l("with every answer"))])
    per_person = BooleanField(_l("Ask each accompanying person too"))
    show_at_checkin = BooleanField(_l("Show at the door"))
    options = TextAreaField(_l("Options, one per line: key | German | English | places"),
                            validators=[Length(max=20000)])
    minimum = StringField(_l("Smallest number or earliest date"), validators=[Length(max=20)])
    maximum = StringField(_l("Largest number or latest date"), validators=[Length(max=20)])
    max_length = StringField(_l("Longest answer (characters)"), validators=[Length(max=10)])
    consent_de = TextAreaField(_l("What is agreed to (German)"), validators=[Length(max=5000)])
    consent_en = TextAreaField(_l("What is agreed to (English)"), validators=[Length(max=5000)])
    show_if_question = SelectField(_l("Only ask if the answer to"), choices=[], default="")
    show_if_equals = StringField(_l("is (option key, yes or no)"), validators=[Length(max=40)])

    def raw(self) -> dict[str, Any]:
        """The values as an event file's [[questions]] entry says them."""
        kind = self.type.data or ""
        raw: dict[str, Any] = {
            "key": (self.key.data or "").strip(), "type": kind, "ask": self.ask.data,
            "label": {"de": self.label_de.data or "", "en": self.label_en.data or ""},
            "help": {"de": self.help_de.data or "", "en": self.help_en.data or ""},
            "required": self.required.data, "per_person": self.per_person.data,
            "show_at_checkin": self.show_at_checkin.data}
        raw.update(_bounds(self, kind))
        if kind in ("choice", "multichoice"):
            raw["options"] = option_lines(self.options.data or "")
        if self.show_if_question.data:
            raw["show_if"] = {"question": self.show_if_question.data,
                              "equals": (self.show_if_equals.data or "").strip()}
        return raw


def _bounds(form: QuestionForm, kind: str) -> dict[str, Any]:
    """min/max, max_length and the consent's text, for the types that have them."""
    bounds: dict[str, Any] = {}
    for name, field in (("min", form.minimum), ("max", form.maximum)):
        text = (field.data or "").strip()
        if text and kind in ("number", "date"):
            bounds[name] = _number(text) if kind == "number" else text
    length = (form.max_length.data or "").strip()
    if length and kind in ("text", "textarea"):
        bounds["max_length"] = _number(length)
    if kind == "consent":
        bounds["consent"] = {"de": form.consent_de.data or "", "en": form.consent_en.data or ""}
    return bounds


def _number(text: str) -> int | str:
    """A whole number as the file would give it; anything else is left for the rule to refuse."""
    digits = text[1:] if text[:1] in "+-" else text
    return int(text) if digits.isdecimal() and len(digits) <= 12 else text


def option_lines(text: str) -> list[dict[str, Any]]:
    """``key | German | English | places`` per line, as the file's option tables."""
    options = []
    for line in text.splitlines():
        if not line.strip():
            continue
        key, de, en, limit = ([p.strip() for p in line.split("|")] + ["", "", "", ""])[:4]
        option: dict[str, Any] = {"key": key, "de": de, "en": en or de}
        if limit:
            option["limit"] = _number(limit)
        options.append(option)
    return options


def form_data(question: Question) -> dict[str, Any]:
    """A stored question as the form shows it."""
    lines = [" | ".join((o.key, o.label_de, o.label_en,
                         "" if o.limit is None else str(o.limit))).rstrip(" |")
             for o in question.options]
    low = question.min_number if question.type == "number" else question.min_date
    high = question.max_number if question.type == "number" else question.max_date
    return {
        **{name: getattr(question, name) for name in (
            "key", "type", "label_de", "label_en", "help_de", "help_en", "required", "ask",
            "per_person", "show_at_checkin", "consent_de", "consent_en", "show_if_equals")},
        "options": "\n".join(lines), "minimum": "" if low is None else str(low),
        "maximum": "" if high is None else str(high),
        "max_length": "" if question.max_length is None else str(question.max_length),
        "show_if_question": question.show_if_question.key if question.show_if_question else "",
    }
