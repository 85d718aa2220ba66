"""The invitee's pages: what a GET shows, what a POST records, and what bad links get."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from rsvp.extensions import db
from rsvp.mailing.models import Message
from rsvp.responses.models import Answer, Response, ResponseChange
from rsvp.responses.services import record_answer
from rsvp.tokens import make_token
from tests.conftest import csrf_token, join_background_senders
from tests.responses.links import answer, link_of


@pytest.fixture
def invitee(create_event, create_invitee):
    return create_invitee(create_event(max_guests=2), email="petra@example.org",
                          salutation="ms", academic_title="Dr.", first_name="Petra",
                          last_name="Potz")



def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_page_shows_the_event_in_the_invitees_language_and_zone(client, invitee):
    page = client.get(f"/r/{make_token(invitee)}")
    assert page.status_code == 200
    assert "Petra Potz" in page.text
    assert "Ihre Antwort" in page.text
    start = invitee.event.starts_at.astimezone(invitee.event.zone)
    assert f"{start:%H:%M}" in page.text
    assert "Uhr" in page.text


def test_an_english_invitee_gets_the_page_in_english(client, create_event, create_invitee):
    person = create_invitee(create_event(), language="en")
    page = client.get(f"/r/{make_token(person)}")
    assert "Your reply" in page.text
    assert 'lang="en"' in page.text


def test_a_get_changes_nothing(client, invitee):
    for _ in range(3):
        client.get(f"/r/{make_token(invitee)}")
        client.get(f"/r/{make_token(invitee)}/event.ics")
    assert (count(Response), count(ResponseChange), count(Message)) == (0, 0, 0)


def test_an_answer_is_recorded_with_its_history_and_confirmed_by_mail(client, invitee,
                                                                     smtp_server):
    result = answer(client, make_token(invitee), guests="2", comment="Vegetarisch")
    assert result.status_code == 303
    response = db.session.scalar(select(Response))
    assert (response.answer, response.guests, response.comment) == (
        Answer.ACCEPTED, 2, "Vegetarisch")
    change = db.session.scalar(select(ResponseChange))
    assert (change.old_answer, change.new_answer, change.actor.value) == (
        None, Answer.ACCEPTED, "invitee")
    smtp_server.wait_for(1)
    [confirmation] = smtp_server.to("petra@example.org")
    assert "2 Begleitpersonen" in confirmation.get_body(("plain",)).get_content()


def test_changing_the_answer_appends_to_the_history(client, invitee):
    token = make_token(invitee)
    answer(client, token)
    answer(client, token, response="declined")
    history = db.session.scalars(select(ResponseChange).order_by(ResponseChange.id)).all()
    assert [(h.old_answer, h.new_answer) for h in history] == [
        (None, Answer.ACCEPTED), (Answer.ACCEPTED, Answer.DECLINED)]
    assert count(Response) == 1


def test_sending_the_same_answer_again_writes_no_history_and_no_mail(client, invitee,
                                                                    smtp_server):
    token = make_token(invitee)
    answer(client, token)
    answer(client, token)
    assert count(ResponseChange) == 1
    smtp_server.wait_for(1)
    join_background_senders()
    assert len(smtp_server.messages) == 1


def test_after_the_redirect_the_page_confirms_the_saved_answer(client, invitee):
    token = make_token(invitee)
    answer(client, token)
    page = client.get(f"/r/{token}")
    assert "Vielen Dank" in page.text
    assert "Sie nehmen teil" in page.text


def test_the_saved_notice_is_shown_once_and_then_forgotten(client, invitee):
    token = make_token(invitee)
    answer(client, token)
    assert 'id="saved"' in client.get(f"/r/{token}").text
    assert 'id="saved"' not in client.get(f"/r/{token}").text
    assert "Sie nehmen teil" in client.get(f"/r/{token}").text


def test_an_answer_writes_no_session_only_its_links_notice(client, invitee):
    token = make_token(invitee)
    result = answer(client, token)
    assert result.status_code == 303
    cookies = result.headers.getlist("Set-Cookie")
    assert len(cookies) == 1
    assert cookies[0].startswith("rsvp_saved=1;")
    assert f"Path=/r/{token}" in cookies[0]
    assert "HttpOnly" in cookies[0]


def test_an_answer_under_a_path_prefix_goes_back_to_the_page_under_it(client, invitee):
    token = make_token(invitee)
    prefix = "http://localhost/einladungen"
    page = client.get(f"/r/{token}", base_url=prefix)
    result = client.post(f"/r/{token}", base_url=prefix, data={
        "csrf_token": csrf_token(page.text), "response": "accepted", "guests": "0"})
    assert result.status_code == 303
    assert result.headers["Location"] == f"/einladungen/r/{token}"
    assert f"Path=/einladungen/r/{token}" in result.headers["Set-Cookie"]


def test_the_notice_of_one_link_does_not_show_on_another(client, create_event, create_invitee,
                                                           invitee):
    other = create_invitee(invitee.event, email="otto@example.org")
    answer(client, make_token(invitee))
    assert 'id="saved"' not in client.get(f"/r/{make_token(other)}").text


@pytest.mark.parametrize(("fields", "message"), [
    ({"guests": "3"}, "höchstens 2 Begleitpersonen"),
    ({"guests": "-1"}, "Bitte geben Sie eine Zahl ein"),
    ({"response": "maybe"}, "Bitte wählen Sie"),
    ({"response": ""}, "Bitte wählen Sie"),
    ({"response": "declined", "guests": "1"}, "nur bei einer Zusage"),
    ({"comment": "x" * 1001}, "höchstens 1000 Zeichen"),
])
def test_invalid_input_re_renders_the_form_with_a_message_and_keeps_the_text(
        client, invitee, fields, message):
    result = answer(client, make_token(invitee), **({"comment": "Mein Text"} | fields))
    assert result.status_code == 400
    assert message in result.text
    if "comment" not in fields:
        assert "Mein Text" in result.text
    assert count(Response) == 0


def test_a_post_without_csrf_token_is_refused(client, invitee):
    result = client.post(f"/r/{make_token(invitee)}", data={"response": "accepted"})
    assert result.status_code == 400
    assert count(Response) == 0


def test_after_the_deadline_the_page_is_read_only_and_posts_are_refused(client, invitee):
    token = make_token(invitee)
    opened_before_the_deadline = client.get(f"/r/{token}")
    invitee.event.rsvp_deadline = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/r/{token}")
    assert "Anmeldefrist ist abgelaufen" in page.text
    assert "<form" not in page.text
    result = client.post(f"/r/{token}", data={
        "csrf_token": csrf_token(opened_before_the_deadline.text), "response": "accepted"})
    assert result.status_code == 403
    assert count(Response) == 0


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1],
    lambda t: t[: len(t) // 2],
    lambda t: t[:-3] + ("AAA" if not t.endswith("AAA") else "BBB"),
    lambda t: "x" + t,
    lambda t: "WzEsIngiXQ.invalid",
    lambda t: "%00%ff",
])
def test_a_tampered_or_truncated_link_gets_a_friendly_404(client, invitee, mangle):
    result = client.get(f"/r/{mangle(make_token(invitee))}")
    assert result.status_code == 404
    assert "Dieser Link ist nicht gültig" in result.text or "This link is not valid" in result.text
    assert invitee.event.contact_email not in result.text


def test_a_revoked_link_names_the_events_contact(client, invitee):
    old = make_token(invitee)
    invitee.revoke_link()
    db.session.commit()
    result = client.get(f"/r/{old}")
    assert result.status_code == 404
    assert invitee.event.contact_email in result.text
    assert client.get(f"/r/{make_token(invitee)}").status_code == 200


def test_a_revoked_link_cannot_answer(client, invitee):
    old = make_token(invitee)
    page = client.get(f"/r/{old}")
    invitee.revoke_link()
    db.session.commit()
    result = client.post(f"/r/{old}", data={"csrf_token": csrf_token(page.text),
                                            "response": "accepted"})
    assert result.status_code == 404
    assert count(Response) == 0


def test_the_calendar_file_is_served_as_icalendar(client, invitee):
    result = client.get(f"/r/{make_token(invitee)}/event.ics")
    assert result.status_code == 200
    assert result.mimetype == "text/calendar"
    assert b"BEGIN:VEVENT" in result.data


def test_the_start_page_links_to_the_organisers_login(client):
    page = client.get("/", headers={"Accept-Language": "de"}).text
    assert 'href="/login"' in page


def test_a_broken_link_of_no_known_event_names_the_offices_general_contact(app, client):
    app.config["CONTACT_EMAIL"] = "konferenzbuero@example.org"
    page = client.get("/r/kaputt", headers={"Accept-Language": "de"})
    assert page.status_code == 404
    assert 'href="mailto:konferenzbuero@example.org"' in page.text
    assert "schreiben Sie uns bitte" in page.text


@pytest.mark.parametrize(("guests", "words"), [(1, "mit 1 Begleitperson."),
                                               (2, "mit 2 Begleitpersonen.")])
def test_the_current_reply_names_guests_in_the_right_plural(client, create_event,
                                                           create_invitee, guests, words):
    person = create_invitee(create_event(max_guests=2))
    record_answer(db.session, person, "accepted", guests=guests)
    db.session.commit()
    page = client.get(link_of(person), headers={"Accept-Language": "de"}).text
    assert words in page
    assert "(en)" not in page


def test_a_revoked_link_of_an_event_without_contact_names_the_offices_general_one(
        app, client, create_event, create_invitee):
    app.config["CONTACT_EMAIL"] = "konferenzbuero@example.org"
    person = create_invitee(create_event(contact_name="", contact_email="", contact_phone=""))
    old = make_token(person)
    person.revoke_link()
    db.session.commit()
    page = client.get(f"/r/{old}", headers={"Accept-Language": "de"})
    assert page.status_code == 404
    assert 'href="mailto:konferenzbuero@example.org"' in page.text
