"""Reads outside a transaction (rsvp.extensions.reading, read_without_transaction): what the
invitee's page and the health check read, without the Session's bookkeeping and, on
PostgreSQL, without BEGIN and ROLLBACK around each read."""

import time

import pytest
from flask import request_finished
from sqlalchemy import select, text

from rsvp import create_app
from rsvp.extensions import db, read_without_transaction, reading
from rsvp.invitees.models import Invitee
from rsvp.tokens import make_token
from tests.conftest import skip_unless_sqlite


@pytest.fixture
def postgresql(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite starts no transaction for reads: nothing to spare there")


def _clock_moves(read) -> bool:  # type: ignore[no-untyped-def]
    """Whether now() moves between two reads: it stands still inside a transaction."""
    first = read(text("SELECT now()"))
    time.sleep(0.01)
    return read(text("SELECT now()")) > first


def test_a_read_takes_no_connection_from_the_session(app):
    with reading(db.session) as connection:
        assert connection.scalar(text("SELECT 1")) == 1
    assert not db.session().in_transaction()


def test_a_read_makes_no_session_where_the_request_has_none(app):
    db.session.remove()
    with reading(db.session) as connection:
        assert connection.scalar(text("SELECT 1")) == 1
    assert not db.session.registry.has()


def test_a_read_in_a_session_that_wrote_sees_what_it_wrote(create_event, create_invitee):
    invitee = create_invitee(create_event())
    invitee.first_name = "Noch nicht gespeichert"
    db.session.flush()
    with reading(db.session) as connection:
        name = connection.scalar(select(Invitee.first_name).where(Invitee.id == invitee.id))
    db.session.rollback()
    assert name == "Noch nicht gespeichert"


def test_a_read_on_postgresql_is_not_in_a_transaction(postgresql):
    with reading(db.session) as connection:
        assert _clock_moves(connection.scalar)


def test_the_sessions_reads_after_read_without_transaction_are_not_in_one(postgresql):
    read_without_transaction(db.session)
    assert _clock_moves(db.session.scalar)
    db.session.remove()


def test_the_sessions_reads_without_it_are_in_a_transaction(postgresql):
    assert not _clock_moves(db.session.scalar)
    db.session.remove()


def test_the_invitee_page_reads_nothing_else_through_the_session_once_its_event_is_kept(
        client, create_event, create_invitee):
    token = make_token(create_invitee(create_event()))
    assert client.get(f"/r/{token}").status_code == 200
    db.session.remove()
    assert client.get(f"/r/{token}").status_code == 200
    assert not db.session().in_transaction()


def test_the_invitee_page_on_sqlite_makes_no_session_once_its_event_is_kept(
        app, app_config, client, create_event, create_invitee):
    skip_unless_sqlite(app_config, "on PostgreSQL the page marks its session's reads")
    token = make_token(create_invitee(create_event()))
    assert client.get(f"/r/{token}").status_code == 200
    made = []

    def before_teardown(sender: object, response: object) -> None:
        made.append(db.session.registry.has())

    db.session.remove()
    with request_finished.connected_to(before_teardown, app):
        assert client.get(f"/r/{token}").status_code == 200
    assert made == [False]


def test_disposing_the_engine_closes_the_reads_connections(postgresql):
    with reading(db.session) as connection:
        pid = connection.scalar(text("SELECT pg_backend_pid()"))
    db.engine.dispose()
    with db.engine.connect() as connection:
        alive = connection.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                  {"pid": pid})
    assert alive == 0


def test_the_reads_connections_are_made_with_the_apps_engine_options(postgresql, app_config):
    options = {"connect_args": {"application_name": "rsvp-leser"}}
    other = create_app(app_config | {"SQLALCHEMY_ENGINE_OPTIONS": options})
    with other.app_context():
        try:
            with reading(db.session) as connection:
                name = connection.scalar(text("SELECT current_setting('application_name')"))
        finally:
            db.session.remove()
            db.engine.dispose()
    assert name == "rsvp-leser"
