"""Whether an event asks anything, kept per revision: every change of its questions is seen."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.questions.editor import add_question, set_hidden
from rsvp.questions.queries import asks_questions, questions_of
from tests.conftest import sql_sent
from tests.questions.conftest import QUESTIONS

pytestmark = pytest.mark.postgres

NOTE = {"key": "note", "type": "textarea", "label": {"de": "Hinweis", "en": "Note"}}


@contextmanager
def another_request() -> Iterator[Session]:
    """A session of its own, as the next request (or another worker) has."""
    with Session(db.engine) as session:
        yield session


def asks_in_another_request(event_id: int) -> bool:
    with another_request() as session:
        return asks_questions(session, session.get_one(Event, event_id))


def test_an_event_without_questions_asks_none(create_event):
    assert asks_in_another_request(create_event().id) is False


def test_an_event_with_questions_asks_them(create_event):
    assert asks_in_another_request(create_event(questions=QUESTIONS).id) is True


def test_a_question_added_is_asked_from_the_next_request_on(create_event):
    event = create_event()
    assert asks_in_another_request(event.id) is False
    add_question(db.session, event, NOTE)
    db.session.commit()
    assert asks_in_another_request(event.id) is True


def test_hiding_the_only_question_asks_none_from_the_next_request_on(create_event):
    event = create_event(questions=[NOTE])
    assert asks_in_another_request(event.id) is True
    set_hidden(db.session, questions_of(db.session, event)[0], True)
    db.session.commit()
    assert asks_in_another_request(event.id) is False


def test_a_change_rolled_back_is_not_kept_for_the_revision_it_raised(create_event):
    event = create_event(questions=[NOTE])
    with another_request() as session:
        set_hidden(session, questions_of(session, session.get_one(Event, event.id))[0], True)
        assert asks_questions(session, session.get_one(Event, event.id)) is False
        session.rollback()
    # Another change raises the revision to the same number, the question still asked.
    with another_request() as session:
        session.get_one(Event, event.id).title = "Neuer Titel"
        session.commit()
    assert asks_in_another_request(event.id) is True


def test_a_session_keeps_what_it_read_again_once_its_change_is_committed(create_event):
    event = create_event(questions=[NOTE])
    with another_request() as session:
        session.get_one(Event, event.id).title = "Neuer Titel"
        session.commit()
        shown = session.get_one(Event, event.id)
        asks_questions(session, shown)
        with sql_sent() as statements:
            assert asks_questions(session, shown) is True
    assert statements == []
