"""A full venue in a real browser: a late acceptance waits, the organiser gives it a place,
and answers taken by phone are uploaded."""

import re

from playwright.sync_api import expect

from rsvp.extensions import db
from rsvp.responses.services import record_answer
from rsvp.tokens import make_token
from tests.dashboard.conftest import PASSWORD, wait_until
from tests.e2e.test_dashboard_flow import log_in


def test_a_late_acceptance_waits_and_the_organiser_gives_it_a_place(
        live_server, browser_context, chromium, smtp_server, create_organiser, create_event,
        create_invitee, screenshot, tmp_path):
    organiser = create_organiser("buero@example.org", PASSWORD)
    event = create_event(capacity=1, title="Fachtagung Quartiersarbeit")
    event.owner_id = organiser.id
    record_answer(db.session, create_invitee(event, email="frueh@example.org"), "accepted")
    late = create_invitee(event, email="spaet@example.org", first_name="Sina",
                          last_name="Spät")
    db.session.commit()

    phone = chromium.new_context(locale="de-DE", viewport={"width": 390, "height": 844},
                                 is_mobile=True, has_touch=True)
    invitee_page = phone.new_page()
    invitee_page.goto(f"{live_server}/r/{make_token(late)}")
    invitee_page.get_by_label("Ja, ich nehme teil").check()
    invitee_page.get_by_role("button", name="Antwort senden").click()
    expect(invitee_page.locator("#current-answer")).to_contain_text(
        "auf der Warteliste, auf Platz 1")
    screenshot(invitee_page, "rsvp-page-waiting-list")
    wait_until(lambda: smtp_server.to("spaet@example.org"))

    page = browser_context.new_page()
    log_in(page, live_server, "buero@example.org")
    page.goto(f"{live_server}/events/{event.slug}/")
    waiting = page.locator('[data-waiting="spaet@example.org"]')
    expect(waiting).to_contain_text("Sina Spät")
    screenshot(page, "dashboard-waiting-list")
    waiting.get_by_role("button", name="Platz vergeben").click()
    expect(page.get_by_role("status").first).to_contain_text("hat einen Platz erhalten")
    expect(page.locator("#waitlist")).to_have_count(0)
    mails = wait_until(lambda: [m for m in smtp_server.to("spaet@example.org")
                                if m["Subject"].startswith("Ein Platz ist frei geworden")])
    assert len(mails) == 1

    invitee_page.reload()
    expect(invitee_page.locator("#current-answer")).to_contain_text("Sie nehmen teil")
    phone.close()

    csv_file = tmp_path / "telefon.csv"
    csv_file.write_text("E-Mail;Antwort\nfrueh@example.org;Absage\nunbekannt@example.org;ja\n")
    page.get_by_role("link", name=re.compile("Antworten importieren")).click()
    expect(page.get_by_label("Bestätigung per E-Mail senden")).to_be_checked()
    page.get_by_label("CSV- oder Excel-Datei").set_input_files(str(csv_file))
    page.get_by_role("button", name="Datei prüfen").click()
    page.get_by_role("button", name=re.compile("Antworten jetzt erfassen")).click()
    expect(page.locator("#answers-result")).to_contain_text("1 Antworten erfasst")
    expect(page.locator("#rejected-answers")).to_contain_text("unbekannt@example.org")
    screenshot(page, "dashboard-answers-import")
