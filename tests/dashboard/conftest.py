"""A logged-in organiser's browser, for the dashboard's tests."""

import threading
from collections.abc import Iterator

import pytest
from flask import Flask, g, request_started
from flask.testing import FlaskClient

from tests.conftest import csrf_token

PASSWORD = "ein-langes-passwort"


def log_in(client: FlaskClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf_token(page.text), "email": email,
                                       "password": password})


def _forget_g(sender: Flask, **_extra: object) -> None:
    g.__dict__.clear()


@pytest.fixture(autouse=True)
def fresh_g_per_request(app: Flask) -> Iterator[None]:
    """Give each test request an empty ``g``, as a real server does.

    The ``app`` fixture keeps an app context pushed for the whole test, and Flask reuses it for
    the client's requests; Flask-Login and Flask-WTF cache the user and CSRF token in ``g``.
    """
    request_started.connect(_forget_g, app)
    yield
    request_started.disconnect(_forget_g, app)


def join_deliveries(timeout: float = 30.0) -> None:
    """Wait for every background delivery thread to end (they hold database connections)."""
    for thread in threading.enumerate():
        if thread.name.startswith("deliver-"):
            thread.join(timeout)


@pytest.fixture(autouse=True)
def background_deliveries_finish(app: Flask) -> Iterator[None]:
    """Let sends started by a test end before its database goes away."""
    yield
    join_deliveries()


@pytest.fixture
def organiser(create_organiser):  # type: ignore[no-untyped-def]
    return create_organiser("buero@example.org", PASSWORD)


@pytest.fixture
def organiser_client(client: FlaskClient, organiser) -> FlaskClient:  # type: ignore[no-untyped-def]
    """The test client, logged in as ``organiser``."""
    response = log_in(client, organiser.email)
    assert response.status_code == 303, response.text
    return client


def post_form(client: FlaskClient, page_url: str, action: str | None = None,
              **fields: object):  # type: ignore[no-untyped-def]
    """Open a page, take its CSRF token and post ``fields`` to ``action`` (default: the page)."""
    page = client.get(page_url)
    assert page.status_code == 200, page.text
    return client.post(action or page_url, data={"csrf_token": csrf_token(page.text), **fields})


def wait_until(condition, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    """Poll ``condition`` until it returns something true (background sends), or fail."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def form_data(html: str, action: str) -> dict[str, str]:
    """The hidden and filled-in values of the form on a page posting to ``action``."""
    import re
    forms = re.findall(r"<form([^>]*)>(.*?)</form>", html, re.S)
    body = next((b for attrs, b in forms if f'action="{action}"' in attrs), None)
    assert body, f"no form posting to {action}"
    return dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', body))


def preview_announcement(client: FlaskClient, slug: str, **fields: object) -> str:
    """Write a message to a group and show its preview: the draft page's address."""
    result = post_form(client, f"/events/{slug}/announce", **fields)
    assert result.status_code == 303, result.text
    return result.headers["Location"]


def send_announcement(client: FlaskClient, slug: str, **fields: object):  # type: ignore[no-untyped-def]
    """Write, preview and send a message to a group, as the announce page's two steps do."""
    draft = preview_announcement(client, slug, **fields)
    return client.post(f"{draft}/send", data=form_data(client.get(draft).text, f"{draft}/send"))
