"""iCalendar files (RFC 5545) for an event."""

from datetime import datetime
from email.utils import parseaddr
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as CalendarEvent

from rsvp.dbtypes import utcnow
from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.tokens import rsvp_url

#: Media type of the attachment and the download.
ICS_MIMETYPE = "text/calendar"

#: The download from the page: a plain entry to add. Mail attachments are REQUEST (Outlook
#: shows a meeting to add, and replaces it on a later REQUEST with a higher SEQUENCE) or
#: CANCEL (Outlook removes the entry).
PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"


def event_uid(event: Event) -> str:
    """Stable per event, so a later file replaces the entry instead of adding a second."""
    return f"rsvp-event-{event.id}@{_uid_domain()}"


def _uid_domain() -> str:
    return _sender().rpartition("@")[2] or "rsvp.localhost"


def event_location(event: Event) -> str:
    """'REFUGIO Berlin, Lenaustraße 3–4, 12047 Berlin'."""
    return ", ".join(p for p in (event.venue_name, event.venue_address) if p)


def event_ics(event: Event, *, invitee: Invitee | None = None, method: str = PUBLISH,
              attendee: Invitee | None = None, attending: bool = False) -> bytes:
    """The event as a calendar file; with an invitee, the description carries their link.

    REQUEST and CANCEL name ``attendee`` as ATTENDEE (``attending``: they accepted) and an
    ORGANIZER, as iTIP (RFC 5546) requires for Outlook and Exchange to treat the file as a
    meeting.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//rsvp//Einladungen//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    entry = _entry(event, invitee)
    if method != PUBLISH:
        _add_meeting_parties(entry, event, attendee, attending)
    if method == CANCEL:
        entry.add("status", "CANCELLED")
    calendar.add_component(entry)
    # VTIMEZONE for the event's zone, so calendars show it in local time everywhere. Built
    # once per zone: working out a zone's transitions costs more than the rest of the file.
    body = calendar.to_ical()
    end = b"END:VCALENDAR"
    return body[:body.rindex(end)] + _vtimezone(event.timezone) + body[body.rindex(end):]


@lru_cache(maxsize=64)
def _vtimezone(zone: str) -> bytes:
    calendar = Calendar()
    calendar.add("dtstart", datetime(2000, 1, 1, tzinfo=ZoneInfo(zone)))
    calendar.add_missing_timezones()
    return b"".join(c.to_ical() for c in calendar.walk("VTIMEZONE"))


def _entry(event: Event, invitee: Invitee | None) -> CalendarEvent:
    entry = CalendarEvent()
    entry.add("uid", event_uid(event))
    entry.add("dtstamp", utcnow())
    entry.add("dtstart", event.starts_at.astimezone(event.zone))
    entry.add("dtend", event.ends_at.astimezone(event.zone))
    entry.add("summary", event.title)
    entry.add("sequence", event.ical_sequence)
    entry.add("last-modified", event.updated_at)
    location = event_location(event)
    if location:
        entry.add("location", location)
    entry.add("description", _description(event, invitee))
    if event.contact_email:
        entry.add("organizer", _organiser(event))
    if invitee is not None:
        entry.add("url", rsvp_url(invitee))
    return entry


def _organiser(event: Event) -> vCalAddress:
    """The contact person, or the sender when there is none: a meeting needs an organiser."""
    address = event.contact_email or _sender()
    organiser = vCalAddress(f"mailto:{address}")
    organiser.params["cn"] = vText(event.contact_name or event.organiser or address)
    return organiser


def _add_meeting_parties(entry: CalendarEvent, event: Event, person: Invitee | None,
                         attending: bool) -> None:
    if "organizer" not in entry:
        entry.add("organizer", _organiser(event))
    if person is None:
        return
    attendee = vCalAddress(f"mailto:{person.email}")
    attendee.params["cn"] = vText(person.full_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED" if attending else "NEEDS-ACTION")
    # Answers go through the personal link, not as calendar replies to the contact person.
    attendee.params["rsvp"] = vText("FALSE")
    entry.add("attendee", attendee)


def _sender() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    return sender[1] if isinstance(sender, (tuple, list)) else parseaddr(sender)[1]


def _description(event: Event, invitee: Invitee | None) -> str:
    parts = [event.subtitle, event.organiser, event.description]
    if invitee is not None:
        label = "Ihre Antwort" if invitee.effective_language() == "de" else "Your reply"
        parts.append(f"{label}: {rsvp_url(invitee)}")
    contact = ", ".join(p for p in (event.contact_name, event.contact_phone,
                                    event.contact_email) if p)
    if contact:
        parts.append(contact)
    return "\n\n".join(p for p in parts if p)
