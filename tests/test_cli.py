"""The remaining commands of `rsvp`."""

import json

from sqlalchemy import select

from rsvp.auth.models import Organiser
from rsvp.demo import DEMO_SLUG
from rsvp.extensions import db
from rsvp.invitees.models import Invitee

EVENT_TOML = """
slug = "bundeskonferenz"
title = "Bundeskonferenz „Gemeinwesenarbeit in der sozialen Stadt“"
starts_at = 2027-11-22T12:00:00
ends_at = 2027-11-22T17:00:00
timezone = "Europe/Berlin"
venue_name = "REFUGIO Berlin"
rsvp_deadline = 2027-11-08
max_guests = 1
"""


def test_an_event_is_created_from_a_toml_file_and_listed(runner, tmp_path):
    path = tmp_path / "event.toml"
    path.write_text(EVENT_TOML, encoding="utf-8")
    created = runner.invoke(args=["event", "create", "--file", str(path)])
    assert created.exit_code == 0, created.output
    listed = runner.invoke(args=["event", "list"])
    assert "bundeskonferenz\t2027-11-22\t0 invitees" in listed.output


def test_a_bad_event_file_is_a_clear_error(runner, tmp_path):
    path = tmp_path / "event.toml"
    path.write_text(EVENT_TOML.replace("Europe/Berlin", "Europa/Berlin"), encoding="utf-8")
    result = runner.invoke(args=["event", "create", "--file", str(path)])
    assert result.exit_code == 1
    assert "timezone: unknown time zone 'Europa/Berlin'" in result.output


def test_a_second_event_with_the_same_slug_is_refused(runner, tmp_path):
    path = tmp_path / "event.toml"
    path.write_text(EVENT_TOML, encoding="utf-8")
    runner.invoke(args=["event", "create", "--file", str(path)])
    again = runner.invoke(args=["event", "create", "--file", str(path)])
    assert again.exit_code == 1
    assert "exists already" in again.output


def test_an_organiser_is_created_with_a_password_from_standard_input(runner):
    result = runner.invoke(args=["organiser", "create", "Buero@Example.org", "--name", "Büro",
                                 "--password-stdin"], input="ein-sehr-langes-passwort\n")
    assert result.exit_code == 0, result.output
    organiser = db.session.scalar(select(Organiser))
    assert organiser.email == "buero@example.org"
    assert organiser.check_password("ein-sehr-langes-passwort")
    assert "ein-sehr-langes-passwort" not in organiser.password_hash


def test_a_short_password_is_refused(runner):
    result = runner.invoke(args=["organiser", "create", "a@example.org", "--password-stdin"],
                           input="kurz\n")
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output


def test_link_prints_the_invitees_rsvp_url_for_any_spelling_of_the_address(
        runner, client, create_event, create_invitee):
    event = create_event()
    create_invitee(event, email="petra@example.org")
    result = runner.invoke(args=["link", event.slug, "PETRA@example.org"])
    assert result.exit_code == 0
    url = result.output.strip()
    assert url.startswith("http://rsvp.test/r/")
    assert client.get(url.removeprefix("http://rsvp.test")).status_code == 200


def test_link_for_an_unknown_address_is_a_clear_error(runner, create_event):
    result = runner.invoke(args=["link", create_event().slug, "nobody@example.org"])
    assert result.exit_code == 1
    assert "no invitee 'nobody@example.org'" in result.output


def test_an_unknown_event_is_a_clear_error(runner):
    result = runner.invoke(args=["stats", "gibt-es-nicht"])
    assert result.exit_code == 1
    assert "no event 'gibt-es-nicht'" in result.output


def test_stats_counts_guests_into_the_headcount(runner, client, create_event, create_invitee):
    from rsvp.responses.services import record_answer

    event = create_event(max_guests=2, capacity=10)
    record_answer(db.session, create_invitee(event), "accepted", guests=2)
    record_answer(db.session, create_invitee(event), "accepted")
    record_answer(db.session, create_invitee(event), "declined")
    create_invitee(event)
    db.session.commit()
    figures = json.loads(runner.invoke(args=["stats", event.slug, "--json"]).output)
    assert figures == {"invited": 4, "sent": 0, "failed": 0, "accepted": 2, "declined": 1,
                       "waitlisted": 0, "no_response": 1, "guests": 2, "headcount": 4,
                       "capacity": 10, "undeliverable": 0, "failed_by_kind": {},
                       "questions": {}}


def test_the_demo_can_be_loaded_twice_without_duplicates(runner):
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    invitees = db.session.scalars(select(Invitee)).all()
    assert len(invitees) == 5
    assert all(i.email.rpartition("@")[2].startswith("example.") for i in invitees)
    assert DEMO_SLUG in runner.invoke(args=["event", "list"]).output


def test_every_command_has_help(runner):
    for command in (["send"], ["invitees", "import"], ["event", "create"], ["organiser", "create"],
                    ["link"], ["stats"], ["export"], ["demo"], ["mailcatcher"]):
        result = runner.invoke(args=[*command, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, command
