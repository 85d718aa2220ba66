"""The activity pages in Chromium: a real export shows up, and both pages pass WCAG 2.1 AA."""

from rsvp.extensions import db
from tests.dashboard.conftest import PASSWORD
from tests.e2e.test_accessibility import violations
from tests.e2e.test_dashboard_flow import log_in


def test_an_export_appears_on_the_activity_pages_which_pass_wcag_aa(
        live_server, chromium, create_organiser, create_event, create_invitee):
    organiser = create_organiser("buero@example.org", PASSWORD)
    organiser.is_admin = True
    event = create_event()
    event.owner_id = organiser.id
    create_invitee(event, email="a@example.org")
    db.session.commit()
    context = chromium.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "buero@example.org")
    assert page.request.get(f"{live_server}/events/{event.slug}/export.csv").ok
    found = {}
    for path in (f"/events/{event.slug}/activity", "/admin/activity"):
        page.goto(f"{live_server}{path}")
        assert page.locator("tr.audit-entry", has_text="Liste der Eingeladenen exportiert").count()
        found[path] = violations(page)
    assert found == {path: [] for path in found}
    context.close()
