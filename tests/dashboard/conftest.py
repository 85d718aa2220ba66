"""A logged-in organiser's browser, for the dashboard's tests."""

import io
import re
import threading
from collections.abc import Iterator

import pytest
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.mailing.content_models import UpdateRound
from rsvp.mailing.models import Message
from rsvp.questions.services import add_questions, questions_from_file
from tests.conftest import csrf_token

#: A question for the URLs of the question editor's pages.
SOME_QUESTION = {"key": "diet", "type": "choice", "label": "Verpflegung",
                 "options": [{"key": "vegan", "de": "Vegan", "en": "Vegan"}]}

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


@pytest.fixture
def foreign(runner, create_event, create_invitee, create_organiser, smtp_server):  # type: ignore[no-untyped-def]
    """Another organiser's event with one invitee who was sent an invitation: the values its
    dashboard URLs are filled with."""
    event = create_event(owner="fremd@example.org")
    invitee = create_invitee(event, email="fremd-gast@example.org")
    question = add_questions(db.session, event, questions_from_file([SOME_QUESTION]))[0]
    # A message to a group, previewed and not sent: the announce draft pages' round_id.
    draft = UpdateRound(event_id=event.id, subject="Neu", body="Text", audience="all")
    db.session.add(draft)
    db.session.commit()
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    message = db.session.scalar(select(Message))
    smtp_server.clear()
    owner = event_member_id(event.id)
    return {"event_id": event.id, "slug": event.slug, "invitee_id": invitee.id,
            "message_id": message.id, "kind": "invitation", "language": "de", "plan_id": 1,
            "round_id": draft.id, "member_id": owner, "question_id": question.id}


def event_member_id(event_id: int) -> int:
    from rsvp.events.models import EventMember

    return db.session.scalar(select(EventMember.id).where(EventMember.event_id == event_id))


def fill_url(rule: str, values: dict) -> str:  # type: ignore[type-arg]
    """A rule's path with each argument (``<name>``, ``<int:name>``) replaced by its value."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule)


def event_urls(app: Flask, values: dict):  # type: ignore[no-untyped-def, type-arg]
    """Every dashboard route of one event: endpoint, methods and the URL filled from ``values``."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("dashboard.") and "slug" in rule.arguments:
            yield (rule.endpoint, sorted(rule.methods - {"HEAD", "OPTIONS"}),
                   fill_url(rule.rule, values))


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


def preview_answers(client, event, content: str | bytes, *, confirm: bool = True,  # type: ignore[no-untyped-def]
            name: str = "antworten.csv"):
    """Upload a file: the preview, nothing recorded yet."""
    url = f"/events/{event.slug}/answers/import"
    data = content.encode() if isinstance(content, str) else content
    fields = {"csrf_token": csrf_token(client.get(url).text), "file": (io.BytesIO(data), name)}
    if confirm:
        fields["confirm"] = "y"
    return client.post(url, data=fields, content_type="multipart/form-data")


def record_answers(client, event, page, *, confirm: bool = True):  # type: ignore[no-untyped-def]
    """Confirm a preview: the answers are recorded."""
    upload_id = re.search(r'name="upload" type="hidden" value="([0-9a-f]+)"', page.text)[1]
    fields = {"csrf_token": csrf_token(page.text), "upload": upload_id}
    if confirm:
        fields["confirm"] = "y"
    return client.post(f"/events/{event.slug}/answers/import/confirm", data=fields)


def upload_answers(client, event, text: str, *, confirm: bool = True):  # type: ignore[no-untyped-def]
    """Upload and confirm: what an organiser does who likes the preview."""
    return record_answers(client, event, preview_answers(client, event, text, confirm=confirm),
                          confirm=confirm)
