"""The account page and the admins' accounts pages: passwords, deactivation, 403 for others."""

import re

import pytest

from rsvp.auth.models import Organiser
from rsvp.auth.services import AccountError, check_password_policy
from rsvp.extensions import db
from tests.conftest import csrf_token
from tests.dashboard.conftest import PASSWORD, log_in, post_form

NEW_PASSWORD = "ein-ganz-anderes-passwort"


@pytest.fixture
def other_browser(app, organiser):  # type: ignore[no-untyped-def]
    """The same organiser logged in from a second browser."""
    browser = app.test_client()
    assert log_in(browser, organiser.email).status_code == 303
    return browser


@pytest.fixture
def admin(create_organiser):  # type: ignore[no-untyped-def]
    admin = create_organiser("admin@example.org", PASSWORD)
    admin.is_admin = True
    db.session.commit()
    return admin


@pytest.fixture
def admin_client(app, admin):  # type: ignore[no-untyped-def]
    browser = app.test_client()
    assert log_in(browser, admin.email).status_code == 303
    return browser


def change(client, current: str, new: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    return post_form(client, "/account", "/account/password", current=current, password=new,
                     confirm=new)


def test_changing_the_password_needs_the_current_one(app, organiser_client):
    assert change(organiser_client, "nicht-das-passwort").status_code == 400
    assert log_in(app.test_client(), "buero@example.org", NEW_PASSWORD).status_code == 401


def test_a_password_change_ends_the_other_session_and_keeps_this_one(organiser_client,
                                                                      other_browser):
    assert change(organiser_client, PASSWORD).status_code == 303
    assert other_browser.get("/events/").status_code == 302
    assert organiser_client.get("/events/").status_code == 200


@pytest.mark.parametrize("password", ["kurz", "qwertyuiop", "QwertyUiop", "1234567890"])
def test_the_policy_refuses_short_and_common_passwords(password):
    with pytest.raises(AccountError):
        check_password_policy(password)


def test_the_policy_accepts_a_long_uncommon_password():
    check_password_policy("Zugspitze-im-Nebel-2027")


def test_the_account_page_says_why_a_password_is_refused_in_german(organiser_client):
    organiser_client.set_cookie("lang", "de")
    response = change(organiser_client, PASSWORD, "1234567890")
    assert "häufigsten" in response.text


def test_the_cli_refuses_a_common_password(runner):
    result = runner.invoke(args=["organiser", "create", "a@example.org", "--password-stdin"],
                           input="qwertyuiop\n")
    assert result.exit_code == 1 and "most common" in result.output


def test_the_cli_creates_an_admin(runner):
    runner.invoke(args=["organiser", "create", "chefin@example.org", "--admin",
                        "--password-stdin"], input="Zugspitze-im-Nebel-2027\n")
    assert db.session.query(Organiser).filter_by(email="chefin@example.org").one().is_admin


ADMIN_ROUTES = [("GET", "/admin/accounts"), ("POST", "/admin/accounts"),
                ("POST", "/admin/accounts/2/deactivate"),
                ("POST", "/admin/accounts/1/deactivate"), ("POST", "/admin/accounts/1/reactivate"),
                ("POST", "/admin/accounts/1/reset")]


@pytest.mark.parametrize(("method", "url"), ADMIN_ROUTES)
def test_the_admin_routes_are_forbidden_to_other_organisers(organiser_client, admin, method,
                                                            url):
    if method == "GET":
        assert organiser_client.get(url).status_code == 403
    else:  # with a good CSRF token, so the refusal is the role's
        response = post_form(organiser_client, "/account", url, email="x@example.org")
        assert response.status_code == 403


def test_deactivating_an_account_ends_its_open_session_at_once(organiser, organiser_client,
                                                               admin_client):
    assert organiser_client.get("/events/").status_code == 200
    post_form(admin_client, "/admin/accounts", f"/admin/accounts/{organiser.id}/deactivate")
    assert organiser_client.get("/events/").status_code == 302


def test_a_reactivated_account_logs_in_again(app, organiser, admin_client):
    post_form(admin_client, "/admin/accounts", f"/admin/accounts/{organiser.id}/deactivate")
    post_form(admin_client, "/admin/accounts", f"/admin/accounts/{organiser.id}/reactivate")
    assert log_in(app.test_client(), organiser.email).status_code == 303


def test_an_admin_cannot_deactivate_their_own_account(admin, admin_client):
    response = post_form(admin_client, "/admin/accounts", f"/admin/accounts/{admin.id}/deactivate")
    assert response.status_code == 400


def test_a_new_account_gets_a_link_to_choose_its_password(app, admin_client, smtp_server):
    post_form(admin_client, "/admin/accounts", email="neu@example.org", name="Neu")
    body = smtp_server.wait_for(1)[0].message.get_body(("plain",)).get_content()
    path = re.search(r"http://rsvp\.test(/password/set/\S+)", body).group(1)
    browser = app.test_client()
    page = browser.get(path)
    browser.post(path, data={"csrf_token": csrf_token(page.text), "password": NEW_PASSWORD,
                             "confirm": NEW_PASSWORD})
    assert log_in(browser, "neu@example.org", NEW_PASSWORD).status_code == 303


def test_an_admin_sends_a_reset_link(organiser, admin_client, smtp_server):
    post_form(admin_client, "/admin/accounts", f"/admin/accounts/{organiser.id}/reset")
    assert smtp_server.wait_for(1)[0].rcpt_tos == [organiser.email]


def test_the_accounts_page_lists_every_account(organiser, admin_client):
    page = admin_client.get("/admin/accounts")
    assert organiser.email in page.text and "admin@example.org" in page.text
