"""The dashboard's frame on a laptop screen: the menu on one line, in both languages."""

import pytest

from rsvp.extensions import db
from tests.dashboard.conftest import PASSWORD
from tests.e2e.test_dashboard_flow import log_in

MENU_TOPS = "[...document.querySelectorAll('.nav li')].map(li => li.getBoundingClientRect().top)"
#: How far below the menu's last line the header's other parts reach (none should).
BELOW_MENU = """(() => {
  const menu = document.querySelector('.nav').getBoundingClientRect().bottom;
  const tools = document.querySelector('.header-tools').getBoundingClientRect().bottom;
  return Math.max(0, tools - menu);
})()"""


@pytest.mark.parametrize("language", ["de", "en"])
def test_at_1280_pixels_the_event_menu_stays_on_one_line(
        live_server, browser_context, create_organiser, create_event, screenshot, language):
    organiser = create_organiser("buero@example.org", PASSWORD)
    event = create_event()
    event.owner_id = organiser.id
    db.session.commit()
    page = browser_context.new_page()
    log_in(page, live_server, "buero@example.org")
    if language == "en":
        browser_context.add_cookies([{"name": "lang", "value": "en", "url": live_server}])
    page.goto(f"{live_server}/events/{event.slug}/")
    tops = page.evaluate(MENU_TOPS)
    assert len(tops) >= 7
    assert len(set(tops)) == 1, tops
    assert page.evaluate(BELOW_MENU) == 0, "language and account do not wrap under the menu"
    screenshot(page, f"dashboard-header-1280-{language}")
