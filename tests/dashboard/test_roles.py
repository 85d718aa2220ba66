"""Roles per event: every dashboard route of an event, tried GET and POST with each role."""

import re

import pytest
from sqlalchemy import func, select

from rsvp.events.models import EventMember
from rsvp.extensions import db
from rsvp.mailing.models import Message
from tests.conftest import csrf_token


@pytest.fixture
def shared(runner, create_event, create_invitee, create_organiser, smtp_server):
    """Another organiser's event with one invitee who was sent an invitation."""
    event = create_event()
    event.owner_id = create_organiser("fremd@example.org").id
    invitee = create_invitee(event, email="gast@example.org")
    db.session.commit()
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    message = db.session.scalar(select(Message))
    smtp_server.clear()
    return {"event_id": event.id, "slug": event.slug, "invitee_id": invitee.id,
            "message_id": message.id, "kind": "invitation", "language": "de", "plan_id": 1,
            "round_id": 1}


def dashboard_urls(app, values):  # type: ignore[no-untyped-def]
    """Every dashboard route of one event, filled in with the event's values."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("dashboard.") and "slug" in rule.arguments:
            url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule)
            yield rule.endpoint, sorted(rule.methods - {"HEAD", "OPTIONS"}), url


def _join(shared, organiser, role):  # type: ignore[no-untyped-def]
    db.session.add(EventMember(event_id=shared["event_id"], organiser_id=organiser.id, role=role))
    db.session.commit()


def _statuses(app, client, shared, method):  # type: ignore[no-untyped-def]
    token = csrf_token(client.get("/events/").text)
    found = {}
    for endpoint, methods, url in dashboard_urls(app, shared):
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


def test_an_editor_is_refused_nothing(app, organiser_client, organiser, shared):
    _join(shared, organiser, "editor")
    statuses = _statuses(app, organiser_client, shared, "GET")
    assert 403 not in statuses.values() and 404 not in statuses.values(), statuses


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
