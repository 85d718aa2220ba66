"""What the benchmarks share: a throwaway app and database, a sink process, timing, output."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from rsvp import create_app
from rsvp.extensions import db

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("RSVP_BENCH_POSTGRES_URL",
                              os.environ.get("RSVP_TEST_POSTGRES_URL", ""))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_sink() -> Iterator[int]:
    """An SMTP server in its own process; yields its port."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bench.smtp_sink", str(port)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        yield port
    finally:
        process.terminate()
        process.wait()


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh database URL: a SQLite file, or a throwaway PostgreSQL database."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    import psycopg

    if not POSTGRES_URL:
        raise RuntimeError("set RSVP_BENCH_POSTGRES_URL (or RSVP_TEST_POSTGRES_URL)")
    name = f"rsvp_bench_{uuid.uuid4().hex[:8]}"
    admin = re.sub(r"^postgresql(\+\w+)?://", "postgresql://", POSTGRES_URL)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_URL.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_app(url: str, **overrides: object) -> Flask:
    """The app on ``url`` with its tables created."""
    os.environ.setdefault("RSVP_INSTANCE_PATH", tempfile.mkdtemp(prefix="rsvp-bench-"))
    app = create_app({"SECRET_KEY": "bench-" + "x" * 32, "DATABASE_URL": url,
                      "BASE_URL": "https://rsvp.example.org", **overrides})
    with app.app_context():
        db.create_all()
    return app


def people_csv(count: int) -> bytes:
    """``count`` invitees, German and English, with titles and organisations."""
    lines = ["E-Mail;Anrede;Titel;Vorname;Nachname;Organisation;Sprache"]
    for i in range(count):
        language, salutation = ("de", "Frau") if i % 3 else ("en", "Mr")
        lines.append(f"person{i}@example.org;{salutation};{'Dr.' if i % 5 == 0 else ''};"
                     f"Vorname{i};Nachname{i};Organisation {i % 97};{language}")
    return ("\n".join(lines) + "\n").encode()


class Timer:
    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> "Timer":
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def result(name: str, figure: float, unit: str, baseline: float, higher_is_better: bool = True,
           ) -> None:
    """The one comparable line every benchmark ends with."""
    ratio = figure / baseline if higher_is_better else baseline / figure
    print(f"bench {name}: {figure:.1f} {unit} ({ratio:.2f}x baseline)", flush=True)
