"""Organisers' own templates: checked at save time, sandboxed, used when present."""

import pytest

from rsvp.extensions import db
from rsvp.mailing.models import MessageKind
from rsvp.mailing.render import render_mail
from rsvp.mailing.templates_custom import (
    TemplateOverrideError,
    delete_template_override,
    save_template_override,
)
from tests.mailing.conftest import visible_text


def save(event, **parts):
    return save_template_override(db.session, event, "invitation", "de", **parts)


def test_a_syntax_error_is_reported_with_its_line(conference):
    with pytest.raises(TemplateOverrideError, match=r"text, line 3: .*"):
        save(conference, text="{{ salutation }},\n\nBitte {% if deadline %}antworten Sie.\n")


def test_an_unknown_placeholder_is_reported_with_its_line(conference):
    with pytest.raises(TemplateOverrideError, match=r"text, line 2: unknown placeholder 'email'"):
        save(conference, text="{{ salutation }},\nIhre Adresse: {{ email }}")


def test_a_template_cannot_reach_into_python_objects(conference):
    with pytest.raises(TemplateOverrideError, match=r"subject, line 1"):
        save(conference, subject="{{ salutation.__class__.__mro__ }}")


def test_a_template_cannot_include_files(conference):
    with pytest.raises(TemplateOverrideError, match="cannot include"):
        save(conference, text='{% include "mail/_layout.html" %}')


def test_an_html_body_without_a_text_body_is_refused(conference):
    with pytest.raises(TemplateOverrideError, match="needs a text body"):
        save(conference, html="<p>Nur HTML</p>")


def test_the_override_replaces_subject_and_body_in_its_language(conference, create_invitee):
    save(conference, subject="Einladung für {{ last_name }}",
         text="{{ salutation }},\n\nkommen Sie am {{ when }}.\n\n{{ rsvp_url }}")
    db.session.commit()
    german = create_invitee(conference, last_name="Potz")
    english = create_invitee(conference, language="en")
    mail = render_mail(german, MessageKind.INVITATION)
    assert mail.subject == "Einladung für Potz"
    assert mail.text.startswith("Sehr geehrte Frau Dr. Potz,\n\nkommen Sie am Montag, 22. Nov")
    assert "kommen Sie am Montag, 22. November 2027" in visible_text(mail.html)
    assert 'href="http://rsvp.test/r/' in mail.html
    assert render_mail(english, MessageKind.INVITATION).subject.startswith("Invitation: ")


def test_values_are_escaped_in_an_html_override(conference, create_invitee):
    save(conference, text="{{ organisation }}", html="<p><b>{{ organisation }}</b></p>")
    person = create_invitee(conference, organisation="<script>x</script> & Co")
    html = render_mail(person, MessageKind.INVITATION).html
    assert "<b>&lt;script&gt;x&lt;/script&gt; &amp; Co</b>" in html


def test_a_subject_only_override_keeps_the_default_body(conference, create_invitee):
    save(conference, subject="Bitte vormerken")
    mail = render_mail(create_invitee(conference), MessageKind.INVITATION)
    assert mail.subject == "Bitte vormerken"
    assert "hiermit laden wir Sie herzlich" in mail.text


def test_resetting_brings_back_the_default(conference, create_invitee):
    save(conference, subject="Eigener Betreff")
    assert delete_template_override(db.session, conference, "invitation", "de")
    mail = render_mail(create_invitee(conference), MessageKind.INVITATION)
    assert mail.subject.startswith("Einladung: ")


def test_the_cli_reports_the_line_of_an_error(runner, conference, tmp_path):
    body = tmp_path / "body.txt"
    body.write_text("{{ salutation }},\n\n{{ nonsense }}\n", encoding="utf-8")
    result = runner.invoke(args=["template", "set", conference.slug, "invitation", "de",
                                 "--text-file", str(body)])
    assert result.exit_code == 1
    assert "text, line 3: unknown placeholder 'nonsense'" in result.output


def test_the_cli_saves_and_shows_a_template(runner, conference, tmp_path):
    body = tmp_path / "body.txt"
    body.write_text("{{ salutation }},\n\nwir laden Sie ein.\n", encoding="utf-8")
    saved = runner.invoke(args=["template", "set", conference.slug, "reminder", "de",
                                "--subject", "Erinnerung an {{ event_title }}",
                                "--text-file", str(body)])
    assert saved.exit_code == 0, saved.output
    shown = runner.invoke(args=["template", "show", conference.slug])
    assert "== reminder (de)" in shown.output
    assert "Subject: Erinnerung an {{ event_title }}" in shown.output


@pytest.mark.parametrize(("kind", "answer"), [(MessageKind.WAITLISTED, True),
                                              (MessageKind.PROMOTED, True),
                                              (MessageKind.CANCELLATION, False)])
def test_the_waiting_list_and_cancellation_mails_take_the_events_own_text(
        runner, conference, create_invitee, tmp_path, kind, answer):
    from rsvp.responses.services import record_answer

    body = tmp_path / "body.txt"
    body.write_text("{{ salutation }},\n\nunser eigener Text für diesen Fall.\n",
                    encoding="utf-8")
    saved = runner.invoke(args=["template", "set", conference.slug, kind.value, "de",
                                "--subject", "Eigener Betreff: {{ event_title }}",
                                "--text-file", str(body)])
    assert saved.exit_code == 0, saved.output
    person = create_invitee(conference)
    if answer:
        record_answer(db.session, person, "accepted")
        db.session.commit()
    mail = render_mail(person, kind)
    assert mail.subject == f"Eigener Betreff: {conference.title}"
    assert "unser eigener Text für diesen Fall." in mail.text
