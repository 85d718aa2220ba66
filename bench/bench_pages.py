"""Invitee pages: GET and POST /r/<token> under gunicorn (2 workers) on SQLite and PostgreSQL,
against a bare Flask endpoint under the same setup. A small threaded load generator on
loopback, bounded in time, measures requests per second and the 99th percentile, after a
warm-up (a new worker's first requests compile templates and statements), and the server's
CPU time per request.

The app's own floor is measured beside the pages: ``/healthz``, which runs ``SELECT 1``
through the same app, extensions and database session and renders nothing. No page of the
app can be faster than that, so its share of the bare endpoint bounds what the pages can
reach on this machine.

The peer is a minimal Flask RSVP app in the style of the simple ones on GitHub
(``bench/peer_app.py``: a stored random token, one query, a small template, a plain form, no
CSRF), in the same database under the same gunicorn and load: ``bench page-get-peer-<db>``
is our GET's rate against its page's.

The floor, our GET and the peer's page are measured in turns, ROUNDS times each with all
three servers up: this machine's speed drifts by a third within a minute, and a ratio of two
figures taken a minute apart measured the drift as much as the pages. Each figure is the
median of its rounds, each ratio the median of the rounds' own ratios. The answers are
measured the same way, in turns with their own server's floor (an answer changes the page
the GET shows, so they come after it, on a server of their own).
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from bench.common import (
    ROOT,
    add_database_option,
    bench_app,
    database,
    database_kinds,
    free_port,
    people_csv,
    result,
    smtp_sink,
)

GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
REDIS_URL = os.environ.get("RSVP_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SECONDS = 4.0
#: The floor, the GET and the peer: in turns, each this many times for SECONDS / ROUNDS.
ROUNDS = 3
WARM_UP_SECONDS = 0.5
CLIENTS = 4


@contextmanager
def served(target: str, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen, int]]:
    """gunicorn serving ``target`` until the block ends; its process and port."""
    port = free_port()
    process = subprocess.Popen([GUNICORN, "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level",
                                "warning", target], cwd=ROOT, env={**os.environ, **env})
    try:
        _wait_until_served(process, port, target)
        yield process, port
    finally:
        process.terminate()
        process.wait()


def _wait_until_served(process: subprocess.Popen, port: int, target: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn {target} did not start")


def request(port: int, method: str, path: str, body: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, text, dict(response.getheaders())


@dataclass(frozen=True)
class Figures:
    rate: float
    #: 99th percentile of the latency, in ms.
    p99: float
    #: CPU time of the server's processes per request, in ms (None where /proc is missing).
    server_cpu: float | None
    #: The rates of the rounds, in the order measured (one for a page not measured in turns).
    rounds: tuple[float, ...] = ()
    #: Answers' confirmations still queued when the load ended (the built-in sender's POST):
    #: a sender falling behind defers its work past the measurement and flatters the rate.
    queued: int | None = None


def measure(server: subprocess.Popen, make_request: Callable[[int], None],
            seconds: float = SECONDS) -> Figures:
    """Warm the server up, then load it for ``seconds``, timing its CPU."""
    _load(make_request, WARM_UP_SECONDS)
    before = _tree_cpu(server.pid)
    count, elapsed, p99 = _load(make_request, seconds)
    after = _tree_cpu(server.pid)
    cpu = None if before is None or after is None else (after - before) / count * 1000
    return Figures(count / elapsed, p99, cpu, (count / elapsed,))


def in_turns(pages: dict[str, tuple[subprocess.Popen, Callable[[int], None]]],
             settle: Callable[[], int] | None = None) -> dict[str, Figures]:
    """Each page measured ROUNDS times, the pages taking turns; the median of each figure.

    ``settle``, if given, runs after each round untimed and returns what that round left
    undone (confirmations still queued); their sum is the figures' ``queued``.
    """
    taken: dict[str, list[Figures]] = {name: [] for name in pages}
    left = 0
    for _ in range(ROUNDS):
        for name, (server, make_request) in pages.items():
            taken[name].append(measure(server, make_request, SECONDS / ROUNDS))
            left += settle() if settle else 0
    return {name: Figures(statistics.median(f.rate for f in figures),
                          statistics.median(f.p99 for f in figures),
                          _median_cpu(figures), tuple(f.rate for f in figures),
                          left if settle else None)
            for name, figures in taken.items()}


def _median_cpu(figures: list[Figures]) -> float | None:
    cpu = [f.server_cpu for f in figures if f.server_cpu is not None]
    return statistics.median(cpu) if cpu else None


def ratio(page: Figures, other: Figures) -> float:
    """``page``'s rate against ``other``'s: the median of the rounds' ratios when both were
    measured in the same turns, else of the two rates."""
    if len(page.rounds) == len(other.rounds) > 1:
        return statistics.median(a / b for a, b in zip(page.rounds, other.rounds, strict=True))
    return page.rate / other.rate


def _tree_cpu(pid: int) -> float | None:
    """User and system CPU seconds of a process and its children (gunicorn's workers)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            pids = [pid, *map(int, children.read().split())]
        total = 0
        for each in pids:
            with open(f"/proc/{each}/stat") as stat:
                fields = stat.read().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])
    except OSError:
        return None
    return total / os.sysconf("SC_CLK_TCK")


def _load(make_request: Callable[[int], None], seconds: float) -> tuple[int, float, float]:
    """Requests made, seconds taken and p99 latency (ms) of CLIENTS threads for ``seconds``."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        mine = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            make_request(number)
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return len(latencies), elapsed, statistics.quantiles(latencies, n=100)[98] * 1000


def expect(status: int, wanted: int, text: str) -> None:
    if status != wanted:
        raise RuntimeError(f"expected {wanted}, got {status}: {text[:300]}")


def rsvp_pages(kind: str, sink_port: int, get_only: bool = False) -> dict[str, Figures]:
    with database(kind) as url:
        tokens, env = _seeded(url, sink_port)
        figures = _in_turns_with_peer(url, tokens, env)
        if not get_only:
            figures.update(_answers_in_turns(env, tokens, "post", lambda: _settled(url)))
        with celery_queue() as broker:
            if broker and not get_only:
                figures.update(_answers_in_turns(env | broker, tokens, "post-broker"))
        return figures


def _answers_in_turns(env: dict[str, str], tokens: list[str], name: str,
                      settle: Callable[[], int] | None = None) -> dict[str, Figures]:
    """The answers and the same server's floor, in turns (``floor-<name>``): the share of the
    floor a rate drifting by a third within a minute can be trusted with. ``settle`` as for
    ``in_turns``: a round's backlog of mail must not be sent in the next round's time."""
    with served("rsvp:create_app()", env) as (process, port):
        return in_turns({f"floor-{name}": (process, lambda n: get_health(port)),
                         name: (process, post_answers(port, tokens))}, settle)


def _settled(url: str) -> int:
    """Confirmations queued when a round ended, after waiting (up to 20 s) for them to go."""
    from sqlalchemy import create_engine, func, select

    from rsvp.mailing.models import Message, MessageStatus

    count = select(func.count()).select_from(Message).where(
        Message.status == MessageStatus.QUEUED)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            left = queued = int(connection.scalar(count) or 0)
            deadline = time.monotonic() + 20
            while queued and time.monotonic() < deadline:
                time.sleep(0.1)
                connection.rollback()
                queued = int(connection.scalar(count) or 0)
    finally:
        engine.dispose()
    return left


def _seeded(url: str, sink_port: int) -> tuple[list[str], dict[str, str]]:
    """An event with invitees in the database at ``url``: their tokens, and the app's
    settings for gunicorn."""
    app = bench_app(url, MAIL_PORT=sink_port)
    with app.app_context():
        from bench.bench_send import make_event
        from rsvp.extensions import db
        from rsvp.invitees.models import Invitee
        from rsvp.invitees.services import import_invitees
        from rsvp.tokens import make_token

        event = make_event()
        import_invitees(db.session, event, people_csv(CLIENTS * 4))
        db.session.commit()
        tokens = [make_token(i) for i in db.session.query(Invitee).order_by(Invitee.id)]
    env = {"RSVP_DATABASE_URL": url, "RSVP_SECRET_KEY": app.config["SECRET_KEY"],
           "RSVP_MAIL_PORT": str(sink_port), "RSVP_BASE_URL": "https://rsvp.example.org",
           "RSVP_INSTANCE_PATH": os.environ["RSVP_INSTANCE_PATH"],
           # The answer form's brake against abuse would answer 429 to a load test.
           "RSVP_RATELIMIT_ENABLED": "false"}
    return tokens, env


def _in_turns_with_peer(url: str, tokens: list[str], env: dict[str, str]) -> dict[str, Figures]:
    """The floor, the GET and the peer's page (bench/peer_app.py, in the same database under
    the same gunicorn and load), in turns."""
    from bench.peer_app import seed

    peer_tokens = seed(url, CLIENTS * 4)
    with (served("rsvp:create_app()", env) as (process, port),
          served("bench.peer_app:app", {"PEER_DATABASE_URL": url}) as (peer, peer_port)):
        return in_turns({
            "floor": (process, lambda n: get_health(port)),
            "get": (process, lambda n: get_page(port, tokens[n])),
            "peer": (peer, lambda n: expect(
                *request(peer_port, "GET", f"/rsvp/{peer_tokens[n]}")[:1], 200, "")),
        })


@dataclass(frozen=True)
class Page:
    label: str
    #: The bare endpoint's method it is compared with.
    baseline: str
    #: The share of the app's floor (/healthz) wanted, and the p99 bound in ms.
    goal: float
    p99: float


#: What is measured, by the name of its `bench` line. "post-broker" is the answers again
#: with a Celery broker: the confirmations go to workers on other machines (none runs here),
#: as in the at-scale setup, instead of the app's sender threads.
PAGES = {
    "get": Page("GET /r/<token>", "GET", 0.6, 20),
    "post": Page("POST /r/<token>", "POST", 0.25, 50),
    "post-broker": Page("POST /r/<token>, confirmations to Celery (no worker on this machine)",
                        "POST", 0.25, 50),
}


@contextmanager
def celery_queue() -> Iterator[dict[str, str]]:
    """The settings of a throwaway Celery queue on Redis, deleted afterwards; none (and the
    measurement skipped) when Redis does not answer."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        print(f"(the answers with a broker skipped: no Redis at {REDIS_URL}: {exc})")
        yield {}
        return
    queue = f"rsvp-bench-{uuid.uuid4().hex[:8]}"
    try:
        yield {"RSVP_CELERY_BROKER_URL": REDIS_URL, "RSVP_CELERY_QUEUE": queue}
    finally:
        # The queue's list and kombu's bindings for it.
        client.delete(queue, *client.scan_iter(f"_kombu.binding*.{queue}"))


def get_health(port: int) -> None:
    status, text, _ = request(port, "GET", "/healthz")
    expect(status, 200, text)


def get_page(port: int, token: str) -> None:
    status, text, _ = request(port, "GET", f"/r/{token}")
    expect(status, 200, text)


def post_answers(port: int, tokens: list[str]) -> Callable[[int], None]:
    """Each client answers for its own invitee, alternating so every POST changes the answer."""
    forms = {}
    for number in range(CLIENTS):
        status, text, headers = request(port, "GET", f"/r/{tokens[number]}")
        expect(status, 200, text)
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text)
        assert csrf, "the page has no form"
        # The page sets no cookie; a browser that has one (after an answer's flash) sends it.
        forms[number] = (csrf.group(1), headers.get("Set-Cookie", "").split(";")[0])
    turns = [0] * CLIENTS

    def post(number: int) -> None:
        csrf, cookie = forms[number]
        turns[number] += 1
        answer = "accepted" if turns[number] % 2 else "declined"
        body = urlencode({"csrf_token": csrf, "response": answer, "guests": "0", "comment": ""})
        status, text, _ = request(port, "POST", f"/r/{tokens[number]}", body, {
            "Content-Type": "application/x-www-form-urlencoded",
            **({"Cookie": cookie} if cookie else {})})
        expect(status, 303, text)
    return post


def bare() -> dict[str, Figures]:
    with served("bench.bare_app:app", {}) as (process, port):
        return {"GET": measure(process, lambda n: expect(
                    *request(port, "GET", "/bare")[:1], 200, "")),
                "POST": measure(process, lambda n: expect(*request(port, "POST", "/bare", "a=1", {
                    "Content-Type": "application/x-www-form-urlencoded"})[:1], 200, ""))}


def main() -> None:
    parser = argparse.ArgumentParser()
    add_database_option(parser)
    parser.add_argument("--get-only", action="store_true",
                        help="the floor, GET and the peer only (no answers): for profiling runs")
    args = parser.parse_args()
    kinds = database_kinds(args.database)
    baseline = bare()
    for method, figures in baseline.items():
        print(f"baseline bare Flask {method}: {figures.rate:.0f} req/s, p99 {figures.p99:.1f} ms,"
              f" server CPU {_ms(figures.server_cpu)} per request")
    with smtp_sink() as sink_port:
        for kind in kinds:
            report(kind, baseline, rsvp_pages(kind, sink_port, args.get_only))


def report(kind: str, baseline: dict[str, Figures], pages: dict[str, Figures]) -> None:
    floor, peer = pages.pop("floor"), pages.pop("peer")
    print(f"[{kind}] floor: /healthz (SELECT 1 through the app, nothing rendered): "
          f"{floor.rate:.0f} req/s ({floor.rate / baseline['GET'].rate:.0%} of bare), "
          f"p99 {floor.p99:.1f} ms, server CPU {_ms(floor.server_cpu)} per request")
    print(f"[{kind}] peer: a minimal Flask RSVP page (bench/peer_app.py): {peer.rate:.0f} req/s "
          f"({peer.rate / baseline['GET'].rate:.0%} of bare), p99 {peer.p99:.1f} ms, "
          f"server CPU {_ms(peer.server_cpu)} per request")
    floors = {name: pages.pop(f"floor-{name}", floor) for name in list(pages)
              if not name.startswith("floor-")}
    for name, figures in pages.items():
        page = PAGES[name]
        share = ratio(figures, floors[name])
        verdict = "met" if share >= page.goal and figures.p99 < page.p99 else "MISSED"
        print(f"[{kind}] {page.label}: {figures.rate:.0f} req/s ({share:.0%} of the floor, "
              f"target {page.goal:.0%}; {figures.rate / baseline[page.baseline].rate:.0%} of "
              f"bare), p99 {figures.p99:.1f} ms (target < {page.p99:.0f} ms), server CPU "
              f"{_ms(figures.server_cpu)} per request: {verdict}")
        if floors[name] is not floor:
            print(f"[{kind}] {page.label}: measured in turns with its own server's floor, "
                  f"{floors[name].rate:.0f} req/s (rounds {_rounds(figures, floors[name])})")
        if figures.queued is not None:
            print(f"[{kind}] {page.label}: {figures.queued} confirmations still queued at the "
                  f"rounds' ends (sent before the next round), of about "
                  f"{figures.rate * (SECONDS + ROUNDS * WARM_UP_SECONDS):.0f} answers")
    get = pages["get"]
    against_peer = ratio(get, peer)
    print(f"[{kind}] GET against the peer: {against_peer:.2f}x (target 1.00x; rounds "
          f"{_rounds(get, peer)}): {'met' if against_peer >= 1 else 'MISSED'}")
    result(f"page-floor-{kind}", floor.rate, "req/s", baseline["GET"].rate)
    for name, figures in pages.items():
        result(f"page-{name}-{kind}", figures.rate, "req/s", baseline[PAGES[name].baseline].rate)
    result(f"page-get-peer-{kind}", get.rate, "req/s", get.rate / against_peer)


def _rounds(page: Figures, other: Figures) -> str:
    return ", ".join(f"{a / b:.2f}x" for a, b in zip(page.rounds, other.rounds, strict=True))


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} ms"


if __name__ == "__main__":
    main()
