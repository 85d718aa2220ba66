"""Fixtures: the app on a real database (SQLite, and PostgreSQL when configured), a real SMTP
server on loopback, and callables that create test data."""

import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import event, text

from rsvp import create_app
from rsvp.extensions import db
from tests import factories
from tests.smtp import SmtpServer

POSTGRES_ENV = "RSVP_TEST_POSTGRES_URL"


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CI") and not os.environ.get(POSTGRES_ENV):
        raise pytest.UsageError(f"CI must run the PostgreSQL tests: set {POSTGRES_ENV}")


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for SQLite (a fresh file per test), or the URL of a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        yield None
        return
    server_url = os.environ.get(POSTGRES_ENV)
    if not server_url:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    name = f"rsvp_test_{uuid.uuid4().hex[:10]}"
    admin_url = re.sub(r"^postgresql(\+\w+)?://", "postgresql://", server_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = server_url.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_postgres_schema_ready: set[str] = set()


@pytest.fixture
def stalled_smtp_port() -> Iterator[int]:
    """The port of a mail server that takes connections and never greets (a hung relay)."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def hold() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return
    threading.Thread(target=hold, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()
    for connection in held:
        connection.close()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def app_config(backend: str | None, smtp_server: SmtpServer, tmp_path) -> dict[str, object]:
    """Overrides for create_app; a test may change them before asking for ``app``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 16,
        "DATABASE_URL": backend or f"sqlite:///{tmp_path / 'rsvp.sqlite3'}",
        "BASE_URL": "http://rsvp.test",
        "SERVER_NAME": None,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_server.port,
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_DEFAULT_SENDER": "Konferenzbüro <einladung@rsvp.test>",
        "MAIL_TIMEOUT": 5,
        "MAIL_RETRY_BASE": 0.01,
        "MAIL_RETRY_MAX": 0.05,
        # Sender threads end as soon as their work is done, so a test can join them.
        "MAIL_SENDER_LINGER": 0,
    }


@pytest.fixture
def app(app_config: dict[str, object], tmp_path, monkeypatch) -> Iterator[Flask]:
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app(app_config)
    with application.app_context():
        url = str(app_config["DATABASE_URL"])
        if url.startswith("sqlite"):
            db.create_all()
        else:
            _reset_postgres(url)
        yield application
        join_background_senders()
        db.session.remove()
        db.engine.dispose()


def skip_unless_sqlite(app_config: dict[str, object], reason: str) -> None:
    """Skip a test of what only SQLite does (its write lock, the writers' queue beside it)."""
    if not str(app_config["DATABASE_URL"]).startswith("sqlite"):
        pytest.skip(reason)


def join_background_senders(timeout: float = 30.0) -> None:
    """Let mail sent after a request (an answer's confirmation) finish before the database goes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        senders = [t for t in threading.enumerate() if t.name.startswith("deliver-")]
        if not senders:
            return
        for thread in senders:
            thread.join(max(0.0, deadline - time.monotonic()))


def _reset_postgres(url: str) -> None:
    if url not in _postgres_schema_ready:
        db.create_all()
        _postgres_schema_ready.add(url)
        return
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def create_event(app: Flask):
    """A callable that creates an event (and optionally invitees) and returns it."""
    return factories.make_event


@pytest.fixture
def create_invitee(app: Flask):
    return factories.make_invitee


@pytest.fixture
def create_organiser(app: Flask):
    return factories.make_organiser


@contextmanager
def sql_sent() -> Iterator[list[str]]:
    """The SQL statements the block sends to the app's database, in order."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)
