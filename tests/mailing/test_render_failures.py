"""A text that cannot be rendered for one invitee fails that message, not the mailing."""

from sqlalchemy import select

from rsvp.extensions import db
from rsvp.mailing.content_models import TemplateOverride
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.mailing.render_failures import read_failure
from rsvp.responses.models import Actor
from rsvp.responses.services import record_answer

#: Renders for a sample invitee with a first name, fails for one without (saved before the
#: save-time check tried empty fields, or written to the database by an older version).
INITIAL = "{{ salutation }},\n\nliebe {{ first_name[0] }}.-Gruppe,\nwir laden Sie ein.\n"


def stored_text(event, kind: str, text: str, language: str = "de") -> TemplateOverride:
    """An organiser's text as it sits in the database, without today's save-time checks."""
    override = db.session.scalar(select(TemplateOverride).where(
        TemplateOverride.event_id == event.id, TemplateOverride.kind == kind,
        TemplateOverride.language == language)) or TemplateOverride(
        event_id=event.id, kind=kind, language=language)
    override.subject, override.body_text, override.body_html = "", text, ""
    db.session.add(override)
    db.session.commit()
    return override


def message_of(invitee) -> Message:
    db.session.expire_all()
    return db.session.scalar(select(Message).where(Message.invitee_id == invitee.id))


def test_the_message_that_cannot_be_rendered_fails_with_its_reason_and_the_rest_go_out(
        runner, smtp_server, create_event, create_invitee):
    event = create_event()
    first = create_invitee(event, email="erste@example.org")
    nameless = create_invitee(event, email="ohne-vorname@example.org", first_name="")
    last = create_invitee(event, email="letzte@example.org")
    stored_text(event, "invitation", INITIAL)
    result = runner.invoke(args=["send", event.slug])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert "2 sent, 1 failed, 0 deferred." in result.output
    assert ("ohne-vorname@example.org: Not rendered: invitation (de), text, line 3: "
            "str object has no element 0") in result.output
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "erste@example.org", "letzte@example.org"]
    failed = message_of(nameless)
    assert failed.status is MessageStatus.FAILED and failed.sent_at is None
    assert read_failure(failed.last_error).line == 3
    assert message_of(first).status is message_of(last).status is MessageStatus.SENT


def test_a_later_run_does_not_trip_over_the_failed_message(runner, smtp_server, create_event,
                                                            create_invitee):
    event = create_event()
    create_invitee(event, email="ohne-vorname@example.org", first_name="")
    stored_text(event, "invitation", INITIAL)
    runner.invoke(args=["send", event.slug])
    create_invitee(event, email="neu@example.org")
    again = runner.invoke(args=["send", event.slug])
    assert again.exit_code == 0, again.output
    assert "1 sent, 0 failed, 0 deferred." in again.output
    assert [r.rcpt_tos for r in smtp_server.received] == [["neu@example.org"]]


def test_a_confirmation_dividing_by_no_guests_fails_naming_kind_and_line(
        runner, smtp_server, create_event, create_invitee):
    event = create_event()
    alone = create_invitee(event, email="allein@example.org")
    record_answer(db.session, alone, "accepted", guests=0, actor=Actor.INVITEE)
    db.session.commit()
    stored_text(event, "confirmation", "{{ salutation }},\n\n{{ 10 // guests }} Plätze je Gast.")
    result = runner.invoke(args=["send", event.slug, "--kind", "confirmation"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("Not rendered: confirmation (de), text, line 3: division by zero"
            in message_of(alone).last_error)
    assert smtp_server.received == []


def test_the_failed_ones_go_out_once_the_text_is_fixed(runner, smtp_server, create_event,
                                                       create_invitee):
    event = create_event()
    create_invitee(event, email="erste@example.org")
    nameless = create_invitee(event, email="ohne-vorname@example.org", first_name="")
    stored_text(event, "invitation", INITIAL)
    runner.invoke(args=["send", event.slug])
    stored_text(event, "invitation", "{{ salutation }},\n\nwir laden Sie ein.\n")
    smtp_server.clear()
    result = runner.invoke(args=["send", event.slug, "--kind", "invitation", "--retry-failed"])
    assert result.exit_code == 0, result.output
    assert "1 invitation messages that could not be rendered are queued again." in result.output
    assert [r.rcpt_tos for r in smtp_server.received] == [["ohne-vorname@example.org"]]
    assert "wir laden Sie ein." in smtp_server.messages[0].get_body(("plain",)).get_content()
    fixed = message_of(nameless)
    assert (fixed.status, fixed.last_error) == (MessageStatus.SENT, "")


def test_sending_the_failed_ones_again_never_resends_a_delivered_or_refused_message(
        runner, smtp_server, create_event, create_invitee):
    event = create_event()
    delivered = create_invitee(event, email="zugestellt@example.org")
    refused = create_invitee(event, email="abgelehnt@example.org")
    runner.invoke(args=["send", event.slug])
    # The server refused this one for good: not a text to fix, so not to send again.
    db.session.execute(Message.__table__.update()
                       .where(Message.invitee_id == refused.id)
                       .values(status=MessageStatus.FAILED, last_error="550 no such user"))
    db.session.commit()
    smtp_server.clear()
    result = runner.invoke(args=["send", event.slug, "--kind", "invitation", "--retry-failed"])
    assert result.exit_code == 0, result.output
    assert "0 invitation messages" in result.output
    assert smtp_server.received == []
    assert message_of(delivered).status is MessageStatus.SENT
    assert message_of(refused).status is MessageStatus.FAILED


def test_a_reminder_is_not_sent_again_to_someone_who_has_answered_meanwhile(
        runner, smtp_server, create_event, create_invitee):
    event = create_event()
    nameless = create_invitee(event, email="ohne-vorname@example.org", first_name="")
    runner.invoke(args=["send", event.slug])
    stored_text(event, "reminder", INITIAL)
    runner.invoke(args=["send", event.slug, "--kind", "reminder"])
    record_answer(db.session, nameless, "declined", actor=Actor.INVITEE)
    db.session.commit()
    stored_text(event, "reminder", "Erinnerung")
    result = runner.invoke(args=["send", event.slug, "--kind", "reminder", "--retry-failed"])
    assert "0 reminder messages" in result.output
    reminder = db.session.scalar(select(Message).where(
        Message.invitee_id == nameless.id, Message.kind == MessageKind.REMINDER))
    assert reminder.status is MessageStatus.FAILED


def test_a_dry_run_names_whom_the_text_fails_for_without_a_traceback(runner, create_event,
                                                                    create_invitee):
    event = create_event()
    create_invitee(event, email="ohne-vorname@example.org", first_name="")
    stored_text(event, "invitation", INITIAL)
    result = runner.invoke(args=["send", event.slug, "--dry-run"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "ohne-vorname@example.org: not rendered: text, line 3" in result.output
    assert "1 would be sent" in result.output
