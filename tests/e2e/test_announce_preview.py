"""A message to a group in Chromium: written, previewed as the group gets it, then sent."""

from playwright.sync_api import expect

from rsvp.extensions import db
from rsvp.responses.services import record_answer
from tests.dashboard.conftest import PASSWORD, join_deliveries
from tests.e2e.test_dashboard_flow import log_in


def test_a_message_is_previewed_styled_and_counted_before_it_goes_to_the_group(
        live_server, browser_context, create_organiser, create_event, create_invitee,
        smtp_server, screenshot):
    organiser = create_organiser("buero@example.org", PASSWORD)
    event = create_event()
    event.owner_id = organiser.id
    for number in range(2):
        record_answer(db.session, create_invitee(event, email=f"kommt{number}@example.org"),
                      "accepted")
    db.session.commit()
    smtp_server.clear()
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server, "buero@example.org")
    page.goto(f"{live_server}/events/{event.slug}/announce")
    write = page.locator("form", has=page.locator("#show-preview"))
    write.get_by_label("Betreff", exact=True).first.fill("Das Programm ist online")
    write.get_by_label("Text", exact=True).first.fill("das Programm steht bereit.")
    write.locator("#show-preview").click()

    expect(page.locator("#preview-subject")).to_have_text("Das Programm ist online")
    expect(page.locator("#due-count")).to_contain_text("2 eingeladene Personen")
    body = page.frame_locator("iframe.mail-preview").locator("body")
    expect(body).to_contain_text("das Programm steht bereit.")
    font = body.evaluate("b => getComputedStyle(b).fontFamily")
    screenshot(page, "announce-preview")
    assert smtp_server.messages == []

    page.get_by_role("button", name="Jetzt an alle 2 senden").click()
    expect(page.locator("#progress-state")).to_be_visible()
    join_deliveries()
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp_server.messages) == [
        "kommt0@example.org", "kommt1@example.org"]
    assert "Times" not in font, "the mail's own styles apply in the preview"
    assert errors == []
