"""The migrations create exactly what the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine

from rsvp import create_app
from rsvp.extensions import db
from rsvp.paths import MIGRATIONS_DIR


def test_upgrading_an_empty_database_matches_the_models(backend, tmp_path, monkeypatch):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    url = backend or f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x" * 32})
    with app.app_context():
        if backend:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(directory=str(MIGRATIONS_DIR))
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
        engine.dispose()
        if backend:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()
    assert differences == []
