"""The wheel carries the templates and migrations, and works from any directory."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_templates_and_migrations_and_migrates_from_elsewhere(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "-w", str(tmp_path / "dist"), str(ROOT)],
                   check=True, capture_output=True)
    [wheel] = (tmp_path / "dist").glob("rsvp-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "rsvp/templates/mail/invitation/de.txt" in names
    assert any(n.startswith("rsvp/migrations/versions/") for n in names)
    assert "rsvp/translations/de/LC_MESSAGES/messages.mo" in names
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(unpacked), "RSVP_INSTANCE_PATH": str(tmp_path / "instance"),
           "PATH": "/usr/bin:/bin"}
    script = ("import sys; sys.argv = ['rsvp'] + sys.argv[1:]; "
              "from rsvp.cli import main; import rsvp; "
              f"assert rsvp.__file__.startswith({str(unpacked)!r}), rsvp.__file__; main()")
    for command in (["db", "upgrade"], ["demo"], ["event", "list"]):
        result = subprocess.run([sys.executable, "-c", script, *command], cwd=elsewhere, env=env,
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    assert "bundeskonferenz-gwa" in result.stdout
