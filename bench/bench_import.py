"""Import: a 100,000-row CSV into a fresh SQLite database, in a subprocess that measures its
own peak memory (resource.getrusage). Baseline: the csv module reading the same rows."""

import csv
import io
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, Timer, bench_app, people_csv, result

ROWS = 100_000


def child(path: str, url: str) -> None:
    """Runs in the subprocess: import the file, print seconds and peak memory as JSON."""
    from rsvp.events.services import get_event
    from rsvp.extensions import db
    from rsvp.invitees.services import import_invitees

    app = bench_app(url)
    with app.app_context():
        from bench.bench_send import make_event

        make_event()
        db.session.commit()
        data = Path(path).read_bytes()
        with Timer() as timer:
            report = import_invitees(db.session, get_event(db.session, "bench"), data)
            db.session.commit()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": timer.seconds, "peak_mb": peak_mb, "added": report.added,
                      "rejected": len(report.rejected)}))


def baseline(data: bytes) -> float:
    with Timer() as timer:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter=";"))
    assert len(rows) == ROWS
    return timer.seconds


def main() -> None:
    data = people_csv(ROWS)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "people.csv"
        path.write_bytes(data)
        url = f"sqlite:///{folder}/import.sqlite3"
        output = subprocess.run([sys.executable, "-m", "bench.bench_import", "--child", str(path),
                                 url], cwd=ROOT, capture_output=True, text=True, check=True)
    figures = json.loads(output.stdout.strip().splitlines()[-1])
    base = baseline(data)
    print(f"baseline csv.DictReader over the same file: {base:.2f} s")
    print(f"rsvp import of {ROWS} rows: {figures['seconds']:.2f} s, peak memory "
          f"{figures['peak_mb']:.0f} MB, {figures['added']} added, {figures['rejected']} rejected")
    met = figures["seconds"] < 10 and figures["peak_mb"] < 300
    print(f"target: < 10 s and < 300 MB peak: {'met' if met else 'MISSED'}")
    result("import", ROWS / figures["seconds"], "rows/s", ROWS / base)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
