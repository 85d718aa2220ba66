"""Security headers, rate limits on answers, and a friendly page when the database is away."""

import pytest

from rsvp.tokens import make_token
from tests.conftest import csrf_token


@pytest.fixture
def app_config(app_config):
    return app_config | {"ANSWER_RATE_LIMIT_PER_LINK": "3 per minute",
                         "ANSWER_RATE_LIMIT_PER_ADDRESS": "10 per minute"}


@pytest.fixture
def token(create_event, create_invitee):
    return make_token(create_invitee(create_event()))


def test_invitee_pages_send_strict_headers_and_keep_the_token_private(client, token):
    for url in (f"/r/{token}", f"/r/{token}/event.ics", f"/r/{token}x"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"


def test_the_invitee_page_has_no_inline_script_or_style(client, token):
    page = client.get(f"/r/{token}").text
    assert "<script>" not in page and "style=" not in page and "<style" not in page


def test_other_pages_get_the_general_headers(client):
    headers = client.get("/").headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_answers_through_one_link_are_limited_with_a_friendly_page(client, token,
                                                                  create_event, create_invitee):
    page = client.get(f"/r/{token}")
    data = {"csrf_token": csrf_token(page.text), "response": "declined", "guests": "0"}
    statuses = [client.post(f"/r/{token}", data=data).status_code for _ in range(4)]
    assert statuses == [303, 303, 303, 429]
    limited = client.post(f"/r/{token}", data=data)
    assert limited.status_code == 429
    assert "Zu viele Anfragen" in limited.text or "Too many requests" in limited.text
    other = make_token(create_invitee(create_event()))
    other_form = csrf_token(client.get(f"/r/{other}").text)
    assert client.post(f"/r/{other}", data=data | {"csrf_token": other_form}).status_code == 303


def test_answers_from_one_address_are_limited_across_links(client, create_event, create_invitee):
    event = create_event()
    tokens = [make_token(create_invitee(event)) for _ in range(11)]
    # Each link's form has its own token (rsvp.tokens.answer_form_token).
    forms = {t: csrf_token(client.get(f"/r/{t}").text) for t in tokens}
    statuses = [client.post(f"/r/{t}", data={"csrf_token": forms[t], "response": "declined",
                                              "guests": "0"}).status_code for t in tokens]
    assert statuses == [303] * 10 + [429]


def test_an_answer_form_token_of_one_link_is_refused_on_another(client, create_event,
                                                                 create_invitee):
    event = create_event()
    first, second = (make_token(create_invitee(event)) for _ in range(2))
    form = csrf_token(client.get(f"/r/{first}").text)
    result = client.post(f"/r/{second}", data={"csrf_token": form, "response": "declined"})
    assert result.status_code == 400
    assert client.post(f"/r/{first}", data={"csrf_token": form,
                                            "response": "declined"}).status_code == 303


def test_opening_the_invitee_page_sets_no_cookie(client, token):
    assert "Set-Cookie" not in client.get(f"/r/{token}").headers


def test_production_asks_browsers_to_use_https_only(app_config, tmp_path, monkeypatch):
    import secrets

    from rsvp import create_app

    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path / "production"))
    production = create_app({**app_config, "ENV": "production",
                             "SECRET_KEY": secrets.token_urlsafe(48)})
    for url in ("/", "/login", "/r/not-a-token"):
        headers = production.test_client().get(url).headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_the_login_page_is_not_stored_in_caches(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"
