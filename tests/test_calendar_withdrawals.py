"""Leaving the guest list takes the meeting out of the invitee's calendar: METHOD:CANCEL for
the same UID, with a SEQUENCE above every REQUEST they had."""

import pytest
from sqlalchemy import select

from rsvp.calendar import event_uid
from rsvp.extensions import db
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.mailing.services import queue_confirmation
from rsvp.responses.services import record_answer
from tests.conftest import join_background_senders
from tests.dashboard.conftest import fresh_g_per_request  # noqa: F401 (each answer, a fresh g)
from tests.mailing.conftest import calendars_in
from tests.responses.links import answer

ADDRESS = "petra@example.org"


def calendar_of(mail):
    [calendar] = calendars_in(mail)
    [entry] = calendar.walk("VEVENT")
    return str(calendar["method"]), str(entry["uid"]), entry.decoded("sequence")


def answered(client, smtp_server, person, response: str):
    """Answer on the page; the mail the answer sent."""
    before = len(smtp_server.to(ADDRESS))
    assert answer(client, person, response=response).status_code == 303
    smtp_server.wait_for(before + 1)
    join_background_senders()
    return smtp_server.to(ADDRESS)[before]


@pytest.fixture
def invited(runner, client, create_event, create_invitee, smtp_server):
    """Petra was sent the invitation (a REQUEST) and accepted on the page."""
    event = create_event()
    person = create_invitee(event, email=ADDRESS, first_name="Petra", last_name="Potz")
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    [invitation] = smtp_server.to(ADDRESS)
    accepted = answered(client, smtp_server, person, "accepted")
    return event, person, [calendar_of(invitation), calendar_of(accepted)]


def test_a_decline_after_accepting_cancels_the_meeting_with_a_higher_sequence(
        client, invited, smtp_server):
    event, person, requests = invited
    declined = answered(client, smtp_server, person, "declined")
    method, uid, sequence = calendar_of(declined)
    assert [m for m, _, _ in requests] == ["REQUEST", "REQUEST"]
    assert (method, uid) == ("CANCEL", event_uid(event))
    assert sequence > max(s for _, _, s in requests)


def test_accepting_again_after_the_cancel_sends_a_request_above_it(client, invited,
                                                                   smtp_server):
    _event, person, _requests = invited
    cancel = calendar_of(answered(client, smtp_server, person, "declined"))
    again = calendar_of(answered(client, smtp_server, person, "accepted"))
    assert again[0] == "REQUEST" and again[2] > cancel[2]


def test_a_first_decline_carries_no_calendar(client, create_event, create_invitee, smtp_server):
    person = create_invitee(create_event(), email=ADDRESS)
    assert calendars_in(answered(client, smtp_server, person, "declined")) == []


def test_erasing_an_accepted_invitee_sends_them_the_cancel_and_then_forgets_them(
        runner, invited, smtp_server):
    event, _person, requests = invited
    result = runner.invoke(args=["invitees", "erase", event.slug, ADDRESS, "--yes"])
    assert result.exit_code == 0, result.output
    mail = smtp_server.to(ADDRESS)[-1]
    method, uid, sequence = calendar_of(mail)
    assert (method, uid) == ("CANCEL", event_uid(event))
    assert sequence > max(s for _, _, s in requests)
    assert "nicht mehr auf der Gästeliste" in mail.get_body(("plain",)).get_content()
    withdrawal = db.session.scalar(select(Message).where(
        Message.kind == MessageKind.WITHDRAWAL).execution_options(populate_existing=True))
    assert withdrawal.status is MessageStatus.SENT
    assert (withdrawal.invitee_id, withdrawal.recipient, withdrawal.body_text,
            withdrawal.calendar_ics) == (None, "", "", None)


def test_an_erasure_while_the_server_is_down_sends_the_cancel_later(
        app, runner, invited, smtp_server):
    event, _person, _requests = invited
    port, app.extensions["mail"].port = app.extensions["mail"].port, 1
    result = runner.invoke(args=["invitees", "erase", event.slug, ADDRESS, "--yes"])
    assert result.exit_code == 0, result.output
    app.extensions["mail"].port = port
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    assert calendar_of(smtp_server.to(ADDRESS)[-1])[0] == "CANCEL"


def test_erasing_someone_who_never_had_the_meeting_sends_nothing(
        runner, create_event, create_invitee, smtp_server):
    event = create_event()
    create_invitee(event, email=ADDRESS)
    assert runner.invoke(args=["invitees", "erase", event.slug, ADDRESS, "--yes"]).exit_code == 0
    assert smtp_server.received == []


def test_an_acceptance_confirmed_after_a_later_decline_does_not_put_the_meeting_back(
        runner, create_event, create_invitee, smtp_server):
    event = create_event()
    person = create_invitee(event, email=ADDRESS)
    for response in ("accepted", "declined"):
        queue_confirmation(db.session, person, record_answer(db.session, person, response).change)
    db.session.commit()
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    mails = {m["Subject"].split(":")[0]: m for m in smtp_server.to(ADDRESS)}
    assert calendars_in(mails["Anmeldebestätigung"]) == []
    assert calendar_of(mails["Ihre Absage"])[0] == "CANCEL"
