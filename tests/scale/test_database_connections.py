"""Pooled PostgreSQL connections the server dropped: tested after an idle spell, not before
every use (rsvp.extensions.ping_after_idle)."""

import os
import re
import time

import psycopg
import pytest

from rsvp.extensions import db
from tests.conftest import POSTGRES_ENV


@pytest.fixture
def app_config(app_config):
    return app_config | {"DATABASE_PING_AFTER_IDLE": 0.2}


def drop_the_apps_connections() -> None:
    """What a restarted server or a firewall's idle timeout does to the pool's connections."""
    # The test client shares the test's app context: end its session as a request's
    # teardown would, so its connection goes back to the pool.
    db.session.remove()
    admin = re.sub(r"^postgresql(\+\w+)?://", "postgresql://", os.environ[POSTGRES_ENV])
    name = db.engine.url.database
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))


def test_a_connection_dropped_while_idle_is_replaced_before_a_page_uses_it(client):
    assert client.get("/healthz").status_code == 200
    drop_the_apps_connections()
    time.sleep(0.3)
    assert client.get("/healthz").status_code == 200


def test_a_connection_dropped_in_mid_traffic_fails_one_request_with_a_page_to_try_again(
        client):
    assert client.get("/healthz").status_code == 200
    drop_the_apps_connections()
    failed = client.get("/healthz")
    db.session.remove()
    assert failed.status_code == 503
    assert failed.headers["Retry-After"] == "30"
    assert client.get("/healthz").status_code == 200
