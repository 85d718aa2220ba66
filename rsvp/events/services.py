"""Creating and reading events."""

import re
import tomllib
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from rsvp.dbtypes import utcnow
from rsvp.events.models import (
    DEFAULT_RETENTION_DAYS,
    EARLIEST_YEAR,
    LANGUAGES,
    LATEST_YEAR,
    LINK_POLICIES,
    LOCALISED_FIELDS,
    MAX_CAPACITY,
    MAX_GUESTS,
    MAX_RETENTION_DAYS,
    Event,
    EventMember,
    EventText,
)
from rsvp.invitees.emails import InvalidEmail, normalise_email

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
TEXT_FIELDS = {
    "title": 300, "subtitle": 300, "description": 20000, "venue_name": 300,
    "venue_address": 500, "organiser": 500, "contact_name": 200, "contact_email": 320,
    "contact_phone": 50,
}
TIME_FIELDS = ("starts_at", "ends_at", "rsvp_deadline")
#: ``title_en``, ``description_de``: one text in one language, beside ``title = {en = ...}``.
LANGUAGE_FIELDS = {f"{name}_{language}" for name in LOCALISED_FIELDS for language in LANGUAGES}
KNOWN_FIELDS = {"slug", "timezone", "capacity", "max_guests", "language", "retention_days",
                "link_policy", "registration_opens", "guest_names", *TEXT_FIELDS, *TIME_FIELDS,
                *LANGUAGE_FIELDS}
#: What event_values returns besides columns: {language: {"title": ..., ...}} for the
#: languages other than the event's own that have any text.
TRANSLATIONS = "translations"


_Date = TypeVar("_Date", date, datetime)


class EventError(ValueError):
    """The event's data is incomplete or contradicts itself; the message says which field.

    The message is translatable: the dashboard shows it in the organiser's language at the
    field it names, the command line in English ("capacity: a whole number is needed").
    """

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else str(self.message)


def read_event_file(path: Path) -> dict[str, Any]:
    """Read an event TOML file into a dict of raw values."""
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise EventError(_l("%(path)s: not valid TOML: %(reason)s", path=str(path),
                            reason=str(exc))) from None


def event_values(raw: dict[str, Any]) -> dict[str, Any]:
    """Check raw event data and return column values; local times are read in ``timezone``."""
    _check_keys(raw)
    slug = _slug(raw)
    zone_name, zone = _zone(raw)
    language = _choice(raw, "language", "de", LANGUAGES)
    own, translations = _localised_texts(raw, language)
    values: dict[str, Any] = {"slug": slug, "timezone": zone_name, **_texts(raw), **own,
                              "language": language, TRANSLATIONS: translations}
    values["contact_email"] = _address(values["contact_email"], "contact_email")
    for name in TIME_FIELDS:
        values[name] = _instant(raw.get(name), zone, name)
    if values["ends_at"] < values["starts_at"]:
        raise EventError(_l("ends_at is before starts_at"))
    values["registration_opens"] = _calendar_date(raw.get("registration_opens"),
                                                  "registration_opens")
    values.update(_numbers(raw))
    values["link_policy"] = _choice(raw, "link_policy", "personal", LINK_POLICIES)
    values["guest_names"] = _flag(raw, "guest_names")
    return values


def _flag(raw: dict[str, Any], name: str) -> bool:
    """A true/false field; absent is false."""
    value = raw.get(name)
    if value in (None, ""):
        return False
    if not isinstance(value, bool):
        raise EventError(_l("true or false"), field=name)
    return value


def _check_keys(raw: dict[str, Any]) -> None:
    """Refuse keys we do not know and missing required ones."""
    unknown = sorted(set(raw) - KNOWN_FIELDS)
    if unknown:
        raise EventError(_l("unknown keys: %(keys)s", keys=", ".join(unknown)))
    for required in ("slug", "starts_at", "ends_at"):
        if raw.get(required) in (None, ""):
            raise EventError(_l("%(field)s is required", field=required))


def _slug(raw: dict[str, Any]) -> str:
    """The event's slug, as it appears in its links."""
    slug = str(raw["slug"])
    if not SLUG_PATTERN.match(slug):
        raise EventError(_l("use lower-case letters, digits and hyphens (at most 80)"),
                         field="slug")
    return slug


def _zone(raw: dict[str, Any]) -> tuple[str, ZoneInfo]:
    """The event's time zone, by name and as a ZoneInfo (Europe/Berlin unless given)."""
    zone_name = str(raw.get("timezone") or "Europe/Berlin")
    try:
        return zone_name, ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise EventError(_l("unknown time zone %(zone)s", zone=repr(zone_name)),
                         field="timezone") from None


def _texts(raw: dict[str, Any]) -> dict[str, str]:
    """The text fields stripped, each within its length limit."""
    texts = {}
    for name, limit in TEXT_FIELDS.items():
        if name in LOCALISED_FIELDS:
            continue
        text = str(raw.get(name) or "").strip()
        if len(text) > limit:
            raise EventError(_l("at most %(limit)d characters", limit=limit), field=name)
        texts[name] = text
    return texts


def _localised_texts(raw: dict[str, Any],
                     language: str) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Title, subtitle and description in the event's ``language``, and in the others given."""
    per_language: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for name in LOCALISED_FIELDS:
        for lang, text in _versions(raw, name, language).items():
            if len(text) > TEXT_FIELDS[name]:
                raise EventError(_l("at most %(limit)d characters", limit=TEXT_FIELDS[name]),
                                 field=name if lang == language else f"{name}_{lang}")
            per_language[lang][name] = text
    given = per_language.pop(language)
    own = {name: given.get(name, "") for name in LOCALISED_FIELDS}
    if not own["title"]:
        if any(texts.get("title") for texts in per_language.values()):
            raise EventError(_l("a title in the event's language (%(language)s) is required",
                                language=language), field="title")
        raise EventError(_l("%(field)s is required", field="title"))
    others = {lang: {name: texts.get(name, "") for name in LOCALISED_FIELDS}
              for lang, texts in per_language.items() if any(texts.values())}
    return own, others


def _versions(raw: dict[str, Any], name: str, language: str) -> dict[str, str]:
    """One text per language: ``name = {de = ...}``, ``name_en = ...``, or a plain ``name``
    in the event's ``language``."""
    value = raw.get(name)
    if isinstance(value, dict):
        if not set(value) <= set(LANGUAGES):
            raise EventError(_l("one of %(choices)s", choices=", ".join(LANGUAGES)), field=name)
        versions = {lang: str(text or "").strip() for lang, text in value.items()}
    else:
        versions = {language: str(value or "").strip()}
    for lang in LANGUAGES:
        text = str(raw.get(f"{name}_{lang}") or "").strip()
        if text and versions.get(lang) and versions[lang] != text:
            raise EventError(_l("given twice, differently: here and in %(other)s",
                                other=name), field=f"{name}_{lang}")
        if text:
            versions[lang] = text
    return versions


def _numbers(raw: dict[str, Any]) -> dict[str, int | None]:
    """Capacity (none: unlimited), guests per invitee and the days answers are kept."""
    retention = raw.get("retention_days")
    return {
        "capacity": _whole_number(raw.get("capacity"), "capacity", minimum=1,
                                  maximum=MAX_CAPACITY, optional=True),
        "max_guests": _whole_number(raw.get("max_guests", 0), "max_guests", minimum=0,
                                    maximum=MAX_GUESTS),
        "retention_days": _whole_number(
            DEFAULT_RETENTION_DAYS if retention in (None, "") else retention, "retention_days",
            minimum=0, maximum=MAX_RETENTION_DAYS),
    }


def _choice(raw: dict[str, Any], name: str, default: str, allowed: Iterable[str]) -> str:
    """``raw[name]`` (``default`` when empty), which must be one of ``allowed``."""
    value = str(raw.get(name) or default)
    if value not in allowed:
        raise EventError(_l("one of %(choices)s", choices=", ".join(allowed)), field=name)
    return value

def create_event(session: Session, raw: dict[str, Any], *, owner_id: int | None = None) -> Event:
    """Create an event from raw data; the slug must be new. ``owner_id`` is its first owner."""
    values = event_values(raw)
    if session.scalar(select(Event.id).where(Event.slug == values["slug"])) is not None:
        raise EventError(_l("an event %(slug)s exists already", slug=repr(values["slug"])),
                         field="slug")
    translations = values.pop(TRANSLATIONS)
    event = Event(**values, owner_id=owner_id)
    _set_translations(event, translations)
    session.add(event)
    session.flush()
    if owner_id is not None:
        session.add(EventMember(event_id=event.id, organiser_id=owner_id, role="owner"))
        session.flush()
    return event


def _set_translations(event: Event, translations: dict[str, dict[str, str]]) -> None:
    """Keep one row per language with texts; a language without any loses its row."""
    rows = {row.language: row for row in event.translations}
    for language in LANGUAGES:
        texts, row = translations.get(language), rows.get(language)
        if texts is None and row is not None:
            event.translations.remove(row)
        elif texts is not None and row is None:
            event.translations.append(EventText(language=language, **texts))
        elif texts is not None and row is not None:
            for name, text in texts.items():
                setattr(row, name, text)


def _stored_raw(event: Event, changes: dict[str, Any]) -> dict[str, Any]:
    """The event's values as raw data, its other languages as ``title_en`` and so on.

    A text given per language in ``changes`` (``title = {...}``) replaces all stored ones.
    """
    raw = {name: getattr(event, name) for name in KNOWN_FIELDS - LANGUAGE_FIELDS}
    for row in event.translations:
        for name in LOCALISED_FIELDS:
            if not isinstance(changes.get(name), dict):
                raw[f"{name}_{row.language}"] = getattr(row, name)
    return raw


#: Changing any of these moves the event in invitees' calendars: SEQUENCE goes up.
CALENDAR_FIELDS = ("starts_at", "ends_at", "timezone", "venue_name", "venue_address")


def update_event(session: Session, event: Event, changes: dict[str, Any]) -> Event:
    """Change an event's data; a new time or place raises its iCalendar SEQUENCE.

    Sends nothing: rsvp.events.operations.update_event also moves the waiting list up.
    """
    if "slug" in changes and changes["slug"] != event.slug:
        raise EventError(_l("cannot be changed, links and files refer to it"), field="slug")
    raw = _stored_raw(event, changes)
    raw.update(changes)
    values = event_values(raw)
    _set_translations(event, values.pop(TRANSLATIONS))
    moved = any(values[name] != getattr(event, name) for name in CALENDAR_FIELDS)
    for name, value in values.items():
        setattr(event, name, value)
    if moved:
        event.ical_sequence += 1
    session.flush()
    return event


def cancel_event(session: Session, event: Event) -> Event:
    """Call the event off: answers close, and SEQUENCE rises for the calendar cancellation."""
    if event.cancelled:
        raise EventError(_l("%(slug)s was cancelled already", slug=event.slug))
    event.cancelled_at = utcnow()
    event.ical_sequence += 1
    session.flush()
    return event


def get_event(session: Session, slug: str) -> Event:
    """Return the event with this slug, or raise LookupError."""
    event = session.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise LookupError(f"no event {slug!r}")
    return event


def _instant(value: Any, zone: ZoneInfo, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise EventError(_l("not a date and time: %(value)s", value=repr(value)),
                             field=name) from None
    if isinstance(value, date) and not isinstance(value, datetime):
        # A bare date as deadline means the end of that day.
        value = datetime.combine(value, time(23, 59, 59))
    if isinstance(value, time) or not isinstance(value, datetime):
        raise EventError(_l("needs a date and a time"), field=name)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return _bounded_year(value, name)


def _bounded_year(value: _Date, name: str) -> _Date:
    """A date within the years an event can have; beyond them UTC may leave year 1 to 9999."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise EventError(_l("a date from %(first)d to %(last)d is needed", first=EARLIEST_YEAR,
                            last=LATEST_YEAR), field=name)
    return value


def _whole_number(value: Any, name: str, *, minimum: int, maximum: int,
                  optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    text = str(value).strip()
    # A bound on the length first: int() of thousands of digits is slow, then refused.
    number = int(text) if len(text) <= 100 and text.lstrip("-").isdecimal() else None
    if isinstance(value, bool) or number is None or str(number) != text:
        raise EventError(_l("a whole number is needed"), field=name)
    if not minimum <= number <= maximum:
        raise EventError(_l("a whole number from %(minimum)d to %(maximum)d is needed",
                            minimum=minimum, maximum=maximum), field=name)
    return number


def _address(value: str, name: str) -> str:
    """An address given by the organiser, checked as invitees' addresses are; empty is none."""
    if not value:
        return ""
    try:
        return normalise_email(value)
    except InvalidEmail as exc:
        raise EventError(_l("not a valid email address: %(reason)s", reason=exc.reason),
                         field=name) from None


def _calendar_date(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return _bounded_year(value.date(), name)
    if isinstance(value, date):
        return _bounded_year(value, name)
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        raise EventError(_l("not a date (YYYY-MM-DD): %(value)s", value=repr(value)),
                         field=name) from None
    return _bounded_year(day, name)
