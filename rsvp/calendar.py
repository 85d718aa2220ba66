"""iCalendar files (RFC 5545) for an event."""

from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as CalendarEvent

from rsvp.dbtypes import utcnow
from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.tokens import rsvp_url


def event_uid(event: Event) -> str:
    """Stable per event, so a later file replaces the entry instead of adding a second."""
    return f"event-{event.id}-{event.slug}@rsvp"


def event_ics(event: Event, *, invitee: Invitee | None = None, method: str = "PUBLISH") -> bytes:
    """The event as a calendar file; with an invitee, the description carries their link."""
    calendar = Calendar()
    calendar.add("prodid", "-//rsvp//Einladungen//DE")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    entry = CalendarEvent()
    entry.add("uid", event_uid(event))
    entry.add("dtstamp", utcnow())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    location = ", ".join(p for p in (event.venue_name, event.venue_address) if p)
    if location:
        entry.add("location", location)
    description = [event.subtitle, event.description]
    if invitee is not None:
        description.append(rsvp_url(invitee))
    entry.add("description", "\n\n".join(p for p in description if p))
    if event.contact_email:
        organiser = vCalAddress(f"mailto:{event.contact_email}")
        organiser.params["cn"] = vText(event.contact_name or event.contact_email)
        entry.add("organizer", organiser)
    entry.add("sequence", 0)
    calendar.add_component(entry)
    return calendar.to_ical()
