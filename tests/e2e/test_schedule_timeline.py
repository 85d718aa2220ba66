"""The planned-send timeline in Chromium: plan a reminder with the form, see when it is due in
the event's zone and in German, take it off the plan again."""

import re
from datetime import datetime

from playwright.sync_api import expect

from rsvp.extensions import db
from tests.dashboard.conftest import PASSWORD
from tests.e2e.test_dashboard_flow import log_in


def test_a_reminder_is_planned_shown_with_its_local_due_time_and_taken_off_again(
        live_server, browser_context, create_organiser, create_event, screenshot):
    organiser = create_organiser("buero@example.org", PASSWORD)
    event = create_event(starts_at=datetime(2027, 11, 22, 12, 0),
                         ends_at=datetime(2027, 11, 22, 17, 0),
                         rsvp_deadline=datetime(2027, 11, 8, 23, 59))
    event.owner_id = organiser.id
    db.session.commit()
    page = browser_context.new_page()
    log_in(page, live_server, "buero@example.org")
    page.goto(f"{live_server}/events/{event.slug}/schedule")
    expect(page.get_by_text("Es ist nichts geplant.")).to_be_visible()

    plan = page.locator("form", has=page.get_by_role("button", name="Planen"))
    plan.get_by_label("Art").select_option("reminder")
    plan.get_by_label("Termin").select_option("before_start")
    plan.get_by_label("Dauer oder Zeitpunkt").fill("2d")
    plan.get_by_role("button", name="Planen").click()

    row = page.locator("tr.planned-send")
    expect(row).to_have_count(1)
    # Two days before 12:00 in Berlin, written as the German interface writes it.
    expect(row.locator("td").first).to_have_text("20.11.2027, 12:00")
    expect(row).to_contain_text("Erinnerung")
    screenshot(page, "schedule-timeline")

    row.get_by_role("button", name="Entfernen").click()
    expect(page.locator("tr.planned-send")).to_have_count(0)
    past = page.locator("li.past-plan.state-cancelled")
    expect(past).to_have_count(1)
    expect(past).to_contain_text(re.compile("abgesagt"))
