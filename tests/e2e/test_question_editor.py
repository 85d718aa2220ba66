"""An organiser sets up the registration questions in a real browser, in German."""

from playwright.sync_api import expect

from rsvp.extensions import db
from rsvp.questions.queries import questions_of
from tests.dashboard.conftest import PASSWORD
from tests.e2e.test_dashboard_flow import assert_every_field_is_labelled, log_in


def test_an_organiser_adds_two_questions_and_moves_the_second_up(
        live_server, browser_context, create_organiser, create_event, screenshot):
    create_organiser("buero@example.org", PASSWORD)
    event = create_event()
    page = browser_context.new_page()
    log_in(page, live_server, "buero@example.org")
    page.goto(f"{live_server}/events/{event.slug}/")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Fragen").click()
    expect(page.get_by_role("heading", name="Registrierungsfragen")).to_be_visible()
    for key, kind, label, options in (
            ("diet", "choice", "Verpflegung", "any | Keine Einschränkung\nvegan | Vegan | | 20"),
            ("next_day", "yesno", "Folgetag", "")):
        page.get_by_role("link", name="Frage hinzufügen").click()
        assert_every_field_is_labelled(page)
        page.get_by_label("Schlüssel (Buchstaben, Ziffern, Unterstrich)").fill(key)
        page.get_by_label("Art", exact=True).select_option(kind)
        page.get_by_label("Frage (Deutsch)").fill(label)
        if options:
            page.get_by_label("Möglichkeiten, eine je Zeile").fill(options)
        page.get_by_role("button", name="Frage speichern").click()
        expect(page.get_by_text("Die Frage wurde gespeichert.")).to_be_visible()
    screenshot(page, "question-editor")
    page.locator("#question-next_day").get_by_role("button", name="Nach oben").click()
    rows = page.locator("#question-table tbody tr")
    expect(rows.first).to_contain_text("Folgetag")
    db.session.expire_all()
    assert [q.key for q in questions_of(db.session, event)] == ["next_day", "diet"]
    assert [o.limit for o in questions_of(db.session, event)[1].options] == [None, 20]
