"""The door's scanner in Chromium: a fake camera shows a check-in code, the vendored jsQR reads
it from the video, and the page checks the person in."""

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from rsvp.checkin.models import CheckIn
from rsvp.extensions import db
from rsvp.qrcodes import qr_png
from rsvp.tokens import checkin_code
from tests.checkin.conftest import answer
from tests.e2e.conftest import CHROMIUM_ARGS, _chromium
from tests.factories import make_member

PASSWORD = "ein-langes-passwort"
WIDTH, HEIGHT = 640, 480


def write_y4m(png: bytes, path: Path, frames: int = 10) -> Path:
    """The code on white, as the raw YUV 4:2:0 video Chromium's fake camera plays in a loop."""
    import io

    code = Image.open(io.BytesIO(png)).convert("RGB")
    picture = Image.new("RGB", (WIDTH, HEIGHT), "white")
    picture.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    luma, blue, red = picture.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    frame = b"FRAME\n" + luma.tobytes() + blue.resize(half).tobytes() + red.resize(half).tobytes()
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
                     + frame * frames)
    return path


@pytest.fixture
def camera_browser(chromium, tmp_path, create_event, create_invitee):  # type: ignore[no-untyped-def]
    """Chromium whose camera shows the check-in code of Dr. Petra Potz (accepted, one guest)."""
    event = create_event(capacity=10, max_guests=1)
    person = answer(create_invitee(event, last_name="Potz"), "accepted", guests=1)
    video = write_y4m(qr_png(checkin_code(person), scale=6), tmp_path / "code.y4m")
    # A browser of its own (the camera is chosen at launch), from the session's Playwright:
    # a second Playwright cannot run in the same thread.
    browser = chromium.browser_type.launch(executable_path=_chromium(), args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"])
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    yield context, event, person
    context.close()
    browser.close()


def test_the_scanner_reads_the_code_from_the_camera_and_checks_the_person_in(
        live_server, camera_browser, create_organiser, screenshot):
    context, event, person = camera_browser
    make_member(event, create_organiser("tuer@example.org", PASSWORD, name="Einlass Nord"),
                "checkin")
    context.grant_permissions(["camera"], origin=live_server)
    page = context.new_page()
    page.goto(f"{live_server}/events/{event.slug}/checkin")
    page.get_by_label("E-Mail-Adresse").fill("tuer@example.org")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).to_have_url(re.compile(r"/checkin$"))
    page.get_by_role("button", name="Kamera starten").click()
    result = page.locator("#scan-result.ok")
    # Starting the fake camera and decoding its frames took longer than expect's 5 s on a
    # loaded CI machine: wait as long as the context waits for an action.
    expect(result).to_be_visible(timeout=15_000)
    expect(result).to_contain_text("Eingecheckt")
    expect(result).to_contain_text("Potz")
    screenshot(page, "checkin-scanner")
    db.session.expire_all()
    [row] = db.session.scalars(select(CheckIn)).all()
    assert (row.invitee_id, row.guests, row.organiser.name) == (person.id, 1, "Einlass Nord")
