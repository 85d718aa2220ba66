"""iCalendar files (RFC 5545) for an event."""

from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, vCalAddress, vText, vUri
from icalendar import Event as CalendarEvent
from icalendar.parser import Contentline

from rsvp.calendar_zones import vtimezone_lines
from rsvp.dbtypes import utcnow
from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.mailing.from_address import sender_address, sender_domain
from rsvp.tokens import rsvp_url

#: Media type of the attachment and the download.
ICS_MIMETYPE = "text/calendar"

#: The download from the page: a plain entry to add. Mail attachments are REQUEST (Outlook
#: shows a meeting to add, and replaces it on a later REQUEST with a higher SEQUENCE) or
#: CANCEL (Outlook removes the entry).
PUBLISH, REQUEST, CANCEL = "PUBLISH", "REQUEST", "CANCEL"


def event_uid(event: Event) -> str:
    """Stable per event, so a later file replaces the entry instead of adding a second."""
    return f"rsvp-event-{event.id}@{sender_domain()}"


def personal_sequence(event: Event, person: Invitee | None, *, withdrawn: bool = False) -> int:
    """The SEQUENCE of the event in this person's calendar.

    Each time the person leaves the guest list (a decline after accepting, an erasure) their
    CANCEL must outrank every REQUEST they had, and a REQUEST after it (they accept again)
    must outrank that CANCEL: two steps per withdrawal above the event's own sequence, the
    CANCEL on the first. So later files always win, whatever was sent in between.
    """
    steps = 2 * (person.calendar_withdrawals or 0) if person is not None else 0
    return event.ical_sequence + steps - (1 if withdrawn and steps else 0)


def event_location(event: Event) -> str:
    """'REFUGIO Berlin, Lenaustraße 3–4, 12047 Berlin'."""
    return ", ".join(p for p in (event.venue_name, event.venue_address) if p)


def event_ics(event: Event, *, invitee: Invitee | None = None, method: str = PUBLISH,
              attendee: Invitee | None = None, attending: bool = False,
              sequence: int | None = None) -> bytes:
    """The event as a calendar file; with an invitee, the description carries their link.

    REQUEST and CANCEL name ``attendee`` as ATTENDEE (``attending``: they accepted) and an
    ORGANIZER, as iTIP (RFC 5546) requires for Outlook and Exchange to treat the file as a
    meeting. ``sequence``: the SEQUENCE, by default the one of the attendee's calendar.
    """
    if sequence is None:
        sequence = personal_sequence(event, attendee or invitee)
    # The event's part is the same for every invitee: built once per event state and method
    # (it was most of each invitation's cost); only the personal lines are built per file.
    person = invitee or attendee
    language = person.effective_language() if person is not None else event.language
    head, tail = _event_part(_event_values(event, sequence, language), method)
    # The UTC form of RFC 5545 written directly: icalendar's vDatetime looked up time zone
    # aliases for it, a tenth of each invitation's file.
    lines = [b"DTSTAMP:" + utcnow().strftime("%Y%m%dT%H%M%SZ").encode("ascii") + b"\r\n",
             _line("DESCRIPTION", vText(_description(event, invitee, language)))]
    if invitee is not None:
        lines.append(_line("URL", vUri(rsvp_url(invitee))))
    if method != PUBLISH and attendee is not None:
        lines.append(_line("ATTENDEE", _attendee(attendee, attending)))
    return head + b"".join(lines) + tail


def _line(name: str, value: vText | vUri | vCalAddress) -> bytes:
    """One content line, escaped by icalendar and folded (RFC 5545 3.1)."""
    params = getattr(value, "params", None)
    if params:
        # The value object itself: given its escaped text as a str, icalendar escapes it again.
        line = Contentline.from_parts(name, params, value).encode("utf-8")
    else:
        line = name.encode("ascii") + b":" + value.to_ical()
    return fold(line) + b"\r\n"


def fold(line: bytes, limit: int = 75) -> bytes:
    """Split a content line into lines of at most ``limit`` octets, continued with a space.

    Never inside a UTF-8 character, nor right after a backslash (clients mis-read an escape
    split across lines). Done on bytes because icalendar 7 folds character by character in
    Python, which cost more than the rest of each invitation's calendar file.
    """
    if len(line) <= limit:
        return line
    pieces = []
    start, room = 0, limit
    while len(line) - start > room:
        cut = start + room
        while line[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: step back to its start
            cut -= 1
        if line[cut - 1] == 0x5C:  # "\\"
            cut -= 1
        pieces.append(line[start:cut])
        start, room = cut, limit - 1  # the continuation's leading space takes one octet
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


def _event_values(event: Event, sequence: int, language: str) -> tuple[object, ...]:
    """Everything the event's part of the file depends on: its cache key."""
    return (event_uid(event), event.starts_at, event.ends_at, event.timezone,
            event.texts_in(language).title, sequence, event.updated_at, event_location(event),
            event.contact_email, event.contact_name, event.organiser, sender_address())


@lru_cache(maxsize=64)
def _event_part(values: tuple[object, ...], method: str) -> tuple[bytes, bytes]:
    """The file up to the personal lines of the entry, and from the entry's end on."""
    (uid, starts_at, ends_at, timezone, title, sequence, updated_at, location,
     contact_email, contact_name, organiser_name, sender) = values
    zone = ZoneInfo(str(timezone))
    calendar = Calendar()
    calendar.add("prodid", "-//rsvp//Einladungen//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    entry = CalendarEvent()
    entry.add("uid", uid)
    entry.add("dtstart", starts_at.astimezone(zone))  # type: ignore[attr-defined]
    entry.add("dtend", ends_at.astimezone(zone))  # type: ignore[attr-defined]
    entry.add("summary", title)
    entry.add("sequence", sequence)
    entry.add("last-modified", updated_at)
    if location:
        entry.add("location", location)
    if contact_email or method != PUBLISH:
        # A meeting (REQUEST, CANCEL) needs an organiser: the contact person, else the sender.
        address = contact_email or sender
        person = vCalAddress(f"mailto:{address}")
        person.params["cn"] = vText(contact_name or organiser_name or address)
        entry.add("organizer", person)
    if method == CANCEL:
        entry.add("status", "CANCELLED")
    calendar.add_component(entry)
    body = calendar.to_ical()
    split = body.rindex(b"END:VEVENT\r\n")
    end = body.rindex(b"END:VCALENDAR")
    # VTIMEZONE for the event's zone, so calendars show it in local time everywhere.
    return body[:split], body[split:end] + _vtimezone(str(timezone)) + body[end:]


@lru_cache(maxsize=64)
def _vtimezone(zone: str) -> bytes:
    """The zone's VTIMEZONE: yearly rules as Outlook writes them (rsvp.calendar_zones)."""
    return b"".join(fold(line.encode("ascii")) + b"\r\n" for line in vtimezone_lines(zone))


def _attendee(person: Invitee, attending: bool) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{person.email}")
    attendee.params["cn"] = vText(person.full_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED" if attending else "NEEDS-ACTION")
    # Answers go through the personal link, not as calendar replies to the contact person.
    attendee.params["rsvp"] = vText("FALSE")
    return attendee


def _description(event: Event, invitee: Invitee | None, language: str) -> str:
    texts = event.texts_in(language)
    parts = [texts.subtitle, event.organiser, texts.description]
    if invitee is not None:
        label = "Ihre Antwort" if language == "de" else "Your reply"
        parts.append(f"{label}: {rsvp_url(invitee)}")
    contact = ", ".join(p for p in (event.contact_name, event.contact_phone,
                                    event.contact_email) if p)
    if contact:
        parts.append(contact)
    return "\n\n".join(p for p in parts if p)
