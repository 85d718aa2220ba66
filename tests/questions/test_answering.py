"""Answering the registration questions through the invitee's page."""

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.questions.models import AnswerChange, QuestionAnswer
from rsvp.questions.queries import answers_of, counts, stored_value
from tests.conftest import csrf_token
from tests.questions.conftest import GOOD
from tests.responses.links import answer, link_of

pytestmark = pytest.mark.postgres


def stored(invitee) -> dict[tuple[str, int], str | None]:
    db.session.expire_all()
    return {(a.question.key, a.person): stored_value(a) for a in answers_of(db.session, invitee)}


def test_the_page_asks_the_questions_in_german(client, questions_event, create_invitee):
    page = client.get(link_of(create_invitee(questions_event))).text
    assert "Verpflegung" in page and "Vegetarisch" in page and 'name="q_diet"' in page
    assert "Ich bin mit der Nennung einverstanden." in page


def test_the_page_asks_the_questions_in_english(client, questions_event, create_invitee):
    page = client.get(link_of(create_invitee(questions_event, language="en"))).text
    assert "Catering" in page and "Vegetarian" in page and "Verpflegung" not in page


def test_every_type_is_stored_typed(client, questions_event, create_invitee):
    invitee = create_invitee(questions_event)
    response = answer(client, invitee, **(GOOD | {"q_next_day": "yes"}), q_excursion="bus",
                      q_workshops=["a", "b"], q_nights="2", q_arrival="2030-05-04",
                      q_access="Rollstuhl", q_note="Zwei\nZeilen")
    assert response.status_code == 303
    assert stored(invitee) == {
        ("diet", 0): "vegetarian", ("workshops", 0): "a|b", ("next_day", 0): "yes",
        ("excursion", 0): "bus", ("nights", 0): "2", ("arrival", 0): "2030-05-04",
        ("access", 0): "Rollstuhl", ("note", 0): "Zwei\nZeilen", ("list", 0): "yes"}
    row = db.session.scalar(select(QuestionAnswer).where(QuestionAnswer.number_value == 2))
    assert row is not None


def test_the_page_shows_the_answers_given(client, questions_event, create_invitee):
    invitee = create_invitee(questions_event)
    answer(client, invitee, **GOOD, q_nights="2")
    page = client.get(link_of(invitee)).text
    assert 'checked id="q_diet-vegetarian"' in page and 'value="2"' in page


def test_optional_questions_may_stay_empty(client, questions_event, create_invitee):
    invitee = create_invitee(questions_event)
    assert answer(client, invitee, **GOOD).status_code == 303
    assert set(stored(invitee)) == {("diet", 0), ("next_day", 0), ("list", 0)}


@pytest.mark.parametrize(("field", "value", "words"), [
    ("q_diet", "", "Bitte beantworten Sie diese Frage."),
    ("q_diet", "fish", "Bitte wählen Sie eine der angebotenen Möglichkeiten."),
    ("q_nights", "4", "Bitte geben Sie eine Zahl von 0 bis 3 ein."),
    ("q_nights", "zwei", "Bitte geben Sie eine ganze Zahl ein."),
    ("q_access", "x" * 21, "Bitte kürzen Sie auf höchstens 20 Zeichen."),
    ("q_arrival", "2031-01-01", "Bitte geben Sie ein Datum vom 2030-01-01 bis 2030-12-31 ein."),
    ("q_list", "", "Bitte geben Sie Ihr Einverständnis, um sich anzumelden."),
])
def test_bad_input_is_refused_at_its_field_and_nothing_is_stored(
        client, questions_event, create_invitee, field, value, words):
    invitee = create_invitee(questions_event)
    response = answer(client, invitee, **(GOOD | {field: value, "q_note": "behalten"}))
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text and words in response.text
    assert "behalten" in response.text
    assert stored(invitee) == {} and invitee.response is None


def test_a_question_asked_when_accepting_is_not_asked_with_a_decline(
        client, questions_event, create_invitee):
    invitee = create_invitee(questions_event)
    response = answer(client, invitee, response="declined", q_next_day="no")
    assert response.status_code == 303
    assert stored(invitee) == {("next_day", 0): "no"}


def test_a_question_shown_if_another_answer_says_so_is_ignored_otherwise(
        client, questions_event, create_invitee):
    invitee = create_invitee(questions_event)
    answer(client, invitee, **GOOD, q_excursion="bus")
    assert ("excursion", 0) not in stored(invitee)
    answer(client, invitee, **(GOOD | {"q_next_day": "yes"}), q_excursion="bus")
    assert stored(invitee)[("excursion", 0)] == "bus"


def test_changing_an_answer_records_old_and_new_values(client, questions_event, create_invitee):
    invitee = create_invitee(questions_event)
    answer(client, invitee, **GOOD)
    answer(client, invitee, **(GOOD | {"q_diet": "vegan"}))
    db.session.expire_all()
    changes = db.session.scalars(select(AnswerChange).where(AnswerChange.key == "diet")
                                 .order_by(AnswerChange.id)).all()
    assert [(c.old_value, c.new_value) for c in changes] == [
        (None, "vegetarian"), ("vegetarian", "vegan")]
    assert changes[0].change_id != changes[1].change_id


def test_counts_count_accepted_people_per_option(client, questions_event, create_invitee):
    answer(client, create_invitee(questions_event), **GOOD)
    answer(client, create_invitee(questions_event), **(GOOD | {"q_diet": "vegan"}))
    answer(client, create_invitee(questions_event), **GOOD, response="declined")
    assert counts(db.session, questions_event)["diet"] == {"any": 0, "vegetarian": 1, "vegan": 1}
    assert counts(db.session, questions_event)["next_day"] == {"yes": 0, "no": 2}


def test_answers_cannot_be_changed_after_the_deadline(client, create_event, create_invitee):
    from datetime import UTC, datetime, timedelta

    from tests.questions.conftest import QUESTIONS
    event = create_event(questions=QUESTIONS)
    invitee = create_invitee(event)
    answer(client, invitee, **GOOD)
    token = csrf_token(client.get(link_of(invitee)).text)
    event.rsvp_deadline = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    late = client.post(link_of(invitee), data=GOOD | {"q_diet": "vegan", "csrf_token": token,
                                                      "response": "accepted"})
    assert late.status_code == 403
    assert stored(invitee)[("diet", 0)] == "vegetarian"


def test_a_hidden_question_is_neither_shown_nor_stored(client, questions_event, create_invitee):
    from rsvp.questions.queries import questions_of
    [access] = [q for q in questions_of(db.session, questions_event) if q.key == "access"]
    access.hidden = True
    db.session.commit()
    invitee = create_invitee(questions_event)
    assert 'name="q_access"' not in client.get(link_of(invitee)).text
    answer(client, invitee, **GOOD, q_access="Rollstuhl")
    assert ("access", 0) not in stored(invitee)


def test_without_names_a_per_person_question_is_asked_for_the_guests_coming(
        client, create_event, create_invitee):
    from tests.questions.conftest import QUESTIONS
    event = create_event(questions=[{**QUESTIONS[0], "per_person": True}], max_guests=2)
    invitee = create_invitee(event)
    response = answer(client, invitee, q_diet="any", guests="1", guest_1_q_diet="vegan",
                      guest_2_q_diet="vegetarian")
    assert response.status_code == 303
    assert stored(invitee) == {("diet", 0): "any", ("diet", 1): "vegan"}
