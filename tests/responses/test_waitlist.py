"""A full venue: acceptances beyond the capacity wait, and freed places go to them in order."""

import pytest
from sqlalchemy import select

from rsvp.events.operations import update_event
from rsvp.events.stats import event_stats
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind
from rsvp.responses.models import Actor, Answer, Response, ResponseChange
from rsvp.responses.services import record_answer
from rsvp.responses.waitlist import answer_and_places
from rsvp.tokens import make_token
from tests.conftest import join_background_senders
from tests.responses.links import answer


def state(invitee) -> Answer | None:
    db.session.expire_all()
    response = db.session.scalar(select(Response).where(Response.invitee_id == invitee.id))
    return response.answer if response else None


@pytest.fixture
def full_event(create_event, create_invitee):
    """Capacity 3, taken by one invitee with two guests."""
    event = create_event(capacity=3, max_guests=2)
    record_answer(db.session, create_invitee(event, email="first@example.org"), "accepted",
                  guests=2)
    db.session.commit()
    return event


def test_guests_count_against_the_capacity(full_event, create_invitee):
    late = create_invitee(full_event, email="late@example.org")
    record_answer(db.session, late, "accepted")
    db.session.commit()
    assert state(late) is Answer.WAITLISTED
    figures = event_stats(db.session, full_event)
    assert (figures.accepted, figures.headcount, figures.waitlisted) == (1, 3, 1)


def test_an_acceptance_for_a_full_event_is_told_its_place_on_the_page_and_by_mail(
        client, full_event, create_invitee, smtp_server):
    record_answer(db.session, create_invitee(full_event, email="ahead@example.org"), "accepted")
    db.session.commit()
    late = create_invitee(full_event, email="late@example.org")
    assert answer(client, late).status_code == 303
    page = client.get(f"/r/{make_token(late)}")
    assert "Warteliste" in page.text
    assert "Platz 2" in page.text
    smtp_server.wait_for(1)
    join_background_senders()
    [mail] = smtp_server.to("late@example.org")
    assert mail["Subject"].startswith("Warteliste:")
    text = mail.get_body(("plain",)).get_content()
    assert "an 2. Stelle" in text
    assert not [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]


def test_a_decline_gives_the_place_to_the_first_in_line_and_mails_them(
        client, create_event, create_invitee, smtp_server):
    event = create_event(capacity=2, max_guests=1)
    leaving = create_invitee(event, email="leaving@example.org")
    record_answer(db.session, leaving, "accepted", guests=1)
    first = create_invitee(event, email="first@example.org", language="en")
    second = create_invitee(event, email="second@example.org")
    record_answer(db.session, first, "accepted")
    record_answer(db.session, second, "accepted")
    db.session.commit()
    assert answer(client, leaving, response="declined").status_code == 303
    assert (state(first), state(second)) == (Answer.ACCEPTED, Answer.ACCEPTED)
    smtp_server.wait_for(2)  # the decline's confirmation and the promotion
    join_background_senders()
    [mail] = smtp_server.to("first@example.org")
    assert mail["Subject"].startswith("A place has become free:")
    calendars = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(calendars) == 1
    moved = db.session.scalar(select(ResponseChange).where(
        ResponseChange.invitee_id == first.id, ResponseChange.new_answer == Answer.ACCEPTED))
    assert (moved.actor, moved.channel, moved.old_answer) == (
        Actor.SYSTEM, "waitlist", Answer.WAITLISTED)


def test_nobody_jumps_the_queue_when_the_next_party_does_not_fit(full_event, create_invitee):
    big = create_invitee(full_event, email="big@example.org")
    small = create_invitee(full_event, email="small@example.org")
    record_answer(db.session, big, "accepted", guests=2)
    record_answer(db.session, small, "accepted")
    db.session.commit()
    update_event(db.session, full_event, {"capacity": 4})
    db.session.commit()
    assert (state(big), state(small)) == (Answer.WAITLISTED, Answer.WAITLISTED)
    update_event(db.session, full_event, {"capacity": 7})
    db.session.commit()
    assert (state(big), state(small)) == (Answer.ACCEPTED, Answer.ACCEPTED)


def test_raising_the_capacity_moves_people_up_and_queues_their_mail(full_event, create_invitee):
    waiting = [create_invitee(full_event, email=f"w{n}@example.org") for n in range(3)]
    for person in waiting:
        record_answer(db.session, person, "accepted")
    db.session.commit()
    update_event(db.session, full_event, {"capacity": 5})
    db.session.commit()
    assert [state(p) for p in waiting] == [Answer.ACCEPTED, Answer.ACCEPTED, Answer.WAITLISTED]
    kinds = db.session.scalars(select(Message.kind).where(
        Message.kind == MessageKind.PROMOTED)).all()
    assert len(kinds) == 2


def test_a_waiting_invitee_who_declines_leaves_the_list(full_event, create_invitee):
    person = create_invitee(full_event)
    record_answer(db.session, person, "accepted")
    record_answer(db.session, person, "declined")
    db.session.commit()
    assert state(person) is Answer.DECLINED
    assert event_stats(db.session, full_event).waitlisted == 0


def test_changing_the_comment_keeps_the_place_in_the_queue(full_event, create_invitee):
    first, second = create_invitee(full_event), create_invitee(full_event)
    record_answer(db.session, first, "accepted")
    record_answer(db.session, second, "accepted")
    record_answer(db.session, first, "accepted", comment="Ich warte gern.")
    db.session.commit()
    update_event(db.session, full_event, {"capacity": 4})
    db.session.commit()
    assert (state(first), state(second)) == (Answer.ACCEPTED, Answer.WAITLISTED)


def test_an_accepted_invitee_asking_for_more_guests_than_fit_is_told_so(
        client, create_event, create_invitee):
    event = create_event(capacity=3, max_guests=2)
    person = create_invitee(event)
    record_answer(db.session, person, "accepted")
    record_answer(db.session, create_invitee(event), "accepted", guests=1)
    db.session.commit()
    result = answer(client, person, guests="2")
    assert result.status_code == 409
    assert "höchstens 0 weitere Begleitpersonen" in result.text
    db.session.expire_all()
    assert (state(person), person.response.guests) == (Answer.ACCEPTED, 0)


def test_no_capacity_means_nobody_waits(create_event, create_invitee):
    event = create_event(capacity=None)
    people = [create_invitee(event) for _ in range(5)]
    for person in people:
        record_answer(db.session, person, "accepted", guests=2)
    db.session.commit()
    assert {state(p) for p in people} == {Answer.ACCEPTED}


def test_the_places_read_under_the_lock_leave_out_the_invitees_own(full_event):
    first = db.session.scalar(select(Invitee).where(Invitee.email == "first@example.org"))
    current, taken, waiting = answer_and_places(db.session, full_event.id, first.id)
    assert (current.answer, current.guests) == (Answer.ACCEPTED, 2)
    assert (taken, waiting) == (0, 0)


def test_the_places_read_under_the_lock_come_without_an_answer_for_who_has_none(
        full_event, create_invitee):
    record_answer(db.session, create_invitee(full_event, email="late@example.org"), "accepted")
    db.session.commit()
    newcomer = create_invitee(full_event, email="new@example.org")
    assert answer_and_places(db.session, full_event.id, newcomer.id) == (None, 3, 1)
