"""A form that sends mail or creates something is carried out once, however often it is sent."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from rsvp.dbtypes import utcnow
from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.content_models import TemplateOverride, UpdateRound
from rsvp.mailing.models import Message, SentTest
from rsvp.responses.services import record_answer
from rsvp.submissions import FormSubmission, purge_expired_keys
from tests.conftest import csrf_token
from tests.dashboard.conftest import form_data, join_deliveries, preview_announcement


def count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def form_fields(html: str, action: str) -> dict[str, str]:
    """The CSRF token and submission key of the form posting to ``action`` (or to the page)."""
    forms = re.findall(r"<form([^>]*)>(.*?)</form>", html, re.S)
    body = next((b for attrs, b in forms if f'action="{action}"' in attrs), None) or next(
        (b for attrs, b in forms if "action=" not in attrs), None)
    assert body, f"no form posting to {action}"
    key = re.search(r'name="submission_key" value="([^"]+)"', body)
    assert key, f"the form posting to {action} has no submission key"
    return {"csrf_token": csrf_token(body), "submission_key": key.group(1)}


def post_twice(client: FlaskClient, page_url: str, action: str, **fields: str):  # type: ignore[no-untyped-def]
    """Open the page once and send its form twice, as a double click does."""
    data = form_fields(client.get(page_url).text, action) | fields
    return client.post(action, data=data), client.post(action, data=data)


def post_together(app: Flask, client: FlaskClient, page_url: str, action: str,
                  times: int, **fields: str) -> list[int]:
    """Send the same rendered form ``times`` times at once, each from its own client."""
    data = form_fields(client.get(page_url).text, action) | fields
    cookie = client.get_cookie("session")
    assert cookie is not None

    def post(_number: int) -> int:
        browser = app.test_client()
        browser.set_cookie(cookie.key, cookie.value)
        return browser.post(action, data=data).status_code

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(post, range(times)))


def group_event(create_event, create_invitee, people: int = 5):  # type: ignore[no-untyped-def]
    event = create_event()
    for number in range(people):
        record_answer(db.session, create_invitee(event, email=f"p{number}@example.org"),
                      "accepted")
    db.session.commit()
    return event


ANNOUNCEMENT = {"audience": "accepted", "subject": "Das Programm ist online",
                "body": "das Programm finden Sie unter {{ rsvp_url }}."}


def test_a_double_click_on_a_group_message_sends_it_once(
        organiser_client, create_event, create_invitee, smtp_server):
    event = group_event(create_event, create_invitee)
    smtp_server.clear()
    draft = preview_announcement(organiser_client, event.slug, **ANNOUNCEMENT)
    fields = form_data(organiser_client.get(draft).text, f"{draft}/send")
    first, second = post_twice(organiser_client, draft, f"{draft}/send", **fields)
    join_deliveries()
    assert (first.status_code, second.status_code) == (303, 303)
    assert second.headers["Location"] == first.headers["Location"]
    assert count(UpdateRound) == 1
    received = sorted(m["To"].addresses[0].addr_spec for m in smtp_server.messages
                      if m["Subject"] == "Das Programm ist online")
    assert received == [f"p{number}@example.org" for number in range(5)]
    page = organiser_client.get(second.headers["Location"])
    assert "nur einmal ausgeführt" in page.text


def test_simultaneous_posts_of_a_group_message_send_it_once(
        app, organiser_client, create_event, create_invitee, smtp_server):
    event = group_event(create_event, create_invitee, people=12)
    smtp_server.clear()
    draft = preview_announcement(organiser_client, event.slug, **ANNOUNCEMENT)
    fields = form_data(organiser_client.get(draft).text, f"{draft}/send")
    statuses = post_together(app, organiser_client, draft, f"{draft}/send", 6, **fields)
    join_deliveries()
    assert statuses == [303] * 6
    assert count(UpdateRound) == 1
    assert count(Message) == 12
    received = [m["To"].addresses[0].addr_spec for m in smtp_server.messages
                if m["Subject"] == "Das Programm ist online"]
    assert sorted(received) == sorted({f"p{number}@example.org" for number in range(12)})


def test_a_refused_message_does_not_use_up_its_key(
        organiser_client, create_event, create_invitee, smtp_server):
    event = group_event(create_event, create_invitee, people=2)
    url = f"/events/{event.slug}/announce"
    data = form_fields(organiser_client.get(url).text, url) | ANNOUNCEMENT
    refused = organiser_client.post(url, data=data | {"body": "{{ nicht zu Ende"})
    done = organiser_client.post(url, data=data)
    assert (refused.status_code, done.status_code) == (400, 303)
    assert count(UpdateRound) == 1


def test_a_double_click_on_send_queues_the_invitations_once(
        organiser_client, create_event, smtp_server):
    event = create_event(invitees=3)
    url = f"/events/{event.slug}/send"
    first, second = post_twice(organiser_client, url + "?kind=invitation", url,
                               kind="invitation")
    join_deliveries()
    assert (first.status_code, second.status_code) == (303, 303)
    assert count(Message) == 3
    assert len(smtp_server.messages) == 3


def test_a_double_click_on_the_test_send_sends_one_test(
        organiser_client, create_event, smtp_server):
    event = create_event(invitees=1)
    invitee_id = db.session.scalar(select(Invitee.id))
    url = f"/events/{event.slug}/send"
    first, second = post_twice(organiser_client, url + "?kind=invitation", url + "/test",
                               kind="invitation", invitee=str(invitee_id))
    assert (first.status_code, second.status_code) == (303, 303)
    assert count(SentTest) == 1
    assert len(smtp_server.messages) == 1


def test_a_double_click_on_add_invitee_adds_one_without_an_error(organiser_client,
                                                                 create_event):
    event = create_event()
    url = f"/events/{event.slug}/invitees/new"
    first, second = post_twice(organiser_client, url, url, email="neu@example.org",
                               last_name="Neu")
    assert (first.status_code, second.status_code) == (303, 303)
    assert second.headers["Location"] == first.headers["Location"]
    assert count(Invitee) == 1


def test_a_double_click_on_create_event_creates_one_without_an_error(organiser_client):
    url = "/events/new"
    first, second = post_twice(
        organiser_client, url, url, slug="neu", title="Neue Konferenz",
        starts_at="2030-05-04T10:00", ends_at="2030-05-04T16:00", timezone="Europe/Berlin",
        max_guests="0", language="de", link_policy="personal", retention_days="183")
    assert (first.status_code, second.status_code) == (303, 303)
    assert second.headers["Location"] == "/events/neu/"
    assert count(Event) == 1


def test_a_double_click_on_save_text_saves_one_without_an_error(organiser_client,
                                                               create_event):
    event = create_event()
    url = f"/events/{event.slug}/texts/invitation/de"
    first, second = post_twice(organiser_client, url, url, subject="Einladung",
                               text="Hallo {{ first_name }}", html="")
    assert (first.status_code, second.status_code) == (303, 303)
    assert count(TemplateOverride) == 1


def test_simultaneous_saves_of_a_text_save_one(app, organiser_client, create_event):
    event = create_event()
    url = f"/events/{event.slug}/texts/invitation/de"
    statuses = post_together(app, organiser_client, url, url, 4, subject="Einladung",
                             text="Hallo {{ first_name }}", html="")
    assert statuses == [303] * 4
    assert count(TemplateOverride) == 1


def test_a_form_without_a_key_is_carried_out_as_before(organiser_client, create_event):
    event = create_event()
    url = f"/events/{event.slug}/invitees/new"
    page = organiser_client.get(url)
    result = organiser_client.post(url, data={"csrf_token": csrf_token(page.text),
                                              "email": "ohne@example.org"})
    assert result.status_code == 303
    assert count(Invitee) == 1


def test_a_key_that_was_not_made_by_the_app_is_refused(organiser_client, create_event):
    event = create_event()
    url = f"/events/{event.slug}/invitees/new"
    page = organiser_client.get(url)
    result = organiser_client.post(url, data={"csrf_token": csrf_token(page.text),
                                              "submission_key": "x" * 5000,
                                              "email": "lang@example.org"})
    assert result.status_code == 400
    assert count(Invitee) == 0


def test_keys_older_than_a_day_are_forgotten(organiser_client, create_event):
    event = create_event()
    url = f"/events/{event.slug}/invitees/new"
    post_twice(organiser_client, url, url, email="a@example.org")
    assert count(FormSubmission) == 1
    assert purge_expired_keys(db.session, utcnow() + timedelta(hours=23)) == 0
    assert purge_expired_keys(db.session, utcnow() + timedelta(hours=25)) == 1


def test_a_double_click_on_resend_sends_the_invitation_once(organiser_client, create_event,
                                                            create_invitee, smtp_server):
    event = create_event()
    person = create_invitee(event, email="einmal@example.org")
    page = f"/events/{event.slug}/invitees/{person.id}"
    first, second = post_twice(organiser_client, page, page + "/resend")
    join_deliveries()
    assert (first.status_code, second.status_code) == (303, 303)
    assert len(smtp_server.to("einmal@example.org")) == 1
