"""Calendar files: parsed back with icalendar and checked field by field."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from rsvp.calendar import event_ics, event_uid
from rsvp.events.services import update_event
from rsvp.extensions import db
from rsvp.tokens import rsvp_url

BERLIN = ZoneInfo("Europe/Berlin")


def parse(data: bytes):
    calendar = Calendar.from_ical(data)
    [entry] = calendar.walk("VEVENT")
    return calendar, entry


def conference(create_event):
    return create_event(starts_at=datetime(2027, 11, 22, 12, 0), ends_at=datetime(2027, 11, 22, 17),
                        rsvp_deadline=datetime(2027, 11, 8, 23, 59))


def test_the_file_carries_the_event_in_its_own_time_zone(create_event):
    event = conference(create_event)
    calendar, entry = parse(event_ics(event))
    start, end = entry.decoded("dtstart"), entry.decoded("dtend")
    assert (start.hour, end.hour) == (12, 17)
    assert str(start.tzinfo) == "Europe/Berlin"
    assert start == datetime(2027, 11, 22, 12, 0, tzinfo=BERLIN)
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"


def test_location_organiser_and_summary_are_set(create_event):
    event = conference(create_event)
    _, entry = parse(event_ics(event))
    assert str(entry["summary"]) == event.title
    assert str(entry["location"]) == "REFUGIO Berlin, Lenaustraße 3–4, 12047 Berlin"
    assert str(entry["organizer"]) == "mailto:kontakt@example.org"
    assert entry["organizer"].params["CN"] == "Dr. Petra Beispiel"
    assert entry.decoded("sequence") == 0


def test_the_invitees_file_describes_the_event_with_their_link(create_event, create_invitee):
    event = conference(create_event)
    invitee = create_invitee(event)
    _, entry = parse(event_ics(event, invitee=invitee))
    description = str(entry["description"])
    assert rsvp_url(invitee) in description
    assert event.subtitle in description
    assert str(entry["url"]) == rsvp_url(invitee)


def test_the_description_reads_back_exactly_with_commas_semicolons_and_paragraphs(
        create_event, create_invitee):
    event = conference(create_event)
    event.description = "Anreise: S-Bahn, U-Bahn; Fußweg 5 Minuten.\n\nPause ab 15 Uhr"
    invitee = create_invitee(event)
    _, entry = parse(event_ics(event, invitee=invitee))
    description = str(entry["description"])
    assert "Anreise: S-Bahn, U-Bahn; Fußweg 5 Minuten.\n\nPause ab 15 Uhr" in description
    assert "\\" not in description


def test_every_line_of_the_file_is_at_most_75_octets(create_event, create_invitee):
    event = conference(create_event)
    event.description = "Größere Räume für Übungen und Gespräche, " * 20 + "\\ Ende"
    data = event_ics(event, invitee=create_invitee(event))
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # never folded inside a character
    _, entry = parse(data)
    assert ("Größere Räume für Übungen und Gespräche, " * 20 + "\\ Ende") in str(
        entry["description"])


def test_the_uid_is_the_same_in_every_file_of_an_event(create_event, create_invitee):
    event = conference(create_event)
    other = create_event()
    _, first = parse(event_ics(event))
    _, second = parse(event_ics(event, invitee=create_invitee(event)))
    assert str(first["uid"]) == str(second["uid"]) == event_uid(event)
    assert event_uid(event) != event_uid(other)
    assert event_uid(event).endswith("@rsvp.test")


def test_moving_the_event_raises_the_sequence(create_event):
    event = conference(create_event)
    update_event(db.session, event, {"starts_at": datetime(2027, 11, 22, 13, 0)})
    db.session.commit()
    _, entry = parse(event_ics(event))
    assert entry.decoded("sequence") == 1
    assert entry.decoded("dtstart").hour == 13


def test_a_new_venue_raises_the_sequence_and_a_new_title_does_not(create_event):
    event = conference(create_event)
    update_event(db.session, event, {"title": "Neuer Titel"})
    assert event.ical_sequence == 0
    update_event(db.session, event, {"venue_address": "Lenaustraße 5, 12047 Berlin"})
    assert event.ical_sequence == 1


def test_the_rsvp_page_offers_the_file_for_download(client, create_event, create_invitee):
    event = conference(create_event)
    invitee = create_invitee(event)
    response = client.get(rsvp_url(invitee).removeprefix("http://rsvp.test") + "/event.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    _, entry = parse(response.data)
    assert str(entry["uid"]) == event_uid(event)


def test_the_file_is_stamped_with_the_moment_it_was_made_in_utc(create_event):
    before = datetime.now(UTC).replace(microsecond=0)
    _, entry = parse(event_ics(conference(create_event)))
    stamp = entry.decoded("dtstamp")
    assert stamp.utcoffset() == timedelta(0)
    assert before <= stamp <= datetime.now(UTC)
