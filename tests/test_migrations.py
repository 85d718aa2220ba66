"""The migrations create exactly what the models describe."""

import os
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import Boolean, DateTime, Integer, MetaData, Table, create_engine

from rsvp import create_app
from rsvp.extensions import db
from rsvp.paths import MIGRATIONS_DIR
from tests.conftest import POSTGRES_ENV


@pytest.fixture
def empty_database(backend: str | None, tmp_path) -> Iterator[str]:
    """A database nobody else uses: the suite's shared PostgreSQL schema must stay intact."""
    if backend is None:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    server_url = os.environ[POSTGRES_ENV]
    admin_url = re.sub(r"^postgresql(\+\w+)?://", "postgresql://", server_url)
    name = f"rsvp_migrate_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{server_url.rpartition('/')[0]}/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# SQLAlchemy cannot reflect SQLite's expression index (ix_invitee_event_search_text), so it
# is left out of the comparison there and checked by name below.
ignore_expression_index = pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning")


@ignore_expression_index
def test_upgrading_an_empty_database_matches_the_models(empty_database, tmp_path, monkeypatch):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x" * 32})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
            sqlite = conn.dialect.name == "sqlite"
            expression_indexes = {name for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '%||%'")
            } if sqlite else set()
        engine.dispose()
        db.engine.dispose()
    assert differences == []
    if sqlite:
        assert expression_indexes == {"ix_invitee_event_search_text"}


MESSAGE_REFERENCES = "c4d5e6f7a8b9"


def _insert(conn, table_name: str, **values) -> int:
    """Insert one row, with placeholder values for the required columns not given."""
    table = Table(table_name, MetaData(), autoload_with=conn)
    filler = {Integer: 0, Boolean: False, DateTime: datetime(2026, 1, 1, tzinfo=UTC)}
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key:
            continue
        kind = next((v for t, v in filler.items() if isinstance(column.type, t)), None)
        values[column.name] = "" if kind is None else kind
    return conn.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()


def _message_rows(conn, *columns: str) -> list[tuple]:
    names = ", ".join(columns)
    return [tuple(row) for row in conn.exec_driver_sql(f"SELECT {names} FROM message ORDER BY id")]


def _old_messages(conn) -> dict[str, int]:
    """An event with one invitee, an answer, an update round, and a message of each sort."""
    event = _insert(conn, "event", slug="e", timezone="Europe/Berlin", language="de",
                    link_policy="personal")
    invitee = _insert(conn, "invitee", event_id=event, email="a@example.org",
                      email_key="a@example.org")
    change = _insert(conn, "response_change", event_id=event, invitee_id=invitee,
                     actor="invitee", new_answer="accepted", new_guests=0)
    update = _insert(conn, "update_round", event_id=event)
    for kind, key in [("invitation", "invitation"), ("confirmation", f"confirmation:{change}"),
                      ("confirmation", "confirmation:999"), ("update", f"update:{update}"),
                      ("update", "update:998"), ("invitation", None)]:
        _insert(conn, "message", event_id=event, invitee_id=invitee, kind=kind, dedup_key=key,
                status="sent")
    return {"change": change, "update": update}


@ignore_expression_index
def test_the_message_references_migration_turns_text_into_foreign_keys_and_back(
        empty_database, tmp_path, monkeypatch):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x" * 32})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision=f"{MESSAGE_REFERENCES}-1")
        with db.engine.begin() as conn:
            ids = _old_messages(conn)
        upgrade(directory=str(MIGRATIONS_DIR), revision=MESSAGE_REFERENCES)
        with db.engine.begin() as conn:
            upgraded = _message_rows(conn, "dedup_key", "response_change_id", "update_round_id")
        downgrade(directory=str(MIGRATIONS_DIR), revision=f"{MESSAGE_REFERENCES}-1")
        with db.engine.begin() as conn:
            downgraded = _message_rows(conn, "dedup_key")
        db.engine.dispose()
    assert upgraded == [("invitation", None, None), (None, ids["change"], None),
                        (None, None, None), (None, None, ids["update"]), (None, None, None),
                        (None, None, None)]
    assert downgraded == [("invitation",), (f"confirmation:{ids['change']}",), (None,),
                          (f"update:{ids['update']}",), (None,), (None,)]


UNOWNED_TO_ADMINS = "b2c3d4e5f6a7"


def _members_after_giving_unowned_events_to_admins(admins: int) -> tuple[dict, list]:
    """Upgrade to just before the migration, add organisers and two events (one with a team),
    upgrade through it; the ids made and the event_member rows afterwards."""
    upgrade(directory=str(MIGRATIONS_DIR), revision=f"{UNOWNED_TO_ADMINS}-1")
    with db.engine.begin() as conn:
        ids = {f"admin{n}": _insert(conn, "organiser", email=f"admin{n}@example.org",
                                    is_admin=True) for n in range(admins)}
        ids["plain"] = _insert(conn, "organiser", email="buero@example.org", is_admin=False)
        for slug in ("unowned", "owned"):
            ids[slug] = _insert(conn, "event", slug=slug, timezone="Europe/Berlin",
                                language="de", link_policy="personal")
        _insert(conn, "event_member", event_id=ids["owned"], organiser_id=ids["plain"],
                role="owner")
    upgrade(directory=str(MIGRATIONS_DIR), revision=UNOWNED_TO_ADMINS)
    with db.engine.begin() as conn:
        rows = [tuple(row) for row in conn.exec_driver_sql(
            "SELECT event_id, organiser_id, role FROM event_member")]
    db.engine.dispose()
    return ids, rows


@ignore_expression_index
def test_the_unowned_events_migration_makes_every_admin_an_owner_of_each_teamless_event(
        empty_database, tmp_path, monkeypatch):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x" * 32})
    with app.app_context():
        ids, rows = _members_after_giving_unowned_events_to_admins(admins=2)
    assert sorted(rows) == sorted([
        (ids["unowned"], ids["admin0"], "owner"), (ids["unowned"], ids["admin1"], "owner"),
        (ids["owned"], ids["plain"], "owner")])


@ignore_expression_index
def test_without_an_admin_the_unowned_events_migration_leaves_them_without_a_team(
        empty_database, tmp_path, monkeypatch):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x" * 32})
    with app.app_context():
        ids, rows = _members_after_giving_unowned_events_to_admins(admins=0)
    assert rows == [(ids["owned"], ids["plain"], "owner")]
