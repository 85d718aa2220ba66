# ruff: noqa: F811  (the dashboard fixtures imported below are used as arguments)
"""The invitee's page shows the answers and guests' names; an editor changes them."""

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.questions.models import AnswerChange
from rsvp.responses.models import Actor, ResponseChange
from tests.dashboard.conftest import (  # noqa: F401  (the dashboard's fixtures)
    background_deliveries_finish,
    fresh_g_per_request,
    organiser,
    organiser_client,
    post_form,
    wait_until,
)
from tests.questions.conftest import QUESTIONS
from tests.questions.test_answering import stored
from tests.questions.test_stats_export import answered

pytestmark = pytest.mark.postgres


@pytest.fixture
def event(create_event, organiser):
    event = create_event(questions=[QUESTIONS[0] | {"per_person": True}, *QUESTIONS[1:]],
                         max_guests=2, guest_names=True)
    event.owner_id = organiser.id
    db.session.commit()
    return event


@pytest.fixture
def person(event, create_invitee):
    invitee = create_invitee(event, email="anna@example.org")
    answered(invitee, q_diet="vegan", guest_1_name="Hans Gast", guest_1_q_diet="any",
             q_workshops=["a"])
    return invitee


def page_url(event, invitee) -> str:
    return f"/events/{event.slug}/invitees/{invitee.id}"


def test_the_page_shows_the_answers_and_the_guests_names_in_german(organiser_client, event,
                                                                     person):
    page = organiser_client.get(page_url(event, person)).text
    assert 'id="guest-names">Hans Gast<' in page
    assert "Verpflegung</dt><dd class=\"question-answer\">Vegan" in page
    assert "Verpflegung (Hans Gast)</dt><dd class=\"question-answer\">Keine Einschränkung" in page
    # The answer form is filled in with what is stored.
    assert 'checked id="q_diet-vegan"' in page and 'value="Hans Gast"' in page


def test_an_editor_changes_an_answer_recorded_as_the_organisers_change(
        organiser_client, organiser, event, person, smtp_server):
    url = page_url(event, person)
    response = post_form(organiser_client, url, f"{url}/answer", response="accepted",
                         channel="phone", q_diet="vegetarian", guest_1_name="Hans Gast",
                         guest_1_q_diet="any", q_workshops=["a", "b"], q_next_day="no",
                         q_list="yes", confirm="y")
    assert response.status_code == 303, response.text
    assert stored(person)[("diet", 0)] == "vegetarian"
    assert stored(person)[("workshops", 0)] == "a|b"
    change = db.session.scalar(select(ResponseChange).order_by(ResponseChange.id.desc()))
    assert (change.actor, change.organiser_id) == (Actor.ORGANISER, organiser.id)
    rows = db.session.scalars(select(AnswerChange).where(AnswerChange.change_id == change.id))
    assert ("diet", "vegan", "vegetarian") in {(r.key, r.old_value, r.new_value) for r in rows}
    history = organiser_client.get(url).text
    assert "vegan → vegetarian" in history
    [mail] = wait_until(lambda: smtp_server.to("anna@example.org"))
    assert "Vegetarisch" in mail.get_body(("plain",)).get_content()


def test_a_bad_answer_is_shown_at_its_field_and_nothing_is_stored(organiser_client, event,
                                                                  person):
    url = page_url(event, person)
    response = post_form(organiser_client, url, f"{url}/answer", response="accepted",
                         channel="phone", q_diet="fish", q_nights="9", q_list="yes")
    assert response.status_code == 400
    assert 'id="q_diet-error"' in response.text and 'id="q_nights-error"' in response.text
    # What was typed stays in the form.
    assert 'value="9"' in response.text
    assert stored(person)[("diet", 0)] == "vegan"


def test_a_viewer_cannot_change_the_answers(client, create_organiser, event, person):
    from rsvp.events.models import EventMember
    from tests.dashboard.conftest import log_in
    viewer = create_organiser("leserin@example.org", "ein-langes-passwort")
    db.session.add(EventMember(event_id=event.id, organiser_id=viewer.id, role="viewer"))
    db.session.commit()
    log_in(client, viewer.email)
    url = page_url(event, person)
    assert post_form(client, url, f"{url}/answer", response="accepted",
                     q_diet="vegetarian").status_code == 403
    assert stored(person)[("diet", 0)] == "vegan"
