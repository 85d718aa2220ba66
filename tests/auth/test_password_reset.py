"""A forgotten password: a link by mail (received over SMTP), good once, for one hour."""

import re
import time

from rsvp.extensions import db
from tests.conftest import csrf_token
from tests.dashboard.conftest import join_deliveries, log_in, post_form

NEW_PASSWORD = "ein-frisches-passwort-2027"


def ask_for_link(client, email: str):  # type: ignore[no-untyped-def]
    return post_form(client, "/password/forgot", email=email)


def reset_path(smtp_server) -> str:  # type: ignore[no-untyped-def]
    received = smtp_server.wait_for(1)
    body = received[0].message.get_body(("plain",)).get_content()
    match = re.search(r"http://rsvp\.test(/password/reset/\S+)", body)
    assert match, body
    return match.group(1)


def choose(client, path: str, password: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_token(page.text), "password": password,
                                   "confirm": password})


def test_the_reset_link_arrives_by_mail_and_sets_a_new_password(client, organiser, smtp_server):
    assert ask_for_link(client, "Buero@Example.org").status_code == 200
    assert choose(client, reset_path(smtp_server)).status_code == 303
    assert log_in(client, organiser.email, NEW_PASSWORD).status_code == 303


def test_the_mail_goes_to_the_account_address_only(client, organiser, smtp_server):
    ask_for_link(client, organiser.email)
    received = smtp_server.wait_for(1)
    assert received[0].rcpt_tos == [organiser.email]


def test_a_reset_link_works_only_once(client, organiser, smtp_server):
    ask_for_link(client, organiser.email)
    path = reset_path(smtp_server)
    assert choose(client, path).status_code == 303
    second = client.get(path)
    assert second.status_code == 400
    assert 'id="link-invalid"' in second.text


def test_a_reset_link_older_than_an_hour_shows_a_friendly_refusal(client, organiser,
                                                                   smtp_server, monkeypatch):
    ask_for_link(client, organiser.email)
    path = reset_path(smtp_server)
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get(path)
    assert response.status_code == 400
    assert 'id="link-invalid"' in response.text


def test_the_old_password_no_longer_logs_in_after_a_reset(client, organiser, smtp_server):
    ask_for_link(client, organiser.email)
    choose(client, reset_path(smtp_server))
    assert log_in(client, organiser.email).status_code == 401


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(client, organiser):
    known = ask_for_link(client, organiser.email)
    unknown = ask_for_link(client, "niemand@example.org")
    strip = re.compile(r'name="csrf_token"[^>]*>|value="[^"]*"')
    assert (known.status_code, strip.sub("", known.text)) == (
        unknown.status_code, strip.sub("", unknown.text))


def test_an_unknown_address_gets_no_mail(client, organiser, smtp_server):
    ask_for_link(client, "niemand@example.org")
    ask_for_link(client, organiser.email)
    smtp_server.wait_for(1)
    assert [r.rcpt_tos for r in smtp_server.received] == [[organiser.email]]


def test_a_deactivated_account_gets_no_link(client, organiser, smtp_server):
    organiser.is_active = False
    db.session.commit()
    ask_for_link(client, organiser.email)
    join_deliveries()
    assert smtp_server.received == []


def test_a_common_password_is_refused_on_the_reset_page(client, organiser, smtp_server):
    client.set_cookie("lang", "en")
    ask_for_link(client, organiser.email)
    response = choose(client, reset_path(smtp_server), "1234567890")
    assert response.status_code == 400
    assert "most common" in response.text


def test_the_forgot_form_is_rate_limited(app, client, organiser):
    app.config["FORGOT_PASSWORD_RATE_LIMIT"] = "2 per minute"
    statuses = [ask_for_link(client, f"x{i}@example.org").status_code for i in range(3)]
    assert statuses == [200, 200, 429]


def test_the_link_page_shows_no_form_for_a_tampered_token(client):
    response = client.get("/password/reset/nicht-echt")
    assert response.status_code == 400
    assert 'name="password"' not in response.text
