"""`rsvp --help` and `rsvp stats` start without what they do not use (no timing: imports).

Each case runs the real command in a new Python process and looks at the modules it
imported: a top-level import that pulls Alembic or the dashboard back into the path fails
here, however fast the machine.
"""

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from flask.cli import FlaskGroup

from rsvp import create_app
from rsvp.cli import main

#: Run the command as the `rsvp` script does, then print the imported modules' names.
SCRIPT = """
import json, sys
from rsvp.cli import main
try:
    main(sys.argv[1:], prog_name="rsvp")
except SystemExit as exit:
    code = exit.code
print("\\nmodules: " + json.dumps(sorted(sys.modules)))
sys.exit(code)
"""
#: Packages no command needs to start: migrations, the broker, mail building, the pages.
HEAVY = {"alembic", "flask_migrate", "mako", "celery", "kombu", "css_inline", "dkim", "dns",
         "icalendar", "flask_wtf", "wtforms", "flask_limiter", "limits", "psycopg"}
#: The app's modules that only the pages, or only sending, use.
PAGES = ("rsvp.dashboard", "rsvp.auth.views", "rsvp.responses.views", "rsvp.main",
         "rsvp.mailing.delivery", "rsvp.mailing.render", "rsvp.calendar")


def rsvp(tmp_path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `rsvp ARGS` on the instance in tmp_path; its result and the modules it imported."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("RSVP_", "FLASK_"))}
    env["RSVP_INSTANCE_PATH"] = str(tmp_path / "instance")
    done = subprocess.run([sys.executable, "-c", SCRIPT, *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    output, _, modules = done.stdout.rpartition("\nmodules: ")
    done.stdout = output
    return done, set(json.loads(modules))


def unwanted(modules: set[str], *, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The heavy packages (but ``allowed``) and the pages' modules among these."""
    heavy = HEAVY - allowed
    return sorted(name for name in modules
                  if name.split(".")[0] in heavy or name.startswith(PAGES))


@pytest.fixture
def config(tmp_path) -> dict[str, object]:
    """An app on a SQLite file; it is built here, never connected."""
    return {"TESTING": True, "SECRET_KEY": "test-secret-key-" + "x" * 16,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'rsvp.sqlite3'}"}


@pytest.fixture
def instance(tmp_path):
    """A migrated SQLite instance with the demo event, made through `rsvp` itself."""
    for command in (["db", "upgrade"], ["demo"]):
        done, _ = rsvp(tmp_path, *command)
        assert done.returncode == 0, done.stderr
    return tmp_path


def test_the_help_imports_neither_the_database_nor_the_app(tmp_path):
    done, modules = rsvp(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    assert "stats" in done.stdout and "db" in done.stdout
    # The Flask plugins are listed as `flask --help` lists them: Flask-Limiter's among them.
    assert unwanted(modules, allowed=frozenset({"flask_limiter", "limits"})) == []
    assert not {"sqlalchemy", "flask_sqlalchemy", "rsvp.extensions", "rsvp.models"} & modules


def test_stats_imports_the_models_but_not_migrations_mail_building_or_pages(instance):
    done, modules = rsvp(instance, "stats", "bundeskonferenz-gwa", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["invited"] == 5
    assert "rsvp.events.stats" in modules
    assert unwanted(modules) == []


def test_the_help_lists_what_flask_lists_for_the_whole_app(config, tmp_path, monkeypatch):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path / "instance"))
    whole = FlaskGroup(create_app=lambda: create_app(config),
                       help="Email invitations with signed RSVP links.")
    ours = CliRunner().invoke(main, ["--help"], prog_name="rsvp")
    flasks = CliRunner().invoke(whole, ["--help"], prog_name="rsvp")
    assert ours.exit_code == 0, ours.output
    assert ours.output == flasks.output


def test_flasks_commands_still_get_the_whole_app(instance):
    done, modules = rsvp(instance, "routes")
    assert done.returncode == 0, done.stderr
    assert "dashboard.events" in done.stdout
    assert "rsvp.dashboard.views" in modules


def test_the_app_for_pages_has_them_and_the_commands_app_does_not(config, tmp_path, monkeypatch):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path / "instance"))
    web, commands = create_app(config), create_app(config, pages=False)
    assert set(web.blueprints) == {"main", "responses", "auth", "dashboard"}
    assert "migrate" in web.extensions
    assert commands.blueprints == {}
    assert "stats" in commands.cli.commands and "stats" in web.cli.commands


def test_migrating_a_new_database_prints_nothing_for_the_demo_to_bury(tmp_path):
    done, _ = rsvp(tmp_path, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    assert (done.stdout.strip(), done.stderr.strip()) == ("", "")
