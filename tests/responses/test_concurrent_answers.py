"""Two tabs and double clicks: answers for one invitee are taken one after the other."""

import time
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from rsvp.extensions import db
from rsvp.mailing.sqlite_write_lock import WriteTurns
from rsvp.responses.models import Response, ResponseChange
from rsvp.tokens import make_token
from tests.conftest import csrf_token, join_background_senders, skip_unless_sqlite
from tests.responses.links import link_of, post_together


@pytest.fixture
def token(create_event, create_invitee):
    return make_token(create_invitee(create_event(max_guests=3), email="tabs@example.org"))



def test_a_double_clicked_submit_records_one_answer_and_sends_one_confirmation(
        app, client, token, smtp_server):
    statuses = post_together(app, client,
                             [(token, {"response": "accepted", "guests": "1"})] * 6)
    assert statuses == [303] * 6
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ResponseChange)) == 1
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    smtp_server.wait_for(1)
    join_background_senders()
    assert len(smtp_server.to("tabs@example.org")) == 1


def test_tabs_answering_differently_at_once_leave_a_complete_history(app, client, token):
    answers = [{"response": "accepted", "guests": str(n % 4)} if n % 2 else
               {"response": "declined", "guests": "0"} for n in range(8)]
    statuses = post_together(app, client, [(token, fields) for fields in answers])
    assert set(statuses) == {303}
    db.session.expire_all()
    history = db.session.scalars(select(ResponseChange).order_by(ResponseChange.id)).all()
    for before, after in pairwise(history):
        assert (after.old_answer, after.old_guests) == (before.new_answer, before.new_guests)
    final = db.session.scalar(select(Response))
    assert (final.answer, final.guests) == (history[-1].new_answer, history[-1].new_guests)


def test_an_answer_on_sqlite_waits_for_the_writers_turn_and_is_recorded_in_it(
        app, app_config, client, token):
    skip_unless_sqlite(app_config, "the queue is SQLite's; on PostgreSQL an answer writes at once")
    url = link_of(token)
    form = {"csrf_token": csrf_token(client.get(url).text), "response": "accepted",
            "guests": "0"}
    sender = WriteTurns.for_connection(db.engine)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            with sender.turn():
                posted = pool.submit(lambda: app.test_client().post(url, data=form).status_code)
                time.sleep(0.5)
                assert not posted.done()
            assert posted.result(timeout=10) == 303
    finally:
        sender.close()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1
    join_background_senders()
