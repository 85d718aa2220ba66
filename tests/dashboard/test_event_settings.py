"""The event form's settings for forwarded links, data retention and capacity."""

from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.responses.models import Answer
from rsvp.responses.services import record_answer
from tests.dashboard.conftest import post_form, wait_until
from tests.dashboard.test_events import EVENT_FIELDS


def test_link_policy_and_retention_are_set_in_the_form(organiser_client):
    result = post_form(organiser_client, "/events/new", **EVENT_FIELDS,
                       link_policy="transferable", retention_days="30")
    assert result.status_code == 303
    event = db.session.query(Event).one()
    assert (event.link_policy, event.retention_days) == ("transferable", 30)


def test_without_them_an_event_is_personal_and_kept_six_months(organiser_client):
    post_form(organiser_client, "/events/new", **EVENT_FIELDS)
    event = db.session.query(Event).one()
    assert (event.link_policy, event.retention_days) == ("personal", 183)


def test_raising_the_capacity_in_the_form_gives_the_waiting_their_places(
        organiser_client, create_invitee, smtp_server):
    post_form(organiser_client, "/events/new", **{**EVENT_FIELDS, "capacity": "1"})
    event = db.session.query(Event).one()
    record_answer(db.session, create_invitee(event, email="first@example.org"), "accepted")
    waiting = create_invitee(event, email="waiting@example.org")
    record_answer(db.session, waiting, "accepted")
    db.session.commit()
    assert waiting.response.answer is Answer.WAITLISTED
    result = post_form(organiser_client, f"/events/{event.slug}/edit",
                       **{**EVENT_FIELDS, "capacity": "2"})
    assert result.status_code == 303
    db.session.expire_all()
    assert waiting.response.answer is Answer.ACCEPTED
    [mail] = wait_until(lambda: smtp_server.to("waiting@example.org"))
    assert mail["Subject"].startswith("Ein Platz ist frei geworden")


def test_the_form_takes_and_shows_the_texts_in_the_other_language(organiser_client):
    result = post_form(organiser_client, "/events/new", **EVENT_FIELDS,
                       title_en="Annual Conference 2027", description_en="In English.")
    assert result.status_code == 303
    event = db.session.query(Event).one()
    assert event.texts_in("en").description == "In English."
    form = organiser_client.get(f"/events/{event.slug}/edit")
    assert 'id="texts-en"' in form.text and 'id="texts-de"' not in form.text
    assert 'value="Annual Conference 2027"' in form.text


def test_changing_the_events_language_keeps_each_text_in_its_own_language(organiser_client):
    post_form(organiser_client, "/events/new", **EVENT_FIELDS, title_en="Annual Conference")
    event = db.session.query(Event).one()
    result = post_form(organiser_client, f"/events/{event.slug}/edit", **{
        **EVENT_FIELDS, "language": "en", "written_in": "de",
        "title_en": "Annual Conference"})
    assert result.status_code == 303, result.text
    db.session.expire_all()
    assert (event.language, event.title) == ("en", "Annual Conference")
    assert event.texts_in("de").title == "Jahrestagung 2027"
