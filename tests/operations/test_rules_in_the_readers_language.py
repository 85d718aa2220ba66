"""One rule, one home: the guest limit and the import's reasons, in the reader's language."""

import io

from sqlalchemy import select

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from tests.conftest import csrf_token
from tests.dashboard.conftest import post_form
from tests.responses.links import answer

TOO_MANY = "anna@example.org,ja,9\n"


def _upload(client, url: str, text: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(url, data={
        "csrf_token": csrf_token(client.get(url).text), **fields,
        "file": (io.BytesIO(text.encode()), "liste.csv")}, content_type="multipart/form-data")


def _event(create_event, create_invitee, organiser, **overrides):  # type: ignore[no-untyped-def]
    event = create_event(**{"max_guests": 2, **overrides})
    event.owner_id = organiser.id
    create_invitee(event, email="anna@example.org")
    db.session.commit()
    return event


def test_the_guest_limit_reads_the_same_in_the_phone_form_and_the_answers_import(
        organiser_client, create_event, create_invitee, organiser):
    event = _event(create_event, create_invitee, organiser)
    person = db.session.scalar(select(Invitee).where(Invitee.event_id == event.id))
    url = f"/events/{event.slug}/invitees/{person.id}"
    by_phone = post_form(organiser_client, url, f"{url}/answer", response="accepted",
                         guests="9", channel="phone")
    imported = _upload(organiser_client, f"/events/{event.slug}/answers/import",
                       "email,answer,guests\n" + TOO_MANY)
    assert "Höchstens 2 Begleitpersonen." in by_phone.text
    assert "Höchstens 2 Begleitpersonen." in imported.text
    assert "The number of guests" not in imported.text


def test_an_invalid_address_in_an_invitee_import_is_a_german_sentence_on_the_german_dashboard(
        organiser_client, create_event, organiser):
    event = create_event()
    event.owner_id = organiser.id
    db.session.commit()
    preview = _upload(organiser_client, f"/events/{event.slug}/import",
                      "E-Mail;Vorname\nkein-at-zeichen;Hans\n")
    assert ("ungültige E-Mail-Adresse: Eine E-Mail-Adresse muss ein @-Zeichen enthalten."
            in preview.text)
    assert "must have an @-sign" not in preview.text


def test_the_english_dashboard_shows_the_same_reasons_in_english(
        organiser_client, create_event, create_invitee, organiser):
    event = _event(create_event, create_invitee, organiser)
    organiser_client.set_cookie("lang", "en")
    preview = _upload(organiser_client, f"/events/{event.slug}/import",
                      "email,first_name\nkein-at-zeichen,Hans\n")
    imported = _upload(organiser_client, f"/events/{event.slug}/answers/import",
                       "email,answer,guests\n" + TOO_MANY + "nobody@example.org,yes,0\n")
    assert "invalid email address: An email address must have an @-sign." in preview.text
    assert "The number of guests must be between 0 and 2." in imported.text
    assert "no invitee with this address in the event" in imported.text


def test_the_cli_prints_the_reasons_in_english(runner, create_event, create_invitee, organiser,
                                               tmp_path):
    event = _event(create_event, create_invitee, organiser)
    path = tmp_path / "antworten.csv"
    path.write_text("email,answer,guests\n" + TOO_MANY, encoding="utf-8")
    result = runner.invoke(args=["answers", "import", event.slug, str(path)])
    assert "The number of guests must be between 0 and 2." in result.output


def test_an_invitee_reads_the_guest_limit_in_their_own_language(
        client, create_event, create_invitee, organiser):
    event = _event(create_event, create_invitee, organiser)
    english = create_invitee(event, email="sam@example.com", language="en")
    german = db.session.scalar(select(Invitee).where(Invitee.email == "anna@example.org"))
    assert "You may bring at most 2 guests." in answer(client, english, guests="3").text
    assert "Sie können höchstens 2 Begleitpersonen mitbringen." in answer(
        client, german, guests="3").text


def test_a_second_invitee_with_the_same_address_is_refused_in_german(
        organiser_client, create_event, create_invitee, organiser):
    event = _event(create_event, create_invitee, organiser)
    url = f"/events/{event.slug}/invitees/new"
    response = post_form(organiser_client, url, email="Anna@example.org", first_name="Anna",
                         last_name="Zwei", language="de")
    assert "Ein anderer Gast dieser Veranstaltung hat bereits diese Adresse." in response.text
    assert "another invitee" not in response.text


def test_a_file_without_an_address_column_is_refused_in_german(
        organiser_client, create_event, organiser):
    event = create_event()
    event.owner_id = organiser.id
    db.session.commit()
    preview = _upload(organiser_client, f"/events/{event.slug}/import", "Vorname;Nachname\nA;B\n")
    assert "In der ersten Zeile fehlt eine Spalte für die E-Mail-Adresse" in preview.text
    assert "no email column" not in preview.text


def test_a_broken_mail_text_is_explained_in_german_with_its_line(
        organiser_client, create_event, organiser):
    event = create_event()
    event.owner_id = organiser.id
    db.session.commit()
    url = f"/events/{event.slug}/texts/invitation/de"
    response = post_form(organiser_client, url, subject="Einladung", html="",
                         text="Guten Tag,\n{% for x in [1] %}{{ x }}\n")
    assert "Text, Zeile 2: Die Vorlage endet vor {% endfor %}." in response.text
    assert "Unexpected end of template" not in response.text


def test_the_cli_explains_a_broken_mail_text_in_english(
        runner, create_event, tmp_path):
    event = create_event()
    body = tmp_path / "mitteilung.txt"
    body.write_text("Guten Tag,\n{% if x %}\n", encoding="utf-8")
    result = runner.invoke(args=["send", event.slug, "--kind", "update", "--subject", "Neu",
                                 "--body-file", str(body)])
    assert "body, line 2: the template ends before {% endif %}" in result.output


def test_a_template_beyond_the_sandbox_bounds_is_refused_in_german_with_german_numbers(
        organiser_client, create_event, organiser):
    event = create_event()
    event.owner_id = organiser.id
    db.session.commit()
    url = f"/events/{event.slug}/texts/invitation/de"
    refused = post_form(organiser_client, url, url, subject="Einladung",
                        text="{{ salutation }},\n{{ range(10**9)|list }}")
    assert refused.status_code == 400
    assert "ein Bereich von mehr als 1.000 Zahlen" in refused.text
    assert "a range of more than" not in refused.text


def test_a_limit_of_one_guest_is_said_in_the_singular(client, create_event, create_invitee,
                                                       organiser):
    event = _event(create_event, create_invitee, organiser, max_guests=1)
    german = db.session.scalar(select(Invitee).where(Invitee.email == "anna@example.org"))
    english = create_invitee(event, email="sam@example.com", language="en")
    assert "Sie können höchstens 1 Begleitperson mitbringen." in answer(
        client, german, guests="3").text
    assert "You may bring at most 1 guest." in answer(client, english, guests="3").text
