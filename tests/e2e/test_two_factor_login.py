"""Two-factor login in Chromium: the password, then the authenticator app's code."""

import time

import pyotp
from playwright.sync_api import expect

from rsvp.auth.twofactor import enable
from rsvp.extensions import db
from tests.dashboard.conftest import PASSWORD


def test_an_organiser_logs_in_with_password_and_authenticator_code(
        live_server, browser_context, create_organiser):
    organiser = create_organiser("buero@example.org", PASSWORD)
    secret = pyotp.random_base32()
    # Set up with the previous step's code, so the current one is still unused.
    enable(db.session, organiser, secret, pyotp.TOTP(secret).at(time.time() - 30))
    db.session.commit()
    page = browser_context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("E-Mail-Adresse").fill(organiser.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Zwei-Faktor-Anmeldung")).to_be_visible()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Veranstaltungen")).to_be_visible()
