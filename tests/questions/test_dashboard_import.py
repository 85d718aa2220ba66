# ruff: noqa: F811  (the dashboard fixtures imported below are used as arguments)
"""The answers import takes a column per question and the guests' names."""

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.questions.queries import guest_names_of
from rsvp.responses.models import Response
from tests.dashboard.conftest import (  # noqa: F401  (the dashboard's fixtures)
    background_deliveries_finish,
    fresh_g_per_request,
    organiser,
    organiser_client,
    wait_until,
)
from tests.dashboard.test_answer_imports import upload
from tests.questions.conftest import QUESTIONS
from tests.questions.test_answering import stored
from tests.questions.test_stats_export import answered

pytestmark = pytest.mark.postgres


@pytest.fixture
def event(create_event, create_invitee, organiser):  # type: ignore[no-untyped-def]
    event = create_event(questions=QUESTIONS, max_guests=2)
    event.owner_id = organiser.id
    for name in ("anna", "bernd", "carla"):
        create_invitee(event, email=f"{name}@example.org")
    db.session.commit()
    return event


def person(event, name: str) -> Invitee:
    db.session.expire_all()
    return db.session.scalar(select(Invitee).where(Invitee.email == f"{name}@example.org"))


def test_a_column_per_question_is_stored_multichoice_split_by_bars(organiser_client, event,
                                                                   smtp_server):
    result = upload(organiser_client, event,
                    "E-Mail;Antwort;q_diet;workshops;q_next_day;q_list;q_note\n"
                    "anna@example.org;ja;vegan;a|b;no;yes;Bitte | danke\n")
    assert result.status_code == 200 and 'id="rejected-answers"' not in result.text
    assert stored(person(event, "anna")) == {
        ("diet", 0): "vegan", ("workshops", 0): "a|b", ("next_day", 0): "no",
        ("list", 0): "yes", ("note", 0): "Bitte | danke"}
    [mail] = wait_until(lambda: smtp_server.to("anna@example.org"))
    assert "Vegan" in mail.get_body(("plain",)).get_content()


def test_bad_values_are_reported_with_their_line_and_good_rows_go_in(organiser_client, event):
    result = upload(organiser_client, event,
                    "email,answer,q_diet,q_nights,q_list\n"
                    "anna@example.org,yes,fish,1,yes\n"
                    "bernd@example.org,yes,any,1,yes\n"
                    "carla@example.org,yes,any,9,\n", confirm=False)
    text = " ".join(result.text.split())
    assert "q_diet" in text and "q_nights" in text and "q_list" in text
    assert ">2<" in text.replace(" ", "") and ">4<" in text.replace(" ", "")
    assert person(event, "anna").response is None
    assert stored(person(event, "bernd"))[("diet", 0)] == "any"
    assert person(event, "carla").response is None


def test_a_file_without_question_columns_keeps_the_stored_answers(organiser_client, event):
    anna = person(event, "anna")
    answered(anna, q_diet="vegan", q_nights="2")
    upload(organiser_client, event, "email,answer,q_nights\nanna@example.org,yes,3\n",
           confirm=False)
    assert stored(person(event, "anna"))[("diet", 0)] == "vegan"
    assert stored(person(event, "anna"))[("nights", 0)] == "3"


def test_the_guests_names_columns_set_the_names_and_the_number(organiser_client, create_event,
                                                               create_invitee, organiser):
    event = create_event(max_guests=2, guest_names=True)
    event.owner_id = organiser.id
    create_invitee(event, email="dora@example.org")
    db.session.commit()
    upload(organiser_client, event, "email;answer;guest_1_name;guest_2_name\n"
                                    "dora@example.org;ja;Hans Gast;Grete Gast\n", confirm=False)
    dora = person(event, "dora")
    assert guest_names_of(db.session, dora) == ["Hans Gast", "Grete Gast"]
    assert db.session.scalar(select(Response.guests).where(Response.invitee_id == dora.id)) == 2


def test_the_upload_page_names_the_question_columns(organiser_client, event):
    page = organiser_client.get(f"/events/{event.slug}/answers/import").text
    assert "q_diet;q_workshops;" in page and "Jede Registrierungsfrage" in page
