"""The event form refuses numbers, dates and addresses that cannot be saved or mailed."""

import pytest
from sqlalchemy import func, select

from rsvp.events.models import Event
from rsvp.extensions import db
from tests.dashboard.conftest import post_form
from tests.dashboard.test_events import EVENT_FIELDS


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(Event))


@pytest.mark.parametrize(("change", "message"), [
    ({"capacity": "1" + "0" * 23}, "Bitte geben Sie eine kleinere Zahl ein."),
    ({"capacity": "100001"}, "Bitte geben Sie eine Zahl von 1 bis 100000 ein."),
    ({"capacity": "9" * 400}, "Bitte geben Sie eine kleinere Zahl ein."),
    ({"max_guests": "9" * 400}, "Bitte geben Sie eine kleinere Zahl ein."),
    ({"retention_days": "9" * 400}, "Bitte geben Sie eine kleinere Zahl ein."),
    ({"retention_days": "3651"}, "Bitte geben Sie eine Zahl von 0 bis 3650 ein."),
    ({"timezone": "Etc/GMT+12", "starts_at": "9999-12-31T23:00",
      "ends_at": "9999-12-31T23:30"}, "Bitte geben Sie ein Datum von 1900 bis 2200 ein."),
    ({"timezone": "Pacific/Kiritimati", "starts_at": "0001-01-01T00:00"},
     "Bitte geben Sie ein Datum von 1900 bis 2200 ein."),
    ({"rsvp_deadline": "0001-01-01T00:00"}, "Bitte geben Sie ein Datum von 1900 bis 2200 ein."),
    ({"registration_opens": "9999-12-31"}, "Bitte geben Sie ein Datum von 1900 bis 2200 ein."),
    ({"contact_email": "a@x.example, b@x.example"},
     "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
    ({"contact_email": "kein-at-zeichen"}, "Bitte geben Sie eine gültige E-Mail-Adresse ein."),
])
def test_an_impossible_value_is_refused_at_its_field(organiser_client, change, message):
    response = post_form(organiser_client, "/events/new", **{**EVENT_FIELDS, **change})
    assert response.status_code == 400
    assert message in response.text
    assert events() == 0


def test_the_english_page_says_so_in_english(organiser_client):
    post_form(organiser_client, "/events/", "/language", lang="en", next="/events/")
    response = post_form(organiser_client, "/events/new",
                         **{**EVENT_FIELDS, "capacity": "9" * 400, "retention_days": "99999",
                            "contact_email": "a@x.example, b@x.example",
                            "starts_at": "0001-01-01T00:00"})
    assert response.status_code == 400
    for message in ("Please enter a smaller number.", "Please enter a number from 0 to 3650.",
                    "Please enter one valid email address.",
                    "Please enter a date from 1900 to 2200."):
        assert message in response.text


def test_the_contact_address_is_stored_as_invitees_addresses_are(organiser_client):
    response = post_form(organiser_client, "/events/new",
                         **{**EVENT_FIELDS, "contact_email": " Konferenz@BÜRO.example "})
    assert response.status_code == 303
    assert db.session.scalar(select(Event.contact_email)) == "Konferenz@büro.example"


def test_an_event_at_the_edge_of_the_bounds_is_saved_and_shown(organiser_client):
    response = post_form(organiser_client, "/events/new", **{
        **EVENT_FIELDS, "timezone": "Etc/GMT+12", "starts_at": "2200-12-31T22:00",
        "ends_at": "2200-12-31T23:00", "rsvp_deadline": "", "capacity": "100000",
        "retention_days": "3650"})
    assert response.status_code == 303
    assert organiser_client.get(response.headers["Location"]).status_code == 200
