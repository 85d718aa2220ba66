"""Test data: small callables that create what a test needs and return it."""

from datetime import UTC, datetime, timedelta
from itertools import count

from rsvp.auth.services import create_organiser, find_organiser
from rsvp.events.models import Event, EventMember
from rsvp.events.operations import create_event
from rsvp.extensions import db
from rsvp.invitees.models import Invitee

_numbers = count(1)


#: Who owns a test event unless the test says otherwise: the dashboard tests' organiser.
DEFAULT_OWNER = "buero@example.org"


def make_event(*, invitees: int = 0, owner: str | None = DEFAULT_OWNER,
               **overrides: object) -> Event:
    """An event next year in Berlin with a deadline a month ahead, and ``invitees`` invitees.

    ``owner`` (an address; None for none) is its team's owner, made if need be.
    """
    number = next(_numbers)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=60)
    raw: dict[str, object] = {
        "slug": f"konferenz-{number}",
        "title": f"Fachkonferenz {number}",
        "subtitle": "Ergebnisse und Perspektiven",
        "starts_at": start,
        "ends_at": start + timedelta(hours=5),
        "timezone": "Europe/Berlin",
        "venue_name": "REFUGIO Berlin",
        "venue_address": "Lenaustraße 3–4, 12047 Berlin",
        "organiser": "Bundesinstitut für Bau-, Stadt- und Raumforschung",
        "contact_name": "Dr. Petra Beispiel",
        "contact_email": "kontakt@example.org",
        "contact_phone": "+49 30 1234567",
        "rsvp_deadline": start - timedelta(days=14),
        "capacity": 100,
        "max_guests": 2,
        "language": "de",
    }
    raw.update(overrides)
    owner_id = make_organiser(owner).id if owner else None
    event = create_event(db.session, raw, owner_id=owner_id)
    for i in range(invitees):
        make_invitee(event, email=f"person{i + 1}@example.org", first_name="Vorname",
                     last_name=f"Person{i + 1}")
    db.session.commit()
    return event


def make_invitee(event: Event, **overrides: object) -> Invitee:
    number = next(_numbers)
    values: dict[str, object] = {
        "email": f"gast{number}@example.org",
        "salutation": "ms",
        "academic_title": "Dr.",
        "first_name": "Petra",
        "last_name": f"Potz{number}",
        "organisation": "location³ – Wissenstransfer",
        "language": None,
    }
    values.update(overrides)
    invitee = Invitee(event_id=event.id, **values)
    db.session.add(invitee)
    db.session.commit()
    return invitee


def make_organiser(email: str = DEFAULT_OWNER, password: str = "ein-langes-passwort",
                   name: str = "Konferenzbüro"):
    """The organiser with this address, made now or earlier (e.g. as an event's owner)."""
    organiser = find_organiser(db.session, email)
    if organiser is None:
        organiser = create_organiser(db.session, email, password, name=name)
    else:
        organiser.name = name
        if not organiser.check_password(password):
            organiser.set_password(password)
    db.session.commit()
    return organiser


def make_member(event: Event, organiser, role: str = "owner") -> EventMember:
    """Put an organiser on an event's team."""
    member = EventMember(event_id=event.id, organiser_id=organiser.id, role=role)
    db.session.add(member)
    db.session.commit()
    return member


def make_workbook(rows: list[list[object]], *, blank_rows_after_header: int = 0) -> bytes:
    """An .xlsx file as Excel saves one: the first sheet holds ``rows`` (the header first)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for number, row in enumerate(rows):
        sheet.append(row)
        if number == 0:
            for _ in range(blank_rows_after_header):
                sheet.append([])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
