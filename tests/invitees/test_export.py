"""The exported invitee list."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from rsvp.extensions import db
from rsvp.invitees.export import csv_lines, export_rows, neutralise, office_rows
from rsvp.invitees.models import InviteeTag
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.responses.services import record_answer


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


@pytest.fixture
def answered(create_event, create_invitee):  # type: ignore[no-untyped-def]
    """An event on 22 November 2027 in Berlin with one invitee: invited, accepted, tagged."""
    start = datetime(2027, 11, 22, 11, 0, tzinfo=UTC)
    event = create_event(starts_at=start, ends_at=start + timedelta(hours=4),
                         rsvp_deadline=start - timedelta(days=7))
    person = create_invitee(event, email="potz@example.org", language="de")
    person.tags = [InviteeTag(tag="Presse"), InviteeTag(tag="Beirat")]
    db.session.add(Message(event_id=event.id, invitee_id=person.id, kind=MessageKind.INVITATION,
                           dedup_key="invitation", status=MessageStatus.SENT,
                           sent_at=datetime(2027, 10, 1, 8, 30, tzinfo=UTC)))
    db.session.flush()
    record_answer(db.session, person, "accepted", guests=1, comment="Gern").response.answered_at = (
        datetime(2027, 10, 2, 9, 15, tzinfo=UTC))
    db.session.commit()
    return event


def test_the_machine_readable_export_keeps_its_codes_and_utc_times(answered):
    text = "".join(csv_lines(export_rows(db.session, answered)))
    header, row = text.lstrip("\ufeff").splitlines()[:2]
    assert header == ("email,salutation,title,first_name,last_name,organisation,language,"
                      "invitation,invitation_sent_at,answer,guests,comment,answered_at,"
                      "substitute_name,substitute_email,last_delivery_error,last_delivery_at")
    assert row.startswith("potz@example.org,ms,Dr.,Petra,")
    assert ",de,sent,2027-10-01T08:30:00+00:00,accepted,1,Gern,2027-10-02T09:15:00+00:00,,,," \
        in row


def test_the_office_export_has_german_headers_words_local_times_and_tags(app, answered):
    with force_locale("de"):
        rows = list(office_rows(db.session, answered))
    assert rows[0][:4] == ["E-Mail", "Anrede", "Titel", "Vorname"]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["Anrede"], record["Sprache"], record["Einladung"], record["Antwort"]) == (
        "Frau", "Deutsch", "Versandt", "Zugesagt")
    assert record["Eingeladen am"] == "01.10.2027, 10:30"
    assert record["Geantwortet am"] == "02.10.2027, 11:15"
    assert record["Schlagwörter"] == "Beirat, Presse"
    assert record["Begleitpersonen"] == "1"


def test_an_invitee_without_answer_is_open_in_the_office_export(app, create_event,
                                                                 create_invitee):
    event = create_event()
    create_invitee(event, email="offen@example.org", salutation="mr")
    with force_locale("de"):
        header, row = list(office_rows(db.session, event))
    record = dict(zip(header, row, strict=True))
    assert (record["Anrede"], record["Einladung"], record["Antwort"]) == (
        "Herr", "Nicht versandt", "Offen")


def test_the_cli_writes_a_workbook_when_the_file_name_ends_in_xlsx(runner, answered, tmp_path):
    path = tmp_path / "gaeste.xlsx"
    result = runner.invoke(args=["export", answered.slug, "-o", str(path)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(path).active
    assert (sheet["A1"].value, sheet["A2"].value, sheet["J2"].value) == (
        "E-Mail", "potz@example.org", "Zugesagt")


def test_the_office_csv_from_the_cli_is_german_with_semicolons(runner, answered):
    result = runner.invoke(args=["export", answered.slug, "--office"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("E-Mail;Anrede;Titel;Vorname;")
