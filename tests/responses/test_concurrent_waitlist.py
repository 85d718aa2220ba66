"""Places under load: simultaneous declines and acceptances, each through its own client."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from rsvp.events.stats import event_stats
from rsvp.extensions import db
from rsvp.mailing.models import Message, MessageKind
from rsvp.responses.models import Answer, Response
from rsvp.responses.services import record_answer
from rsvp.tokens import make_token
from tests.conftest import csrf_token, join_background_senders


@pytest.fixture
def app_config(app_config):
    # Every request below comes from 127.0.0.1: the per-address limit is not under test here.
    return app_config | {"ANSWER_RATE_LIMIT_PER_ADDRESS": "1000 per minute"}


def post_all_at_once(app, client, invitees, fields):
    """Each invitee answers from their own client; all posts are sent together.

    The clients share one session cookie: the test app keeps one app context, so the CSRF
    token Flask-WTF caches in ``g`` would not match a second session.
    """
    page = client.get(f"/r/{make_token(invitees[0])}")
    csrf, cookie = csrf_token(page.text), client.get_cookie("session")

    def post(token):
        browser = app.test_client()
        browser.set_cookie(cookie.key, cookie.value)
        return browser.post(f"/r/{token}", data={"csrf_token": csrf, **fields}).status_code

    tokens = [make_token(invitee) for invitee in invitees]
    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(post, tokens))


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

    statuses = post_all_at_once(app, client, leaving[:3], {"response": "declined", "guests": "0"})

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

    statuses = post_all_at_once(app, client, eager, {"response": "accepted", "guests": "1"})

    assert statuses == [303] * 8
    assert sorted(answers(eager)) == [Answer.ACCEPTED] + [Answer.WAITLISTED] * 7
    figures = event_stats(db.session, event)
    assert (figures.headcount, figures.waitlisted) == (5, 7)
