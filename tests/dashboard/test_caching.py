"""The organiser's pages and exports hold personal data: no cache keeps them."""

import pytest

from rsvp.extensions import db


@pytest.fixture
def event(organiser, create_event, create_invitee):
    event = create_event()
    event.owner_id = organiser.id
    create_invitee(event, email="jürgen@example.org")
    db.session.commit()
    return event


def test_the_export_is_not_stored_in_caches(organiser_client, event):
    response = organiser_client.get(f"/events/{event.slug}/export.csv")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("page", ["/events/", "/events/{slug}/", "/events/{slug}/invitees",
                                  "/events/{slug}/send", "/events/{slug}/edit"])
def test_dashboard_pages_are_not_stored_in_caches(organiser_client, event, page):
    response = organiser_client.get(page.format(slug=event.slug))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_redirect_to_the_login_is_not_stored_either(client):
    assert client.get("/events/").headers["Cache-Control"] == "no-store"
