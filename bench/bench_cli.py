"""Start of the `rsvp` command: `rsvp --help` and `rsvp stats SLUG --json` as new processes.

Baseline: `flask --app hello --help` of a one-file app (one route) in the same virtualenv,
which pays for Python, Flask, click and the installed Flask plugins as `rsvp` does. Each
round runs the three commands one after another, so the machine's load falls on all of
them alike; the medians are compared. `rsvp stats` reads a SQLite instance in a temporary
directory holding the demo event. Target: `rsvp --help` within 2x the baseline.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import result

BIN = Path(sys.executable).parent
ONE_FILE_APP = '''from flask import Flask

app = Flask(__name__)


@app.get("/")
def index() -> str:
    return "hello"
'''
SLUG = "bundeskonferenz-gwa"


def run(command: list[str], folder: Path, env: dict[str, str]) -> float:
    """Seconds from starting the process to its exit; fails loudly if the command does."""
    start = time.perf_counter()
    subprocess.run(command, cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def prepare(folder: Path) -> dict[str, str]:
    """The one-file app and a migrated instance with the demo event; the commands' env."""
    (folder / "hello.py").write_text(ONE_FILE_APP, encoding="utf-8")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("FLASK_", "RSVP_"))}
    env["RSVP_INSTANCE_PATH"] = str(folder / "instance")
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run([str(BIN / "rsvp"), *command], cwd=folder, env=env, check=True,
                       capture_output=True)
    return env


def measure(runs: int, folder: Path, env: dict[str, str]) -> dict[str, list[float]]:
    """Each command ``runs`` times, taking turns; one warm-up round first (disk cache)."""
    commands = {
        "flask --help": [str(BIN / "flask"), "--app", "hello", "--help"],
        "rsvp --help": [str(BIN / "rsvp"), "--help"],
        "rsvp stats": [str(BIN / "rsvp"), "stats", SLUG, "--json"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(runs + 1):
        for name, command in commands.items():
            seconds = run(command, folder, env)
            if round_:
                times[name].append(seconds)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="rounds measured (default 9)")
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        times = measure(runs, folder, prepare(folder))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["flask --help"]
    for name, values in times.items():
        spread = f"{min(values) * 1000:.0f}-{max(values) * 1000:.0f}"
        print(f"{name:13} median {medians[name] * 1000:6.0f} ms over {runs} runs "
              f"({spread} ms), {medians[name] / base:.2f}x as long as flask --help")
    met = medians["rsvp --help"] <= 2 * base
    print(f"target: rsvp --help within 2x flask --help: {'met' if met else 'MISSED'}")
    result("cli_help", medians["rsvp --help"] * 1000, "ms", base * 1000,
           higher_is_better=False)
    result("cli_stats", medians["rsvp stats"] * 1000, "ms", base * 1000,
           higher_is_better=False)


if __name__ == "__main__":
    main()
