"""A session ends on the server: a copied cookie is worth nothing after logout."""

import re

import pytest

from rsvp.auth.services import change_password, deactivate
from rsvp.extensions import db
from rsvp.tokens import make_token
from tests.conftest import sql_sent
from tests.dashboard.conftest import post_form


@pytest.fixture
def copied_cookie(app, organiser_client):
    """A second browser holding a copy of the logged-in organiser's session cookie."""
    copy = app.test_client()
    copy.set_cookie("session", organiser_client.get_cookie("session").value)
    assert copy.get("/events/").status_code == 200
    return copy


def test_a_cookie_copied_before_logout_no_longer_opens_the_dashboard(organiser_client,
                                                                      copied_cookie):
    assert post_form(organiser_client, "/events/", "/logout").status_code == 303
    response = copied_cookie.get("/events/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_new_password_ends_every_session(organiser, organiser_client, copied_cookie):
    change_password(organiser, "ein-ganz-neues-passwort")
    db.session.commit()
    assert copied_cookie.get("/events/").status_code == 302
    assert organiser_client.get("/events/").status_code == 302


def test_a_deactivated_organiser_is_logged_out(organiser, copied_cookie):
    deactivate(organiser)
    db.session.commit()
    assert copied_cookie.get("/events/").status_code == 302


def test_logging_in_again_after_logout_works(organiser_client):
    from tests.dashboard.conftest import log_in

    post_form(organiser_client, "/events/", "/logout")
    assert log_in(organiser_client, "buero@example.org").status_code == 303
    assert organiser_client.get("/events/").status_code == 200


def test_invitee_pages_never_load_the_organiser(organiser_client, create_event, create_invitee):
    token = make_token(create_invitee(create_event()))
    with sql_sent() as statements:
        assert organiser_client.get(f"/r/{token}").status_code == 200
    assert statements
    assert not [s for s in statements if re.search(r"\bFROM organiser\b", s)]
