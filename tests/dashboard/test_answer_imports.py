"""Uploading answers taken by phone or letter in the dashboard."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.responses.models import Actor, Answer, Response, ResponseChange
from rsvp.responses.services import record_answer
from tests.dashboard.conftest import post_form, wait_until
from tests.dashboard.conftest import preview_answers as preview
from tests.dashboard.conftest import record_answers as record
from tests.dashboard.conftest import upload_answers as upload
from tests.factories import make_workbook


@pytest.fixture
def event(create_event, create_invitee, organiser):  # type: ignore[no-untyped-def]
    event = create_event(capacity=2)
    event.owner_id = organiser.id
    for name in ("anna", "bernd"):
        create_invitee(event, email=f"{name}@example.org")
    db.session.commit()
    return event


def test_the_form_ticks_send_confirmation_by_default(organiser_client, event):
    page = organiser_client.get(f"/events/{event.slug}/answers/import")
    [checkbox] = re.findall(r'<input[^>]*name="confirm"[^>]*>', page.text)
    assert "checked" in checkbox


def test_an_upload_records_the_answers_in_the_organisers_name_and_lists_bad_rows(
        organiser_client, organiser, event, smtp_server):
    result = upload(organiser_client, event, "E-Mail;Antwort\nanna@example.org;ja\n"
                                            "niemand@example.org;ja\n")
    assert result.status_code == 200
    assert 'id="rejected-answers"' in result.text
    assert "niemand@example.org" in result.text
    change = db.session.scalar(select(ResponseChange))
    assert (change.actor, change.organiser_id, change.channel) == (
        Actor.ORGANISER, organiser.id, "import")
    [mail] = wait_until(lambda: smtp_server.to("anna@example.org"))
    assert mail["Subject"].startswith("Anmeldebestätigung")


def test_unticking_the_box_sends_no_confirmation(organiser_client, event, smtp_server):
    upload(organiser_client, event, "email,answer\nanna@example.org,yes\n", confirm=False)
    db.session.expire_all()
    assert db.session.scalar(select(Response.answer)) is Answer.ACCEPTED
    assert smtp_server.messages == []


def test_the_preview_shows_what_would_be_recorded_and_records_nothing(
        organiser_client, event, smtp_server):
    page = preview(organiser_client, event, "E-Mail;Antwort;Gäste\nanna@example.org;ja;1\n"
                                            "niemand@example.org;ja;0\n")
    assert page.status_code == 200
    assert ("Es wurde noch nichts gespeichert. Zu erfassende Antworten: 1 "
            in page.text)
    assert re.search(r'<td class="num">2</td><td>anna@example.org</td><td><span class="badge '
                     r'badge-yes">zugesagt \+1</span>', page.text)
    assert re.search(r'<td class="num">3</td><td>niemand@example.org</td>', page.text)
    db.session.expire_all()
    assert db.session.scalar(select(Response)) is None
    assert db.session.scalar(select(ResponseChange)) is None
    assert smtp_server.messages == []


def test_confirming_the_preview_records_the_file_kept_on_the_server_once(
        organiser_client, event, app):
    page = preview(organiser_client, event, "email,answer\nanna@example.org,yes\n")
    done = record(organiser_client, event, page, confirm=False)
    assert done.status_code == 200
    assert 'id="answers-result"' in done.text
    again = record(organiser_client, event, page, confirm=False)
    assert again.status_code == 303
    assert len(db.session.scalars(select(ResponseChange)).all()) == 1
    assert list((Path(app.instance_path) / "uploads").iterdir()) == []


def test_an_excel_workbook_of_answers_is_previewed_and_recorded(organiser_client, event):
    workbook = make_workbook([["E-Mail", "Antwort"], ["bernd@example.org", "Absage"]])
    page = preview(organiser_client, event, workbook, name="antworten.xlsx")
    assert 'id="planned-answers"' in page.text
    record(organiser_client, event, page, confirm=False)
    db.session.expire_all()
    assert db.session.scalar(select(Response.answer)) is Answer.DECLINED


def test_a_file_without_an_email_column_is_refused_with_a_reason(organiser_client, event):
    organiser_client.set_cookie("lang", "en")  # in German: tests/operations
    result = preview(organiser_client, event, "Name;Antwort\nAnna;ja\n")
    assert result.status_code == 400
    assert "no email column" in result.text


def test_a_decline_taken_by_phone_moves_the_waiting_list_up(
        organiser_client, event, create_invitee, smtp_server):
    people = {i.email: i for i in event_people(event)}
    record_answer(db.session, people["anna@example.org"], "accepted")
    record_answer(db.session, people["bernd@example.org"], "accepted")
    waiting = create_invitee(event, email="wartend@example.org")
    record_answer(db.session, waiting, "accepted")
    db.session.commit()
    anna_id = people["anna@example.org"].id
    result = post_form(organiser_client, f"/events/{event.slug}/invitees/{anna_id}",
                       f"/events/{event.slug}/invitees/{anna_id}/answer",
                       response="declined", guests="0", comment="", channel="phone")
    assert result.status_code == 303
    [mail] = wait_until(lambda: smtp_server.to("wartend@example.org"))
    assert mail["Subject"].startswith("Ein Platz ist frei geworden")


def event_people(event):  # type: ignore[no-untyped-def]
    return db.session.scalars(select(Invitee).where(Invitee.event_id == event.id)).all()
