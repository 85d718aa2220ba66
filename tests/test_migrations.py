"""The migrations create exactly what the models describe."""

import os
import re
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine

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
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index:sqlalchemy.exc.SAWarning")
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
