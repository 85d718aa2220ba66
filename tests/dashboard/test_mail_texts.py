"""The event's own mail texts, edited in the browser and checked when saved."""

import html

import pytest

from rsvp.extensions import db
from rsvp.mailing.content_models import TemplateOverride
from rsvp.mailing.models import MessageKind
from rsvp.mailing.render import render_mail
from rsvp.mailing.templates_custom import get_template_override
from tests.conftest import csrf_token


def save(client, event, **fields):
    url = f"/events/{event.slug}/texts/invitation/de"
    page = client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(page.text), "subject": "",
                                  "text": "", "html": ""} | fields)


def test_the_overview_lists_every_kind_and_language(organiser_client, create_event):
    event = create_event()
    page = organiser_client.get(f"/events/{event.slug}/texts")
    assert page.status_code == 200
    # Every kind an organiser may word (OVERRIDABLE_KINDS), in both languages.
    assert page.text.count(">Standardtext</a>") == 7 * 2


def test_an_own_text_is_saved_and_used_for_the_next_mail(organiser_client, create_event,
                                                         create_invitee):
    event = create_event()
    person = create_invitee(event, salutation="ms", academic_title="Dr.", last_name="Potz")
    result = save(organiser_client, event, subject="Herzliche Einladung: {{ event_title }}",
                  text="{{ salutation }},\n\nwir laden Sie ein.\n\n{{ rsvp_url }}")
    assert result.status_code == 303
    rendered = render_mail(person, MessageKind.INVITATION)
    assert rendered.subject == f"Herzliche Einladung: {event.title}"
    assert rendered.text.startswith("Sehr geehrte Frau Dr. Potz,")
    page = organiser_client.get(f"/events/{event.slug}/texts/invitation/de")
    assert "Sehr geehrte Frau Dr. Potz," in page.text


def test_an_error_is_shown_with_its_line_and_nothing_is_saved(organiser_client, create_event):
    organiser_client.set_cookie("lang", "en")  # in German: tests/operations
    event = create_event()
    result = save(organiser_client, event, text="{{ salutation }},\n\n{{ config.items() }}")
    assert result.status_code == 400
    assert "text, line 3" in result.text
    assert "{{ config.items() }}" in result.text
    assert get_template_override(db.session, event, "invitation", "de") is None


def test_resetting_goes_back_to_the_standard_text(organiser_client, create_event):
    event = create_event()
    save(organiser_client, event, text="{{ salutation }},\n\nkurz und knapp.")
    page = organiser_client.get(f"/events/{event.slug}/texts/invitation/de")
    result = organiser_client.post(f"/events/{event.slug}/texts/invitation/de/reset",
                                   data={"csrf_token": csrf_token(page.text)})
    assert result.status_code == 303
    assert get_template_override(db.session, event, "invitation", "de") is None


def test_an_unknown_kind_or_language_is_not_found(organiser_client, create_event):
    event = create_event()
    assert organiser_client.get(f"/events/{event.slug}/texts/party/de").status_code == 404
    assert organiser_client.get(f"/events/{event.slug}/texts/invitation/fr").status_code == 404


RENDERING_ERRORS = [
    ("{{ salutation }},\n\n{{ guests / 0 }}", "text, line 3: division by zero"),
    ("{{ salutation }},\n\n{{ range(10**9)|list }}", "text, line 3: a range of more than"),
    ("{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}", "calls nested more than 50 deep"),
    ("{{ salutation }},\n{{ '%d' % first_name }}", "text, line 2: TypeError: %d format"),
    ("{{ salutation }},\n{{ first_name|dictsort }}", "text, line 2: AttributeError"),
    ("{{ salutation }},\n{{ first_name[0] }}", "text, line 2: str object has no element 0"),
    ("{{ lipsum(100000)|length }}", "text, line 1: lipsum takes at most"),
    ("{{ 'x' * 10**9 }}", "text, line 1: a repetition too long"),
]


@pytest.mark.parametrize(("text", "error"), RENDERING_ERRORS)
def test_a_text_that_fails_to_render_is_a_form_error_with_its_line(
        organiser_client, create_event, text, error):
    organiser_client.set_cookie("lang", "en")  # in German: tests/operations
    event = create_event()
    result = save(organiser_client, event, text=text)
    assert result.status_code == 400
    assert error in html.unescape(result.text)
    assert get_template_override(db.session, event, "invitation", "de") is None


def test_a_stored_text_that_fails_for_the_sample_invitee_shows_the_error_as_its_preview(
        organiser_client, create_event, create_invitee):
    event = create_event()
    create_invitee(event, first_name="")
    db.session.add(TemplateOverride(event_id=event.id, kind="invitation", language="de",
                                    subject="", body_text="Hallo {{ first_name[0] }}",
                                    body_html=""))
    db.session.commit()
    page = organiser_client.get(f"/events/{event.slug}/texts/invitation/de")
    assert page.status_code == 200
    assert ("Der Text konnte nicht erzeugt werden: Einladung (de), Text, Zeile 1: "
            "str object has no element 0") in html.unescape(page.text)
