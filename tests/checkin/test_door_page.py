"""The door page: search, a typed or scanned code, one-tap check-in, guests, undo."""

import json

from sqlalchemy import select

from rsvp.checkin.models import CheckIn
from rsvp.extensions import db
from rsvp.tokens import checkin_code
from tests import factories
from tests.checkin.conftest import answer
from tests.conftest import csrf_token
from tests.dashboard.conftest import log_in


def door(client, event):  # type: ignore[no-untyped-def]
    """The client logged in as the event's check-in member."""
    factories.make_member(event, factories.make_organiser("tuer@example.org", name="Einlass Nord"),
                          "checkin")
    log_in(client, "tuer@example.org")
    return client


def token_of(client, event) -> str:  # type: ignore[no-untyped-def]
    return csrf_token(client.get(f"/events/{event.slug}/checkin").text)


def scan(client, event, code: str, token: str | None):  # type: ignore[no-untyped-def]
    headers = {"X-CSRFToken": token} if token else {}
    return client.post(f"/events/{event.slug}/checkin/scan", data=json.dumps({"code": code}),
                       content_type="application/json", headers=headers)


def test_search_finds_a_person_by_organisation(client, event, accepted):
    door(client, event)
    page = client.get(f"/events/{event.slug}/checkin", query_string={"q": "Wissenstransfer"})
    assert page.status_code == 200 and "Dr. Petra Potz" in page.text
    assert page.headers["Permissions-Policy"].startswith("camera=(self)")


def test_a_scan_checks_the_person_in_with_all_guests(client, event, accepted):
    door(client, event)
    result = scan(client, event, checkin_code(accepted), token_of(client, event)).get_json()
    assert result["ok"] and (result["guests"], result["expected"]) == (2, 2)
    assert db.session.scalar(select(CheckIn)).organiser.name == "Einlass Nord"


def test_a_second_scan_says_when_and_by_whom(client, event, accepted):
    door(client, event)
    token = token_of(client, event)
    scan(client, event, checkin_code(accepted), token)
    result = scan(client, event, checkin_code(accepted), token).get_json()
    assert not result["ok"]
    row = db.session.scalar(select(CheckIn))
    local = row.checked_in_at.astimezone(event.zone)
    assert result["reason"] == f"Bereits eingecheckt um {local:%H:%M} von Einlass Nord."


def test_a_scan_without_the_csrf_token_is_refused_and_changes_nothing(client, event, accepted):
    door(client, event)
    assert scan(client, event, checkin_code(accepted), None).status_code == 400
    assert db.session.scalar(select(CheckIn)) is None


def test_a_declined_code_gets_the_reason(client, event):
    declined = answer(factories.make_invitee(event), "declined")
    door(client, event)
    result = scan(client, event, checkin_code(declined), token_of(client, event)).get_json()
    assert (result["ok"], result["reason"]) == (False, "Diese Person hat abgesagt.")


def test_guests_come_in_one_by_one_and_the_check_in_can_be_undone(client, event, accepted):
    door(client, event)
    url = f"/events/{event.slug}/checkin/{accepted.id}"
    token = csrf_token(client.get(url).text)
    client.post(f"{url}/in", data={"csrf_token": token, "guests": "0"})
    client.post(f"{url}/guest", data={"csrf_token": token})
    assert db.session.scalar(select(CheckIn.guests)) == 1
    page = client.post(f"{url}/undo", data={"csrf_token": token}, follow_redirects=True)
    assert "Check-in rückgängig gemacht." in page.text
    assert db.session.scalar(select(CheckIn.undone_at)) is not None


def test_a_typed_code_checks_in_and_shows_the_person_green(client, event, accepted):
    door(client, event)
    page = client.post(f"/events/{event.slug}/checkin/code", follow_redirects=True,
                       data={"csrf_token": token_of(client, event), "code": checkin_code(accepted)})
    assert 'class="door-state ok"' in page.text and "Potz" in page.text
