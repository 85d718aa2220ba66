"""What the benchmarks share: a throwaway app and database, a sink process, timing, output."""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from rsvp import create_app
from rsvp.extensions import db

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("RSVP_BENCH_POSTGRES_URL",
                              os.environ.get("RSVP_TEST_POSTGRES_URL", ""))


def add_database_option(parser: argparse.ArgumentParser, *, both: bool = True) -> None:
    """``--database``: sqlite, postgresql, or (where ``both``, the default then) both."""
    if both:
        parser.add_argument("--database", choices=["sqlite", "postgresql", "both"],
                            default="both")
    else:
        parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")


def database_kinds(choice: str) -> list[str]:
    """The databases ``--database`` names; "both" is SQLite alone when no PostgreSQL is set."""
    if choice != "both":
        return [choice]
    if not POSTGRES_URL:
        print("RSVP_BENCH_POSTGRES_URL not set: SQLite only")
        return ["sqlite"]
    return ["sqlite", "postgresql"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SMTP_SINK = ROOT / "bench" / ".smtp-sink"


@contextmanager
def smtp_sink() -> Iterator[int]:
    """An SMTP server in its own process; yields its port.

    Postfix's ``smtp-sink`` (C, made for benchmarking SMTP clients; ``bench/get-smtp-sink``
    unpacks it from Debian's package), so that the sink is not what is measured: aiosmtpd
    takes ~2.8 ms of its own per 15 kB message, smtp-sink ~0.3 ms. It advertises PIPELINING
    like a real MTA. ``RSVP_BENCH_SINK=aiosmtpd`` uses the Python sink instead.
    """
    port = free_port()
    if os.environ.get("RSVP_BENCH_SINK") == "aiosmtpd":
        command = [sys.executable, "-m", "bench.smtp_sink", str(port)]
        env = None
    else:
        subprocess.run([str(ROOT / "bench" / "get-smtp-sink")], check=True)
        command = [str(SMTP_SINK / "usr/sbin/smtp-sink"), f"127.0.0.1:{port}", "1024"]
        if os.geteuid() == 0:
            command[1:1] = ["-u", "nobody"]
        env = {**os.environ, "LD_LIBRARY_PATH": str(SMTP_SINK / "usr/lib/postfix")}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        _wait_for_port(port, process)
        yield port
    finally:
        process.terminate()
        process.wait()


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the SMTP sink exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the SMTP sink did not start listening")


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
    """``count`` invitees, German and English, with titles and organisations.

    Ten people share a mail domain, as in a list of 10,000 municipalities or member
    organisations: the import checks each domain once, so one domain for all would flatter it.
    """
    lines = ["E-Mail;Anrede;Titel;Vorname;Nachname;Organisation;Sprache"]
    for i in range(count):
        language, salutation = ("de", "Frau") if i % 3 else ("en", "Mr")
        title = "Dr." if i % 5 == 0 else ""
        lines.append(f"person{i}@org{i // 10}.example.org;{salutation};{title};Vorname{i};"
                     f"Nachname{i};Organisation {i % 97};{language}")
    return ("\n".join(lines) + "\n").encode()


def p95(call: Callable[[], object], runs: int = 30) -> float:
    """95th percentile of ``runs`` timed calls, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.quantiles(times, n=20)[18]


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
