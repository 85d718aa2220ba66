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
    MAX_CAPACITY,
    MAX_GUESTS,
    MAX_RETENTION_DAYS,
    Event,
)
from rsvp.invitees.emails import InvalidEmail, normalise_email

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
TEXT_FIELDS = {
    "title": 300, "subtitle": 300, "description": 20000, "venue_name": 300,
    "venue_address": 500, "organiser": 500, "contact_name": 200, "contact_email": 320,
    "contact_phone": 50,
}
TIME_FIELDS = ("starts_at", "ends_at", "rsvp_deadline")
KNOWN_FIELDS = {"slug", "timezone", "capacity", "max_guests", "language", "retention_days",
                "link_policy", "registration_opens", "guest_names", *TEXT_FIELDS, *TIME_FIELDS}


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
    values: dict[str, Any] = {"slug": slug, "timezone": zone_name, **_texts(raw)}
    values["contact_email"] = _address(values["contact_email"], "contact_email")
    for name in TIME_FIELDS:
        values[name] = _instant(raw.get(name), zone, name)
    if values["ends_at"] < values["starts_at"]:
        raise EventError(_l("ends_at is before starts_at"))
    values["registration_opens"] = _calendar_date(raw.get("registration_opens"),
                                                  "registration_opens")
    values.update(_numbers(raw))
    values["language"] = _choice(raw, "language", "de", LANGUAGES)
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
    for required in ("slug", "title", "starts_at", "ends_at"):
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
        text = str(raw.get(name) or "").strip()
        if len(text) > limit:
            raise EventError(_l("at most %(limit)d characters", limit=limit), field=name)
        texts[name] = text
    return texts


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
    """Create an event from raw data; the slug must be new."""
    values = event_values(raw)
    if session.scalar(select(Event.id).where(Event.slug == values["slug"])) is not None:
        raise EventError(_l("an event %(slug)s exists already", slug=repr(values["slug"])),
                         field="slug")
    event = Event(**values, owner_id=owner_id)
    session.add(event)
    session.flush()
    return event


#: Changing any of these moves the event in invitees' calendars: SEQUENCE goes up.
CALENDAR_FIELDS = ("starts_at", "ends_at", "timezone", "venue_name", "venue_address")


def update_event(session: Session, event: Event, changes: dict[str, Any]) -> Event:
    """Change an event's data; a new time or place raises its iCalendar SEQUENCE.

    Sends nothing: rsvp.events.operations.update_event also moves the waiting list up.
    """
    if "slug" in changes and changes["slug"] != event.slug:
        raise EventError(_l("cannot be changed, links and files refer to it"), field="slug")
    raw = {name: getattr(event, name) for name in KNOWN_FIELDS}
    raw.update(changes)
    values = event_values(raw)
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
