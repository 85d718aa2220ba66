"""The queries the dashboard builds on: counts with labels, who answered what."""

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.questions.queries import invitee_ids_answering, labelled_counts
from tests.questions.conftest import GOOD
from tests.responses.links import answer

pytestmark = pytest.mark.postgres


def ids(event, key, value):
    return set(db.session.scalars(select(Invitee.id).where(
        Invitee.id.in_(invitee_ids_answering(db.session, event, key, value)))))


def test_labelled_counts_name_questions_and_options_in_the_language_asked(
        client, questions_event, create_invitee):
    answer(client, create_invitee(questions_event), **(GOOD | {"q_diet": "vegan"}))
    [(diet, options), *rest] = labelled_counts(db.session, questions_event, "en")
    assert diet.label("en") == "Catering"
    assert options == [("No restriction", 0), ("Vegetarian", 0), ("Vegan", 1)]
    assert [q.key for q, _ in rest] == ["workshops", "next_day", "excursion"]


@pytest.mark.parametrize(("key", "value"), [
    ("diet", "vegan"), ("workshops", "b"), ("next_day", "no"), ("nights", "2"),
    ("arrival", "2030-05-04"), ("access", "Rollstuhl"), ("list", "yes")])
def test_invitees_are_found_by_an_answer_of_any_type(
        client, questions_event, create_invitee, key, value):
    found = create_invitee(questions_event)
    answer(client, found, **(GOOD | {"q_diet": "vegan"}), q_workshops=["a", "b"],
           q_nights="2", q_arrival="2030-05-04", q_access="Rollstuhl")
    other = create_invitee(questions_event)
    answer(client, other, **GOOD)
    # Both said no to the next day and agreed to the list.
    expected = {found.id, other.id} if key in ("next_day", "list") else {found.id}
    assert ids(questions_event, key, value) == expected


def test_an_unknown_question_or_value_finds_nobody(client, questions_event, create_invitee):
    answer(client, create_invitee(questions_event), **GOOD)
    assert ids(questions_event, "shoe_size", "42") == set()
    assert ids(questions_event, "nights", "zwei") == set()
