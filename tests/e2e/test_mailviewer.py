"""The mail catcher's web view in Chromium: a developer opens an invitation and answers it."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from rsvp.mailcatcher import KeepingHandler, serve_viewer
from tests.smtp import free_port


@pytest.fixture
def catcher_folder(tmp_path: Path) -> Path:
    return tmp_path / "mailcatcher"


@pytest.fixture
def app_config(app_config: dict[str, object], catcher_folder: Path) -> Iterator[dict[str, object]]:
    port = free_port()
    controller = Controller(KeepingHandler(catcher_folder), hostname="127.0.0.1", port=port,
                            enable_SMTPUTF8=True)
    controller.start()
    yield {**app_config, "MAIL_PORT": port}
    controller.stop()


@pytest.fixture
def viewer_url(catcher_folder: Path) -> Iterator[str]:
    port = free_port()
    server = serve_viewer("127.0.0.1", port, catcher_folder)
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def test_a_caught_invitation_shows_styled_in_the_browser_and_its_link_opens_the_rsvp_page(
        live_server, runner, create_event, viewer_url, browser_context, screenshot):
    event = create_event(invitees=1)
    assert runner.invoke(args=["send", event.slug, "--kind", "invitation"]).exit_code == 0
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(viewer_url)
    page.get_by_role("link", name=re.compile("Einladung")).click()
    frame = page.frame_locator("iframe.mail-frame")
    button = frame.get_by_role("link", name="Zu- oder absagen")
    expect(button.first).to_be_visible()
    # The mail's inline styles apply: the button is not a plain blue underlined link.
    style = button.first.evaluate("el => getComputedStyle(el).textDecorationLine")
    assert style == "none"
    fitted = page.locator("iframe.mail-frame").evaluate(
        "f => f.getBoundingClientRect().height >= f.contentDocument.documentElement.scrollHeight")
    assert fitted, "the frame shows the whole mail"
    screenshot(page, "mailviewer-invitation")
    assert errors == []
    button.first.click()
    expect(page).to_have_url(re.compile(r"/r/"))
    expect(page.get_by_role("heading", name=event.title)).to_be_visible()
