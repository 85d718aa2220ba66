"""Roles per event: every dashboard route of an event, tried GET and POST with each role."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from rsvp.dashboard.blueprint import PERMISSIONS
from rsvp.events.models import EventMember
from rsvp.events.team import ROLES
from rsvp.extensions import db
from rsvp.mailing.models import Message
from tests.conftest import csrf_token
from tests.dashboard.conftest import event_urls


@pytest.fixture
def shared(foreign):  # type: ignore[no-untyped-def]
    """Another organiser's event, which the test then shares with the organiser."""
    return foreign


def _join(shared, organiser, role):  # type: ignore[no-untyped-def]
    db.session.add(EventMember(event_id=shared["event_id"], organiser_id=organiser.id, role=role))
    db.session.commit()


def _statuses(app, client, shared, method):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/events/").text)
    found = {}
    for endpoint, methods, url in event_urls(app, shared):
        if method in methods:
            call = client.post if method == "POST" else client.get
            data = {"csrf_token": token, "confirm": "yes"} if method == "POST" else None
            found[endpoint] = call(url, data=data).status_code
    return found


def _messages() -> int:
    return db.session.scalar(select(func.count()).select_from(Message))


def test_a_viewer_is_refused_every_post_and_nothing_is_sent(
        app, organiser_client, organiser, shared, smtp_server):
    _join(shared, organiser, "viewer")
    before = _messages()
    statuses = _statuses(app, organiser_client, shared, "POST")
    assert statuses and {k: v for k, v in statuses.items() if v != 403} == {}, statuses
    assert _messages() == before and smtp_server.messages == []


def test_a_checkin_member_is_refused_every_post_but_the_door_pages(
        app, organiser_client, organiser, shared):
    _join(shared, organiser, "checkin")
    statuses = _statuses(app, organiser_client, shared, "POST")
    door = {name for name in statuses if name.startswith("dashboard.checkin_")}
    assert door and {statuses[name] for name in door} != {403}
    assert {statuses[name] for name in statuses.keys() - door} == {403}, statuses


def test_a_viewer_reads_the_event_pages_but_not_the_export(
        app, organiser_client, organiser, shared):
    _join(shared, organiser, "viewer")
    statuses = _statuses(app, organiser_client, shared, "GET")
    assert statuses["dashboard.event"] == 200
    assert statuses["dashboard.export"] == statuses["dashboard.export_xlsx"] == 403
    assert statuses["dashboard.invitee_data_download"] == 403


PRINTS = ("dashboard.lists", "dashboard.participants_pdf_file",
          "dashboard.participants_xlsx_file", "dashboard.badges_pdf_file")


def test_a_viewer_may_not_print_the_participant_list_or_the_badges(
        app, organiser_client, organiser, shared):
    _join(shared, organiser, "viewer")
    statuses = _statuses(app, organiser_client, shared, "GET")
    assert {statuses[endpoint] for endpoint in PRINTS} == {403}


def test_a_checkin_member_may_not_print_them_either(app, organiser_client, organiser, shared):
    _join(shared, organiser, "checkin")
    statuses = _statuses(app, organiser_client, shared, "GET")
    assert {statuses[endpoint] for endpoint in PRINTS} == {403}


def test_an_editor_is_refused_only_the_team_page(app, organiser_client, organiser, shared):
    _join(shared, organiser, "editor")
    statuses = _statuses(app, organiser_client, shared, "GET")
    assert {k: v for k, v in statuses.items() if v in (403, 404)} == {"dashboard.team": 403}


def test_an_admin_reaches_an_event_of_which_they_are_no_member(
        app, organiser_client, organiser, shared):
    organiser.is_admin = True
    db.session.commit()
    assert organiser_client.get(f"/events/{shared['slug']}/").status_code == 200


def test_organiser_create_with_admin_makes_an_admin(runner):  # type: ignore[no-untyped-def]
    from rsvp.auth.models import Organiser

    result = runner.invoke(args=["organiser", "create", "chefin@example.org", "--admin",
                                 "--password-stdin"], input="ein-langes-passwort\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Organiser.is_admin).where(
        Organiser.email == "chefin@example.org")) is True


def _readme_role_matrix() -> dict[str, set[str]]:
    """The README's role matrix: each permission with the roles marked "yes"."""
    text = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- role matrix:", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    assert header[1:5] == list(ROLES)
    matrix = {}
    for line in table[2:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        matrix[cells[0].strip("`")] = {role for role, cell in zip(ROLES, cells[1:5],
                                                                 strict=True) if cell == "yes"}
    return matrix


def test_the_readmes_role_matrix_is_the_permission_table():
    assert _readme_role_matrix() == {permission.value: set(roles)
                                     for permission, roles in PERMISSIONS.items()}
