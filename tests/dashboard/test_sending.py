"""Composing and sending from the dashboard: preview, a test to oneself, then everyone due."""

import html

from sqlalchemy import select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.content_models import TemplateOverride
from rsvp.mailing.models import Message, MessageKind, MessageStatus, SentTest
from tests.dashboard.conftest import post_form, wait_until


def test_the_preview_renders_the_mail_for_the_chosen_invitee(organiser_client, create_event,
                                                             create_invitee):
    event = create_event()
    create_invitee(event, email="erste@example.org", last_name="Erste")
    create_invitee(event, email="zweite@example.org", salutation="mr", academic_title="",
                   last_name="Zweiter")
    page = organiser_client.get(f"/events/{event.slug}/send", query_string={
        "kind": "invitation", "invitee": "zweite@example.org"})
    assert page.status_code == 200
    assert "Sehr geehrter Herr Zweiter," in page.text
    assert 'id="preview-subject"' in page.text
    assert f'src="/events/{event.slug}/send/preview/' in page.text
    assert "2 eingeladene Personen erhalten diese Nachricht." in page.text


def test_an_unknown_preview_address_says_so_and_falls_back(organiser_client, create_event):
    event = create_event(invitees=1)
    page = organiser_client.get(f"/events/{event.slug}/send?invitee=niemand@example.org")
    assert "Keine eingeladene Person mit der Adresse niemand@example.org." in page.text
    assert "Person1" in page.text


def test_an_unknown_kind_is_not_found(organiser_client, create_event):
    event = create_event()
    assert organiser_client.get(f"/events/{event.slug}/send?kind=confirmation").status_code == 404
    assert organiser_client.get(f"/events/{event.slug}/send/nonsense").status_code == 404


def test_a_test_goes_to_the_organiser_only_and_never_counts_as_sent(organiser_client,
                                                                    create_event, smtp_server):
    event = create_event(invitees=2)
    first = db.session.query(Invitee).filter_by(event_id=event.id).first()
    url = f"/events/{event.slug}/send"
    response = post_form(organiser_client, url, f"{url}/test", kind="invitation",
                         invitee=str(first.id))
    assert response.status_code == 303
    assert [r.rcpt_tos for r in smtp_server.received] == [["buero@example.org"]]
    assert smtp_server.messages[0]["Subject"].startswith("[Test] ")
    assert db.session.query(Message).count() == 0


def test_a_test_is_recorded_with_its_message_id_and_listed_on_the_send_page(
        organiser_client, create_event, smtp_server):
    event = create_event(invitees=2)
    first = db.session.query(Invitee).filter_by(event_id=event.id).first()
    url = f"/events/{event.slug}/send"
    post_form(organiser_client, url, f"{url}/test", kind="invitation", invitee=str(first.id))
    [test] = db.session.query(SentTest).all()
    received = smtp_server.messages[0]
    assert (test.recipient, test.kind, test.invitee_id, test.error) == (
        "buero@example.org", MessageKind.INVITATION, first.id, "")
    assert received["Message-ID"] == f"<{test.message_id}>"
    assert test.subject == received["Subject"]
    table = organiser_client.get(url).text.split('id="sent-tests"')[1].split("</table>")[0]
    assert "buero@example.org" in table and "versandt" in table


def test_an_unreachable_mail_server_fails_the_test_with_a_message(
        organiser_client, create_event, app):
    event = create_event(invitees=1)
    app.extensions["mail"].port = 1
    url = f"/events/{event.slug}/send"
    first = db.session.query(Invitee).filter_by(event_id=event.id).first()
    response = post_form(organiser_client, url, f"{url}/test", kind="invitation",
                         invitee=str(first.id))
    page = organiser_client.get(response.headers["Location"])
    assert "Die Testnachricht konnte nicht versandt werden" in page.text
    [test] = db.session.query(SentTest).all()
    assert "cannot reach the SMTP server" in test.error
    assert "nicht versandt" in page.text.split('id="sent-tests"')[1]


def test_sending_to_all_runs_in_the_background_and_reports_progress(
        organiser_client, create_event, smtp_server):
    event = create_event(invitees=5)
    url = f"/events/{event.slug}/send"
    response = post_form(organiser_client, url, url, kind="invitation")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/events/{event.slug}/send/invitation?since=0"

    def finished():  # type: ignore[no-untyped-def]
        page = organiser_client.get(response.headers["Location"])
        return page if 'data-status="sent">5<' in page.text else None

    page = wait_until(finished)
    assert "Abgeschlossen." in page.text
    assert 'http-equiv="refresh"' not in page.text
    assert len(smtp_server.messages) == 5
    again = post_form(organiser_client, url, url, kind="invitation")
    assert again.status_code == 303
    assert len(smtp_server.messages) == 5


def test_the_progress_of_a_later_send_counts_only_its_own_messages(
        organiser_client, runner, create_event, create_invitee, smtp_server):
    event = create_event(invitees=5)
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    for number in range(4):
        create_invitee(event, email=f"spaeter{number}@example.org")
    url = f"/events/{event.slug}/send"
    response = post_form(organiser_client, url, url, kind="invitation")

    def finished():  # type: ignore[no-untyped-def]
        page = organiser_client.get(response.headers["Location"])
        return page if "Abgeschlossen." in page.text else None

    page = wait_until(finished)
    assert 'data-status="sent">4<' in page.text
    assert '<progress max="4" value="4"' in page.text


def test_the_progress_page_refreshes_while_messages_wait(organiser_client, create_event,
                                                        create_invitee):
    event = create_event()
    invitee = create_invitee(event)
    db.session.add(Message(event_id=event.id, invitee_id=invitee.id, kind=MessageKind.INVITATION,
                           dedup_key="invitation", status=MessageStatus.QUEUED))
    db.session.commit()
    page = organiser_client.get(f"/events/{event.slug}/send/invitation")
    assert '<meta http-equiv="refresh" content="2">' in page.text
    assert 'data-status="queued">1<' in page.text


def test_reminders_go_only_to_those_invited_who_have_not_answered(
        organiser_client, create_event, smtp_server, runner):
    event = create_event(invitees=2)
    runner.invoke(args=["send", event.slug])
    page = organiser_client.get(f"/events/{event.slug}/send?kind=reminder")
    assert "2 eingeladene Personen erhalten diese Nachricht." in page.text


def _stored_invitation_text(event, text: str) -> None:
    """An organiser's text as saved before today's checks tried invitees without a first name."""
    override = db.session.scalar(select(TemplateOverride).where(
        TemplateOverride.event_id == event.id, TemplateOverride.kind == "invitation")) or (
        TemplateOverride(event_id=event.id, kind="invitation", language="de"))
    override.subject, override.body_text, override.body_html = "", text, ""
    db.session.add(override)
    db.session.commit()


FAILS_WITHOUT_FIRST_NAME = "{{ salutation }},\n\nliebe {{ first_name[0] }}.-Gruppe"
REASON = ("Der Text konnte nicht erzeugt werden: Einladung (de), Text, Zeile 3: "
          "str object has no element 0")


def test_the_preview_for_an_invitee_the_text_fails_for_shows_why(organiser_client,
                                                                 create_event, create_invitee):
    event = create_event()
    create_invitee(event, email="ohne@example.org", first_name="")
    _stored_invitation_text(event, FAILS_WITHOUT_FIRST_NAME)
    page = organiser_client.get(f"/events/{event.slug}/send", query_string={
        "kind": "invitation", "invitee": "ohne@example.org"})
    assert page.status_code == 200
    assert REASON in html.unescape(page.text)


def test_a_test_of_a_text_that_fails_says_why_and_sends_nothing(organiser_client, create_event,
                                                               create_invitee, smtp_server):
    event = create_event()
    nameless = create_invitee(event, email="ohne@example.org", first_name="")
    _stored_invitation_text(event, FAILS_WITHOUT_FIRST_NAME)
    url = f"/events/{event.slug}/send"
    response = post_form(organiser_client, f"{url}?invitee=ohne@example.org", f"{url}/test",
                         kind="invitation", invitee=str(nameless.id))
    assert response.status_code == 303
    page = organiser_client.get(response.headers["Location"])
    assert "Die Testnachricht konnte nicht versandt werden" in page.text
    assert REASON in html.unescape(page.text)
    assert smtp_server.received == []


def test_messages_that_failed_to_render_are_listed_and_go_out_again_once_fixed(
        organiser_client, create_event, create_invitee, smtp_server):
    event = create_event()
    create_invitee(event, email="mit@example.org")
    nameless = create_invitee(event, email="ohne@example.org", first_name="")
    _stored_invitation_text(event, FAILS_WITHOUT_FIRST_NAME)
    url = f"/events/{event.slug}/send"
    post_form(organiser_client, url, kind="invitation")
    wait_until(lambda: len(smtp_server.received) == 1 and db.session.query(Message).filter_by(
        status=MessageStatus.FAILED).count() == 1)
    page = organiser_client.get(url)
    assert 'id="render-failures"' in page.text and "ohne@example.org" in page.text
    assert REASON in html.unescape(page.text)
    invitee_page = organiser_client.get(f"/events/{event.slug}/invitees/{nameless.id}")
    assert REASON in html.unescape(invitee_page.text)
    _stored_invitation_text(event, "{{ salutation }},\n\nwir laden Sie ein.")
    smtp_server.clear()
    result = post_form(organiser_client, url, f"{url}/retry-failed", kind="invitation")
    assert result.status_code == 303
    smtp_server.wait_for(1)
    assert [r.rcpt_tos for r in smtp_server.received] == [["ohne@example.org"]]
    db.session.expire_all()
    assert wait_until(lambda: db.session.query(Message).filter_by(
        invitee_id=nameless.id, status=MessageStatus.SENT).count() == 1)
    assert 'id="render-failures"' not in organiser_client.get(url).text


def test_the_html_preview_is_the_mail_as_sent_under_a_policy_that_lets_its_styles_apply(
        organiser_client, create_event, create_invitee):
    from rsvp.mailing.models import MessageKind
    from rsvp.mailing.render import render_mail

    event = create_event()
    person = create_invitee(event)
    frame = organiser_client.get(
        f"/events/{event.slug}/send/preview/{person.id}.html?kind=invitation")
    assert frame.status_code == 200
    assert frame.text == render_mail(person, MessageKind.INVITATION).html
    policy = frame.headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src" not in policy
    assert frame.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_the_preview_of_another_events_invitee_is_not_found(organiser_client, create_event,
                                                            create_invitee):
    event, other = create_event(), create_event()
    stranger = create_invitee(other)
    assert organiser_client.get(
        f"/events/{event.slug}/send/preview/{stranger.id}.html").status_code == 404
