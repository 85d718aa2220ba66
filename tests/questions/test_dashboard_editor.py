# ruff: noqa: F811  (the dashboard fixtures imported below are used as arguments)
"""The organiser's question editor: add, change, reorder, hide and remove, in German."""

import pytest
from sqlalchemy import select

from rsvp.events.models import EventMember
from rsvp.extensions import db
from rsvp.questions.models import Question
from rsvp.questions.queries import questions_of
from tests.conftest import csrf_token
from tests.dashboard.conftest import (  # noqa: F401  (the dashboard's fixtures)
    background_deliveries_finish,
    fresh_g_per_request,
    organiser,
    organiser_client,
    post_form,
)
from tests.questions.conftest import GOOD
from tests.responses.links import answer

pytestmark = pytest.mark.postgres

DIET = {"key": "diet", "type": "choice", "label_de": "Verpflegung", "label_en": "Catering",
        "ask": "accepted", "required": "y",
        "options": "any | Keine Einschränkung | No restriction\nvegan | Vegan | Vegan | 20"}


@pytest.fixture
def event(create_event, organiser):
    event = create_event()
    event.owner_id = organiser.id
    db.session.commit()
    return event


@pytest.fixture
def answered_event(questions_event, organiser, create_invitee, client):
    questions_event.owner_id = organiser.id
    db.session.commit()
    return questions_event


def keys(event) -> list[str]:
    db.session.expire_all()
    return [q.key for q in questions_of(db.session, event, hidden=True)]


def question(event, key: str) -> Question:
    db.session.expire_all()
    return db.session.scalar(select(Question).where(Question.event_id == event.id,
                                                    Question.key == key))


def post_action(client, event, key: str, action: str, **fields):  # type: ignore[no-untyped-def]
    page = client.get(f"/events/{event.slug}/questions")
    url = f"/events/{event.slug}/questions/{question(event, key).id}/{action}"
    return client.post(url, data={"csrf_token": csrf_token(page.text), **fields})


def test_an_organiser_adds_a_choice_question_with_options_and_a_limit(organiser_client, event):
    url = f"/events/{event.slug}/questions/new"
    response = post_form(organiser_client, url, **DIET)
    assert response.status_code == 303
    added = question(event, "diet")
    assert (added.type, added.label_de, added.required) == ("choice", "Verpflegung", True)
    assert [(o.key, o.label_de, o.limit) for o in added.options] == [
        ("any", "Keine Einschränkung", None), ("vegan", "Vegan", 20)]
    listing = organiser_client.get(f"/events/{event.slug}/questions").text
    assert "Verpflegung" in listing and "Registrierungsfragen" in listing


def test_a_bad_option_key_is_shown_at_the_options_field_in_german(organiser_client, event):
    response = post_form(organiser_client, f"/events/{event.slug}/questions/new",
                         **(DIET | {"options": "gut | Gut\nnicht gut! | Schlecht"}))
    assert response.status_code == 400
    assert "options[2].key" in response.text and "Buchstaben" in response.text
    assert keys(event) == []


def test_a_key_used_twice_is_refused(organiser_client, event):
    post_form(organiser_client, f"/events/{event.slug}/questions/new", **DIET)
    response = post_form(organiser_client, f"/events/{event.slug}/questions/new", **DIET)
    assert response.status_code == 400 and keys(event) == ["diet"]


def test_an_organiser_edits_a_question_label(organiser_client, event):
    post_form(organiser_client, f"/events/{event.slug}/questions/new", **DIET)
    url = f"/events/{event.slug}/questions/{question(event, 'diet').id}/edit"
    assert 'value="Verpflegung"' in organiser_client.get(url).text
    response = post_form(organiser_client, url, **(DIET | {"label_de": "Essen"}))
    assert response.status_code == 303
    assert question(event, "diet").label_de == "Essen"


def test_questions_move_up_and_down(organiser_client, answered_event):
    first = keys(answered_event)
    assert post_action(organiser_client, answered_event, "workshops", "move",
                       direction="up").status_code == 303
    assert keys(answered_event)[:2] == ["workshops", "diet"]
    post_action(organiser_client, answered_event, "workshops", "move", direction="down")
    assert keys(answered_event) == first


def test_a_question_without_answers_is_removed(organiser_client, answered_event):
    assert post_action(organiser_client, answered_event, "note", "remove").status_code == 303
    assert "note" not in keys(answered_event)


def test_a_question_with_answers_cannot_be_removed_but_hidden(
        organiser_client, answered_event, create_invitee, client):
    assert answer(client, create_invitee(answered_event), **GOOD).status_code == 303
    response = post_action(organiser_client, answered_event, "diet", "remove")
    assert "diet" in keys(answered_event)
    page = organiser_client.get(response.headers["Location"]).text
    assert "kann nicht entfernt werden" in page
    post_action(organiser_client, answered_event, "diet", "hide", hidden="yes")
    assert question(answered_event, "diet").hidden is True


def test_an_answered_question_keeps_its_type(organiser_client, answered_event, create_invitee,
                                             client):
    answer(client, create_invitee(answered_event), **GOOD)
    url = f"/events/{answered_event.slug}/questions/{question(answered_event, 'diet').id}/edit"
    response = post_form(organiser_client, url, **(DIET | {"type": "text", "options": ""}))
    assert response.status_code == 400
    assert question(answered_event, "diet").type == "choice"


def test_a_viewer_sees_the_questions_but_cannot_add_one(
        client, create_organiser, event):
    from tests.dashboard.conftest import log_in
    viewer = create_organiser("leserin@example.org", "ein-langes-passwort")
    db.session.add(EventMember(event_id=event.id, organiser_id=viewer.id, role="viewer"))
    db.session.commit()
    log_in(client, viewer.email)
    assert client.get(f"/events/{event.slug}/questions").status_code == 200
    assert client.get(f"/events/{event.slug}/questions/new").status_code == 403


def test_the_event_form_sets_guest_names(organiser_client, event):
    url = f"/events/{event.slug}/edit"
    page = organiser_client.get(url).text
    assert 'name="guest_names"' in page
    data = {"slug": event.slug, "title": event.title, "timezone": "Europe/Berlin",
            "starts_at": "2030-05-04T10:00", "ends_at": "2030-05-04T16:00", "max_guests": "2",
            "language": "de", "link_policy": "personal", "retention_days": "30",
            "guest_names": "y"}
    response = organiser_client.post(url, data={"csrf_token": csrf_token(page), **data})
    assert response.status_code == 303, response.text
    db.session.expire_all()
    assert event.guest_names is True
