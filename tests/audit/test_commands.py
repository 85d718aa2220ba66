"""The commands that change data, send mail or export personal data record it, as `cli`."""

import json

import pytest
from sqlalchemy import select

from rsvp.audit.models import AuditEntry
from rsvp.extensions import db
from rsvp.responses.services import record_answer
from tests.test_cli import EVENT_TOML

#: The command (``{slug}``, ``{dir}`` filled in), what it reads on standard input, what it
#: must record; a ``before`` command runs first without being looked at.
COMMANDS = {
    "send": (["send", "{slug}"], None, "mail_sent"),
    "export": (["export", "{slug}"], None, "exported"),
    "invitees data": (["invitees", "data", "{slug}", "gast@example.org"], None,
                      "invitee_data_exported"),
    "invitees erase": (["invitees", "erase", "{slug}", "gast@example.org", "--yes"], None,
                       "invitee_erased"),
    "invitees import": (["invitees", "import", "{slug}", "{dir}/invitees.csv"], None,
                        "invitees_imported"),
    "answers import": (["answers", "import", "{slug}", "{dir}/answers.csv",
                        "--no-confirmation"], None, "answers_imported"),
    "event cancel": (["event", "cancel", "{slug}", "--yes", "--no-mail"], None,
                     "event_cancelled"),
    "event create": (["event", "create", "--file", "{dir}/event.toml"], None,
                     "event_created"),
    "organiser create": (["organiser", "create", "neu@example.org", "--password-stdin"],
                         "ein-langes-passwort\n", "account_created"),
    "template set": (["template", "set", "{slug}", "invitation", "de", "--subject", "Hallo"],
                     None, "text_saved"),
    "schedule add": (["schedule", "add", "{slug}", "--kind", "reminder",
                      "--before-deadline", "2d"], None, "send_planned"),
    "checkin": (["checkin", "{slug}", "gast@example.org"], None, "checked_in"),
}
#: Commands that need another one first.
BEFORE = {
    "template reset": (["template", "set", "{slug}", "invitation", "de", "--subject", "Hallo"],
                       ["template", "reset", "{slug}", "invitation", "de"], "text_reset"),
    "schedule remove": (["schedule", "add", "{slug}", "--kind", "reminder",
                         "--before-deadline", "2d"], ["schedule", "remove", "{slug}", "1"],
                        "send_unplanned"),
}


@pytest.fixture
def setting(runner, tmp_path, create_event, create_invitee, smtp_server):  # type: ignore[no-untyped-def]
    event = create_event()
    record_answer(db.session, create_invitee(event, email="gast@example.org"), "accepted")
    db.session.commit()
    (tmp_path / "invitees.csv").write_text("email\nneu@example.org\n", encoding="utf-8")
    (tmp_path / "answers.csv").write_text("email,answer\ngast@example.org,declined\n",
                                          encoding="utf-8")
    (tmp_path / "event.toml").write_text(EVENT_TOML, encoding="utf-8")
    return {"slug": event.slug, "dir": str(tmp_path)}


def _run(runner, args: list[str], setting: dict[str, str], stdin: str | None = None):  # type: ignore[no-untyped-def]
    result = runner.invoke(args=[a.format(**setting) for a in args], input=stdin)
    assert result.exit_code == 0, result.output
    return result


def _cli_actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.via == "cli")
                                   .order_by(AuditEntry.id)))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_command_records_its_action(runner, setting, name):
    args, stdin, action = COMMANDS[name]
    _run(runner, args, setting, stdin)
    assert _cli_actions() == [action]


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_the_command_after_its_setup_records_its_action(runner, setting, name):
    first, args, action = BEFORE[name]
    _run(runner, first, setting)
    _run(runner, args, setting)
    assert _cli_actions()[-1] == action


def test_rsvp_audit_without_a_slug_prints_every_entry(runner, setting):
    _run(runner, ["organiser", "create", "neu@example.org", "--password-stdin"], setting,
         "ein-langes-passwort\n")
    _run(runner, ["send", "{slug}"], setting)
    lines = _run(runner, ["audit", "--json"], setting).output.splitlines()
    assert [json.loads(line)["action"] for line in lines] == ["account_created", "mail_sent"]
