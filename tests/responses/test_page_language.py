"""The invitee's pages speak the invitee's language, whatever the browser prefers."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

import pytest
from icalendar import Calendar

from rsvp.extensions import db
from rsvp.tokens import rsvp_url
from tests.conftest import csrf_token


def page_path(invitee) -> str:
    return rsvp_url(invitee).removeprefix("http://rsvp.test")


def meeting(create_event):
    return create_event(starts_at=datetime(2027, 11, 22, 12), ends_at=datetime(2027, 11, 22, 17),
                        rsvp_deadline=datetime.now(UTC) + timedelta(days=30))


def test_a_german_invitee_reads_german_in_an_english_browser(client, create_event,
                                                            create_invitee):
    invitee = create_invitee(meeting(create_event), language="de", last_name="Potz")
    page = client.get(page_path(invitee), headers={"Accept-Language": "en"}).text
    assert "Sehr geehrte Frau Dr. Potz," in page
    assert "Montag, 22. November 2027, 12:00–17:00 Uhr" in page
    for words in ("Termin", "Ort", "Ihre Antwort", "In den Kalender eintragen (.ics)",
                  "Kontakt zur Konferenzorganisation", "Dr. Petra Beispiel",
                  "kontakt@example.org", "REFUGIO Berlin, Lenaustraße 3–4, 12047 Berlin"):
        assert words in page
    assert '<html lang="de">' in page


def test_an_english_invitee_reads_english_in_a_german_browser(client, create_event,
                                                             create_invitee):
    invitee = create_invitee(meeting(create_event), language="en", last_name="Potz")
    page = client.get(page_path(invitee), headers={"Accept-Language": "de"}).text
    assert "Dear Dr Potz," in page
    assert "Monday, 22 November 2027, 12:00–17:00" in page
    for words in ("When", "Where", "Your reply", "Add to calendar (.ics)",
                  "Contact for the conference organisation"):
        assert words in page
    assert "Termin" not in page


def test_form_errors_come_in_the_invitees_language(client, create_event, create_invitee):
    invitee = create_invitee(meeting(create_event), language="de")
    page = client.get(page_path(invitee), headers={"Accept-Language": "en"})
    answered = client.post(page_path(invitee), headers={"Accept-Language": "en"},
                           data={"csrf_token": csrf_token(page.text), "guests": "0"})
    assert answered.status_code == 400
    assert "Bitte wählen Sie, ob Sie teilnehmen." in answered.text


@pytest.mark.parametrize(("language", "words"), [
    ("de", "Feld kann nicht länger als 200 Zeichen sein."),
    ("en", "Field cannot be longer than 200 characters."),
    ("de", "Feld kann nicht länger als 200 Zeichen sein."),
])
def test_wtforms_own_messages_come_in_the_invitees_language(client, create_event,
                                                            create_invitee, language, words):
    event = meeting(create_event)
    event.link_policy = "transferable"
    invitee = create_invitee(event, language=language)
    page = client.get(page_path(invitee))
    answered = client.post(page_path(invitee), data={
        "csrf_token": csrf_token(page.text), "response": "accepted", "guests": "0",
        "substitute_name": "x" * 201, "substitute_email": "s@example.org"})
    assert answered.status_code == 400
    assert words in answered.text


def test_wtforms_own_messages_stay_english_where_its_translations_are_switched_off(
        app, client, create_event, create_invitee):
    app.config["WTF_I18N_ENABLED"] = False
    event = meeting(create_event)
    event.link_policy = "transferable"
    invitee = create_invitee(event, language="de")
    page = client.get(page_path(invitee))
    answered = client.post(page_path(invitee), data={
        "csrf_token": csrf_token(page.text), "response": "accepted", "guests": "0",
        "substitute_name": "x" * 201, "substitute_email": "s@example.org"})
    assert "Field cannot be longer than 200 characters." in answered.text


def test_the_count_of_guests_is_worded_in_the_invitees_language(client, create_event,
                                                               create_invitee):
    invitee = create_invitee(meeting(create_event), language="de")
    page = client.get(page_path(invitee))
    client.post(page_path(invitee), data={"csrf_token": csrf_token(page.text),
                                          "response": "accepted", "guests": "2"})
    shown = client.get(page_path(invitee)).text
    assert "Ihre aktuelle Antwort: Sie nehmen teil, mit 2 Begleitpersonen." in shown


def test_a_revoked_link_is_explained_in_the_invitees_language(client, create_event,
                                                             create_invitee):
    invitee = create_invitee(meeting(create_event), language="en")
    old = page_path(invitee)
    invitee.revoke_link()
    db.session.commit()
    response = client.get(old, headers={"Accept-Language": "de"})
    assert response.status_code == 404
    assert "This link is not valid" in response.text
    assert "Contact for the conference organisation" in response.text


def test_the_add_to_calendar_link_downloads_the_event(client, create_event, create_invitee):
    invitee = create_invitee(meeting(create_event))
    page = client.get(page_path(invitee)).text
    href = re.search(r'id="add-to-calendar" href="([^"]+)" download', page)[1]
    calendar = Calendar.from_ical(client.get(urljoin(page_path(invitee), href)).data)
    [entry] = calendar.walk("VEVENT")
    assert entry.decoded("dtstart").hour == 12
