"""The exported invitee list."""

import csv
import io

from rsvp.extensions import db
from rsvp.invitees.export import csv_lines, export_rows, neutralise


def test_cells_that_spreadsheets_would_run_as_formulas_are_neutralised():
    assert [neutralise(v) for v in ("=HYPERLINK(1)", "+1", "-2", "@SUM", "Amt")] == [
        "'=HYPERLINK(1)", "'+1", "'-2", "'@SUM", "Amt"]


def test_export_lists_every_invitee_with_a_bom_for_excel(create_event, create_invitee):
    event = create_event()
    create_invitee(event, email="a@example.org", organisation="=cmd|' /C calc'!A0")
    create_invitee(event, email="b@example.org")
    text = "".join(csv_lines(export_rows(db.session, event), delimiter=";"))
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert [r["email"] for r in rows] == ["a@example.org", "b@example.org"]
    assert rows[0]["organisation"].startswith("'=")
    assert rows[1]["invitation"] == "not sent"


def test_the_cli_writes_the_export_to_standard_output(runner, create_event, create_invitee):
    event = create_event()
    create_invitee(event, email="a@example.org")
    result = runner.invoke(args=["export", event.slug])
    assert result.exit_code == 0
    assert result.output.splitlines()[1].startswith("a@example.org,")
