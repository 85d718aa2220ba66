"""A database that is locked or gone: a friendly 503 with Retry-After, and nothing half-written."""

import sqlite3

import pytest
from sqlalchemy import func, select

from rsvp import create_app
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.responses.models import Response, ResponseChange
from rsvp.tokens import make_token
from tests.conftest import csrf_token, skip_unless_sqlite


@pytest.fixture
def app_config(app_config):
    return app_config | {"DATABASE_BUSY_TIMEOUT": 0.3}


def test_an_answer_while_sqlite_is_locked_gets_503_and_writes_nothing(
        app, app_config, client, create_event, create_invitee):
    skip_unless_sqlite(app_config, "SQLite's write lock")
    token = make_token(create_invitee(create_event()))
    page = client.get(f"/r/{token}")
    other_writer = sqlite3.connect(str(app_config["DATABASE_URL"]).removeprefix("sqlite:///"))
    other_writer.execute("BEGIN EXCLUSIVE")
    try:
        result = client.post(f"/r/{token}", data={"csrf_token": csrf_token(page.text),
                                                  "response": "accepted", "guests": "0"})
    finally:
        other_writer.rollback()
        other_writer.close()
    assert result.status_code == 503
    assert result.headers["Retry-After"] == "30"
    assert "Traceback" not in result.text and "Vorübergehend nicht erreichbar" in result.text
    db.session.rollback()
    counts = [db.session.scalar(select(func.count()).select_from(m))
              for m in (Response, ResponseChange)]
    assert counts == [0, 0]


def test_an_unreachable_database_gets_a_friendly_503(tmp_path, monkeypatch):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 32,
                      "DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/gone"})
    with app.app_context():
        token = make_token(Invitee(id=1, nonce="abcdefghijklmnop"))
    result = app.test_client().get(f"/r/{token}", headers={"Accept-Language": "en"})
    assert result.status_code == 503
    assert result.headers["Retry-After"] == "30"
    assert "Briefly unavailable" in result.text
