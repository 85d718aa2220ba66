"""Places under load: simultaneous declines and acceptances, each through its own client."""


import pytest
from sqlalchemy import select

from rsvp.events.stats import event_stats
from rsvp.extensions import db
from rsvp.mailing.models import Message, MessageKind
from rsvp.responses.models import Answer, Response
from rsvp.responses.services import record_answer
from tests.conftest import join_background_senders
from tests.responses.links import post_together


@pytest.fixture
def app_config(app_config):
    # Every request below comes from 127.0.0.1: the per-address limit is not under test here.
    return app_config | {"ANSWER_RATE_LIMIT_PER_ADDRESS": "1000 per minute"}



def answers(people) -> list[Answer]:
    db.session.expire_all()
    return [db.session.scalar(select(Response.answer).where(Response.invitee_id == p.id))
            for p in people]


def test_simultaneous_declines_give_each_freed_place_to_a_different_person_in_order(
        app, client, create_event, create_invitee, smtp_server):
    event = create_event(capacity=4, max_guests=1)
    leaving = [create_invitee(event, email=f"leaving{n}@example.org") for n in range(4)]
    waiting = [create_invitee(event, email=f"waiting{n}@example.org") for n in range(6)]
    for person in leaving + waiting:
        record_answer(db.session, person, "accepted")
    db.session.commit()
    assert answers(waiting) == [Answer.WAITLISTED] * 6

    declined = {"response": "declined", "guests": "0"}
    statuses = post_together(app, client, [(person, declined) for person in leaving[:3]])

    assert statuses == [303] * 3
    assert answers(waiting) == [Answer.ACCEPTED] * 3 + [Answer.WAITLISTED] * 3
    figures = event_stats(db.session, event)
    assert (figures.headcount, figures.waitlisted) == (4, 3)
    promoted = db.session.scalars(select(Message.invitee_id).where(
        Message.kind == MessageKind.PROMOTED)).all()
    assert sorted(promoted) == [p.id for p in waiting[:3]]
    smtp_server.wait_for(6)  # three promotions, three confirmations of the declines
    join_background_senders()
    for person in waiting[:3]:
        assert len(smtp_server.to(person.email)) == 1


def test_simultaneous_acceptances_for_the_last_places_never_overbook(
        app, client, create_event, create_invitee):
    event = create_event(capacity=5, max_guests=1)
    record_answer(db.session, create_invitee(event), "accepted", guests=1)
    record_answer(db.session, create_invitee(event), "accepted")
    db.session.commit()
    eager = [create_invitee(event, email=f"eager{n}@example.org") for n in range(8)]

    accepted = {"response": "accepted", "guests": "1"}
    statuses = post_together(app, client, [(person, accepted) for person in eager])

    assert statuses == [303] * 8
    assert sorted(answers(eager)) == [Answer.ACCEPTED] + [Answer.WAITLISTED] * 7
    figures = event_stats(db.session, event)
    assert (figures.headcount, figures.waitlisted) == (5, 7)
