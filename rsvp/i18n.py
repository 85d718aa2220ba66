"""Dates, times and salutations as a German or English office would write them."""

from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date, format_skeleton, format_time

from rsvp.events.models import Event

#: Babel locale per language: British English writes "Dear Dr Potz" and "25 November 2019".
LOCALES = {"de": "de_DE", "en": "en_GB"}


def locale_for(language: str) -> str:
    return LOCALES.get(language, LOCALES["de"])


def format_local_day(moment: datetime, event: Event, language: str) -> str:
    """'25. November 2019' / '25 November 2019': for subjects, where the weekday is too long."""
    return _date(moment.astimezone(event.zone), "long", locale_for(language))


def format_local_date(moment: datetime, event: Event, language: str) -> str:
    """'Montag, 25. November 2019' / 'Monday, 25 November 2019' in the event's zone."""
    return _date(moment.astimezone(event.zone), "full", locale_for(language))


def format_local_time(moment: datetime, event: Event, language: str) -> str:
    """'12:00' in the event's zone; both languages use the 24-hour clock here."""
    local = moment.astimezone(event.zone)
    return _time(local, str(local.tzinfo), locale_for(language))


def _date(local: datetime, style: str, locale: str) -> str:
    # The zone is part of the key: equal instants in two zones compare (and hash) equal.
    return _cached_date(local, str(local.tzinfo), style, locale)


# A send formats the same few event dates for every message: Babel once per date and zone.
@lru_cache(maxsize=2048)
def _cached_date(local: datetime, zone: str, style: str, locale: str) -> str:
    return format_date(local, style, locale=locale)


@lru_cache(maxsize=2048)
def _time(local: datetime, zone: str, locale: str) -> str:
    return format_time(local, "HH:mm", locale=locale)


def format_local_datetime(moment: datetime, event: Event, language: str) -> str:
    """'Freitag, 1. November 2019, 23:59 Uhr' / 'Friday, 1 November 2019, 23:59'."""
    day = format_local_date(moment, event, language)
    return _with_hours(f"{day}, {format_local_time(moment, event, language)}", language)


def format_short_date(day: date, language: str) -> str:
    """'22.11.2027' / '22 Nov 2027': dates in lists, tables and chart axes."""
    return format_date(day, "medium", locale=locale_for(language))


def format_axis_day(day: date, language: str) -> str:
    """'22.11.' / '22 Nov': a day on a chart's time axis, where the year would crowd it."""
    return format_skeleton("dM" if language == "de" else "MMMd", day,
                           locale=locale_for(language))


def format_short_datetime(moment: datetime, event: Event, language: str) -> str:
    """'22.11.2027, 12:00' / '22 Nov 2027, 12:00' in the event's zone: lists and histories."""
    day = format_short_date(moment.astimezone(event.zone).date(), language)
    return f"{day}, {format_local_time(moment, event, language)}"


def format_event_when(event: Event, language: str) -> str:
    """The event's date and time span: 'Montag, 25. November 2019, 12:00–17:00 Uhr'."""
    start, end = event.starts_at.astimezone(event.zone), event.ends_at.astimezone(event.zone)
    if start.date() == end.date():
        day = format_local_date(start, event, language)
        begins, ends = (format_local_time(t, event, language) for t in (start, end))
        return _with_hours(f"{day}, {begins}–{ends}", language)
    return (
        f"{format_local_datetime(start, event, language)} – "
        f"{format_local_datetime(end, event, language)}"
    )


def _with_hours(text: str, language: str) -> str:
    return f"{text} Uhr" if language == "de" else text


def salutation(
    *, salutation_code: str | None, title: str, first_name: str, last_name: str, language: str
) -> str:
    """The opening of a letter, without the trailing comma.

    German: 'Sehr geehrte Frau Dr. Potz', 'Sehr geehrter Herr Müller', and 'Guten Tag Alex
    Schmidt' where no salutation is known. English: 'Dear Dr Potz', 'Dear Mr Müller',
    'Dear Alex Schmidt'.
    """
    title = " ".join(title.split())
    if language == "de":
        if salutation_code in ("ms", "mr") and last_name:
            opening = "Sehr geehrte Frau" if salutation_code == "ms" else "Sehr geehrter Herr"
            return " ".join(p for p in (opening, title, last_name) if p)
        name = " ".join(p for p in (title, first_name, last_name) if p)
        return f"Guten Tag {name}" if name else "Guten Tag"
    english_title = _english_title(title)
    if english_title and last_name:
        return f"Dear {english_title} {last_name}"
    if salutation_code in ("ms", "mr") and last_name:
        return f"Dear {'Ms' if salutation_code == 'ms' else 'Mr'} {last_name}"
    name = " ".join(p for p in (first_name, last_name) if p)
    return f"Dear {name}" if name else "Dear Sir or Madam"


def _english_title(title: str) -> str:
    """British usage: 'Professor' for any professor, 'Dr' without a full stop."""
    lowered = title.lower()
    if "prof" in lowered:
        return "Professor"
    if "dr" in lowered:
        return "Dr"
    return title.replace(".", "")


#: Fixed words of the default mail templates, per language.
MAIL_LABELS: dict[str, dict[str, str]] = {
    "de": {
        "when": "Termin",
        "where": "Ort",
        "contact": "Kontakt zur Konferenzorganisation:",
        "phone": "Telefon",
        "email": "E-Mail",
        "link": "Ihr persönlicher Anmeldelink:",
        "button": "Zu- oder absagen",
        "view": "Antwort ansehen oder ändern",
        "fallback": "Falls die Schaltfläche nicht funktioniert, kopieren Sie bitte diesen Link "
                    "in Ihren Browser:",
        "regards": "Mit freundlichen Grüßen",
        "accepted": "Zusage",
        "declined": "Absage",
        "waitlisted": "Warteliste",
    },
    "en": {
        "when": "Date",
        "where": "Venue",
        "contact": "Contact for the conference organisation:",
        "phone": "Phone",
        "email": "Email",
        "link": "Your personal reply link:",
        "button": "Accept or decline",
        "view": "View or change your reply",
        "fallback": "If the button does not work, please copy this link into your browser:",
        "regards": "Kind regards",
        "accepted": "accepted",
        "declined": "declined",
        "waitlisted": "Waiting list",
    },
}


def mail_labels(language: str) -> dict[str, str]:
    return MAIL_LABELS.get(language, MAIL_LABELS["de"])
