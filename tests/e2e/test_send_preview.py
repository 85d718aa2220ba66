"""The send page's preview in Chromium: the HTML part looks exactly like the mail that arrives."""

from rsvp.extensions import db
from tests.dashboard.conftest import PASSWORD
from tests.e2e.test_dashboard_flow import log_in

LOOK = """el => { const s = getComputedStyle(el);
  return [s.fontFamily, s.fontSize, s.color, s.backgroundColor, s.textDecorationLine,
          s.paddingTop, s.borderRadius]; }"""


def test_the_html_preview_shows_the_button_styled_exactly_as_in_the_received_mail(
        live_server, browser_context, runner, smtp_server, create_organiser, create_event,
        create_invitee, screenshot):
    organiser = create_organiser("buero@example.org", PASSWORD)
    event = create_event()
    event.owner_id = organiser.id
    person = create_invitee(event, email="petra.potz@example.org")
    db.session.commit()
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server, "buero@example.org")
    page.goto(f"{live_server}/events/{event.slug}/send?kind=invitation")
    button = page.frame_locator("iframe.mail-preview").locator("a.button")
    in_preview = button.evaluate(LOOK)
    frame_fits = page.locator("iframe.mail-preview").evaluate(
        "f => f.getBoundingClientRect().height >= f.contentDocument.documentElement.scrollHeight")
    screenshot(page, "send-preview")

    assert runner.invoke(args=["send", event.slug, "--kind", "invitation"]).exit_code == 0
    received = smtp_server.to(person.email)[0]
    html = received.get_body(preferencelist=("html",)).get_content()
    mail_page = browser_context.new_page()
    mail_page.set_content(html)
    in_mail = mail_page.locator("a.button").evaluate(LOOK)

    assert in_preview == in_mail
    assert in_preview[4] == "none", "the button is styled, not a plain underlined link"
    assert frame_fits, "the frame is as tall as the mail"
    assert errors == []
