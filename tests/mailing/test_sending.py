"""Every kind through `rsvp send` to a real SMTP server, read back as it arrives."""

from email.utils import parseaddr

import pytest

from rsvp.calendar import event_uid
from rsvp.events.services import update_event
from rsvp.extensions import db
from rsvp.invitees.models import InviteeTag
from rsvp.responses.services import record_answer
from rsvp.tokens import rsvp_url
from tests.conftest import csrf_token, join_background_senders
from tests.mailing.conftest import calendars_in, html_of, text_of


def send(runner, event, *args):
    result = runner.invoke(args=["send", event.slug, *args])
    assert result.exit_code == 0, result.output
    return result


def people(conference, create_invitee, n=3, **values):
    return [create_invitee(conference, email=f"p{i}@example.org", **values) for i in range(n)]


def test_the_save_the_date_arrives_with_a_calendar_file_and_no_link(runner, smtp_server,
                                                                    conference, create_invitee):
    people(conference, create_invitee, 1)
    send(runner, conference, "--kind", "save-the-date")
    [message] = smtp_server.messages
    assert message["Subject"].startswith("Save the Date: Bundeskonferenz")
    [calendar] = calendars_in(message)
    [entry] = calendar.walk("VEVENT")
    assert str(entry["uid"]) == event_uid(conference)
    assert "/r/" not in text_of(message) + str(entry["description"])


def test_the_invitation_is_multipart_with_text_html_and_calendar(runner, smtp_server,
                                                                 conference, create_invitee):
    people(conference, create_invitee, 1)
    send(runner, conference, "--kind", "invitation")
    [message] = smtp_server.messages
    assert message.get_content_type() == "multipart/mixed"
    [alternative, ics] = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert ics.get_filename() == f"{conference.slug}.ics"
    [entry] = calendars_in(message)[0].walk("VEVENT")
    link = next(line for line in text_of(message).splitlines() if "/r/" in line)
    assert link in str(entry["description"])


def test_headers_name_the_sender_the_contact_and_our_domain(runner, smtp_server, conference,
                                                            create_invitee):
    people(conference, create_invitee, 1)
    send(runner, conference)
    [message] = smtp_server.messages
    assert parseaddr(message["From"]) == ("Konferenzbüro", "einladung@rsvp.test")
    assert parseaddr(message["Reply-To"]) == ("Dr. Petra Beispiel", "kontakt@example.org")
    assert message["Message-ID"].endswith("@rsvp.test>")
    assert message["Date"].datetime is not None
    assert len(text_of(message)) > 0.2 * len(html_of(message))


def test_reminders_go_only_to_invitees_who_have_not_answered(runner, smtp_server, conference,
                                                             create_invitee):
    answered, silent, _ = people(conference, create_invitee)
    send(runner, conference, "--kind", "invitation", "--limit", "2")
    record_answer(db.session, answered, "accepted")
    db.session.commit()
    smtp_server.clear()
    send(runner, conference, "--kind", "reminder")
    assert [m["To"] for m in smtp_server.messages] == [f"{silent.full_name} <{silent.email}>"]
    assert "Die Anmeldung ist noch bis Montag, 8. November 2027, 23:59 Uhr möglich." in text_of(
        smtp_server.messages[0])


def test_a_reminder_cannot_go_to_those_who_accepted(runner, conference):
    result = runner.invoke(args=["send", conference.slug, "--kind", "reminder",
                                 "--to", "accepted"])
    assert result.exit_code == 1
    assert ("This kind of mail goes only to: Everyone invited who has not answered; "
            "Everyone who has not answered") in result.output


def test_the_tag_narrows_the_audience(runner, smtp_server, conference, create_invitee):
    _, second = people(conference, create_invitee, 2)
    db.session.add(InviteeTag(invitee_id=second.id, tag="Kommune"))
    db.session.commit()
    send(runner, conference, "--kind", "save-the-date", "--tag", "Kommune")
    assert [r.rcpt_tos for r in smtp_server.received] == [[second.email]]


def test_an_update_reaches_the_chosen_group_every_time_it_is_sent(runner, smtp_server,
                                                                  conference, create_invitee,
                                                                  tmp_path):
    accepted, declined, _ = people(conference, create_invitee)
    record_answer(db.session, accepted, "accepted")
    record_answer(db.session, declined, "declined")
    db.session.commit()
    body = tmp_path / "update.txt"
    body.write_text("das Programm für den {{ when }} ist jetzt online.\n", encoding="utf-8")
    for round_ in ("1", "2"):
        send(runner, conference, "--kind", "update", "--to", "accepted",
             "--subject", f"Programm {round_}: {{{{ event_title }}}}", "--body-file", str(body))
    messages = smtp_server.to(accepted.email)
    assert len(smtp_server.messages) == 2
    assert [m["Subject"].split(":")[0] for m in messages] == ["Programm 1", "Programm 2"]
    text = text_of(messages[0])
    assert text.startswith("Sehr geehrte Frau Dr. ")
    assert "das Programm für den Montag, 22. November 2027, 12:00–17:00 Uhr ist jetzt" in text
    assert "http://rsvp.test/r/" in text


def test_lines_that_start_with_a_dot_arrive_as_written(runner, smtp_server, conference,
                                                      create_invitee, tmp_path):
    # SMTP ends the data at a line holding only a dot and drops a line's leading dot unless
    # it is doubled: a text that starts lines with dots must still arrive unchanged.
    people(conference, create_invitee, 1)
    body = tmp_path / "update.txt"
    body.write_text("Programm:\n...und weitere Themen\n.NET-Werkstatt\n.\nEnde\n",
                    encoding="utf-8")
    send(runner, conference, "--kind", "update", "--subject", "Programm",
         "--body-file", str(body))
    [message] = smtp_server.messages
    text, html = (part.replace("\r\n", "\n") for part in (text_of(message), html_of(message)))
    assert "\nProgramm:\n...und weitere Themen\n.NET-Werkstatt\n.\nEnde\n" in text
    assert "...und weitere Themen<br>\n.NET-Werkstatt" in html


def test_an_update_with_an_unknown_placeholder_sends_nothing(runner, smtp_server, conference,
                                                             create_invitee, tmp_path):
    people(conference, create_invitee, 1)
    body = tmp_path / "update.txt"
    body.write_text("Hallo\n{{ vorname }}\n", encoding="utf-8")
    result = runner.invoke(args=["send", conference.slug, "--kind", "update", "--subject", "X",
                                 "--body-file", str(body)])
    assert result.exit_code == 1
    assert "body, line 2: unknown placeholder 'vorname'" in result.output
    assert smtp_server.messages == []


def test_an_update_with_a_translation_reaches_each_invitee_in_their_language(
        runner, smtp_server, conference, create_invitee, tmp_path):
    german = create_invitee(conference, email="de@example.org", language="de")
    english = create_invitee(conference, email="en@example.org", language="en",
                             salutation="mr", academic_title="", last_name="Smith")
    (tmp_path / "de.txt").write_text("das Programm ist online.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("the programme for {{ event_title }} is online.\n",
                                     encoding="utf-8")
    send(runner, conference, "--kind", "update", "--subject", "Programm online",
         "--body-file", str(tmp_path / "de.txt"),
         "--translation", "en", "Programme online", str(tmp_path / "en.txt"))
    [to_german] = smtp_server.to(german.email)
    [to_english] = smtp_server.to(english.email)
    assert to_german["Subject"] == "Programm online"
    assert "das Programm ist online." in text_of(to_german)
    assert to_english["Subject"] == "Programme online"
    assert text_of(to_english).startswith("Dear Mr Smith,")
    assert "the programme for Bundeskonferenz" in text_of(to_english)
    assert "the programme for Bundeskonferenz" in html_of(to_english)
    assert "Programm ist online" not in text_of(to_english)


def test_an_update_without_a_translation_sends_the_main_text_to_everyone(
        runner, smtp_server, conference, create_invitee, tmp_path):
    english = create_invitee(conference, email="en@example.org", language="en")
    (tmp_path / "de.txt").write_text("das Programm ist online.\n", encoding="utf-8")
    send(runner, conference, "--kind", "update", "--subject", "Programm online",
         "--body-file", str(tmp_path / "de.txt"))
    [message] = smtp_server.to(english.email)
    assert message["Subject"] == "Programm online"
    assert "das Programm ist online." in text_of(message)


@pytest.mark.parametrize(("language", "text", "reason"), [
    ("en", "Hello\n{{ vorname }}\n", "body (en), line 2: unknown placeholder 'vorname'"),
    ("de", "Hallo\n", "no translation into 'de' for this event"),
])
def test_an_update_with_a_refused_translation_says_why_and_sends_nothing(
        runner, smtp_server, conference, create_invitee, tmp_path, language, text, reason):
    people(conference, create_invitee, 1)
    (tmp_path / "main.txt").write_text("Hallo\n", encoding="utf-8")
    (tmp_path / "translation.txt").write_text(text, encoding="utf-8")
    result = runner.invoke(args=[
        "send", conference.slug, "--kind", "update", "--subject", "X",
        "--body-file", str(tmp_path / "main.txt"),
        "--translation", language, "Y", str(tmp_path / "translation.txt")])
    assert result.exit_code == 1
    assert reason in result.output
    assert smtp_server.messages == []


@pytest.mark.parametrize(("answer", "calendars"), [("accepted", 1), ("declined", 0)])
def test_a_bulk_confirmation_restates_the_current_answer(runner, smtp_server, conference,
                                                         create_invitee, answer, calendars):
    [person] = people(conference, create_invitee, 1)
    record_answer(db.session, person, answer)
    db.session.commit()
    send(runner, conference, "--kind", "confirmation", "--to", answer)
    send(runner, conference, "--kind", "confirmation", "--to", answer)
    [message] = smtp_server.messages
    assert len(calendars_in(message)) == calendars
    assert ("Zusage" if answer == "accepted" else "Absage") in text_of(message)


def test_accepting_on_the_page_mails_a_confirmation_with_the_calendar_file(
        client, smtp_server, conference, create_invitee):
    [person] = people(conference, create_invitee, 1)
    path = rsvp_url(person).removeprefix("http://rsvp.test")
    page = client.get(path)
    answered = client.post(path, data={"csrf_token": csrf_token(page.text),
                                       "response": "accepted", "guests": "1", "comment": ""})
    assert answered.status_code == 303
    smtp_server.wait_for(1)
    join_background_senders()
    [message] = smtp_server.messages
    assert message["Subject"].startswith("Anmeldebestätigung: ")
    assert "Wir bestätigen Ihre Zusage mit 1 Begleitperson" in text_of(message)
    assert rsvp_url(person) in text_of(message)
    [entry] = calendars_in(message)[0].walk("VEVENT")
    assert str(entry["uid"]) == event_uid(conference)


def test_a_moved_event_sends_calendar_files_with_a_higher_sequence(runner, smtp_server,
                                                                   conference, create_invitee):
    people(conference, create_invitee, 1)
    send(runner, conference, "--kind", "save-the-date")
    update_event(db.session, conference, {"venue_name": "Umweltforum Berlin"})
    db.session.commit()
    send(runner, conference, "--kind", "invitation")
    first, second = (calendars_in(m)[0].walk("VEVENT")[0] for m in smtp_server.messages)
    assert str(first["uid"]) == str(second["uid"])
    assert (first.decoded("sequence"), second.decoded("sequence")) == (0, 1)
    assert str(second["location"]).startswith("Umweltforum Berlin")
