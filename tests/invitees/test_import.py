"""Importing invitee lists as organisers really write them."""

import io
from datetime import UTC

import pytest

from rsvp.dbtypes import utcnow
from rsvp.extensions import db
from rsvp.invitees.csvfile import CsvFileError
from rsvp.invitees.models import Invitee
from rsvp.invitees.services import import_invitees
from tests.factories import make_workbook


def invitees_of(event) -> dict[str, Invitee]:
    return {i.email: i for i in db.session.scalars(
        db.select(Invitee).where(Invitee.event_id == event.id))}


def test_german_headers_semicolons_and_windows_1252_are_understood(create_event):
    event = create_event()
    data = ("E-Mail;Anrede;Titel;Vorname;Nachname;Organisation;Sprache\r\n"
            "jürgen.weiß@example.org;Herr;Prof. Dr.;Jürgen;Weiß;Straßenbauamt;Deutsch\r\n"
            ).encode("cp1252")
    report = import_invitees(db.session, event, data)
    db.session.commit()
    assert (report.added, report.rejected) == (1, [])
    person = invitees_of(event)["jürgen.weiß@example.org"]
    assert (person.salutation, person.academic_title, person.last_name, person.organisation,
            person.language) == ("mr", "Prof. Dr.", "Weiß", "Straßenbauamt", "de")


def test_utf8_with_bom_and_commas_and_english_headers_are_understood(create_event):
    event = create_event()
    data = ("\ufeffEmail,Salutation,First Name,Last Name,Tags\n"
            'ann@example.org,Ms,Ann,Lee,"vip, press"\n')
    report = import_invitees(db.session, event, data.encode("utf-8"))
    db.session.commit()
    assert report.added == 1
    assert invitees_of(event)["ann@example.org"].tag_names == ["press", "vip"]


def test_imported_invitees_carry_the_time_of_the_import_in_utc(create_event):
    event = create_event()
    before = utcnow().replace(microsecond=0)
    import_invitees(db.session, event, b"Email\nann@example.org\nbob@example.org\n")
    db.session.commit()
    db.session.expire_all()
    for person in invitees_of(event).values():
        assert person.created_at.tzinfo is UTC
        assert before <= person.created_at <= utcnow()
        assert person.updated_at == person.created_at


def test_bad_rows_are_reported_with_line_numbers_while_good_rows_go_in(create_event):
    event = create_event()
    data = ("email;anrede;vorname;nachname\n"
            "gut@example.org;Frau;Gabi;Gut\n"
            "kein-at-zeichen;Herr;Kai;Kaputt\n"
            "\n"
            "auch.gut@example.org;;Alex;Auch\n"
            "dritte@example.org;Majestät;Max;Muster\n"
            ";Frau;Ohne;Adresse\n").encode()
    report = import_invitees(db.session, event, data)
    db.session.commit()
    assert report.added == 2
    assert [(r.line, r.email) for r in report.rejected] == [
        (3, "kein-at-zeichen"), (6, "dritte@example.org"), (7, "")]
    assert "invalid email address" in report.rejected[0].reason
    assert "unknown salutation" in report.rejected[1].reason
    assert set(invitees_of(event)) == {"gut@example.org", "auch.gut@example.org"}


def test_a_quoted_field_spanning_lines_keeps_the_line_numbers_right(create_event):
    event = create_event()
    data = ('email,organisation\n'
            'a@example.org,"Amt für\nStadtentwicklung"\n'
            'kaputt,x\n').encode()
    report = import_invitees(db.session, event, data)
    assert [r.line for r in report.rejected] == [4]


def test_reimport_updates_by_address_in_any_spelling(create_event):
    event = create_event()
    import_invitees(db.session, event, b"email,nachname\nPetra.Potz@Example.org,Potz\n")
    db.session.commit()
    report = import_invitees(db.session, event,
                             b"email,nachname,titel\npetra.potz@example.org,Potz,Dr.\n"
                             b"other@example.org,Other,\n")
    db.session.commit()
    assert (report.added, report.updated, report.unchanged) == (1, 1, 0)
    people = invitees_of(event)
    assert len(people) == 2
    assert people["petra.potz@example.org"].academic_title == "Dr."


def test_reimporting_the_same_file_changes_nothing(create_event):
    event = create_event()
    data = b"email,vorname,tags\na@example.org,Ann,x\n"
    import_invitees(db.session, event, data)
    db.session.commit()
    report = import_invitees(db.session, event, data)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 1)


def test_the_same_address_twice_in_one_file_is_rejected_the_second_time(create_event):
    event = create_event()
    report = import_invitees(db.session, event,
                             b"email\nann@example.org\nANN@example.org\n")
    assert report.added == 1
    assert report.rejected[0].line == 3
    assert "same address as line 2" in report.rejected[0].reason


def test_a_dry_run_writes_nothing(create_event):
    event = create_event()
    report = import_invitees(db.session, event, b"email\nann@example.org\n", dry_run=True)
    db.session.commit()
    assert report.added == 1
    assert invitees_of(event) == {}


def test_a_file_without_an_email_column_is_refused_as_a_whole(create_event):
    event = create_event()
    with pytest.raises(CsvFileError, match="no email column"):
        import_invitees(db.session, event, b"name;firma\nAnn;Amt\n")


def test_the_cli_reports_rejected_rows_and_exits_non_zero_when_nothing_is_good(
        runner, create_event, tmp_path):
    event = create_event()
    path = tmp_path / "bad.csv"
    path.write_bytes(b"email\nnot-an-address\n")
    result = runner.invoke(args=["invitees", "import", event.slug, str(path)])
    assert result.exit_code == 1
    assert "line 2 (not-an-address): invalid email address" in result.output


def test_the_cli_dry_run_says_what_would_happen(runner, create_event, tmp_path):
    event = create_event()
    path = tmp_path / "people.csv"
    path.write_bytes(b"email\nann@example.org\n")
    result = runner.invoke(args=["invitees", "import", event.slug, str(path), "--dry-run"])
    assert result.exit_code == 0
    assert "1 would be added" in result.output
    assert invitees_of(event) == {}


def test_an_excel_workbook_is_read_like_a_csv_file_with_its_row_numbers(create_event):
    event = create_event()
    data = make_workbook([["E-Mail", "Anrede", "Vorname", "Nachname", "Schlagwörter"],
                          ["weiss@example.org", "Herr", "Jürgen", "Weiß", "Presse; Beirat"],
                          ["kein-at-zeichen", "Frau", "Petra", "Potz", None],
                          [None, None, None, None, None],
                          ["lee@example.org", "Ms", "Ann", 4711, None]])
    report = import_invitees(db.session, event, data)
    db.session.commit()
    assert [(r.line, r.email) for r in report.rejected] == [(3, "kein-at-zeichen")]
    people = invitees_of(event)
    assert (people["weiss@example.org"].salutation, people["weiss@example.org"].tag_names) == (
        "mr", ["Beirat", "Presse"])
    assert people["lee@example.org"].last_name == "4711"


def test_a_workbook_without_an_email_column_is_refused_as_a_whole(create_event):
    event = create_event()
    with pytest.raises(CsvFileError, match="no email column"):
        import_invitees(db.session, event, make_workbook([["Name"], ["Anna"]]))


def test_a_broken_workbook_is_refused_with_a_reason(create_event):
    event = create_event()
    with pytest.raises(CsvFileError, match="not a readable Excel workbook"):
        import_invitees(db.session, event, b"PK\x03\x04" + b"kaputt" * 20)


def test_the_cli_imports_an_excel_workbook(runner, create_event, tmp_path):
    event = create_event()
    path = tmp_path / "liste.xlsx"
    path.write_bytes(make_workbook([["E-Mail", "Nachname"], ["weiss@example.org", "Weiß"]]))
    result = runner.invoke(args=["invitees", "import", event.slug, str(path)])
    assert result.exit_code == 0, result.output
    assert invitees_of(event)["weiss@example.org"].last_name == "Weiß"


def test_a_workbook_longer_than_the_limit_is_refused(create_event, monkeypatch):
    monkeypatch.setattr("rsvp.invitees.xlsxfile.MAX_ROWS", 3)
    event = create_event()
    rows = [["E-Mail"], *([f"p{i}@example.org"] for i in range(4))]
    with pytest.raises(CsvFileError, match="more than 3 rows"):
        import_invitees(db.session, event, make_workbook(rows))


def test_a_cell_far_to_the_right_does_not_make_every_row_that_wide(create_event):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["E-Mail"])
    book.active.append(["weit@example.org"])
    book.active["XFD3"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_invitees(db.session, create_event(), buffer.getvalue())
    assert (report.added, report.rejected) == (1, [])
