"""The event file's [[questions]] and guest_names, and the errors that name the field."""

import pytest

from rsvp.events.services import EventError
from rsvp.extensions import db
from rsvp.questions.queries import questions_of
from tests.questions.conftest import QUESTIONS


def test_the_event_file_creates_the_questions_in_order_with_their_options(questions_event):
    questions = questions_of(db.session, questions_event)
    assert [q.key for q in questions] == [q["key"] for q in QUESTIONS]
    assert [(o.key, o.limit) for o in questions[0].options] == [
        ("any", None), ("vegetarian", None), ("vegan", 2)]
    assert questions[3].show_if_question is questions[2] and questions[3].show_if_equals == "yes"


def test_guest_names_is_read_from_the_event_file(create_event):
    assert create_event(guest_names=True).guest_names is True


@pytest.mark.parametrize(("questions", "field"), [
    ([{"key": "a b", "type": "text", "label": "A"}], "questions[1].key"),
    ([{"key": "a", "type": "colour", "label": "A"}], "questions[1].type"),
    ([{"key": "a", "type": "text"}], "questions[1].label"),
    ([{"key": "a", "type": "choice", "label": "A"}], "questions[1].options"),
    ([{"key": "a", "type": "number", "label": "A", "min": 5, "max": 1}], "questions[1].max"),
    ([{"key": "a", "type": "text", "label": "A", "min": 1}], "questions[1].min"),
    ([{"key": "a", "type": "consent", "label": "A"}], "questions[1].consent"),
    ([{"key": "a", "type": "text", "label": "A"}, {"key": "a", "type": "text", "label": "B"}],
     "questions[2].key"),
    ([{"key": "a", "type": "choice", "label": "A", "options": [{"key": "x", "de": "X",
                                                              "limit": 0}]}],
     "questions[1].options[1].limit"),
    ([{"key": "a", "type": "text", "label": "A", "show_if": {"question": "b", "equals": "y"}}],
     "questions[1].show_if"),
])
def test_a_bad_question_is_refused_naming_its_field(create_event, questions, field):
    with pytest.raises(EventError) as error:
        create_event(questions=questions)
    assert error.value.field == field
    db.session.rollback()


def test_guest_names_must_be_true_or_false(create_event):
    with pytest.raises(EventError) as error:
        create_event(guest_names="ja")
    assert error.value.field == "guest_names"
    db.session.rollback()
