"""Guests by name, per-person questions, option limits under simultaneous answers, the mail."""

import pytest
from sqlalchemy import func, select

from rsvp.checkin.rules import door_answers_of
from rsvp.extensions import db
from rsvp.questions.models import GuestName, QuestionAnswer
from rsvp.questions.queries import answers_of, counts, stored_value
from rsvp.responses.models import Answer
from tests.conftest import join_background_senders
from tests.questions.conftest import GOOD, QUESTIONS
from tests.responses.links import answer, post_together

pytestmark = pytest.mark.postgres

PER_PERSON = [{**QUESTIONS[0], "per_person": True}, QUESTIONS[-1]]


@pytest.fixture
def named_event(create_event):
    return create_event(questions=PER_PERSON, max_guests=2, guest_names=True)


def test_the_guests_are_the_names_given(client, named_event, create_invitee):
    invitee = create_invitee(named_event)
    response = answer(client, invitee, **GOOD, guests="0", guest_1_name="Max  Muster",
                      guest_1_q_diet="vegan", guest_2_name="")
    assert response.status_code == 303
    db.session.expire_all()
    assert invitee.response.guests == 1
    assert db.session.scalars(select(GuestName.name)).all() == ["Max Muster"]
    assert {(a.question.key, a.person): stored_value(a)
            for a in answers_of(db.session, invitee)} == {
        ("diet", 0): "vegetarian", ("diet", 1): "vegan", ("list", 0): "yes"}


def test_a_per_person_question_is_required_for_each_guest(client, named_event, create_invitee):
    invitee = create_invitee(named_event)
    response = answer(client, invitee, **GOOD, guest_1_name="Max Muster")
    assert response.status_code == 400
    assert 'id="guest_1_q_diet-error"' in response.text


def test_counts_include_the_guests_asked_per_person(client, named_event, create_invitee):
    answer(client, create_invitee(named_event), **GOOD, guest_1_name="Max Muster",
           guest_1_q_diet="vegan", guest_2_name="Erika Muster", guest_2_q_diet="vegetarian")
    assert counts(db.session, named_event)["diet"] == {"any": 0, "vegetarian": 2, "vegan": 1}


def test_a_guest_no_longer_coming_takes_their_answers_along(client, named_event, create_invitee):
    invitee = create_invitee(named_event)
    answer(client, invitee, **GOOD, guest_1_name="Max Muster", guest_1_q_diet="vegan")
    answer(client, invitee, **GOOD)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(GuestName)) == 0
    assert [a.person for a in answers_of(db.session, invitee)] == [0, 0]


def test_a_full_option_is_shown_without_a_place(client, questions_event, create_invitee):
    for _ in range(2):
        answer(client, create_invitee(questions_event), **(GOOD | {"q_diet": "vegan"}))
    page = client.get(f"/r/{_token(create_invitee(questions_event))}").text
    assert 'disabled id="q_diet-vegan"' in page and "keine Plätze mehr frei" in page
    response = answer(client, create_invitee(questions_event), **(GOOD | {"q_diet": "vegan"}))
    assert response.status_code == 409 and "keine Plätze mehr frei" in response.text


def _token(invitee):
    from rsvp.tokens import make_token
    return make_token(invitee)


def test_the_last_place_of_an_option_goes_once_under_simultaneous_answers(
        app, client, questions_event, create_invitee):
    invitees = [create_invitee(questions_event) for _ in range(6)]
    fields = GOOD | {"q_diet": "vegan", "guests": "0", "response": "accepted"}
    statuses = post_together(app, client, [(i, fields) for i in invitees])
    assert sorted(statuses) == [303, 303, 409, 409, 409, 409]
    db.session.expire_all()
    assert counts(db.session, questions_event)["diet"]["vegan"] == 2
    answered = db.session.scalar(select(func.count()).select_from(QuestionAnswer))
    assert answered == 2 * 3


def test_the_confirmation_restates_the_answers_and_names(
        client, named_event, create_invitee, smtp_server):
    invitee = create_invitee(named_event, email="petra@example.org")
    answer(client, invitee, **GOOD, guest_1_name="Max Muster", guest_1_q_diet="vegan")
    smtp_server.wait_for(1)
    [mail] = smtp_server.to("petra@example.org")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Ihre Begleitpersonen: Max Muster" in text
    assert "- Verpflegung: Vegetarisch" in text and "- Verpflegung (Max Muster): Vegan" in text
    assert "Teilnehmerliste: Einverstanden" in text
    assert "<li>Verpflegung (Max Muster): Vegan</li>" in html


def test_the_english_confirmation_restates_in_english(
        client, questions_event, create_invitee, smtp_server):
    invitee = create_invitee(questions_event, email="jane@example.org", language="en")
    answer(client, invitee, **GOOD, q_nights="1")
    smtp_server.wait_for(1)
    [mail] = smtp_server.to("jane@example.org")
    text = mail.get_body(("plain",)).get_content()
    assert "Your details:" in text and "- Catering: Vegetarian" in text
    assert "- Attending the next day: No" in text and "- Nights: 1" in text


def test_changed_answers_alone_are_confirmed_again(
        client, questions_event, create_invitee, smtp_server):
    invitee = create_invitee(questions_event, email="petra@example.org")
    answer(client, invitee, **GOOD)
    answer(client, invitee, **(GOOD | {"q_diet": "any"}))
    smtp_server.wait_for(2)
    join_background_senders()
    texts = [m.get_body(("plain",)).get_content() for m in smtp_server.to("petra@example.org")]
    assert any("Verpflegung: Keine Einschränkung" in t for t in texts)
    assert invitee.response.answer is Answer.ACCEPTED


def test_the_door_shows_the_answers_marked_for_it(client, questions_event, create_invitee):
    invitee = create_invitee(questions_event)
    answer(client, invitee, **GOOD, q_access="Rollstuhl")
    db.session.expire_all()
    assert door_answers_of(db.session, invitee, "de") == [("Barrierefreiheit", "Rollstuhl")]


def test_the_door_answers_outside_a_request_are_in_the_events_language(
        client, questions_event, create_invitee):
    invitee = create_invitee(questions_event)
    answer(client, invitee, **GOOD, q_access="Rollstuhl")
    db.session.expire_all()
    assert door_answers_of(db.session, invitee) == [("Barrierefreiheit", "Rollstuhl")]


def test_who_waits_for_a_place_holds_their_option_so_moving_up_never_overbooks_it(
        client, create_event, create_invitee):
    event = create_event(questions=QUESTIONS, max_guests=0, capacity=1)
    answer(client, create_invitee(event), **GOOD)
    waiting = create_invitee(event)
    assert answer(client, waiting, **(GOOD | {"q_diet": "vegan"})).status_code == 303
    db.session.expire_all()
    assert waiting.response.answer is Answer.WAITLISTED
    answer(client, create_invitee(event), **(GOOD | {"q_diet": "vegan"}))
    late = answer(client, create_invitee(event), **(GOOD | {"q_diet": "vegan"}))
    assert late.status_code == 409
    assert counts(db.session, event)["diet"]["vegan"] == 0
