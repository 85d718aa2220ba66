"""Messages refer to the answer and the update round they are about by foreign key."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rsvp.extensions import db
from rsvp.mailing.content_models import UpdateRound
from rsvp.mailing.models import Message, MessageKind
from rsvp.mailing.services import Audience, queue_confirmation, queue_message, queue_messages
from rsvp.responses.models import ResponseChange
from rsvp.responses.services import record_answer


def test_the_database_refuses_a_second_confirmation_of_one_answer(create_event,
                                                                  create_invitee):
    person = create_invitee(create_event())
    change = record_answer(db.session, person, "accepted").change
    queue_confirmation(db.session, person, change)
    with pytest.raises(IntegrityError):
        queue_message(db.session, person, MessageKind.CONFIRMATION, response_change_id=change.id)


def test_the_database_refuses_a_text_reference_in_dedup_key(create_event, create_invitee):
    person = create_invitee(create_event())
    with pytest.raises(IntegrityError):
        queue_message(db.session, person, MessageKind.CONFIRMATION, "confirmation:1")


def test_a_bulk_confirmation_skips_the_answer_confirmed_already(create_event, create_invitee):
    event = create_event()
    person = create_invitee(event)
    change = record_answer(db.session, person, "accepted").change
    queue_confirmation(db.session, person, change)
    assert queue_messages(db.session, event, MessageKind.CONFIRMATION) == 0


def test_an_update_round_is_queued_once_per_invitee(create_event, create_invitee):
    event = create_event()
    create_invitee(event)
    update = UpdateRound(event_id=event.id, subject="Programm", body="Online.", audience="all")
    db.session.add(update)
    db.session.flush()
    assert queue_messages(db.session, event, MessageKind.UPDATE, audience=Audience.ALL,
                          update_round_id=update.id) == 1
    assert queue_messages(db.session, event, MessageKind.UPDATE, audience=Audience.ALL,
                          update_round_id=update.id) == 0
    assert db.session.scalar(select(Message.update_round_id)) == update.id


def test_a_confirmation_keeps_its_log_row_when_its_answer_row_goes(create_event, create_invitee):
    person = create_invitee(create_event())
    change = record_answer(db.session, person, "accepted").change
    message_id = queue_confirmation(db.session, person, change)
    db.session.commit()
    db.session.execute(ResponseChange.__table__.delete())
    db.session.commit()
    assert db.session.get(Message, message_id).response_change_id is None
