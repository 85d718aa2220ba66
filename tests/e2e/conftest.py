"""A real server thread and headless Chromium (Debian's package) driven by Playwright."""

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.dashboard.conftest import background_deliveries_finish  # noqa: F401
from tests.smtp import free_port

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def _chromium() -> str:
    path = os.environ.get("RSVP_TEST_CHROMIUM") or shutil.which("chromium")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser tests: install Debian's chromium (.ci/run does)")
    pytest.skip("chromium is not installed (apt-get install chromium)")


@pytest.fixture
def server_port() -> int:
    return free_port()


@pytest.fixture
def app_config(app_config: dict[str, object], server_port: int) -> dict[str, object]:
    """Links in emails point at the live server, so the browser can follow them."""
    return {**app_config, "BASE_URL": f"http://127.0.0.1:{server_port}"}


@pytest.fixture
def live_server(app: Flask, server_port: int) -> Iterator[str]:
    """The app served over HTTP on loopback by werkzeug in a thread; yields its base URL."""
    server = make_server("127.0.0.1", server_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_context(chromium):  # type: ignore[no-untyped-def]
    """A fresh browser profile per test: a German-speaking organiser on a laptop screen."""
    context = chromium.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def screenshot():  # type: ignore[no-untyped-def]
    """Save a full-page screenshot to test-artifacts/<name>.png (looked at by people)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:  # type: ignore[no-untyped-def]
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
