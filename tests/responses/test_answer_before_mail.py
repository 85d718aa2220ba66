"""An answer's response does not wait for the mail server: the confirmation goes after it."""

import time

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.mailing.models import Message, MessageStatus
from rsvp.responses.models import Answer, Response
from tests.conftest import join_background_senders
from tests.responses.links import answer

#: The sender's wait for the server's greeting; the answer must come back well before it.
MAIL_TIMEOUT = 3


@pytest.fixture
def app_config(app_config, stalled_smtp_port):
    return app_config | {"MAIL_PORT": stalled_smtp_port, "MAIL_TIMEOUT": MAIL_TIMEOUT}


def test_an_answer_is_saved_and_redirected_while_the_mail_server_hangs(client, create_event,
                                                                      create_invitee):
    invitee = create_invitee(create_event())
    started = time.monotonic()
    result = answer(client, invitee)
    took = time.monotonic() - started
    assert result.status_code == 303
    assert took < MAIL_TIMEOUT / 2
    assert db.session.scalar(select(Response.answer)) is Answer.ACCEPTED
    join_background_senders()
    db.session.expire_all()
    assert db.session.scalar(select(Message.status)) is not MessageStatus.SENT
