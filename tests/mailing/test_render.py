"""The default messages: wording, languages, dates, and HTML with the text's content."""

import re

import pytest

from rsvp.extensions import db
from rsvp.mailing.models import MessageKind
from rsvp.mailing.render import render_mail
from rsvp.responses.services import record_answer
from tests.mailing.conftest import fold, visible_text

KINDS = [MessageKind.SAVE_THE_DATE, MessageKind.INVITATION, MessageKind.REMINDER,
         MessageKind.CONFIRMATION]


def rendered(conference, create_invitee, kind, language="de", **invitee):
    person = create_invitee(conference, language=language, **invitee)
    if kind is MessageKind.CONFIRMATION:
        record_answer(db.session, person, "accepted", guests=1)
    return render_mail(person, kind)


def test_the_invitation_addresses_the_invitee_formally_in_german(conference, create_invitee):
    mail = rendered(conference, create_invitee, MessageKind.INVITATION, last_name="Potz")
    assert mail.text.startswith("Sehr geehrte Frau Dr. Potz,\n\nhiermit laden wir Sie herzlich")
    assert "Termin: Montag, 22. November 2027, 12:00–17:00 Uhr" in mail.text
    assert "Ort: REFUGIO Berlin, Lenaustraße 3–4, 12047 Berlin" in mail.text
    assert "Bitte teilen Sie uns bis Montag, 8. November 2027, mit, ob Sie teilnehmen." in mail.text
    assert mail.subject == ("Einladung: Bundeskonferenz „Gemeinwesenarbeit in der sozialen "
                            "Stadt“ am 22. November 2027")


def test_the_english_invitation_uses_british_dates_and_salutation(conference, create_invitee):
    mail = rendered(conference, create_invitee, MessageKind.INVITATION, "en", last_name="Potz")
    assert mail.text.startswith("Dear Dr Potz,\n\nWe are pleased to invite you")
    assert "Date: Monday, 22 November 2027, 12:00–17:00" in mail.text
    assert "Please let us know by Monday, 8 November 2027 whether you will attend." in mail.text


def test_an_invitee_without_salutation_is_greeted_by_name(conference, create_invitee):
    mail = rendered(conference, create_invitee, MessageKind.INVITATION, salutation=None,
                    academic_title="", first_name="Alex", last_name="Schmidt")
    assert mail.text.startswith("Guten Tag Alex Schmidt,\n")


def test_the_reminder_names_the_deadline_with_its_hour(conference, create_invitee):
    mail = rendered(conference, create_invitee, MessageKind.REMINDER)
    assert "Die Anmeldung ist noch bis Montag, 8. November 2027, 23:59 Uhr möglich." in mail.text
    assert "Anmeldung bis 8. November 2027" in mail.subject


def test_the_save_the_date_carries_no_reply_link(conference, create_invitee):
    mail = rendered(conference, create_invitee, MessageKind.SAVE_THE_DATE)
    assert "/r/" not in mail.text + mail.html
    assert "Bitte merken Sie sich diesen Termin bereits jetzt vor." in mail.text


def test_the_confirmation_restates_the_answer_and_links_to_change_it(conference,
                                                                    create_invitee):
    mail = rendered(conference, create_invitee, MessageKind.CONFIRMATION)
    assert "Wir bestätigen Ihre Zusage mit 1 Begleitperson" in mail.text
    assert "können Sie Ihre Antwort bis Montag, 8. November 2027, über Ihren" in mail.text
    assert "http://rsvp.test/r/" in mail.text
    assert mail.subject.startswith("Anmeldebestätigung: ")


def test_a_declined_confirmation_has_no_calendar_file(conference, create_invitee):
    person = create_invitee(conference)
    record_answer(db.session, person, "declined")
    mail = render_mail(person, MessageKind.CONFIRMATION)
    assert "Absage" in mail.text
    assert mail.attachments == ()


@pytest.mark.parametrize("kind", [MessageKind.SAVE_THE_DATE, MessageKind.INVITATION,
                                  MessageKind.CONFIRMATION])
def test_calendar_kinds_attach_the_event(conference, create_invitee, kind):
    mail = rendered(conference, create_invitee, kind)
    [attachment] = mail.attachments
    assert attachment.content_type == "text/calendar; method=REQUEST"
    assert attachment.filename == f"{conference.slug}.ics"


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_html_part_says_everything_the_text_part_says(conference, create_invitee, kind,
                                                          language):
    mail = rendered(conference, create_invitee, kind, language)
    seen = visible_text(mail.html)
    for line in mail.text.splitlines():
        if line.strip() and line.strip() != "--":
            assert fold(line) in seen, f"missing in HTML: {line!r}"


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_html_is_simple_inlined_and_ready_for_dark_mode(conference, create_invitee, kind,
                                                            language):
    html = rendered(conference, create_invitee, kind, language).html
    # The one image allowed is the check-in code's, carried in the mail (cid:), never fetched.
    assert not re.search(r"<(table|script|link)\b|<img\b(?![^>]*src=\"cid:)", html)
    assert 'style="' in html and "<p style=" in html
    assert "prefers-color-scheme: dark" in html
    assert f'<html lang="{language}">' in html


@pytest.mark.parametrize("kind", KINDS[1:])
def test_links_point_to_our_own_site_never_a_shortener(conference, create_invitee, kind):
    mail = rendered(conference, create_invitee, kind)
    links = re.findall(r"https?://([^/\s\"<>]+)", mail.text + mail.html)
    assert links and set(links) <= {"rsvp.test"}
