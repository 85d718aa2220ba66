"""Organisers' own subjects and bodies, run in Jinja's sandbox with a small set of placeholders.

A template written by an organiser sees plain strings and numbers only, never a model or the
application, and it is checked when it is saved: a syntax error, an unknown placeholder or an
error while rendering it for any of several sample invitees (rsvp.mailing.samples) is reported
with its line. Rendering is bounded (rsvp.mailing.sandbox); whatever goes wrong while rendering
becomes a TemplateOverrideError, never another exception.
"""

import re
import traceback
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, meta, nodes
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from rsvp.events.models import LANGUAGES, Event
from rsvp.mailing.content_models import OVERRIDABLE_KINDS, TemplateOverride
from rsvp.mailing.samples import samples
from rsvp.mailing.sandbox import BoundedSandbox, Clock, render

#: The placeholders an organiser's template may use; the README lists them too.
PLACEHOLDERS: dict[str, object] = {
    # What each one gives, as lazy strings: shown in the organiser's language.
    "salutation": _l("Sehr geehrte Frau Dr. Potz / Dear Dr Potz (without the comma)"),
    "title": _l("academic title as written, e.g. Dr."),
    "first_name": _l("first name"),
    "last_name": _l("last name"),
    "organisation": _l("the invitee's organisation"),
    "event_title": _l("the event's title"),
    "event_subtitle": _l("the event's subtitle"),
    "when": _l("Montag, 25. November 2019, 12:00–17:00 Uhr (in the invitee's language)"),
    "venue": _l("venue name and address"),
    "organiser": _l("the host line (who invites)"),
    "deadline": _l("the reply deadline as a date, empty if none"),
    "rsvp_url": _l("the invitee's personal reply link (empty in a save-the-date)"),
    "calendar_url": _l("the link to the calendar file (empty in a save-the-date)"),
    "contact_name": _l("the contact person"),
    "contact_email": _l("the contact person's email"),
    "contact_phone": _l("the contact person's phone"),
    "answer": _l("Zusage/Absage, accepted/declined (confirmations only, else empty)"),
    "guests": _l("number of accompanying guests (confirmations only, else 0)"),
}

SAMPLE_VALUES: dict[str, object] = {
    name: f"[{name}]" for name in PLACEHOLDERS
} | {"guests": 1}

_text_env = BoundedSandbox(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
_html_env = BoundedSandbox(autoescape=True, undefined=StrictUndefined)


class TemplateOverrideError(ValueError):
    """An organiser's template cannot be used; says which part and which line."""

    def __init__(self, part: str, line: int | None, message: object) -> None:
        super().__init__(part, line, message)
        self.part = part
        self.line = line
        self.message = message

    def __str__(self) -> str:
        # Put into words when shown: in the organiser's language on the dashboard, in
        # English on the command line.
        name, bracket, rest = self.part.partition(" (")
        part = f"{PART_NAMES.get(name, name)}{bracket}{rest}"
        where = _("%(part)s, line %(line)d", part=part, line=self.line) if self.line else part
        return f"{where}: {self.message}"


#: The parts of a mail text as the organiser's form names them.
PART_NAMES = {"subject": _l("subject"), "text": _l("text"), "html": _l("HTML"),
              "body": _l("body"), "kind": _l("kind"), "language": _l("language")}


def check_template(source: str, part: str, *, html: bool = False, kind: str | None = None,
                   languages: Iterable[str] = LANGUAGES) -> None:
    """Compile ``source`` and render it for sample invitees of ``kind`` (None: a message to
    a group) in ``languages``; raises TemplateOverrideError with the line."""
    env = _html_env if html else _text_env
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateOverrideError(part, exc.lineno, syntax_error_words(exc.message)) from None
    except Exception as exc:  # e.g. RecursionError on thousands of nested brackets
        raise TemplateOverrideError(part, None, describe_error(exc)) from None
    if next(meta.find_referenced_templates(tree), None) is not None:
        raise TemplateOverrideError(part, None, _l("templates cannot include or extend others"))
    unknown = sorted(meta.find_undeclared_variables(tree) - PLACEHOLDERS.keys())
    if unknown:
        raise TemplateOverrideError(
            part, _line_of(tree, unknown[0]),
            _l("unknown placeholder %(name)s; known: %(known)s", name=repr(unknown[0]),
               known=", ".join(PLACEHOLDERS)))
    template = _compiled(source, html, part)
    # One time budget for all samples: a template slow enough to use it up is refused.
    clock = Clock.start()
    for sample in [*samples(kind, languages), None]:
        values = SAMPLE_VALUES if sample is None else sample.values
        try:
            render(template, values, clock=clock)
        except Exception as exc:
            label = _(" (sample invitee: %(label)s)", label=sample.label) if sample else ""
            raise TemplateOverrideError(part, _error_line(exc),
                                        describe_error(exc) + label) from None


def render_custom(source: str, values: Mapping[str, object], *, html: bool = False,
                  part: str = "text") -> str:
    """Render an organiser's template in the bounded sandbox; any error, even in a template
    saved before today's checks, is a TemplateOverrideError naming ``part`` and the line."""
    template = _compiled(source, html, part)
    try:
        return render(template, values)
    except Exception as exc:
        raise TemplateOverrideError(part, _error_line(exc), describe_error(exc)) from None


@lru_cache(maxsize=256)
def _compiled(source: str, html: bool, part: str) -> Template:
    """The compiled template: a send renders the same few texts thousands of times."""
    env = _html_env if html else _text_env
    try:
        return env.from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateOverrideError(part, exc.lineno, syntax_error_words(exc.message)) from None
    except Exception as exc:
        raise TemplateOverrideError(part, None, describe_error(exc)) from None


#: Jinja's commonest syntax errors, in words the organiser's language has.
_SYNTAX_ERRORS = (
    (re.compile(r"^Unexpected end of template.*closed is '(.+?)'", re.DOTALL),
     lambda m: _("the template ends before {%% end%(block)s %%}", block=m[1])),
    (re.compile(r"^unexpected end of template"), lambda m: _("the template ends inside "
                                                             "{{ … }} or {% … %}")),
    (re.compile(r"^Encountered unknown tag '(.+?)'.*closed is '(.+?)'", re.DOTALL),
     lambda m: _("unknown tag %(tag)s inside the %(block)s block", tag=repr(m[1]),
                 block=repr(m[2]))),
    (re.compile(r"^Encountered unknown tag '(.+?)'"),
     lambda m: _("unknown tag %(tag)s", tag=repr(m[1]))),
    (re.compile(r"^expected token '(.+?)', got '(.+?)'"),
     lambda m: _("expected %(expected)s, found %(found)s", expected=repr(m[1]),
                 found=repr(m[2]))),
    (re.compile(r"^unexpected '(.+?)'"), lambda m: _("unexpected %(token)s", token=repr(m[1]))),
)


def syntax_error_words(message: str | None) -> str:
    """A Jinja syntax error put into the reader's language where we know its words."""
    for pattern, words in _SYNTAX_ERRORS:
        if message and (match := pattern.match(message)):
            return words(match)
    return message or _("syntax error")


def describe_error(exc: BaseException) -> str:
    """What went wrong while rendering, in words for the organiser."""
    if isinstance(exc, TemplateError):
        return str(exc)
    if isinstance(exc, ZeroDivisionError):
        return _("division by zero")
    if isinstance(exc, RecursionError):
        return _("nested too deeply (a macro or loop calling itself?)")
    return f"{type(exc).__name__}: {exc}"


def _line_of(tree: nodes.Template, name: str) -> int | None:
    for node in tree.find_all(nodes.Name):
        if node.name == name:
            return node.lineno
    return None


def _error_line(exc: BaseException) -> int | None:
    """The template line an error was raised on: Jinja maps it into the traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [f.lineno for f in frames if f.filename == "<template>"]
    return lines[-1] if lines else None


def save_template_override(
    session: Session, event: Event, kind: str, language: str, *,
    subject: str = "", text: str = "", html: str = "",
) -> TemplateOverride:
    """Check and store an organiser's subject and bodies for ``kind`` in ``language``."""
    if kind not in OVERRIDABLE_KINDS:
        raise TemplateOverrideError("kind", None, _l("one of %(choices)s",
                                                     choices=", ".join(OVERRIDABLE_KINDS)))
    if language not in LANGUAGES:
        raise TemplateOverrideError("language", None, _l("one of %(choices)s",
                                                         choices=", ".join(LANGUAGES)))
    if html.strip() and not text.strip():
        # Mail with an HTML part only is a spam signal and unreadable in text clients.
        raise TemplateOverrideError("html", None, _l("an HTML body needs a text body as well"))
    if "\n" in subject.strip():
        raise TemplateOverrideError("subject", None, _l("the subject must be one line"))
    for part, source, is_html in (("subject", subject, False), ("text", text, False),
                                  ("html", html, True)):
        if source.strip():
            check_template(source, part, html=is_html, kind=kind, languages=(language,))
    override = get_template_override(session, event, kind, language) or TemplateOverride(
        event_id=event.id, kind=kind, language=language)
    override.subject, override.body_text, override.body_html = (
        subject.strip(), text.strip(), html.strip())
    session.add(override)
    session.flush()
    return override


#: Overrides already looked up in this send batch, by (event id, kind, language).
_batch_overrides: ContextVar[dict[tuple[int, str, str], TemplateOverride | None] | None] = (
    ContextVar("rsvp_batch_overrides", default=None))


@contextmanager
def overrides_per_batch() -> Iterator[None]:
    """Inside the block each override is read once, not once per message (a send batch)."""
    token = _batch_overrides.set({})
    try:
        yield
    finally:
        _batch_overrides.reset(token)


def get_template_override(session: Session, event: Event, kind: str,
                          language: str) -> TemplateOverride | None:
    """The organiser's override of ``kind`` in ``language``, if there is one."""
    cache = _batch_overrides.get()
    if cache is None:
        return _load_override(session, event, kind, language)
    key = (event.id, kind, language)
    if key not in cache:
        cache[key] = _load_override(session, event, kind, language)
    return cache[key]


def _load_override(session: Session, event: Event, kind: str,
                   language: str) -> TemplateOverride | None:
    return session.scalar(_OVERRIDE, {"b_event": event.id, "b_kind": kind,
                                      "b_language": language})


# Built once: every message rendered asks (once per batch).
_OVERRIDE = select(TemplateOverride).where(
    TemplateOverride.event_id == bindparam("b_event"),
    TemplateOverride.kind == bindparam("b_kind"),
    TemplateOverride.language == bindparam("b_language"))


def list_template_overrides(session: Session, event: Event) -> list[TemplateOverride]:
    """All overrides of an event, by kind and language."""
    return list(session.scalars(
        select(TemplateOverride).where(TemplateOverride.event_id == event.id)
        .order_by(TemplateOverride.kind, TemplateOverride.language)))


def delete_template_override(session: Session, event: Event, kind: str, language: str) -> bool:
    """Go back to the default templates; returns whether there was an override."""
    override = get_template_override(session, event, kind, language)
    if override is None:
        return False
    session.delete(override)
    session.flush()
    return True
