"""Personal data on the invitee's page: a copy to download, erasure, and bounces shown."""

import json

from sqlalchemy import func, select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message
from rsvp.mailing.services import queue_confirmation
from rsvp.responses.models import ResponseChange
from rsvp.responses.services import record_answer
from tests.conftest import csrf_token
from tests.dashboard.conftest import join_deliveries
from tests.mailing.conftest import calendars_in


def test_the_organiser_downloads_an_invitees_data_as_json(organiser_client, create_event,
                                                         create_invitee):
    event = create_event()
    person = create_invitee(event, email="petra@example.org", last_name="Potz")
    result = organiser_client.get(f"/events/{event.slug}/invitees/{person.id}/data.json")
    assert result.status_code == 200
    assert "attachment" in result.headers["Content-Disposition"]
    assert json.loads(result.data)["last_name"] == "Potz"


def test_deleting_an_invitee_erases_the_person_but_keeps_anonymous_history(
        organiser_client, runner, create_event, create_invitee, smtp_server):
    event = create_event()
    person = create_invitee(event, email="petra@example.org")
    runner.invoke(args=["send", event.slug])
    record_answer(db.session, person, "accepted", comment="Rollstuhl")
    db.session.commit()
    page = organiser_client.get(f"/events/{event.slug}/invitees/{person.id}")
    result = organiser_client.post(f"/events/{event.slug}/invitees/{person.id}/delete",
                                   data={"csrf_token": csrf_token(page.text), "confirm": "yes"})
    assert result.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Invitee)) == 0
    [change] = db.session.scalars(select(ResponseChange)).all()
    assert change.invitee_id is None and change.new_comment == ""
    [message] = db.session.scalars(select(Message)).all()
    assert message.recipient == "" and message.body_text == ""


def test_a_bounced_invitee_shows_the_bounce_and_its_reason(organiser_client, create_event,
                                                          create_invitee):
    from rsvp.dbtypes import utcnow

    event = create_event()
    person = create_invitee(event, email="weg@example.org")
    person.bounced_at, person.bounce_reason = utcnow(), "5.1.1 550 User unknown"
    db.session.commit()
    page = organiser_client.get(f"/events/{event.slug}/invitees/{person.id}")
    assert "5.1.1 550 User unknown" in page.text


def test_the_invitee_list_marks_and_filters_bounced_addresses(organiser_client, create_event,
                                                             create_invitee):
    from rsvp.dbtypes import utcnow

    event = create_event()
    gone = create_invitee(event, email="weg@example.org")
    create_invitee(event, email="da@example.org")
    gone.bounced_at = utcnow()
    db.session.commit()
    listed = organiser_client.get(f"/events/{event.slug}/invitees?delivery=bounced")
    assert "weg@example.org" in listed.text and "da@example.org" not in listed.text
    assert "unzustellbar" in listed.text


def test_deleting_an_invitee_who_had_the_meeting_sends_them_the_calendar_cancel(
        organiser_client, runner, create_event, create_invitee, smtp_server):
    event = create_event()
    person = create_invitee(event, email="petra@example.org")
    queue_confirmation(db.session, person, record_answer(db.session, person, "accepted").change)
    db.session.commit()
    runner.invoke(args=["send", event.slug])
    page = organiser_client.get(f"/events/{event.slug}/invitees/{person.id}")
    organiser_client.post(f"/events/{event.slug}/invitees/{person.id}/delete",
                          data={"csrf_token": csrf_token(page.text), "confirm": "yes"})
    smtp_server.wait_for(2)
    join_deliveries()
    [cancel] = calendars_in(smtp_server.to("petra@example.org")[-1])
    assert str(cancel["method"]) == "CANCEL"
    assert db.session.scalar(select(func.count()).select_from(Message).where(
        Message.recipient != "", Message.invitee_id.is_(None))) == 0
