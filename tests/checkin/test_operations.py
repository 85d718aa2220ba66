"""Checking in: one standing check-in per person, clear refusals, undo kept as history."""

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from rsvp.checkin.models import VIA_CLI, CheckIn
from rsvp.checkin.operations import add_guests, check_in, check_in_by_code, undo_check_in
from rsvp.checkin.rules import Refusal
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.outcome import SYSTEM, Agent
from rsvp.tokens import checkin_code
from tests import factories
from tests.checkin.conftest import answer


def rows() -> list[CheckIn]:
    return list(db.session.scalars(select(CheckIn).order_by(CheckIn.id)))


def test_an_accepted_invitee_is_checked_in_with_all_their_guests(accepted, create_organiser):
    door = create_organiser("tuer@example.org")
    outcome = check_in(db.session, Agent.organiser(door.id), accepted)
    db.session.commit()
    assert outcome.ok and outcome.message_ids == []
    assert [(r.invitee_id, r.guests, r.organiser_id) for r in rows()] == [(accepted.id, 2, door.id)]


def test_a_check_in_may_let_in_fewer_guests(accepted):
    outcome = check_in(db.session, SYSTEM, accepted, guests=1)
    assert outcome.check_in.guests == 1


def test_more_guests_than_the_answer_names_are_refused(accepted):
    outcome = check_in(db.session, SYSTEM, accepted, guests=3)
    assert outcome.refusal is Refusal.TOO_MANY_GUESTS and rows() == []


def test_guests_arriving_later_are_added_one_by_one(accepted):
    check_in(db.session, SYSTEM, accepted, guests=0)
    add_guests(db.session, SYSTEM, accepted)
    outcome = add_guests(db.session, SYSTEM, accepted)
    assert outcome.check_in.guests == 2
    assert add_guests(db.session, SYSTEM, accepted).refusal is Refusal.TOO_MANY_GUESTS


def test_a_second_check_in_names_the_first_one(accepted, create_organiser):
    door = create_organiser("tuer@example.org")
    first = check_in(db.session, Agent.organiser(door.id), accepted)
    db.session.commit()
    second = check_in(db.session, SYSTEM, accepted, via=VIA_CLI)
    assert second.refusal is Refusal.ALREADY_CHECKED_IN
    assert second.check_in.id == first.check_in.id and second.check_in.organiser_id == door.id
    assert len(rows()) == 1


@pytest.mark.parametrize(("what", "refusal"), [("declined", Refusal.DECLINED),
                                               ("accepted", Refusal.WAITLISTED)])
def test_who_has_no_place_is_refused_with_the_reason(event, accepted, what, refusal):
    # The event holds four: Petra and her two guests leave one place, taken here.
    answer(factories.make_invitee(event), "accepted")
    late = answer(factories.make_invitee(event), what)
    assert check_in(db.session, SYSTEM, late).refusal is refusal


def test_who_never_answered_is_refused(event):
    invitee = factories.make_invitee(event)
    assert check_in(db.session, SYSTEM, invitee).refusal is Refusal.NOT_ANSWERED


def test_a_code_checks_in_its_invitee(event, accepted):
    outcome = check_in_by_code(db.session, SYSTEM, event, checkin_code(accepted))
    assert outcome.ok and outcome.invitee.id == accepted.id


def test_a_made_up_code_is_unknown(event, accepted):
    code = checkin_code(accepted)
    outcome = check_in_by_code(db.session, SYSTEM, event, code[:-2] + "xx")
    assert outcome.refusal is Refusal.UNKNOWN_CODE and outcome.invitee is None


def test_a_code_of_a_renewed_link_is_revoked(event, accepted):
    code = checkin_code(accepted)
    accepted.revoke_link()
    db.session.commit()
    assert check_in_by_code(db.session, SYSTEM, event, code).refusal is Refusal.REVOKED_CODE


def test_another_events_code_is_unknown_at_this_door(event, accepted):
    other = factories.make_event()
    assert check_in_by_code(db.session, SYSTEM, other, checkin_code(accepted)).refusal \
        is Refusal.UNKNOWN_CODE


def test_undo_keeps_the_check_in_as_history_and_allows_a_new_one(accepted, create_organiser):
    door = create_organiser("tuer@example.org")
    check_in(db.session, SYSTEM, accepted)
    undone = undo_check_in(db.session, Agent.organiser(door.id), accepted)
    again = check_in(db.session, SYSTEM, accepted, guests=1)
    db.session.commit()
    assert undone.ok and again.ok
    assert [(r.undone_at is not None, r.undone_by_id, r.guests) for r in rows()] == [
        (True, door.id, 2), (False, None, 1)]


def test_undo_of_nobody_checked_in_is_refused(accepted):
    assert undo_check_in(db.session, SYSTEM, accepted).refusal is Refusal.NOT_CHECKED_IN


def test_the_database_holds_one_standing_check_in_per_person(accepted):
    db.session.add(CheckIn(invitee_id=accepted.id, event_id=accepted.event_id))
    db.session.commit()
    db.session.add(CheckIn(invitee_id=accepted.id, event_id=accepted.event_id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def _phone(app, invitee_id: int, start: threading.Barrier, results: list) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        invitee = db.session.get(Invitee, invitee_id)
        start.wait()
        outcome = check_in(db.session, SYSTEM, invitee)
        db.session.commit()
        results.append(outcome.refusal)
        db.session.remove()


def test_two_phones_at_once_record_one_check_in(app, accepted):
    start, results = threading.Barrier(2), []
    phones = [threading.Thread(target=_phone, args=(app, accepted.id, start, results))
              for _ in range(2)]
    for phone in phones:
        phone.start()
    for phone in phones:
        phone.join(30)
    assert sorted(results, key=str) == sorted([None, Refusal.ALREADY_CHECKED_IN], key=str)
    assert db.session.scalar(select(func.count()).select_from(CheckIn)) == 1
