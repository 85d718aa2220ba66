"""An organiser reaches none of another organiser's events, invitees, messages, exports or
sends, whatever URL they type: every route of the dashboard is tried, GET and POST."""

from sqlalchemy import func, select

from rsvp.extensions import db
from rsvp.mailing.models import Message
from rsvp.responses.models import ResponseChange
from tests.conftest import csrf_token
from tests.dashboard.conftest import event_urls


def test_every_dashboard_route_of_another_organisers_event_is_not_found(
        app, organiser_client, foreign, smtp_server):
    token = csrf_token(organiser_client.get("/events/").text)
    tried = 0
    for endpoint, methods, url in event_urls(app, foreign):
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
