"""The team page in Chromium: an owner adds a co-organiser by address, who follows the
invitation mail to a password of their own and finds the event."""

import re

from playwright.sync_api import expect

from tests.dashboard.conftest import PASSWORD
from tests.e2e.test_dashboard_flow import log_in

NEW_PASSWORD = "ein-ganz-neues-passwort"


def test_an_owner_adds_a_member_who_follows_the_invitation_to_the_event(
        live_server, browser_context, smtp_server, create_organiser, create_event, screenshot):
    create_organiser("buero@example.org", PASSWORD)
    event = create_event(owner="buero@example.org")
    page = browser_context.new_page()
    log_in(page, live_server, "buero@example.org")
    page.goto(f"{live_server}/events/{event.slug}/")
    page.get_by_role("link", name="Team", exact=True).click()
    page.get_by_label("E-Mail-Adresse").fill("kollegin@example.org")
    page.get_by_label("Rolle", exact=True).select_option("viewer")
    page.get_by_role("button", name="Zum Team hinzufügen").click()
    row = page.locator("tr.team-member", has_text="kollegin@example.org")
    expect(row.get_by_role("combobox")).to_have_value("viewer")
    screenshot(page, "team-page")

    body = smtp_server.wait_for(1)[0].message.get_body(("plain",)).get_content()
    link = re.search(r"http://\S+/password/set/\S+", body).group(0)
    newcomer = browser_context.browser.new_context(locale="de-DE").new_page()
    newcomer.goto(link)
    newcomer.get_by_label("Neues Passwort", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("Neues Passwort wiederholen").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Passwort speichern").click()
    newcomer.get_by_label("E-Mail-Adresse").fill("kollegin@example.org")
    newcomer.get_by_label("Passwort").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Anmelden").click()
    expect(newcomer.get_by_role("link", name=event.title)).to_be_visible()
