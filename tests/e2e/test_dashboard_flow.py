"""An organiser's whole morning in a real browser: log in, create, import, send, watch answers."""

import re

from playwright.sync_api import Page, expect

from tests.dashboard.conftest import PASSWORD, wait_until

INVITEES_CSV = (
    "E-Mail;Anrede;Titel;Vorname;Nachname;Organisation;Sprache;Tags\n"
    "petra.potz@example.org;Frau;Dr.;Petra;Potz;location³;de;Referentin\n"
    "hans.mueller@example.org;Herr;;Hans;Müller;Bezirksamt Neukölln;;Kommune\n"
    "sam.taylor@example.com;Mr;;Sam;Taylor;Urban Network;en;International\n"
    "kaputt-ohne-at;Frau;;Kim;Kaputt;;;\n"
).encode("cp1252")


UNLABELLED_FIELDS = """
[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !el.labels.length && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id || el.outerHTML)
"""


def assert_every_field_is_labelled(page: Page) -> None:
    assert page.evaluate(UNLABELLED_FIELDS) == [], page.url


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/events/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Veranstaltungen")).to_be_visible()


def create_event(page: Page, screenshot) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Neue Veranstaltung").click()
    screenshot(page, "event-form")
    assert_every_field_is_labelled(page)
    page.get_by_label("Kurzname für Adressen").fill("fachtagung-2027")
    page.get_by_label("Titel", exact=True).fill("Fachtagung Quartiersarbeit")
    page.get_by_label("Zeitzone").select_option("Europe/Berlin")
    page.get_by_label("Beginn").fill("2027-11-22T12:00")
    page.get_by_label("Ende").fill("2027-11-22T17:00")
    page.get_by_label("Rückmeldefrist").fill("2027-11-08T23:59")
    page.get_by_label("Veranstaltungsort", exact=True).fill("REFUGIO Berlin")
    page.get_by_label("Kapazität (Plätze)").fill("120")
    page.get_by_label("Begleitpersonen je eingeladener Person").fill("1")
    page.get_by_label("Ansprechperson", exact=True).fill("Dr. Petra Beispiel")
    page.get_by_label("E-Mail der Ansprechperson").fill("konferenz@example.org")
    page.get_by_role("button", name="Veranstaltung anlegen").click()
    expect(page.get_by_role("heading", name="Fachtagung Quartiersarbeit")).to_be_visible()


def import_invitees(page: Page, screenshot) -> None:  # type: ignore[no-untyped-def]
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Import").click()
    page.get_by_label("CSV- oder Excel-Datei").set_input_files(
        files=[{"name": "einladungsliste.csv", "mimeType": "text/csv", "buffer": INVITEES_CSV}])
    page.get_by_role("button", name="Datei prüfen").click()
    expect(page.locator("#import-summary")).to_contain_text("würde 3 hinzufügen")
    expect(page.locator("#rejected-table")).to_contain_text("kaputt-ohne-at")
    expect(page.locator("#rejected-table tbody td").first).to_have_text("5")
    screenshot(page, "import-preview")
    assert_every_field_is_labelled(page)
    page.get_by_role("button", name="Jetzt importieren").click()
    expect(page.locator("#import-summary")).to_contain_text("3 hinzugefügt")


def send_invitations(page: Page, smtp_server, screenshot) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="Einladungen versenden").click()
    expect(page.locator("#preview-subject")).not_to_be_empty()
    expect(page.locator("#preview-text")).to_contain_text("Sehr geehrte Frau Dr. Potz,")
    screenshot(page, "compose")
    assert_every_field_is_labelled(page)
    page.get_by_role("button", name=re.compile("^Test an buero@example.org senden")).click()
    expect(page.get_by_role("status").first).to_contain_text("Testnachricht wurde")
    assert [m["To"] for m in smtp_server.messages] == ["buero@example.org"]
    page.get_by_role("button", name="Jetzt an alle 3 senden").click()
    # The progress page refreshes itself until the background sender is done.
    expect(page.locator("#progress-state")).to_have_text("Abgeschlossen.", timeout=30_000)
    expect(page.locator('[data-status="sent"]')).to_have_text("3")
    wait_until(lambda: len(smtp_server.messages) == 4)


def rsvp_link(smtp_server, address: str) -> str:  # type: ignore[no-untyped-def]
    invitation = smtp_server.to(address)[0]
    text = invitation.get_body(("plain",)).get_content()
    match = re.search(r"http://127\.0\.0\.1:\d+/r/[\w.-]+", text)
    assert match, text
    return match.group(0)


def test_an_organiser_invites_and_sees_the_answers_arrive(
        live_server, browser_context, chromium, smtp_server, create_organiser, screenshot):
    create_organiser("buero@example.org", PASSWORD)
    page = browser_context.new_page()
    log_in(page, live_server, "buero@example.org")
    create_event(page, screenshot)
    import_invitees(page, screenshot)
    send_invitations(page, smtp_server, screenshot)

    page.get_by_role("link", name="Übersicht", exact=True).click()
    expect(page.locator('[data-stat="sent"]')).to_have_text("3")
    expect(page.locator('[data-stat="accepted"]')).to_have_text("0")

    # The invitee opens the link from the email on a phone, in a browser of their own.
    phone = chromium.new_context(locale="de-DE", viewport={"width": 390, "height": 844},
                                 is_mobile=True, has_touch=True)
    invitee_page = phone.new_page()
    invitee_page.goto(rsvp_link(smtp_server, "petra.potz@example.org"))
    expect(invitee_page.get_by_role("heading", name="Fachtagung Quartiersarbeit")).to_be_visible()
    invitee_page.get_by_label("Ja, ich nehme teil").check()
    invitee_page.get_by_label("Begleitpersonen").fill("1")
    invitee_page.get_by_role("button", name="Antwort senden").click()
    expect(invitee_page.locator("#saved")).to_be_visible()
    assert invitee_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(invitee_page, "rsvp-page-phone")
    assert_every_field_is_labelled(invitee_page)
    phone.close()

    page.reload()
    expect(page.locator('[data-stat="accepted"]')).to_have_text("1")
    expect(page.locator('[data-stat="guests"]')).to_have_text("1")
    expect(page.locator('[data-stat="headcount"]')).to_contain_text("2")
    expect(page.locator('[data-stat="no_response"]')).to_have_text("2")
    expect(page.locator(".chart svg")).to_be_visible()
    screenshot(page, "dashboard")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "dashboard-phone")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Eingeladene").click()
    page.get_by_label("Name, E-Mail oder Organisation suchen").fill("potz")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.locator("#result-count")).to_contain_text("1–1 von 1")
    screenshot(page, "invitee-list")
    assert_every_field_is_labelled(page)
    page.get_by_role("link", name="Petra Potz").click()
    expect(page.locator("#history-table")).to_contain_text("über den Link")
    expect(page.locator("#message-table")).to_contain_text("versandt")
    screenshot(page, "invitee-page")
    assert_every_field_is_labelled(page)


def test_an_organiser_can_log_in_with_the_keyboard_alone(
        live_server, browser_context, create_organiser, screenshot):
    create_organiser("buero@example.org", PASSWORD)
    page = browser_context.new_page()
    page.goto(f"{live_server}/login")
    screenshot(page, "login")
    assert_every_field_is_labelled(page)
    expect(page.get_by_label("E-Mail-Adresse")).to_be_focused()
    page.keyboard.type("buero@example.org")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Passwort")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Veranstaltungen")).to_be_visible()


def test_the_language_switch_turns_the_dashboard_english(
        live_server, browser_context, create_organiser):
    create_organiser("buero@example.org", PASSWORD)
    page = browser_context.new_page()
    log_in(page, live_server, "buero@example.org")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Events")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
