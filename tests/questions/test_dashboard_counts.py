# ruff: noqa: F811  (the dashboard fixtures imported below are used as arguments)
"""The event's overview counts each choice; the invitee list filters by an answer."""

import pytest

from rsvp.extensions import db
from tests.dashboard.conftest import (  # noqa: F401  (the dashboard's fixtures)
    background_deliveries_finish,
    fresh_g_per_request,
    organiser,
    organiser_client,
)
from tests.questions.test_stats_export import answered

pytestmark = pytest.mark.postgres


@pytest.fixture
def event(questions_event, organiser, create_invitee):
    """Two vegans, a vegetarian and one who declined."""
    questions_event.owner_id = organiser.id
    db.session.commit()
    answered(create_invitee(questions_event, last_name="Veganer"), q_diet="vegan")
    answered(create_invitee(questions_event, last_name="Veganerin"), q_diet="vegan",
             q_next_day="yes", q_excursion="bus")
    answered(create_invitee(questions_event, last_name="Vegetarier"), q_diet="vegetarian")
    answered(create_invitee(questions_event, last_name="Absager"), "declined", q_next_day="no")
    return questions_event


def counts_of(page: str, key: str) -> str:
    start = page.index(f'data-question="{key}">')
    return " ".join(page[start:page.index("</dd>", start)].split())


def test_the_overview_counts_each_option_in_german(organiser_client, event):
    page = organiser_client.get(f"/events/{event.slug}/").text
    assert "Verpflegung" in page
    text = counts_of(page, "diet")
    assert "Keine Einschränkung 0</a>" in text and "Vegetarisch 1</a>" in text
    assert "Vegan 2</a>" in text
    assert "Ja 1</a>" in counts_of(page, "next_day")


def test_the_overview_counts_in_english_for_an_english_organiser(organiser_client, event):
    from tests.conftest import csrf_token
    page = organiser_client.get("/events/").text
    organiser_client.post("/language", data={"csrf_token": csrf_token(page), "lang": "en",
                                             "next": "/events/"})
    page = organiser_client.get(f"/events/{event.slug}/").text
    assert "Catering" in page and "Vegetarian 1</a>" in counts_of(page, "diet")


def test_the_invitee_list_filters_by_an_answer(organiser_client, event):
    page = organiser_client.get(f"/events/{event.slug}/invitees?q_diet=vegan").text
    assert "1–2 von 2" in page and "Veganerin" in page and "Vegetarier" not in page


def test_the_answer_filter_combines_with_the_others(organiser_client, event):
    url = f"/events/{event.slug}/invitees?q_next_day=no&answer=declined"
    page = organiser_client.get(url).text
    assert "1–1 von 1" in page and "Absager" in page
    page = organiser_client.get(f"/events/{event.slug}/invitees?q_diet=vegan&q=Veganerin").text
    assert "1–1 von 1" in page and "Veganerin" in page


def test_an_unknown_question_or_answer_matches_nobody(organiser_client, event):
    for query in ("q_nothing=x", "q_diet=fish", "q_nights=zwei"):
        response = organiser_client.get(f"/events/{event.slug}/invitees?{query}")
        assert response.status_code == 200, query
        assert "Keine passenden Eingeladenen" in response.text, query
