"""An answer's rows are written with plain statements: the objects it returns must be what
the database holds, in the session as if read from it, with nothing left for a flush."""

from sqlalchemy import select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.responses.models import Answer, Response, ResponseChange
from rsvp.responses.services import Substitute, record_answer
from tests.conftest import sql_sent


def stored(model, row_id: int, *columns: str) -> tuple:
    table = model.__table__
    return db.session.execute(select(*(table.c[name] for name in columns))
                              .where(table.c.id == row_id)).one()


def nothing_pending() -> bool:
    return not (db.session.new or db.session.dirty or db.session.deleted)


def test_a_first_answer_is_stored_and_becomes_the_invitees_response(create_event,
                                                                     create_invitee):
    person = create_invitee(create_event(max_guests=2))
    result = record_answer(db.session, person, "accepted", guests=2, comment="Gern")
    assert nothing_pending()
    assert person.response is result.response
    assert result.response.invitee is person
    assert stored(Response, result.response.id, "answer", "guests", "comment") == (
        "accepted", 2, "Gern")
    assert db.session.get(Response, result.response.id) is result.response


def test_a_changed_answer_updates_the_row_and_the_object_alike(create_event, create_invitee):
    person = create_invitee(create_event(max_guests=2, link_policy="transferable"))
    first = record_answer(db.session, person, "accepted", guests=1)
    db.session.commit()
    second = record_answer(db.session, person, "declined", comment="Leider verhindert",
                           substitute=Substitute("Otto Vertreter", "otto@example.org"))
    assert nothing_pending()
    assert second.response is first.response
    row = stored(Response, second.response.id, "answer", "guests", "comment",
                 "substitute_name", "substitute_email", "answered_at", "waitlisted_at")
    response = second.response
    assert row == (response.answer.value, response.guests, response.comment,
                   response.substitute_name, response.substitute_email, response.answered_at,
                   response.waitlisted_at)
    assert (response.answer, response.guests) == (Answer.DECLINED, 0)


def test_the_history_row_is_in_the_session_with_its_id(create_event, create_invitee):
    person = create_invitee(create_event())
    change = record_answer(db.session, person, "accepted").change
    assert change.id is not None
    assert db.session.get(ResponseChange, change.id) is change
    assert stored(ResponseChange, change.id, "old_answer", "new_answer", "channel") == (
        None, "accepted", "link")
    db.session.commit()
    assert db.session.scalars(select(ResponseChange)).all() == [change]


def test_leaving_the_guest_list_counts_a_withdrawal_in_the_row_and_the_object(
        create_event, create_invitee):
    person = create_invitee(create_event())
    record_answer(db.session, person, "accepted")
    db.session.commit()
    record_answer(db.session, person, "declined")
    assert nothing_pending()
    assert person.calendar_withdrawals == 1
    assert stored(Invitee, person.id, "calendar_withdrawals") == (1,)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Invitee, person.id).calendar_withdrawals == 1


def test_a_rolled_back_answer_leaves_no_row_and_no_object(create_event, create_invitee):
    person = create_invitee(create_event())
    db.session.commit()
    record_answer(db.session, person, "accepted")
    db.session.rollback()
    assert db.session.scalars(select(Response)).all() == []
    assert db.session.scalars(select(ResponseChange)).all() == []
    assert db.session.get(Invitee, person.id).response is None


def test_an_answer_to_a_limited_event_reads_its_answer_and_the_places_in_one_statement(
        create_event, create_invitee):
    person = create_invitee(create_event(capacity=10))
    assert person.event.capacity == 10  # loaded with the invitee, as the link loads it
    with sql_sent() as sent:
        record_answer(db.session, person, "accepted")
    # The lock, the answer with the places, the answer written, its history row.
    assert [statement.split(None, 1)[0].upper() for statement in sent] == [
        "UPDATE", "SELECT", "INSERT", "INSERT"]
