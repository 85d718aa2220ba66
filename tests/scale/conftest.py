"""Fixtures for the tests with real worker processes: PostgreSQL only (a database shared
between processes), Redis as the broker, and `rsvp worker` processes pointed at both."""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from sqlalchemy import func, select

from rsvp.extensions import db
from rsvp.invitees.services import import_invitees
from rsvp.mailing.models import Message
from tests.conftest import POSTGRES_ENV

REDIS_ENV = "RSVP_TEST_REDIS_URL"
RSVP = str(Path(sys.executable).with_name("rsvp"))


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the worker tests: {what}")
    pytest.skip(what)


@pytest.fixture(scope="session")
def backend() -> Iterator[str]:
    """A throwaway PostgreSQL database: worker processes and the test must share one."""
    server_url = os.environ.get(POSTGRES_ENV)
    if not server_url:
        _missing(f"{POSTGRES_ENV} is not set")
    name = f"rsvp_scale_{uuid.uuid4().hex[:10]}"
    admin_url = re.sub(r"^postgresql(\+\w+)?://", "postgresql://", server_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{server_url.rpartition('/')[0]}/{name}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url() -> str:
    """The tests' Redis database (reachable, or the test fails in CI)."""
    url = os.environ.get(REDIS_ENV)
    if not url:
        _missing(f"{REDIS_ENV} is not set")
    client = redis.Redis.from_url(url)
    try:
        # Each test has its own queue (CELERY_QUEUE below): nothing to empty, and another
        # run on the same Redis keeps its tasks.
        client.ping()
    except redis.ConnectionError as exc:
        _missing(f"Redis at {url} is unreachable: {exc}")
    finally:
        client.close()
    return url


@pytest.fixture
def app_config(app_config: dict[str, object], redis_url: str) -> dict[str, object]:
    return {
        **app_config,
        "CELERY_BROKER_URL": redis_url,
        # A queue of its own: another run on the same Redis must not take this test's tasks.
        "CELERY_QUEUE": f"rsvp-test-{uuid.uuid4().hex[:10]}",
        "CELERY_CHUNK_SIZE": 100,
        # Short enough that a killed worker's messages come back within the test.
        "CELERY_VISIBILITY_TIMEOUT": 6,
        "MAIL_CLAIM_TIMEOUT": 3,
        "MAIL_RETRY_BASE": 0.2,
        "MAIL_RETRY_MAX": 1.0,
    }


def worker_env(config: dict[str, object], instance: Path) -> dict[str, str]:
    """The environment of a process that sees the test's database, SMTP server and broker."""
    keys = ["DATABASE_URL", "SECRET_KEY", "BASE_URL", "MAIL_SERVER", "MAIL_PORT",
            "MAIL_DEFAULT_SENDER", "MAIL_TIMEOUT", "MAIL_RETRY_BASE", "MAIL_RETRY_MAX",
            "MAIL_CLAIM_TIMEOUT", "CELERY_BROKER_URL", "CELERY_QUEUE", "CELERY_CHUNK_SIZE",
            "CELERY_VISIBILITY_TIMEOUT"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("RSVP_")}
    env.update({f"RSVP_{key}": str(config[key]) for key in keys})
    env["RSVP_INSTANCE_PATH"] = str(instance)
    return env


class Workers:
    """`rsvp worker` processes, each its own process group so it can be killed outright."""

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.env = env
        self.logs = logs
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [RSVP, "worker", "--pool", "solo", "--hostname", f"{name}@%h", "--without-gossip",
             "--without-mingle", "--without-heartbeat"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.processes[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL: no chance to clean up, as when a machine dies."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def log(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.logs.glob("*.log")))


@pytest.fixture
def workers(app, app_config: dict[str, object], tmp_path: Path) -> Iterator[Workers]:
    logs = tmp_path / "worker-logs"
    logs.mkdir()
    started = Workers(worker_env(app_config, tmp_path / "instance"), logs)
    yield started
    started.stop_all()


@pytest.fixture
def import_people(app) -> Callable[..., None]:
    """A callable that adds ``count`` invitees to an event through the CSV import."""

    def add(event, count: int) -> None:
        lines = ["email,first_name,last_name,language"]
        lines += [f"person{i}@example.org,Vorname,Person{i},de" for i in range(1, count + 1)]
        import_invitees(db.session, event, "\n".join(lines).encode())
        db.session.commit()
    return add


def wait_until_final(timeout: float, workers: Workers | None = None) -> dict[str, int]:
    """Wait until no message is queued or sending; returns the count per status."""
    deadline = time.monotonic() + timeout
    while True:
        counts = {str(status): n for status, n in db.session.execute(
            select(Message.status, func.count()).group_by(Message.status)).all()}
        db.session.rollback()
        if not counts.get("queued") and not counts.get("sending"):
            return counts
        if time.monotonic() > deadline:
            log = workers.log() if workers else ""
            raise AssertionError(f"still unfinished after {timeout}s: {counts}\n{log}")
        time.sleep(0.2)
