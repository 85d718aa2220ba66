"""Outlook and Exchange: mailed calendar files are meetings (REQUEST, CANCEL); downloads not."""

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from rsvp.calendar import event_uid
from rsvp.events.services import update_event
from rsvp.extensions import db
from rsvp.mailing.models import Message, MessageKind
from rsvp.responses.services import record_answer
from rsvp.tokens import make_token
from tests.conftest import csrf_token
from tests.mailing.conftest import calendars_in


def the_calendar(message) -> Calendar:
    [calendar] = calendars_in(message)
    return calendar


def entry_of(calendar: Calendar):
    [entry] = calendar.walk("VEVENT")
    return entry


@pytest.fixture
def invited(runner, create_event, create_invitee, smtp_server):
    """An event with three invitees who were sent the invitation: one accepts, one declines."""
    event = create_event()
    people = {name: create_invitee(event, email=f"{name}@example.org")
              for name in ("yes", "no", "quiet")}
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    record_answer(db.session, people["yes"], "accepted")
    record_answer(db.session, people["no"], "declined")
    db.session.commit()
    smtp_server.clear()
    return event, people


def test_the_mailed_invitation_is_a_meeting_request_naming_the_invitee(
        runner, create_event, create_invitee, smtp_server):
    event = create_event()
    create_invitee(event, email="petra@example.org", first_name="Petra", last_name="Potz")
    runner.invoke(args=["send", event.slug])
    [mail] = smtp_server.to("petra@example.org")
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    calendar = the_calendar(mail)
    entry = entry_of(calendar)
    assert calendar["method"] == "REQUEST"
    assert str(entry["organizer"]) == "mailto:kontakt@example.org"
    attendee = entry["attendee"]
    assert str(attendee) == "mailto:petra@example.org"
    assert attendee.params["CN"] == "Petra Potz"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "FALSE"


def test_the_file_downloaded_from_the_page_stays_a_plain_publish(client, create_event,
                                                                  create_invitee):
    invitee = create_invitee(create_event())
    calendar = Calendar.from_ical(client.get(f"/r/{make_token(invitee)}/event.ics").data)
    assert calendar["method"] == "PUBLISH"
    assert "attendee" not in entry_of(calendar)


def test_a_request_has_an_organiser_even_without_a_contact_person(
        runner, create_event, create_invitee, smtp_server):
    event = create_event(contact_email="", contact_name="")
    create_invitee(event, email="petra@example.org")
    runner.invoke(args=["send", event.slug])
    entry = entry_of(the_calendar(smtp_server.to("petra@example.org")[0]))
    assert str(entry["organizer"]) == "mailto:einladung@rsvp.test"


def test_an_update_after_a_move_replaces_the_entry_of_those_who_accepted(
        runner, invited, smtp_server, tmp_path):
    event, _people = invited
    update_event(db.session, event, {"starts_at": event.starts_at + timedelta(days=1),
                                     "ends_at": event.ends_at + timedelta(days=1),
                                     "venue_name": "Umweltforum Berlin"})
    db.session.commit()
    body = tmp_path / "body.txt"
    body.write_text("Die Konferenz findet einen Tag später im Umweltforum statt.")
    result = runner.invoke(args=["send", event.slug, "--kind", "update", "--to", "accepted",
                                 "--subject", "Neuer Termin", "--body-file", str(body)])
    assert result.exit_code == 0, result.output
    assert [r.rcpt_tos for r in smtp_server.received] == [["yes@example.org"]]
    calendar = the_calendar(smtp_server.to("yes@example.org")[0])
    entry = entry_of(calendar)
    assert calendar["method"] == "REQUEST"
    assert str(entry["uid"]) == event_uid(event)
    assert entry.decoded("sequence") == 1
    assert "Umweltforum Berlin" in str(entry["location"])
    assert entry["attendee"].params["PARTSTAT"] == "ACCEPTED"


def test_an_update_to_everyone_carries_the_calendar_only_for_those_who_accepted(
        runner, invited, smtp_server, tmp_path):
    event, _people = invited
    body = tmp_path / "body.txt"
    body.write_text("Das Programm ist online.")
    runner.invoke(args=["send", event.slug, "--kind", "update", "--to", "all",
                        "--subject", "Programm", "--body-file", str(body)])
    assert len(calendars_in(smtp_server.to("yes@example.org")[0])) == 1
    assert calendars_in(smtp_server.to("quiet@example.org")[0]) == []


def test_cancelling_sends_a_calendar_cancel_to_everyone_who_heard_of_it_but_declined(
        runner, invited, smtp_server, create_invitee):
    event, _people = invited
    never_contacted = create_invitee(event, email="later@example.org")
    result = runner.invoke(args=["event", "cancel", event.slug, "--yes"])
    assert result.exit_code == 0, result.output
    assert "2 cancellations queued" in result.output
    assert {r.rcpt_tos[0] for r in smtp_server.received} == {"yes@example.org",
                                                             "quiet@example.org"}
    assert not smtp_server.to(never_contacted.email)
    mail = smtp_server.to("yes@example.org")[0]
    assert mail["Subject"].startswith("Absage der Veranstaltung:")
    calendar = the_calendar(mail)
    entry = entry_of(calendar)
    assert calendar["method"] == "CANCEL"
    assert str(entry["status"]) == "CANCELLED"
    assert str(entry["uid"]) == event_uid(event)
    assert entry.decoded("sequence") == 1
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"


def test_a_cancelled_event_takes_no_more_answers(runner, invited, client):
    event, people = invited
    token = make_token(people["quiet"])
    form_seen_before = csrf_token(client.get(f"/r/{token}").text)
    runner.invoke(args=["event", "cancel", event.slug, "--yes", "--no-mail"])
    page = client.get(f"/r/{token}")
    assert "abgesagt" in page.text
    assert "<form" not in page.text
    result = client.post(f"/r/{token}", data={"csrf_token": form_seen_before,
                                              "response": "accepted", "guests": "0"})
    assert result.status_code == 403
    assert people["quiet"].response is None
    assert db.session.scalar(select(Message.id).where(
        Message.kind == MessageKind.CANCELLATION)) is None


def test_cancelling_twice_is_refused(runner, invited):
    event, _people = invited
    runner.invoke(args=["event", "cancel", event.slug, "--yes", "--no-mail"])
    result = runner.invoke(args=["event", "cancel", event.slug, "--yes"])
    assert result.exit_code == 1
    assert "cancelled already" in result.output
