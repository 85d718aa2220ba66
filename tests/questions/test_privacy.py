"""Answers to the questions are personal data: copied, erased and purged with the person."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from rsvp.events.stats import event_stats
from rsvp.extensions import db
from rsvp.invitees.privacy import erase_invitee, invitee_data
from rsvp.questions.models import AnswerChange, GuestName, QuestionAnswer
from tests.questions.conftest import QUESTIONS
from tests.questions.test_stats_export import answered

pytestmark = pytest.mark.postgres


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def named_event(create_event):
    """An event asking for the guests' names and a diet per person."""
    return create_event(questions=[QUESTIONS[0] | {"per_person": True}, QUESTIONS[2],
                                   QUESTIONS[8]], max_guests=2, guest_names=True)


def test_the_data_copy_holds_the_answers_the_names_and_their_history(named_event,
                                                                       create_invitee):
    person = create_invitee(named_event)
    answered(person, q_diet="vegan", guest_1_name="Hans Gast", guest_1_q_diet="any")
    data = json.loads(json.dumps(invitee_data(db.session, person)))
    assert {"question": "diet", "person": 1, "value": "any"} in data["questions"]
    assert {"question": "diet", "person": 0, "value": "vegan"} in data["questions"]
    assert data["guest_names"] == ["Hans Gast"]
    changed = data["history"][0]["answers"]
    assert {"question": "guest_name", "person": 1, "old": None, "new": "Hans Gast"} in changed


def test_erasing_an_invitee_removes_their_answers_names_and_answer_history(
        named_event, create_invitee):
    person, other = create_invitee(named_event), create_invitee(named_event)
    answered(person, q_diet="vegan", guest_1_name="Hans Gast", guest_1_q_diet="any")
    answered(other, q_diet="vegan")
    kept = count(QuestionAnswer) - 4
    erase_invitee(db.session, person)
    db.session.commit()
    assert count(GuestName) == 0 and count(QuestionAnswer) == kept
    assert db.session.scalar(select(func.count()).select_from(AnswerChange).where(
        AnswerChange.new_value == "Hans Gast")) == 0
    assert event_stats(db.session, named_event).questions["diet"]["vegan"] == 1


def test_the_purge_removes_the_answers_and_keeps_the_counts_per_option(
        runner, create_event, create_invitee):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=200)
    event = create_event(questions=QUESTIONS, starts_at=start,
                         ends_at=start + timedelta(hours=5),
                         rsvp_deadline=start - timedelta(days=14))
    answered(create_invitee(event), q_diet="vegan", q_workshops=["a", "b"])
    answered(create_invitee(event), q_diet="vegan", q_next_day="yes", q_excursion="bus")
    before = event_stats(db.session, event).questions
    assert runner.invoke(args=["purge"]).exit_code == 0
    db.session.expire_all()
    assert count(QuestionAnswer) == 0 and count(AnswerChange) == 0
    assert event_stats(db.session, event).questions == before
    assert before["diet"]["vegan"] == 2 and before["next_day"] == {"yes": 1, "no": 1}
    figures = json.loads(runner.invoke(args=["stats", event.slug, "--json"]).output)
    assert figures["questions"]["workshops"] == {"a": 1, "b": 1}


def test_a_second_purge_changes_nothing(runner, create_event, create_invitee):
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=200)
    event = create_event(questions=QUESTIONS, starts_at=start,
                         ends_at=start + timedelta(hours=5),
                         rsvp_deadline=start - timedelta(days=14))
    answered(create_invitee(event), q_diet="vegan")
    runner.invoke(args=["purge"])
    second = runner.invoke(args=["purge"])
    db.session.expire_all()
    assert second.exit_code == 0
    assert event_stats(db.session, event).questions["diet"]["vegan"] == 1
