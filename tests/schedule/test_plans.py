"""Planning sends: the event file's `[[schedule]]`, `rsvp schedule`, and what is refused."""

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.schedule.models import Anchor, PlannedSend

EVENT_FILE = """
slug = "tagung"
title = "Tagung"
starts_at = 2027-11-22T12:00:00
ends_at = 2027-11-22T17:00:00
rsvp_deadline = 2027-11-08T23:59:00

[[schedule]]
kind = "invitation"
at = 2027-09-01T09:00:00

[[schedule]]
kind = "reminder"
before_deadline = "7d"
tag = "Kommune"
"""


def test_the_event_file_plans_its_schedule_entries_in_the_events_zone(runner, tmp_path):
    path = tmp_path / "event.toml"
    path.write_text(EVENT_FILE)
    result = runner.invoke(args=["event", "create", "--file", str(path)])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(args=["schedule", "list", "tagung"]).output
    assert "invitation to default, at: 1 Sept 2027, 09:00 (planned)" in listed
    assert "reminder to default tag Kommune, before_deadline 7d: 1 Nov 2027, 23:59" in listed


def test_an_event_file_with_a_bad_duration_creates_nothing(runner, tmp_path):
    path = tmp_path / "event.toml"
    path.write_text(EVENT_FILE.replace('"7d"', '"eine Woche"'))
    result = runner.invoke(args=["event", "create", "--file", str(path)])
    assert result.exit_code == 1
    assert "Not a duration such as 7d, 2d or 12h: 'eine Woche'" in result.output
    assert runner.invoke(args=["event", "list"]).output.startswith("No events")


@pytest.mark.parametrize(("args", "error"), [
    (["--kind", "reminder", "--before-start", "2 Tage"], "Not a duration"),
    (["--kind", "reminder", "--at", "morgen"], "Not a date and time"),
    (["--kind", "reminder"], "exactly one of"),
    (["--kind", "reminder", "--at", "2027-09-01T09:00", "--after-end", "1d"], "exactly one of"),
    (["--kind", "reminder", "--after-end", "1d", "--to", "accepted"], "goes only to"),
    (["--kind", "update", "--after-end", "1d"], "needs a subject and a text"),
])
def test_schedule_add_refuses_what_cannot_be_planned(runner, create_event, args, error):
    event = create_event()
    result = runner.invoke(args=["schedule", "add", event.slug, *args])
    assert result.exit_code == 1 and error in result.output, result.output
    assert db.session.scalars(select(PlannedSend)).all() == []


def test_after_end_counts_forward_from_the_end(runner, create_event):
    event = create_event()
    runner.invoke(args=["schedule", "add", event.slug, "--kind", "invitation",
                        "--after-end", "1d"])
    plan = db.session.scalars(select(PlannedSend)).one()
    assert plan.anchor is Anchor.END and plan.due_at(event) - event.ends_at == \
        __import__("datetime").timedelta(days=1)
