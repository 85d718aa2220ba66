"""axe-core's WCAG 2.1 A and AA rules (contrast included) on the pages people see, in Chromium.

German federal bodies must meet BITV 2.0, which asks for WCAG 2.1 AA; the rules axe can
check automatically are a floor under that, run on every page in both colour schemes.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from rsvp.extensions import db
from rsvp.mailing.models import MessageKind
from rsvp.mailing.render import render_mail
from rsvp.responses.services import record_answer
from rsvp.tokens import make_token
from tests.dashboard.conftest import PASSWORD
from tests.e2e.test_dashboard_flow import log_in

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
AXE = Axe()


def violations(page: Page) -> list[str]:
    """Each rule axe finds broken, with the elements that break it."""
    response = AXE.run(page, options=WCAG_AA).response
    return [f"{v['id']} ({v['impact']}): {v['help']}: "
            f"{[node['target'] for node in v['nodes']][:5]}" for v in response["violations"]]


@pytest.fixture(params=["light", "dark"])
def color_scheme(request) -> str:  # type: ignore[no-untyped-def]
    return request.param


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_invitee_page_passes_wcag_aa_before_and_after_answering(
        live_server, chromium, create_event, create_invitee, language, color_scheme):
    event = create_event()
    invitee = create_invitee(event, email="gast@example.org", language=language)
    db.session.commit()
    context = chromium.new_context(locale=f"{language}-DE", color_scheme=color_scheme)
    page = context.new_page()
    page.goto(f"{live_server}/r/{make_token(invitee)}")
    assert violations(page) == [], page.url
    page.locator("input[name=response][value=accepted]").check()
    page.locator("form button[type=submit]").first.click()
    page.wait_for_selector("#current-answer")
    assert violations(page) == [], "after answering"
    context.close()


@pytest.mark.parametrize("kind", [MessageKind.INVITATION, MessageKind.CONFIRMATION])
@pytest.mark.parametrize("language", ["de", "en"])
def test_the_html_mail_passes_wcag_aa(chromium, create_event, create_invitee, kind, language,
                                      color_scheme):
    invitee = create_invitee(create_event(), email="gast@example.org", language=language)
    record_answer(db.session, invitee, "accepted")
    html = render_mail(invitee, kind).html
    context = chromium.new_context(color_scheme=color_scheme)
    page = context.new_page()
    page.set_content(html)
    assert violations(page) == []
    context.close()


def test_a_link_that_does_not_verify_gets_a_page_that_passes_wcag_aa(live_server, chromium,
                                                                     color_scheme):
    context = chromium.new_context(locale="de-DE", color_scheme=color_scheme)
    page = context.new_page()
    page.goto(f"{live_server}/r/not-a-token")
    assert violations(page) == []
    context.close()


def test_the_organiser_pages_pass_wcag_aa(live_server, chromium, create_organiser, create_event,
                                          create_invitee, color_scheme):
    organiser = create_organiser("buero@example.org", PASSWORD)
    event = create_event(capacity=1)
    event.owner_id = organiser.id
    record_answer(db.session, create_invitee(event, email="a@example.org"), "accepted")
    record_answer(db.session, create_invitee(event, email="b@example.org"), "accepted")
    create_invitee(event, email="c@example.org")
    db.session.commit()
    context = chromium.new_context(locale="de-DE", color_scheme=color_scheme,
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    assert violations(page) == [], page.url
    log_in(page, live_server, "buero@example.org")
    found = {}
    for path in ["/events/", f"/events/{event.slug}/", f"/events/{event.slug}/invitees",
                 f"/events/{event.slug}/edit", f"/events/{event.slug}/import",
                 f"/events/{event.slug}/announce", f"/events/{event.slug}/send",
                 f"/events/{event.slug}/send/invitation", f"/events/{event.slug}/texts",
                 f"/events/{event.slug}/texts/invitation/de", f"/events/{event.slug}/invitees/new",
                 f"/events/{event.slug}/answers/import", f"/events/{event.slug}/team",
                 "/events/new"]:
        response = page.goto(f"{live_server}{path}")
        assert response is not None and response.status == 200, path
        found[path] = violations(page)
    assert found == {path: [] for path in found}
    context.close()
