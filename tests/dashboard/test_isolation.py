"""An organiser reaches none of another organiser's events, invitees, messages, exports or
sends, whatever URL they type: every route of the dashboard is tried, GET and POST."""

import pytest
from sqlalchemy import func, select

from rsvp.extensions import db
from rsvp.mailing.content_models import UpdateRound
from rsvp.mailing.models import Message
from rsvp.responses.models import ResponseChange
from tests.conftest import csrf_token


@pytest.fixture
def foreign(runner, create_event, create_invitee, create_organiser, smtp_server):
    """Another organiser's event with one invitee who was sent an invitation."""
    event = create_event()
    event.owner_id = create_organiser("fremd@example.org").id
    invitee = create_invitee(event, email="fremd-gast@example.org")
    # A message to a group, previewed and not sent: the announce draft pages' round_id.
    draft = UpdateRound(event_id=event.id, subject="Neu", body="Text", audience="all")
    db.session.add(draft)
    db.session.commit()
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    message = db.session.scalar(select(Message))
    smtp_server.clear()
    return {"slug": event.slug, "invitee_id": invitee.id, "message_id": message.id,
            "kind": "invitation", "language": "de", "plan_id": 1, "round_id": draft.id}


def dashboard_urls(app, values):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("dashboard.") or "slug" not in rule.arguments:
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<{name}>", str(values[name])).replace(
                f"<int:{name}>", str(values[name]))
        yield rule.endpoint, sorted(rule.methods - {"HEAD", "OPTIONS"}), url


def test_every_dashboard_route_of_another_organisers_event_is_not_found(
        app, organiser_client, foreign, smtp_server):
    token = csrf_token(organiser_client.get("/events/").text)
    tried = 0
    for endpoint, methods, url in dashboard_urls(app, foreign):
        for method in methods:
            data = {"csrf_token": token, "response": "accepted", "kind": "invitation",
                    "email": "x@example.org"} if method == "POST" else None
            status = organiser_client.open(url, method=method, data=data).status_code
            assert status == 404, (endpoint, method, url, status)
            tried += 1
    print(f"\n{tried} requests tried")
    assert tried >= 20
    assert smtp_server.received == []
    assert db.session.scalar(select(func.count()).select_from(ResponseChange)) == 0
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1
