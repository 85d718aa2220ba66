"""The event's team page: owners add people by address, change roles, remove them; the last
owner stays; a new co-organiser follows the invitation they received over SMTP."""

import re

import pytest
from sqlalchemy import select

from rsvp.auth.models import Organiser
from rsvp.events.models import EventMember
from rsvp.extensions import db
from tests.conftest import csrf_token
from tests.dashboard.conftest import log_in, post_form
from tests.factories import make_member

NEW_PASSWORD = "ein-ganz-neues-passwort"


@pytest.fixture
def event(create_event, organiser):  # type: ignore[no-untyped-def]
    """An event the logged-in organiser owns."""
    return create_event(owner=organiser.email)


def _team_url(event) -> str:  # type: ignore[no-untyped-def]
    return f"/events/{event.slug}/team"


def _roles(event) -> dict[str, str]:  # type: ignore[no-untyped-def]
    rows = db.session.execute(select(Organiser.email, EventMember.role).join(
        EventMember, EventMember.organiser_id == Organiser.id).where(
        EventMember.event_id == event.id)).all()
    return dict(rows)


def _member(event, email: str) -> EventMember:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(EventMember).join(
        Organiser, Organiser.id == EventMember.organiser_id).where(
        EventMember.event_id == event.id, Organiser.email == email))


def _link(message) -> str:  # type: ignore[no-untyped-def]
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://rsvp\.test(/password/set/\S+)", body).group(1)


def test_the_team_page_lists_the_members_with_their_roles(organiser_client, event,
                                                          create_organiser):
    make_member(event, create_organiser("tuer@example.org"), "checkin")
    page = organiser_client.get(_team_url(event))
    assert page.status_code == 200
    assert "buero@example.org" in page.text and "tuer@example.org" in page.text


def test_an_editor_is_refused_the_team_page(organiser_client, organiser, create_event):
    event = create_event(owner="fremd@example.org")
    make_member(event, organiser, "editor")
    assert organiser_client.get(_team_url(event)).status_code == 403


def test_someone_without_an_account_is_invited_sets_a_password_and_sees_the_event(
        app, organiser_client, event, smtp_server):
    response = post_form(organiser_client, _team_url(event), email="Neu@Example.org",
                         role="viewer")
    assert response.status_code == 303
    received = smtp_server.wait_for(1)[0]
    assert received.rcpt_tos == ["neu@example.org"]
    path = _link(received.message)
    browser = app.test_client()
    page = browser.get(path)
    browser.post(path, data={"csrf_token": csrf_token(page.text), "password": NEW_PASSWORD,
                             "confirm": NEW_PASSWORD})
    assert log_in(browser, "neu@example.org", NEW_PASSWORD).status_code == 303
    assert event.title in browser.get(f"/events/{event.slug}/").text
    assert _roles(event)["neu@example.org"] == "viewer"


def test_the_invitation_link_works_once(app, organiser_client, event, smtp_server):
    post_form(organiser_client, _team_url(event), email="neu@example.org", role="editor")
    path = _link(smtp_server.wait_for(1)[0].message)
    browser = app.test_client()
    for _ in range(2):
        page = browser.get(path)
        if page.status_code != 200:
            break
        browser.post(path, data={"csrf_token": csrf_token(page.text), "password": NEW_PASSWORD,
                                 "confirm": NEW_PASSWORD})
    assert page.status_code == 400


def test_someone_with_an_account_gets_a_notice_without_a_link(organiser_client, event,
                                                              create_organiser, smtp_server):
    create_organiser("kollegin@example.org")
    post_form(organiser_client, _team_url(event), email="kollegin@example.org", role="editor")
    body = smtp_server.wait_for(1)[0].message.get_body(("plain",)).get_content()
    assert "/password/" not in body and f"/events/{event.slug}/" in body
    assert _roles(event)["kollegin@example.org"] == "editor"


def test_someone_on_the_team_already_is_not_added_twice(organiser_client, event, smtp_server):
    response = post_form(organiser_client, _team_url(event), email="buero@example.org",
                         role="viewer")
    assert response.status_code == 400
    assert _roles(event) == {"buero@example.org": "owner"}
    assert smtp_server.received == []


def test_an_owner_changes_a_members_role(organiser_client, event, create_organiser):
    member = make_member(event, create_organiser("kollegin@example.org"), "viewer")
    post_form(organiser_client, _team_url(event), f"{_team_url(event)}/{member.id}/role",
              role="checkin")
    assert _roles(event)["kollegin@example.org"] == "checkin"


def test_an_owner_removes_a_member(organiser_client, event, create_organiser):
    member = make_member(event, create_organiser("kollegin@example.org"), "viewer")
    post_form(organiser_client, _team_url(event), f"{_team_url(event)}/{member.id}/remove")
    assert _roles(event) == {"buero@example.org": "owner"}


def test_the_last_owner_cannot_be_removed(organiser_client, event):
    owner = _member(event, "buero@example.org")
    response = post_form(organiser_client, _team_url(event),
                         f"{_team_url(event)}/{owner.id}/remove")
    assert response.status_code == 303
    assert _roles(event) == {"buero@example.org": "owner"}
    assert "letzte Inhaber" in organiser_client.get(response.headers["Location"]).text


def test_the_last_owner_cannot_be_demoted(organiser_client, event):
    owner = _member(event, "buero@example.org")
    post_form(organiser_client, _team_url(event), f"{_team_url(event)}/{owner.id}/role",
              role="editor")
    assert _roles(event) == {"buero@example.org": "owner"}


def test_an_owner_can_step_down_once_there_is_another(organiser_client, event,
                                                      create_organiser):
    make_member(event, create_organiser("kollegin@example.org"), "owner")
    owner = _member(event, "buero@example.org")
    post_form(organiser_client, _team_url(event), f"{_team_url(event)}/{owner.id}/role",
              role="editor")
    assert _roles(event) == {"buero@example.org": "editor", "kollegin@example.org": "owner"}


def test_a_member_of_another_event_is_not_found_on_this_ones_page(
        organiser_client, event, create_event, create_organiser):
    other = create_event(owner="buero@example.org")
    member = make_member(other, create_organiser("kollegin@example.org"), "viewer")
    response = post_form(organiser_client, _team_url(event),
                         f"{_team_url(event)}/{member.id}/remove")
    assert response.status_code == 404
