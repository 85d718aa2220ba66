"""Two tabs and double clicks: answers for one invitee are taken one after the other."""

from itertools import pairwise

import pytest
from sqlalchemy import func, select

from rsvp.extensions import db
from rsvp.responses.models import Response, ResponseChange
from rsvp.tokens import make_token
from tests.conftest import join_background_senders
from tests.responses.links import post_together


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
