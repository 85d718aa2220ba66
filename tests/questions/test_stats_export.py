"""The questions in `rsvp stats --json` and in the export."""

import csv
import io
import json

import pytest

from rsvp.extensions import db
from rsvp.outcome import Agent
from rsvp.responses.operations import answer_for_invitee
from tests.questions.conftest import GOOD

pytestmark = pytest.mark.postgres


def answered(invitee, answer: str = "accepted", **fields: object):  # type: ignore[no-untyped-def]
    """Record an answer with the questions' fields, as the phone form does."""
    values = {k: v if isinstance(v, list) else [str(v)] for k, v in (GOOD | fields).items()}
    answer_for_invitee(db.session, invitee, answer, by=Agent.organiser(None), channel="phone",
                       guests=int(str(fields.pop("guests", 0))), questions=values,
                       confirm=False)
    db.session.commit()


def test_stats_json_counts_choices_of_accepted_people_only(runner, questions_event,
                                                           create_invitee):
    answered(create_invitee(questions_event), q_diet="vegan", q_workshops=["a", "b"])
    answered(create_invitee(questions_event), q_diet="vegetarian", q_workshops=["a"])
    answered(create_invitee(questions_event), "declined", q_next_day="yes")
    result = runner.invoke(args=["stats", questions_event.slug, "--json"])
    questions = json.loads(result.output)["questions"]
    assert questions["diet"] == {"any": 0, "vegetarian": 1, "vegan": 1}
    assert questions["workshops"] == {"a": 2, "b": 1}
    assert questions["next_day"] == {"yes": 0, "no": 2}
    assert set(questions) == {"diet", "workshops", "next_day", "excursion"}


def test_stats_as_text_lists_each_answer(runner, questions_event, create_invitee):
    answered(create_invitee(questions_event), q_diet="vegan")
    output = runner.invoke(args=["stats", questions_event.slug]).output
    assert "diet vegan" in " ".join(output.split())


def rows(runner, event) -> list[dict[str, str]]:
    output = runner.invoke(args=["export", event.slug]).output
    return list(csv.DictReader(io.StringIO(output)))


def test_the_export_has_a_column_per_question_with_multichoice_keys_joined(
        runner, questions_event, create_invitee):
    answered(create_invitee(questions_event, email="a@example.org"), q_workshops=["b", "a"],
             q_nights="2", q_access="=Rampe")
    create_invitee(questions_event, email="b@example.org")
    first, second = rows(runner, questions_event)
    assert first["q_diet"] == "vegetarian" and first["q_workshops"] == "a|b"
    assert first["q_nights"] == "2" and first["q_next_day"] == "no"
    assert first["q_list"] == "yes"
    # A text answer is as inert in a spreadsheet as the other cells.
    assert first["q_access"] == "'=Rampe"
    assert second["q_diet"] == "" and second["email"] == "b@example.org"


def test_the_export_has_the_guests_names_and_per_person_answers(
        runner, create_event, create_invitee):
    from tests.questions.conftest import QUESTIONS
    diet = QUESTIONS[0] | {"per_person": True}
    event = create_event(questions=[diet, QUESTIONS[2], QUESTIONS[8]], max_guests=2,
                         guest_names=True)
    answered(create_invitee(event), q_diet="any", guest_1_name="Hans Gast",
             guest_1_q_diet="vegan")
    (row,) = rows(runner, event)
    assert row["guest_1_name"] == "Hans Gast" and row["guest_1_q_diet"] == "vegan"
    assert row["guest_2_name"] == "" and row["guests"] == "1"
    assert json.loads(runner.invoke(args=["stats", event.slug, "--json"]).output)[
        "questions"]["diet"] == {"any": 1, "vegetarian": 0, "vegan": 1}
