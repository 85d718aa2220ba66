"""An event's title, subtitle and description per language, with the event's own as fallback."""

from datetime import datetime

import pytest
from icalendar import Calendar
from sqlalchemy.exc import IntegrityError

from rsvp.calendar import event_ics
from rsvp.events.models import EventText
from rsvp.events.services import EventError, event_values, update_event
from rsvp.extensions import db
from rsvp.mailing.models import MessageKind
from rsvp.mailing.render import render_mail
from rsvp.responses.services import record_answer

BASE = {"slug": "jahrestagung", "title": "Jahrestagung",
        "starts_at": datetime(2027, 11, 22, 12, 0), "ends_at": datetime(2027, 11, 22, 17, 0)}
TWO_LANGUAGES = {"title": {"de": "Jahrestagung", "en": "Annual Conference"},
                 "description": {"de": "Wir freuen uns.", "en": "We look forward to it."}}


def test_a_title_table_gives_the_events_own_title_and_the_others():
    values = event_values(BASE | TWO_LANGUAGES)
    assert values["title"] == "Jahrestagung"
    assert values["translations"] == {"en": {"title": "Annual Conference", "subtitle": "",
                                             "description": "We look forward to it."}}


def test_a_suffixed_key_gives_the_text_in_that_language():
    values = event_values(BASE | {"subtitle": "Ergebnisse", "subtitle_en": "Results"})
    assert (values["subtitle"], values["translations"]["en"]["subtitle"]) == (
        "Ergebnisse", "Results")


def test_an_english_event_reads_the_plain_title_as_english():
    values = event_values(BASE | {"language": "en", "title": "Annual", "title_de": "Jahres"})
    assert (values["title"], values["translations"]["de"]["title"]) == ("Annual", "Jahres")


@pytest.mark.parametrize(("change", "field"), [
    ({"title": {"de": "Jahrestagung", "fr": "Conférence"}}, "title"),
    ({"title": {"en": "Annual Conference"}}, "title"),
    ({"title": {"de": "A", "en": "B"}, "title_en": "C"}, "title_en"),
    ({"title_en": "x" * 301}, "title_en"),
])
def test_a_text_in_an_impossible_language_or_twice_names_its_key(change, field):
    with pytest.raises(EventError) as raised:
        event_values(BASE | change)
    assert raised.value.field == field


def test_a_language_without_its_own_text_shows_the_events_own(create_event):
    event = create_event(title={"de": "Jahrestagung", "en": "Annual Conference"},
                         subtitle="Ergebnisse", description="Wir freuen uns.")
    english = event.texts_in("en")
    assert (english.title, english.subtitle, english.description) == (
        "Annual Conference", "Ergebnisse", "Wir freuen uns.")
    assert event.texts_in("de").title == "Jahrestagung"


def test_changing_the_event_keeps_and_replaces_its_other_languages(create_event):
    event = create_event(title="Jahrestagung", title_en="Annual Conference")
    update_event(db.session, event, {"venue_name": "Rathaus"})
    assert event.texts_in("en").title == "Annual Conference"
    update_event(db.session, event, {"title_en": ""})
    db.session.commit()
    assert event.translations == []


def test_the_database_keeps_one_text_per_event_and_language(create_event):
    event = create_event(title_en="Annual Conference")
    db.session.add(EventText(event_id=event.id, language="en", title="Second"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("kind", [MessageKind.SAVE_THE_DATE, MessageKind.INVITATION,
                                  MessageKind.REMINDER, MessageKind.CONFIRMATION,
                                  MessageKind.WAITLISTED, MessageKind.PROMOTED,
                                  MessageKind.CANCELLATION, MessageKind.WITHDRAWAL])
def test_every_mail_to_an_english_invitee_has_the_english_title(create_event, create_invitee,
                                                                kind):
    event = create_event(title={"de": "Jahrestagung", "en": "Annual Conference"},
                         subtitle={"de": "Ergebnisse", "en": "Results"},
                         description={"de": "Wir freuen uns.", "en": "We look forward to it."})
    person = create_invitee(event, language="en")
    record_answer(db.session, person, "accepted")
    mail = render_mail(person, kind)
    assert "Annual Conference" in mail.subject
    assert "Jahrestagung" not in mail.subject + mail.text + mail.html
    assert "Annual Conference" in mail.text and "Annual Conference" in mail.html
    if kind is MessageKind.INVITATION:
        assert "Results" in mail.text and "We look forward to it." in mail.html


def test_the_calendar_file_is_in_the_invitees_language(create_event, create_invitee):
    event = create_event(title={"de": "Jahrestagung", "en": "Annual Conference"},
                         description_en="We look forward to it.")
    [entry] = Calendar.from_ical(event_ics(event, invitee=create_invitee(
        event, language="en"))).walk("VEVENT")
    assert str(entry["summary"]) == "Annual Conference"
    assert "We look forward to it." in str(entry["description"])
    [german] = Calendar.from_ical(event_ics(event, invitee=create_invitee(event))).walk("VEVENT")
    assert str(german["summary"]) == "Jahrestagung"


def test_the_rsvp_page_shows_the_invitees_language(client, create_event, create_invitee):
    from rsvp.tokens import rsvp_url
    event = create_event(title={"de": "Jahrestagung", "en": "Annual Conference"},
                         description_en="We look forward to it.")
    page = client.get(rsvp_url(create_invitee(event, language="en")))
    assert "<title>Annual Conference" in page.text
    assert "We look forward to it." in page.text and "Jahrestagung" not in page.text
