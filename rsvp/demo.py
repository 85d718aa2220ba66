"""The demo event, modelled on a federal conference invitation, with fictional invitees."""

import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from rsvp.auth.models import Organiser
from rsvp.auth.services import create_organiser
from rsvp.events.models import Event
from rsvp.events.services import create_event
from rsvp.events.team import add_member, member_of
from rsvp.invitees.services import import_invitees
from rsvp.outcome import SYSTEM
from rsvp.questions.services import add_questions, questions_from_file
from rsvp.schedule.operations import plan_send
from rsvp.schedule.services import plan_spec

DEMO_SLUG = "bundeskonferenz-gwa"
DEMO_ORGANISER = "demo@example.org"
BERLIN = ZoneInfo("Europe/Berlin")

DEMO_EVENT = {
    "slug": DEMO_SLUG,
    "title": "Bundeskonferenz „Gemeinwesenarbeit in der sozialen Stadt“",
    "subtitle": "Ergebnisse der Studie diskutieren",
    "description": (
        "Die Bewahrung und Stärkung des sozialen Zusammenhalts und der sozialen Teilhabe ist "
        "eine gesamtgesellschaftliche Aufgabe. Welche Möglichkeiten haben Kommunen und "
        "Quartiere, um Gemeinwesenarbeit und sozialraumorientiertes Handeln insbesondere in "
        "benachteiligten Nachbarschaften strukturell zu verankern? Zusammen mit Ihnen wollen "
        "wir die Ergebnisse der Studie diskutieren.\n\n"
        "Für Ihre Terminplanung: Am Folgetag, dem 23. November 2027, bietet der Bundeskongress "
        "„Mehr Quartier für alle“ in Berlin die Gelegenheit, Bilanz zum "
        "Städtebauförderprogramm zu ziehen und über neue Perspektiven in den Quartieren zu "
        "diskutieren."
    ),
    # English invitees read these; a text not given in English would be the German one.
    "title_en": "Federal Conference “Community Work in the Social City”",
    "subtitle_en": "Discussing the study's findings",
    "description_en": (
        "Preserving and strengthening social cohesion and participation is a task for society "
        "as a whole. How can municipalities and neighbourhoods anchor community work and "
        "area-based action in their structures, especially in disadvantaged neighbourhoods? "
        "We would like to discuss the study's findings with you."
    ),
    "starts_at": datetime(2027, 11, 22, 12, 0),
    "ends_at": datetime(2027, 11, 22, 17, 0),
    "timezone": "Europe/Berlin",
    "venue_name": "REFUGIO Berlin",
    "venue_address": "Lenaustraße 3–4, 12047 Berlin",
    "organiser": (
        "Bundesministerium für Wohnen, Stadtentwicklung und Bauwesen (BMWSB) und "
        "Bundesinstitut für Bau-, Stadt- und Raumforschung (BBSR)"
    ),
    "contact_name": "Dr. Petra Beispiel",
    "contact_email": "konferenz@example.org",
    "contact_phone": "+49 30 1234567",
    "rsvp_deadline": datetime(2027, 11, 8, 23, 59),
    "registration_opens": date(2027, 9, 1),
    "capacity": 150,
    "max_guests": 1,
    "guest_names": True,
    "language": "de",
}

#: What the conference office asks when someone accepts (and, the next day, always).
DEMO_QUESTIONS = [
    {"key": "verpflegung", "type": "choice", "required": True, "per_person": True,
     "label": {"de": "Verpflegung", "en": "Catering"},
     "options": [{"key": "keine", "de": "Keine Einschränkung", "en": "No restriction"},
                 {"key": "vegetarisch", "de": "Vegetarisch", "en": "Vegetarian"},
                 {"key": "vegan", "de": "Vegan", "en": "Vegan"}]},
    {"key": "barrierefreiheit", "type": "textarea", "show_at_checkin": True, "max_length": 500,
     "label": {"de": "Barrierefreiheit", "en": "Accessibility"},
     "help": {"de": "Benötigen Sie z. B. einen rollstuhlgerechten Platz oder Gebärdensprache?",
              "en": "Do you need, for instance, a wheelchair space or sign language?"}},
    {"key": "folgetag", "type": "yesno",
     "label": {"de": "Teilnahme am Bundeskongress am Folgetag (23. November)",
               "en": "Attending the federal congress the next day (23 November)"}},
    {"key": "teilnehmerliste", "type": "consent", "required": True,
     "label": {"de": "Einwilligung Teilnehmerliste", "en": "Consent to the list of participants"},
     "consent": {"de": "Ich bin einverstanden, mit Name und Organisation in der Teilnehmerliste "
                       "genannt zu werden.",
                 "en": "I agree to be named with my organisation in the list of participants."}},
]

#: Mail that goes by itself (`make run` ticks beside the app): a reminder a week before the
#: deadline to whoever has not answered by then.
DEMO_SCHEDULE = [{"kind": "reminder", "before_deadline": "7d"}]

DEMO_INVITEES = """E-Mail;Anrede;Titel;Vorname;Nachname;Organisation;Sprache;Tags
petra.potz@example.org;Frau;Dr.;Petra;Potz;location³ – Wissenstransfer;de;Referentin
hans.mueller@example.org;Herr;;Hans;Müller;Bezirksamt Neukölln;de;Kommune
alex.schmidt@example.org;;;Alex;Schmidt;Quartiersmanagement Schillerpromenade;de;Quartier
j.weber@example.net;Frau;Prof. Dr.;Johanna;Weber;Hochschule für Soziale Arbeit;de;Wissenschaft
sam.taylor@example.com;Mr;;Sam;Taylor;Urban Neighbourhoods Network;en;International
"""


def load_demo(session: Session) -> tuple[Event, int]:
    """Create the demo event if missing and import its invitees; returns (event, added)."""
    event = session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
    if event is None:
        event = create_event(session, DEMO_EVENT)
        add_questions(session, event, questions_from_file(DEMO_QUESTIONS))
        for entry in DEMO_SCHEDULE:
            plan_send(session, event, plan_spec(entry, event.zone), by=SYSTEM)
    report = import_invitees(session, event, DEMO_INVITEES.encode())
    return event, report.added


def demo_organiser(session: Session, event: Event) -> tuple[Organiser, str]:
    """The demo login, created if missing and made the demo event's owner, with a new random
    password each time; returns both.

    A new password each run, because the old one is only stored hashed and cannot be shown
    again; the account stays the same, so running the demo twice never makes a second one.
    """
    password = secrets.token_urlsafe(12)
    organiser = session.scalar(select(Organiser).where(Organiser.email == DEMO_ORGANISER))
    if organiser is None:
        organiser = create_organiser(session, DEMO_ORGANISER, password, name="Demo")
    else:
        organiser.set_password(password)
        session.flush()
    if member_of(session, event, organiser.id) is None:
        add_member(session, event, organiser, "owner")
    return organiser, password
