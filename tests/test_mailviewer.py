"""The mail catcher's web view: the caught invitations as they were sent."""

import re
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient

from rsvp.mailcatcher import KeepingHandler
from rsvp.mailviewer import MAIL_FRAME_POLICY, create_viewer
from tests.smtp import free_port


@pytest.fixture
def catcher_folder(tmp_path: Path) -> Path:
    return tmp_path / "mailcatcher"


@pytest.fixture
def app_config(app_config: dict[str, object], catcher_folder: Path) -> Iterator[dict[str, object]]:
    """The app sends to the real mail catcher (which keeps .eml files), not the test server."""
    port = free_port()
    controller = Controller(KeepingHandler(catcher_folder), hostname="127.0.0.1", port=port,
                            enable_SMTPUTF8=True)
    controller.start()
    yield {**app_config, "MAIL_PORT": port}
    controller.stop()


@pytest.fixture
def caught_invitations(runner, create_event, catcher_folder: Path) -> Path:
    """Two invitations sent by `rsvp send` and caught."""
    event = create_event(invitees=2)
    result = runner.invoke(args=["send", event.slug, "--kind", "invitation"])
    assert result.exit_code == 0, result.output
    assert len(list(catcher_folder.glob("*.eml"))) == 2
    return catcher_folder


@pytest.fixture
def viewer(caught_invitations: Path) -> FlaskClient:
    return create_viewer(caught_invitations).test_client()


def test_the_list_shows_every_caught_mail_newest_first(viewer):
    page = viewer.get("/").get_data(as_text=True)
    assert "2 messages" in page
    numbers = re.findall(r'href="/mail/(\d+)"', page)
    assert numbers == ["2", "1"]
    assert "person1@example.org" in page and "person2@example.org" in page


def test_a_mail_page_shows_headers_text_with_a_clickable_rsvp_link_and_the_calendar_file(viewer):
    page = viewer.get("/mail/1").get_data(as_text=True)
    assert "Message-ID" in page
    link = re.search(r'<a href="(http://rsvp\.test/r/[^"]+)" target="_top">', page)
    assert link, "the text part's RSVP link is a link"
    assert re.search(r'href="/mail/1/part/\d+" download="[^"]+\.ics"', page)


def test_the_calendar_attachment_downloads_as_the_calendar_file_that_was_sent(
        viewer, caught_invitations):
    page = viewer.get("/mail/1").get_data(as_text=True)
    href = re.search(r'href="(/mail/1/part/\d+)" download="[^"]+\.ics"', page).group(1)
    download = viewer.get(href)
    assert download.mimetype == "text/calendar"
    assert "attachment" in download.headers["Content-Disposition"]
    sent = message_from_bytes((caught_invitations / "00001.eml").read_bytes(),
                              policy=policy.default)
    calendar = next(p for p in sent.walk() if p.get_content_type() == "text/calendar")
    assert download.data == calendar.get_payload(decode=True)


def test_the_html_part_is_served_as_sent_in_a_frame_with_its_own_policy(
        viewer, caught_invitations):
    frame = viewer.get("/mail/1/html")
    assert frame.headers["Content-Security-Policy"] == MAIL_FRAME_POLICY
    assert "'unsafe-inline'" in frame.headers["Content-Security-Policy"]
    sent = message_from_bytes((caught_invitations / "00001.eml").read_bytes(),
                              policy=policy.default)
    html = sent.get_body(preferencelist=("html",)).get_content()
    served = frame.get_data(as_text=True)
    assert served.replace('<base target="_top">', "") == html
    page = viewer.get("/mail/1").get_data(as_text=True)
    assert re.search(r'<iframe[^>]+src="/mail/1/html"[^>]+sandbox="[^"]*"', page, re.S)
    assert "allow-scripts" not in page


def test_an_unknown_mail_is_not_found(viewer):
    assert viewer.get("/mail/99").status_code == 404
    assert viewer.get("/mail/1/part/99").status_code == 404


def test_the_raw_message_downloads_byte_for_byte(viewer, caught_invitations):
    raw = viewer.get("/mail/2.eml")
    assert raw.data == (caught_invitations / "00002.eml").read_bytes()


def test_the_viewer_is_not_part_of_the_app(app):
    assert not any(rule.rule.startswith("/mail/") for rule in app.url_map.iter_rules())
