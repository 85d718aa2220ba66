"""The invitee list and an invitee's page, with everything an organiser does there."""

import re

import pytest

from rsvp.extensions import db
from rsvp.invitees.models import Invitee, InviteeTag
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.responses.models import Actor, ResponseChange
from rsvp.responses.services import record_answer
from rsvp.tokens import make_token
from tests.dashboard.conftest import post_form, wait_until


def names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r'<a href="/events/[^"]+/invitees/\d+">([^<]+)</a>', page.text)


@pytest.fixture
def event_with_people(create_event, create_invitee):  # type: ignore[no-untyped-def]
    event = create_event()
    people = {
        "potz": create_invitee(event, email="petra.potz@example.org", first_name="Petra",
                               last_name="Potz", organisation="location³"),
        "mueller": create_invitee(event, email="hans@example.org", first_name="Hans",
                                  last_name="Müller", organisation="Bezirksamt Neukölln"),
        "weber": create_invitee(event, email="j.weber@example.net", first_name="Johanna",
                                last_name="Weber", organisation="Hochschule"),
    }
    db.session.add(InviteeTag(invitee_id=people["weber"].id, tag="Wissenschaft"))
    record_answer(db.session, people["potz"], "accepted")
    record_answer(db.session, people["mueller"], "declined")
    db.session.add(Message(event_id=event.id, invitee_id=people["mueller"].id,
                           kind=MessageKind.INVITATION, dedup_key="invitation",
                           status=MessageStatus.FAILED, last_error="550 5.1.1 no such user"))
    db.session.commit()
    return event, people


@pytest.mark.parametrize(("query", "expected"), [
    ("potz", ["Petra Potz"]), ("HANS@", ["Hans Müller"]), ("neukölln", ["Hans Müller"]),
    ("johanna weber", ["Johanna Weber"]), ("100%_", []),
])
def test_the_search_looks_at_name_email_and_organisation(organiser_client, event_with_people,
                                                         query, expected):
    event, _ = event_with_people
    page = organiser_client.get(f"/events/{event.slug}/invitees", query_string={"q": query})
    assert names(page) == expected


@pytest.mark.parametrize(("filters", "expected"), [
    ({"answer": "accepted"}, ["Petra Potz"]),
    ({"answer": "none"}, ["Johanna Weber"]),
    ({"delivery": "failed"}, ["Hans Müller"]),
    ({"delivery": "not_sent"}, ["Petra Potz", "Johanna Weber"]),
    ({"tag": "Wissenschaft"}, ["Johanna Weber"]),
    ({"sort": "email"}, ["Hans Müller", "Johanna Weber", "Petra Potz"]),
    ({"sort": "organisation"}, ["Hans Müller", "Johanna Weber", "Petra Potz"]),
    ({"answer": "bogus", "sort": "bogus"}, ["Hans Müller", "Petra Potz", "Johanna Weber"]),
])
def test_the_list_filters_and_sorts(organiser_client, event_with_people, filters, expected):
    event, _ = event_with_people
    page = organiser_client.get(f"/events/{event.slug}/invitees", query_string=filters)
    assert page.status_code == 200
    assert names(page) == expected


def test_the_list_pages_through_many_invitees(organiser_client, create_event):
    event = create_event(invitees=120)
    first = organiser_client.get(f"/events/{event.slug}/invitees?sort=added")
    assert "1–50 von 120 Eingeladenen" in first.text
    assert "Seite 1 von 3" in first.text
    last = organiser_client.get(f"/events/{event.slug}/invitees?sort=added&page=3")
    assert "101–120 von 120 Eingeladenen" in last.text
    beyond = organiser_client.get(f"/events/{event.slug}/invitees?page=99")
    assert "Seite 3 von 3" in beyond.text


def test_the_invitee_page_shows_emails_with_errors_and_the_history(
        organiser_client, event_with_people):
    event, people = event_with_people
    page = organiser_client.get(f"/events/{event.slug}/invitees/{people['mueller'].id}")
    assert "550 5.1.1 no such user" in page.text
    assert "fehlgeschlagen" in page.text
    assert "die eingeladene Person über den Link" in page.text
    assert f"/r/{make_token(people['mueller'])}" in page.text


def test_an_invitee_of_another_event_is_not_found(organiser_client, event_with_people,
                                                 create_event, create_invitee):
    event, _ = event_with_people
    stranger = create_invitee(create_event())
    assert organiser_client.get(
        f"/events/{event.slug}/invitees/{stranger.id}").status_code == 404


def test_an_answer_taken_by_phone_is_recorded_in_the_organisers_name(
        organiser_client, organiser, event_with_people):
    event, people = event_with_people
    url = f"/events/{event.slug}/invitees/{people['weber'].id}"
    response = post_form(organiser_client, url, f"{url}/answer", response="accepted",
                         guests="1", comment="Anruf am Montag", channel="phone")
    assert response.status_code == 303
    change = db.session.query(ResponseChange).filter_by(invitee_id=people["weber"].id).one()
    assert (change.actor, change.organiser_id, change.channel, change.new_guests) == (
        Actor.ORGANISER, organiser.id, "phone", 1)
    page = organiser_client.get(url)
    assert "buero@example.org (phone)" in page.text


def test_an_impossible_phone_answer_is_refused_with_the_reason(organiser_client,
                                                              event_with_people):
    event, people = event_with_people
    url = f"/events/{event.slug}/invitees/{people['weber'].id}"
    response = post_form(organiser_client, url, f"{url}/answer", response="accepted",
                         guests="9", channel="phone")
    assert response.status_code == 400
    assert "Höchstens 2 Begleitpersonen." in response.text
    assert db.session.query(ResponseChange).filter_by(invitee_id=people["weber"].id).count() == 0


def test_revoking_the_link_kills_the_old_one_and_shows_a_new_one(
        organiser_client, client, event_with_people):
    event, people = event_with_people
    old_token = make_token(people["potz"])
    url = f"/events/{event.slug}/invitees/{people['potz'].id}"
    assert post_form(organiser_client, url, f"{url}/revoke").status_code == 303
    db.session.refresh(people["potz"])
    new_token = make_token(people["potz"])
    assert new_token != old_token
    assert f"/r/{new_token}" in organiser_client.get(url).text
    assert organiser_client.get(f"/r/{old_token}").status_code == 404
    assert organiser_client.get(f"/r/{new_token}").status_code == 200


def test_resending_delivers_another_invitation_in_the_background(
        organiser_client, event_with_people, smtp_server):
    event, people = event_with_people
    url = f"/events/{event.slug}/invitees/{people['mueller'].id}"
    assert post_form(organiser_client, url, f"{url}/resend").status_code == 303
    wait_until(lambda: smtp_server.to("hans@example.org"))
    messages = db.session.query(Message).filter_by(invitee_id=people["mueller"].id).all()
    assert len(messages) == 2
    # The first (failed) invitation still counts in the figures; the resend is logged beside it.
    assert {m.dedup_key for m in messages} == {"invitation", None}


def test_sending_the_first_invitation_from_the_page_counts_as_the_invitation(
        organiser_client, event_with_people, smtp_server):
    event, people = event_with_people
    url = f"/events/{event.slug}/invitees/{people['weber'].id}"
    post_form(organiser_client, url, f"{url}/resend")
    wait_until(lambda: smtp_server.to("j.weber@example.net"))
    message = db.session.query(Message).filter_by(invitee_id=people["weber"].id).one()
    assert message.dedup_key == "invitation"


def test_editing_an_invitee_keeps_their_link(organiser_client, event_with_people):
    event, people = event_with_people
    token = make_token(people["weber"])
    url = f"/events/{event.slug}/invitees/{people['weber'].id}"
    response = post_form(organiser_client, f"{url}/edit", email="johanna.weber@example.net",
                         salutation="ms", academic_title="Prof. Dr.", first_name="Johanna",
                         last_name="Weber", organisation="HAW", language="en",
                         tags="Wissenschaft, Podium")
    assert response.status_code == 303
    db.session.expire_all()
    weber = db.session.get(Invitee, people["weber"].id)
    assert (weber.email, weber.academic_title, weber.language) == (
        "johanna.weber@example.net", "Prof. Dr.", "en")
    assert weber.tag_names == ["Podium", "Wissenschaft"]
    assert make_token(weber) == token


def test_an_address_another_invitee_has_is_refused(organiser_client, event_with_people):
    organiser_client.set_cookie("lang", "en")  # in German: tests/operations
    event, people = event_with_people
    url = f"/events/{event.slug}/invitees/{people['weber'].id}/edit"
    response = post_form(organiser_client, url, email="Petra.Potz@example.org")
    assert response.status_code == 400
    assert "another invitee of this event has this address" in response.text


def test_an_invitee_can_be_added_by_hand(organiser_client, event_with_people):
    event, _ = event_with_people
    url = f"/events/{event.slug}/invitees/new"
    response = post_form(organiser_client, url, email="neu@example.org", first_name="Nina",
                         last_name="Neu", salutation="", language="")
    assert response.status_code == 303
    assert db.session.query(Invitee).filter_by(email="neu@example.org").one().event_id == event.id


def test_deleting_needs_the_confirmation_box(organiser_client, event_with_people):
    event, people = event_with_people
    url = f"/events/{event.slug}/invitees/{people['potz'].id}"
    post_form(organiser_client, url, f"{url}/delete")
    assert db.session.get(Invitee, people["potz"].id) is not None
    response = post_form(organiser_client, url, f"{url}/delete", confirm="yes")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Invitee, people["potz"].id) is None
    # The history keeps the change, without the person.
    assert db.session.query(ResponseChange).filter_by(invitee_id=None).count() == 1


def test_state_changing_actions_refuse_get(organiser_client, event_with_people):
    event, people = event_with_people
    url = f"/events/{event.slug}/invitees/{people['potz'].id}"
    for action in ("revoke", "resend", "delete", "answer"):
        assert organiser_client.get(f"{url}/{action}").status_code == 405


def test_a_sent_email_is_shown_as_it_went_out_in_a_sandbox(organiser_client, event_with_people):
    event, people = event_with_people
    message = Message(event_id=event.id, invitee_id=people["potz"].id,
                      kind=MessageKind.INVITATION, dedup_key="invitation",
                      status=MessageStatus.SENT, subject="Einladung",
                      body_text="Sehr geehrte Frau Potz,",
                      body_html="<p>Hallo <script>x()</script>")
    db.session.add(message)
    db.session.commit()
    page = organiser_client.get(f"/events/{event.slug}/messages/{message.id}")
    assert "Sehr geehrte Frau Potz," in page.text
    # Framed from its own URL: a sandbox that lets no script run, under a policy without any.
    assert 'sandbox="allow-same-origin"' in page.text and "allow-scripts" not in page.text
    body = organiser_client.get(f"/events/{event.slug}/messages/{message.id}/body.html")
    assert body.text == "<p>Hallo <script>x()</script>"
    assert "script-src" not in body.headers["Content-Security-Policy"]
    assert "default-src 'none'" in body.headers["Content-Security-Policy"]


@pytest.mark.parametrize(("language", "badge"), [("de", "unzustellbar"), ("en", "undeliverable")])
def test_the_list_shows_an_address_a_mailbox_refused_with_the_reply_and_filters_it(
        organiser_client, smtp_server, create_event, language, badge):
    from rsvp.mailing.services import deliver_due, queue_messages

    event = create_event(invitees=2)
    refusal = "550 5.1.1 <person1@example.org>: mailbox unavailable"
    smtp_server.handler.rcpt_reply = lambda rcpt: refusal if rcpt == "person1@example.org" else None
    queue_messages(db.session, event, MessageKind.INVITATION)
    db.session.commit()
    deliver_due(db.session, event)
    listed = organiser_client.get(f"/events/{event.slug}/invitees?delivery=undeliverable",
                                  headers={"Accept-Language": language})
    assert "person1@example.org" in listed.text and "person2@example.org" not in listed.text
    assert badge in listed.text
    assert "550 5.1.1 &lt;person1@example.org&gt;: mailbox unavailable" in listed.text
    assert 'value="undeliverable" selected' in listed.text


def test_each_confirmation_on_the_invitees_page_says_which_answer_it_confirmed(
        organiser_client, create_event, create_invitee, smtp_server):
    from rsvp.mailing.services import queue_confirmation
    from rsvp.responses.services import record_answer

    event = create_event()
    person = create_invitee(event)
    for answer in ("accepted", "declined"):
        result = record_answer(db.session, person, answer)
        queue_confirmation(db.session, person, result.change)
    db.session.commit()
    page = organiser_client.get(f"/events/{event.slug}/invitees/{person.id}").text
    start = page.index('id="message-table"')
    rows = page[start:page.index("</table>", start)]
    assert "Bestätigung der Zusage" in rows and "Bestätigung der Absage" in rows
