"""Erasure on request and a copy of one invitee's data."""

import json

from sqlalchemy import func, select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.invitees.privacy import erase_invitee, invitee_data
from rsvp.mailing.models import Message, MessageKind, SentTest
from rsvp.responses.models import ResponseChange
from rsvp.responses.services import record_answer


def test_the_copy_of_an_invitees_data_holds_answers_history_and_messages(
        runner, create_event, create_invitee, smtp_server):
    event = create_event()
    person = create_invitee(event, email="petra@example.org", last_name="Potz")
    runner.invoke(args=["send", event.slug])
    record_answer(db.session, person, "accepted", guests=1, comment="Rollstuhl")
    db.session.commit()
    data = invitee_data(db.session, person)
    json.dumps(data)
    assert data["email"] == "petra@example.org" and data["last_name"] == "Potz"
    assert data["answer"]["comment"] == "Rollstuhl"
    assert [h["new_answer"] for h in data["history"]] == ["accepted"]
    assert data["messages"][0]["kind"] == "invitation"
    assert "Potz" in data["messages"][0]["text"]


def test_erasure_keeps_that_an_answer_was_given_but_not_who(runner, create_event,
                                                           create_invitee, smtp_server):
    event = create_event()
    person = create_invitee(event, email="petra@example.org", last_name="Potz")
    runner.invoke(args=["send", event.slug])
    record_answer(db.session, person, "accepted", comment="Rollstuhl")
    db.session.commit()
    erasure = erase_invitee(db.session, person)
    db.session.commit()
    assert (erasure.messages_anonymised, erasure.history_rows_kept) == (1, 1)
    assert db.session.scalar(select(func.count()).select_from(Invitee)) == 0
    [change] = db.session.scalars(select(ResponseChange)).all()
    assert change.invitee_id is None and change.new_answer.value == "accepted"
    assert change.new_comment == ""
    [message] = db.session.scalars(select(Message)).all()
    assert message.status.value == "sent"
    stored = " ".join(str(v) for v in (message.recipient, message.subject, message.body_text,
                                       message.body_html, message.message_id))
    assert "Potz" not in stored and "petra" not in stored


def test_the_commands_print_the_data_and_erase_after_confirmation(runner, create_event,
                                                                  create_invitee):
    event = create_event()
    create_invitee(event, email="petra@example.org", last_name="Potz")
    data = runner.invoke(args=["invitees", "data", event.slug, "petra@example.org"])
    assert json.loads(data.output)["last_name"] == "Potz"
    refused = runner.invoke(args=["invitees", "erase", event.slug, "petra@example.org"],
                            input="n\n")
    assert refused.exit_code == 1
    assert db.session.scalar(select(func.count()).select_from(Invitee)) == 1
    erased = runner.invoke(args=["invitees", "erase", event.slug, "petra@example.org", "--yes"])
    assert erased.exit_code == 0, erased.output
    assert db.session.scalar(select(func.count()).select_from(Invitee)) == 0


def test_erasure_removes_the_organisers_tests_of_the_invitees_mail(create_event,
                                                                  create_invitee):
    event = create_event()
    person = create_invitee(event, email="petra@example.org", last_name="Potz")
    db.session.add(SentTest(event_id=event.id, invitee_id=person.id, kind=MessageKind.INVITATION,
                            recipient="buero@example.org", subject="[Test] Sehr geehrte Frau Potz",
                            message_id="x@rsvp.test"))
    db.session.commit()
    erase_invitee(db.session, person)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SentTest)) == 0
