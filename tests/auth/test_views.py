"""Logging in and out, the brake on guessing, and the language switch."""

import pytest

from tests.conftest import csrf_token
from tests.dashboard.conftest import PASSWORD, log_in, post_form

ORGANISER_PAGES = ["/events/", "/events/new", "/events/some-event/",
                   "/events/some-event/invitees", "/events/some-event/send",
                   "/events/some-event/import", "/events/some-event/export.csv"]


def test_the_login_page_labels_every_field(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert '<label for="email">' in page.text
    assert '<label for="password">' in page.text
    assert 'autocomplete="current-password"' in page.text


def test_an_organiser_logs_in_and_reaches_the_events(client, organiser):
    response = log_in(client, "BUERO@example.org")
    assert response.status_code == 303
    assert response.headers["Location"] == "/events/"
    assert client.get("/events/").status_code == 200


def test_a_wrong_password_and_an_unknown_address_read_the_same(client, organiser):
    wrong_password = log_in(client, organiser.email, "falsches-passwort")
    unknown = log_in(client, "niemand@example.org", PASSWORD)
    assert wrong_password.status_code == unknown.status_code == 401
    message = "E-Mail-Adresse oder Passwort ist falsch."
    assert message in wrong_password.text and message in unknown.text
    assert client.get("/events/").status_code == 302


@pytest.mark.parametrize("url", ORGANISER_PAGES)
def test_organiser_pages_send_visitors_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_invitee_pages_need_no_login(client, create_event, create_invitee):
    from rsvp.tokens import make_token

    invitee = create_invitee(create_event())
    assert client.get(f"/r/{make_token(invitee)}").status_code == 200


def test_logging_in_returns_to_the_page_asked_for(client, organiser):
    page = client.get("/login?next=/events/new")
    response = client.post("/login?next=/events/new", data={
        "csrf_token": csrf_token(page.text), "email": organiser.email, "password": PASSWORD})
    assert response.headers["Location"] == "/events/new"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_logging_in_never_returns_to_another_site(client, organiser, target):
    page = client.get("/login")
    response = client.post("/login", query_string={"next": target}, data={
        "csrf_token": csrf_token(page.text), "email": organiser.email, "password": PASSWORD})
    assert response.headers["Location"] == "/events/"


def test_logging_out_ends_the_session(organiser_client):
    response = post_form(organiser_client, "/events/", "/logout")
    assert response.status_code == 303
    assert organiser_client.get("/events/").status_code == 302


def test_logging_out_by_get_changes_nothing(organiser_client):
    assert organiser_client.get("/logout").status_code == 405
    assert organiser_client.get("/events/").status_code == 200


def test_a_login_without_csrf_token_is_refused(client, organiser):
    response = client.post("/login", data={"email": organiser.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/events/").status_code == 302


def test_the_session_cookie_is_http_only_and_same_site(client, organiser):
    cookie = log_in(client, organiser.email).headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LOGIN_RATE_LIMIT": "3 per minute"}


def test_repeated_failed_logins_are_braked_even_with_the_right_password(client, organiser):
    for _ in range(3):
        assert log_in(client, organiser.email, "falsch-falsch").status_code == 401
    braked = log_in(client, organiser.email)
    assert braked.status_code == 429
    assert "Zu viele fehlgeschlagene Versuche" in braked.text
    assert client.get("/events/").status_code == 302


def test_successful_logins_do_not_use_up_the_brake(client, organiser):
    for _ in range(4):
        assert log_in(client, organiser.email).status_code == 303
        post_form(client, "/events/", "/logout")


def test_the_language_switch_remembers_the_choice_in_a_cookie(client):
    page = client.get("/login", headers={"Accept-Language": "de"})
    assert "Anmelden" in page.text
    switched = client.post("/language", data={"csrf_token": csrf_token(page.text),
                                              "lang": "en", "next": "/login"})
    assert switched.status_code == 303
    assert switched.headers["Location"] == "/login"
    assert "HttpOnly" in switched.headers["Set-Cookie"]
    english = client.get("/login", headers={"Accept-Language": "de"})
    assert "Log in for organisers" in english.text


def test_the_language_switch_ignores_unknown_languages(client):
    page = client.get("/login")
    switched = client.post("/language", data={"csrf_token": csrf_token(page.text),
                                              "lang": "xx", "next": "https://evil.example/"})
    assert switched.headers["Location"] == "/events/"
    assert "Set-Cookie" not in switched.headers or "lang=" not in switched.headers["Set-Cookie"]


UNSAFE_TARGETS = ["/events/\r\nSet-Cookie: x=1", "/events/\nX-Evil: 1", "/events/\r", "/\x00x",
                  "/events/\u2028x"]


@pytest.mark.parametrize("target", UNSAFE_TARGETS)
def test_a_next_with_line_breaks_after_login_goes_to_the_events(client, organiser, target):
    page = client.get("/login")
    response = client.post("/login", query_string={"next": target}, data={
        "csrf_token": csrf_token(page.text), "email": organiser.email, "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/events/"


def test_a_percent_encoded_line_break_in_next_after_login_goes_to_the_events(client, organiser):
    page = client.get("/login")
    response = client.post("/login?next=/events/%0d%0aSet-Cookie:%20x=1", data={
        "csrf_token": csrf_token(page.text), "email": organiser.email, "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/events/"


@pytest.mark.parametrize("target", UNSAFE_TARGETS)
def test_a_next_with_line_breaks_on_the_language_switch_goes_to_the_events(client, target):
    page = client.get("/login")
    switched = client.post("/language", data={"csrf_token": csrf_token(page.text),
                                              "lang": "en", "next": target})
    assert switched.status_code == 303
    assert switched.headers["Location"] == "/events/"


def test_a_raw_line_break_in_the_language_form_goes_to_the_events(client):
    page = client.get("/login")
    body = f"csrf_token={csrf_token(page.text)}&lang=en&next=/login\r\nX-Evil:%201"
    switched = client.post("/language", data=body.encode(),
                           content_type="application/x-www-form-urlencoded")
    assert switched.status_code == 303
    assert switched.headers["Location"] == "/events/"
