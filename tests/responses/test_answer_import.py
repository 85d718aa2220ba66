"""Answers taken by phone or letter, imported from a CSV: audited, confirmed, bad rows named."""

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.responses.imports import import_answers
from rsvp.responses.models import Actor, Answer, Response, ResponseChange
from rsvp.responses.services import record_answer
from tests.factories import make_workbook


@pytest.fixture
def event(create_event, create_invitee, create_organiser):
    organiser = create_organiser("buero@example.org")
    event = create_event(capacity=3, max_guests=2)
    event.owner_id = organiser.id
    for name in ("anna", "bernd", "clara", "dora"):
        create_invitee(event, email=f"{name}@example.org", last_name=name.title())
    db.session.commit()
    return event


def write(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "antworten.csv"
    path.write_bytes(text.encode(encoding))
    return path


def answers() -> dict[str, tuple[Answer, int, str]]:
    db.session.expire_all()
    return {r.invitee.email: (r.answer, r.guests, r.comment)
            for r in db.session.scalars(select(Response))}


def test_answers_are_recorded_audited_and_confirmed(runner, event, tmp_path, smtp_server):
    path = write(tmp_path, "E-Mail;Antwort;Begleitpersonen;Anmerkung\n"
                           "ANNA@example.org;Zusage;1;per Telefon\n"
                           "bernd@example.org;Absage;;Brief vom 3.11.\n", "cp1252")
    result = runner.invoke(args=["answers", "import", event.slug, str(path)])
    assert result.exit_code == 0, result.output
    assert "2 answers recorded (0 on the waiting list), 0 unchanged, 0 rejected." in result.output
    assert answers() == {"anna@example.org": (Answer.ACCEPTED, 1, "per Telefon"),
                         "bernd@example.org": (Answer.DECLINED, 0, "Brief vom 3.11.")}
    history = db.session.scalars(select(ResponseChange)).all()
    assert {(h.actor, h.organiser_id, h.channel) for h in history} == {
        (Actor.ORGANISER, event.owner_id, "import")}
    assert smtp_server.to("anna@example.org")[0]["Subject"].startswith("Anmeldebestätigung")
    assert smtp_server.to("bernd@example.org")[0]["Subject"].startswith("Ihre Absage")


def test_bad_rows_are_reported_with_their_line_and_the_rest_goes_in(runner, event, tmp_path):
    path = write(tmp_path, "email,answer,guests\n"
                           "anna@example.org,yes,0\n"
                           "nobody@example.org,yes,0\n"
                           "bernd@example.org,vielleicht,0\n"
                           "clara@example.org,yes,9\n"
                           "dora@example.org,no,zwei\n")
    result = runner.invoke(args=["answers", "import", event.slug, str(path)])
    assert result.exit_code == 0
    assert "1 answers recorded" in result.output
    assert "line 3 (nobody@example.org): no invitee with this address" in result.output
    assert "line 4 (bernd@example.org): answer 'vielleicht' is neither yes nor no" in result.output
    assert "line 5 (clara@example.org): The number of guests must be between 0 and 2" in (
        result.output)
    assert "line 6 (dora@example.org): guests 'zwei' is not a whole number" in result.output
    assert set(answers()) == {"anna@example.org"}


def test_without_confirmation_nobody_is_mailed(runner, event, tmp_path, smtp_server):
    path = write(tmp_path, "email,answer\nanna@example.org,ja\n")
    result = runner.invoke(args=["answers", "import", event.slug, str(path),
                                 "--no-confirmation"])
    assert result.exit_code == 0, result.output
    assert answers()["anna@example.org"][0] is Answer.ACCEPTED
    assert smtp_server.messages == []


def test_an_imported_decline_moves_the_waiting_list_up_and_mails_them(
        runner, event, tmp_path, smtp_server, create_invitee):
    people = {i.email: i for i in event_invitees(event)}
    record_answer(db.session, people["anna@example.org"], "accepted", guests=2)
    record_answer(db.session, people["bernd@example.org"], "accepted")
    db.session.commit()
    path = write(tmp_path, "email,answer\nanna@example.org,no\n")
    result = runner.invoke(args=["answers", "import", event.slug, str(path),
                                 "--no-confirmation"])
    assert result.exit_code == 0, result.output
    assert answers()["bernd@example.org"][0] is Answer.ACCEPTED
    [mail] = smtp_server.to("bernd@example.org")
    assert mail["Subject"].startswith("Ein Platz ist frei geworden")


def test_a_file_without_an_email_column_is_refused_as_a_whole(runner, event, tmp_path):
    path = write(tmp_path, "Name;Antwort\nAnna;ja\n")
    result = runner.invoke(args=["answers", "import", event.slug, str(path)])
    assert result.exit_code == 1
    assert "no email column" in result.output


def test_the_same_answer_again_is_unchanged_and_not_confirmed_twice(runner, event, tmp_path,
                                                                   smtp_server):
    path = write(tmp_path, "email,answer\nanna@example.org,yes\n")
    runner.invoke(args=["answers", "import", event.slug, str(path)])
    again = runner.invoke(args=["answers", "import", event.slug, str(path)])
    assert "0 answers recorded (0 on the waiting list), 1 unchanged" in again.output
    assert len(smtp_server.to("anna@example.org")) == 1


def event_invitees(event):
    return db.session.scalars(select(Invitee).where(Invitee.event_id == event.id)).all()


def test_the_cli_records_answers_from_an_excel_workbook(runner, event, tmp_path):
    path = tmp_path / "antworten.xlsx"
    path.write_bytes(make_workbook([["E-Mail", "Antwort", "Gäste"],
                                    ["anna@example.org", "Zusage", 2],
                                    ["niemand@example.org", "ja", 0]]))
    result = runner.invoke(args=["answers", "import", event.slug, str(path)])
    assert result.exit_code == 0, result.output
    assert "line 3 (niemand@example.org): no invitee with this address" in result.output
    assert answers() == {"anna@example.org": (Answer.ACCEPTED, 2, "")}


def test_a_dry_run_reports_every_row_and_leaves_nothing_behind(event):
    report = import_answers(db.session, event, b"email,answer\nanna@example.org,yes\n"
                                               b"bernd@example.org,no\n",
                            organiser_id=event.owner_id, dry_run=True)
    db.session.rollback()
    assert (report.recorded, report.message_ids) == (2, [])
    assert [(p.line, p.answer) for p in report.planned] == [(2, Answer.ACCEPTED),
                                                            (3, Answer.DECLINED)]
    assert answers() == {}
    assert db.session.scalar(select(ResponseChange)) is None


def test_a_dry_run_on_the_cli_reports_and_records_nothing(runner, event, tmp_path, smtp_server):
    path = write(tmp_path, "email,answer\nanna@example.org,yes\nniemand@example.org,yes\n")
    result = runner.invoke(args=["answers", "import", event.slug, str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing written: 1 answers would be recorded" in result.output
    assert "line 3 (niemand@example.org)" in result.output
    assert answers() == {}
    assert smtp_server.messages == []
