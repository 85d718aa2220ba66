"""Messages to a group, and calling an event off, from the browser."""

import html
import re

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.mailing.content_models import UpdateRound
from rsvp.mailing.models import Message, MessageKind
from rsvp.responses.services import record_answer
from tests.conftest import csrf_token
from tests.dashboard.conftest import (
    form_data,
    join_deliveries,
    preview_announcement,
    send_announcement,
)


def test_a_message_goes_to_those_who_accepted_with_their_salutation(
        organiser_client, create_event, create_invitee, smtp_server):
    event = create_event()
    coming = create_invitee(event, email="kommt@example.org", salutation="mr",
                            academic_title="", last_name="Müller")
    record_answer(db.session, coming, "accepted")
    record_answer(db.session, create_invitee(event, email="nicht@example.org"), "declined")
    create_invitee(event, email="still@example.org")
    db.session.commit()
    smtp_server.clear()
    result = send_announcement(organiser_client, event.slug, audience="accepted",
                               subject="Das Programm ist online",
                               body="das Programm finden Sie unter {{ rsvp_url }}.")
    assert result.status_code == 303
    assert result.headers["Location"] == f"/events/{event.slug}/send/update"
    join_deliveries()
    received = [m for m in smtp_server.messages if m["Subject"] == "Das Programm ist online"]
    assert [m["To"].addresses[0].addr_spec for m in received] == ["kommt@example.org"]
    assert "Sehr geehrter Herr Müller" in received[0].get_body(("plain",)).get_content()
    assert organiser_client.get(f"/events/{event.slug}/send/update").status_code == 200


def test_a_message_with_an_english_version_reaches_english_readers_in_english(
        organiser_client, create_event, create_invitee, smtp_server):
    event = create_event(language="de")
    create_invitee(event, email="de@example.org", language="de")
    create_invitee(event, email="en@example.org", language="en")
    db.session.commit()
    smtp_server.clear()
    page = organiser_client.get(f"/events/{event.slug}/announce")
    assert "Auf Englisch (optional)" in page.text
    result = send_announcement(organiser_client, event.slug, audience="all",
                               subject="Das Programm ist online",
                               body="das Programm steht bereit.",
                               translated_subject="The programme is online",
                               translated_body="the programme is ready.")
    assert result.status_code == 303
    join_deliveries()
    [german] = smtp_server.to("de@example.org")
    [english] = smtp_server.to("en@example.org")
    assert german["Subject"] == "Das Programm ist online"
    assert english["Subject"] == "The programme is online"
    assert "the programme is ready." in english.get_body(("plain",)).get_content()


def test_a_translation_with_a_subject_but_no_text_is_shown_again_and_nothing_is_sent(
        organiser_client, create_event, create_invitee, smtp_server):
    event = create_event(language="de")
    create_invitee(event)
    page = organiser_client.get(f"/events/{event.slug}/announce")
    result = organiser_client.post(f"/events/{event.slug}/announce", data={
        "csrf_token": csrf_token(page.text), "audience": "all", "subject": "Neuigkeiten",
        "body": "Hallo", "translated_subject": "News", "translated_body": ""})
    assert result.status_code == 400
    assert "Text (en): Eine Mitteilung braucht einen Text." in result.text
    assert db.session.scalar(select(Message).where(Message.kind == MessageKind.UPDATE)) is None


def test_a_message_with_a_template_error_is_shown_again_and_nothing_is_sent(
        organiser_client, create_event, create_invitee, smtp_server):
    organiser_client.set_cookie("lang", "en")  # in German: tests/operations
    event = create_event()
    create_invitee(event)
    page = organiser_client.get(f"/events/{event.slug}/announce")
    result = organiser_client.post(f"/events/{event.slug}/announce", data={
        "csrf_token": csrf_token(page.text), "audience": "all", "subject": "Neuigkeiten",
        "body": "Hallo,\n{{ event.__class__ }}"})
    assert result.status_code == 400
    assert "line 2" in result.text
    assert db.session.scalar(select(Message).where(Message.kind == MessageKind.UPDATE)) is None


def test_calling_the_event_off_needs_the_box_ticked_then_closes_answers(
        organiser_client, runner, create_event, create_invitee, smtp_server):
    event = create_event()
    create_invitee(event, email="gast@example.org")
    runner.invoke(args=["send", event.slug])
    page = organiser_client.get(f"/events/{event.slug}/announce")
    unticked = organiser_client.post(f"/events/{event.slug}/cancel",
                                     data={"csrf_token": csrf_token(page.text)})
    assert unticked.status_code == 303
    db.session.refresh(event)
    assert not event.cancelled
    result = organiser_client.post(f"/events/{event.slug}/cancel",
                                   data={"csrf_token": csrf_token(page.text), "confirm": "yes"})
    assert result.status_code == 303
    join_deliveries()
    db.session.refresh(event)
    assert event.cancelled
    calendars = [part.get_content() for m in smtp_server.to("gast@example.org")
                 for part in m.walk() if part.get_content_type() == "text/calendar"]
    assert any("METHOD:CANCEL" in str(c) for c in calendars)


@pytest.mark.parametrize(("body", "error"), [
    ("Hallo,\n{{ guests / 0 }}", "body, line 2: division by zero"),
    ("Hallo,\n{{ range(10**9)|list }}", "body, line 2: a range of more than 1,000 numbers"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls nested more than 50 deep"),
    ("Hallo,\n{{ '%d' % first_name }}", "body, line 2: TypeError"),
    ("Hallo,\n{{ first_name|dictsort }}", "body, line 2: AttributeError"),
    ("{{ lipsum(100000)|length }}", "body, line 1: lipsum takes at most"),
])
def test_a_message_that_fails_to_render_is_a_form_error_and_nothing_is_sent(
        organiser_client, create_event, create_invitee, body, error):
    organiser_client.set_cookie("lang", "en")  # in German: tests/operations
    event = create_event()
    create_invitee(event)
    page = organiser_client.get(f"/events/{event.slug}/announce")
    result = organiser_client.post(f"/events/{event.slug}/announce", data={
        "csrf_token": csrf_token(page.text), "audience": "all", "subject": "Neuigkeiten",
        "body": body})
    assert result.status_code == 400
    assert error in html.unescape(result.text)
    assert db.session.scalar(select(Message).where(Message.kind == MessageKind.UPDATE)) is None


def _announce(client, event, audience: str, subject: str):  # type: ignore[no-untyped-def]
    return send_announcement(client, event.slug, audience=audience, subject=subject,
                             body="kurz notiert.")


def test_the_progress_of_a_second_message_counts_only_its_own_round(
        organiser_client, create_event, create_invitee, smtp_server):
    event = create_event()
    for number in range(3):
        create_invitee(event, email=f"gast{number}@example.org")
    _announce(organiser_client, event, "all", "Erste Nachricht")
    join_deliveries()
    result = _announce(organiser_client, event, "all", "Zweite Nachricht")
    join_deliveries()
    progress = organiser_client.get(result.headers["Location"]).text
    assert 'data-status="sent">3<' in progress


def _group(create_event, create_invitee):  # type: ignore[no-untyped-def]
    event = create_event()
    for number in range(3):
        record_answer(db.session, create_invitee(event, email=f"kommt{number}@example.org",
                                                 salutation="mr", academic_title="",
                                                 last_name=f"Müller{number}"), "accepted")
    record_answer(db.session, create_invitee(event, email="nicht@example.org"), "declined")
    db.session.commit()
    return event


NEWS = {"audience": "accepted", "subject": "Das Programm ist online",
        "body": "das Programm finden Sie unter {{ rsvp_url }}."}


def test_writing_a_message_shows_its_preview_and_count_and_sends_nothing(
        organiser_client, create_event, create_invitee, smtp_server):
    event = _group(create_event, create_invitee)
    smtp_server.clear()
    draft = organiser_client.get(preview_announcement(organiser_client, event.slug, **NEWS))
    assert 'id="preview-subject">Das Programm ist online<' in draft.text
    assert "Sehr geehrter Herr Müller0" in draft.text
    assert "3 eingeladene Personen erhalten diese Nachricht." in html.unescape(draft.text)
    assert "Jetzt an alle 3 senden" in draft.text
    join_deliveries()
    assert smtp_server.messages == []
    assert db.session.scalar(select(Message).where(Message.kind == MessageKind.UPDATE)) is None


def test_the_test_of_a_message_goes_to_the_organiser_alone(
        organiser_client, create_event, create_invitee, smtp_server):
    event = _group(create_event, create_invitee)
    smtp_server.clear()
    draft = preview_announcement(organiser_client, event.slug, **NEWS)
    result = organiser_client.post(f"{draft}/test", data=form_data(
        organiser_client.get(draft).text, f"{draft}/test"))
    assert result.status_code == 303
    [test] = smtp_server.messages
    assert test["To"].addresses[0].addr_spec == "buero@example.org"
    assert test["Subject"] == "[Test] Das Programm ist online"
    assert "Sehr geehrter Herr Müller0" in test.get_body(("plain",)).get_content()
    assert db.session.scalar(select(Message).where(Message.kind == MessageKind.UPDATE)) is None


def test_a_group_grown_since_the_preview_is_not_sent_but_counted_again(
        organiser_client, create_event, create_invitee, smtp_server):
    event = _group(create_event, create_invitee)
    draft = preview_announcement(organiser_client, event.slug, **NEWS)
    fields = form_data(organiser_client.get(draft).text, f"{draft}/send")
    record_answer(db.session, create_invitee(event, email="neu@example.org"), "accepted")
    db.session.commit()
    result = organiser_client.post(f"{draft}/send", data=fields)
    assert result.headers["Location"] == draft
    assert "die Nachricht geht jetzt an 4 Personen" in organiser_client.get(draft).text
    assert db.session.scalar(select(Message).where(Message.kind == MessageKind.UPDATE)) is None


def test_the_previews_html_part_is_framed_under_the_mail_policy(
        organiser_client, create_event, create_invitee):
    event = _group(create_event, create_invitee)
    draft = organiser_client.get(preview_announcement(organiser_client, event.slug, **NEWS))
    [frame] = re.findall(r'<iframe class="mail-preview"[^>]*src="([^"]+)"', draft.text)
    part = organiser_client.get(html.unescape(frame))
    assert part.status_code == 200
    assert "das Programm finden Sie unter" in part.text
    assert "style-src 'unsafe-inline'" in part.headers["Content-Security-Policy"]


def test_a_message_rewritten_after_its_preview_replaces_the_unsent_draft(
        organiser_client, create_event, create_invitee):
    event = _group(create_event, create_invitee)
    first = preview_announcement(organiser_client, event.slug, **NEWS)
    fields = form_data(organiser_client.get(first).text, f"/events/{event.slug}/announce")
    organiser_client.post(f"/events/{event.slug}/announce", data=fields | NEWS | {
        "subject": "Das Programm ist jetzt online"})
    [update] = db.session.scalars(select(UpdateRound)).all()
    assert update.subject == "Das Programm ist jetzt online"
