"""Events in the dashboard: who sees which, creating, editing, the overview and the export."""

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from rsvp.events.models import Event, EventMember
from rsvp.extensions import db
from rsvp.invitees.xlsxfile import XLSX_MIMETYPE
from rsvp.responses.models import Actor
from rsvp.responses.services import record_answer
from tests.dashboard.conftest import post_form
from tests.factories import make_member

EVENT_FIELDS = {
    "slug": "jahrestagung-2027", "title": "Jahrestagung 2027", "subtitle": "",
    "description": "Erster Absatz.\n\nZweiter Absatz.", "starts_at": "2027-11-22T12:00",
    "ends_at": "2027-11-22T17:00", "timezone": "Europe/Berlin",
    "rsvp_deadline": "2027-11-08T23:59", "venue_name": "REFUGIO Berlin",
    "venue_address": "Lenaustraße 3–4, 12047 Berlin", "organiser": "BBSR",
    "contact_name": "Dr. Petra Beispiel", "contact_email": "konferenz@example.org",
    "contact_phone": "+49 30 1234567", "capacity": "150", "max_guests": "1", "language": "de",
}


def test_the_list_shows_own_and_shared_events_but_not_other_organisers_nor_teamless_ones(
        organiser_client, organiser, create_event):
    create_event(title="Meine Tagung", owner=organiser.email)
    make_member(create_event(title="Gemeinsame Tagung", owner="andere@example.org"), organiser,
                "viewer")
    create_event(title="Fremde Tagung", owner="andere@example.org")
    create_event(title="Tagung ohne Team", owner=None)
    page = organiser_client.get("/events/")
    assert "Meine Tagung" in page.text
    assert "Gemeinsame Tagung" in page.text
    assert "Fremde Tagung" not in page.text
    assert "Tagung ohne Team" not in page.text


def test_an_admin_lists_every_event_also_those_without_a_team(
        organiser_client, organiser, create_event):
    organiser.is_admin = True
    db.session.commit()
    create_event(title="Tagung ohne Team", owner=None)
    create_event(title="Fremde Tagung", owner="andere@example.org")
    page = organiser_client.get("/events/")
    assert "Tagung ohne Team" in page.text and "Fremde Tagung" in page.text


def test_an_event_without_a_team_is_not_found_by_an_organiser(organiser_client, create_event):
    event = create_event(owner=None)
    assert organiser_client.get(f"/events/{event.slug}/").status_code == 404


def test_another_organisers_event_is_not_found(organiser_client, create_event):
    event = create_event(owner="andere@example.org")
    for url in (f"/events/{event.slug}/", f"/events/{event.slug}/invitees",
                f"/events/{event.slug}/export.csv", f"/events/{event.slug}/edit"):
        assert organiser_client.get(url).status_code == 404


def test_creating_an_event_makes_the_organiser_its_owner_and_reads_times_locally(
        organiser_client, organiser):
    response = post_form(organiser_client, "/events/new", **EVENT_FIELDS)
    assert response.status_code == 303
    assert response.headers["Location"] == "/events/jahrestagung-2027/"
    event = db.session.query(Event).filter_by(slug="jahrestagung-2027").one()
    assert event.owner_id == organiser.id
    assert [(m.organiser_id, m.role) for m in db.session.scalars(
        select(EventMember).where(EventMember.event_id == event.id))] == [(organiser.id, "owner")]
    assert event.starts_at == datetime(2027, 11, 22, 11, 0, tzinfo=UTC)
    assert event.capacity == 150


def test_a_bad_event_is_shown_again_with_the_reasons_and_what_was_typed(organiser_client):
    fields = {**EVENT_FIELDS, "slug": "Mit Leerzeichen", "ends_at": "2027-11-21T10:00"}
    response = post_form(organiser_client, "/events/new", **fields)
    assert response.status_code == 400
    assert "Bitte nur Kleinbuchstaben, Ziffern und Bindestriche verwenden." in response.text
    assert "Das Ende darf nicht vor dem Beginn liegen." in response.text
    assert 'value="Jahrestagung 2027"' in response.text
    assert db.session.query(Event).count() == 0


def test_a_taken_short_name_is_refused_at_its_field(organiser_client, create_event):
    create_event(slug="jahrestagung-2027")
    response = post_form(organiser_client, "/events/new", **EVENT_FIELDS)
    assert response.status_code == 400
    assert "Eine Veranstaltung mit diesem Kurznamen gibt es bereits." in response.text


def test_editing_shows_local_times_and_saves_changes(organiser_client, organiser):
    post_form(organiser_client, "/events/new", **EVENT_FIELDS)
    form = organiser_client.get("/events/jahrestagung-2027/edit")
    assert 'value="2027-11-22T12:00"' in form.text
    response = post_form(organiser_client, "/events/jahrestagung-2027/edit",
                         **{**EVENT_FIELDS, "title": "Jahrestagung (neu)", "slug": "anders"})
    assert response.status_code == 303
    db.session.expire_all()
    event = db.session.query(Event).one()
    assert (event.slug, event.title) == ("jahrestagung-2027", "Jahrestagung (neu)")


def test_the_overview_counts_invitees_deliveries_and_answers(
        organiser_client, create_event, create_invitee):
    event = create_event(capacity=10)
    petra, hans, _sam = (create_invitee(event) for _ in range(3))
    record_answer(db.session, petra, "accepted", guests=2)
    record_answer(db.session, hans, "declined", actor=Actor.ORGANISER)
    db.session.commit()
    page = organiser_client.get(f"/events/{event.slug}/")
    for stat, value in {"invited": 3, "accepted": 1, "declined": 1, "no_response": 1,
                        "guests": 2}.items():
        assert f'data-stat="{stat}">{value}<' in page.text
    assert 'data-stat="headcount">3 <small>/ 10</small>' in page.text
    assert 'data-stat="response_rate">67 %' in page.text
    assert '<polyline class="line-accepted"' in page.text


def test_the_overview_without_answers_shows_no_chart(organiser_client, create_event):
    page = organiser_client.get(f"/events/{create_event().slug}/")
    assert "Noch keine Antworten." in page.text
    assert "<svg" not in page.text


def test_the_export_is_excel_friendly_utf8_with_bom(organiser_client, create_event,
                                                     create_invitee):
    event = create_event()
    create_invitee(event, email="jürgen@example.org", last_name="=HYPERLINK()")
    response = organiser_client.get(f"/events/{event.slug}/export.csv")
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0]["email"] == "jürgen@example.org"
    assert rows[0]["last_name"] == "'=HYPERLINK()"


def test_the_export_speaks_the_german_semicolon_dialect_on_request(
        organiser_client, create_event, create_invitee):
    event = create_event()
    create_invitee(event)
    response = organiser_client.get(f"/events/{event.slug}/export.csv?dialect=semicolon")
    header = response.data.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("email;salutation;title;")


def test_the_export_for_german_excel_has_german_headers_and_words(
        organiser_client, create_event, create_invitee):
    event = create_event()
    create_invitee(event, email="potz@example.org", salutation="ms")
    response = organiser_client.get(f"/events/{event.slug}/export.csv?dialect=excel")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert (rows[0]["E-Mail"], rows[0]["Anrede"], rows[0]["Antwort"]) == (
        "potz@example.org", "Frau", "Offen")


def test_the_event_page_offers_the_german_excel_export_and_the_workbook(organiser_client,
                                                                        create_event):
    event = create_event()
    page = organiser_client.get(f"/events/{event.slug}/").text
    assert f"/events/{event.slug}/export.csv?dialect=excel" in page
    assert f"/events/{event.slug}/export.xlsx" in page


def test_the_workbook_export_has_typed_cells_a_frozen_header_and_widths(
        organiser_client, create_event, create_invitee):
    event = create_event(starts_at=NOVEMBER_NOON_BERLIN,
                         ends_at=NOVEMBER_NOON_BERLIN.replace(hour=16),
                         rsvp_deadline=datetime(2027, 11, 8, 22, 59, tzinfo=UTC))
    person = create_invitee(event, email="potz@example.org", organisation="=1+1")
    record_answer(db.session, person, "accepted", guests=2).response.answered_at = (
        datetime(2027, 10, 2, 9, 15, tzinfo=UTC))
    db.session.commit()
    response = organiser_client.get(f"/events/{event.slug}/export.xlsx")
    assert response.mimetype == XLSX_MIMETYPE
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 32
    assert row["Begleitpersonen"].value == 2
    assert row["Geantwortet am"].value == datetime(2027, 10, 2, 11, 15)
    assert row["Geantwortet am"].is_date
    assert (row["Organisation"].value, row["Organisation"].data_type) == ("=1+1", "s")
    assert row["Antwort"].value == "Zugesagt"


NOVEMBER_NOON_BERLIN = datetime(2027, 11, 22, 11, 0, tzinfo=UTC)


def test_the_events_list_gives_the_start_in_the_events_zone_as_a_german_office_writes_it(
        organiser_client, create_event):
    create_event(starts_at=NOVEMBER_NOON_BERLIN,
                 ends_at=NOVEMBER_NOON_BERLIN.replace(hour=16),
                 rsvp_deadline=datetime(2027, 11, 8, 22, 59, tzinfo=UTC))
    page = organiser_client.get("/events/", headers={"Accept-Language": "de"}).text
    assert "22.11.2027, 12:00" in page
    assert "2027-11-22" not in page


def test_the_answer_history_and_chart_read_in_english_for_an_english_organiser(
        organiser_client, create_event, create_invitee):
    event = create_event(starts_at=NOVEMBER_NOON_BERLIN,
                         ends_at=NOVEMBER_NOON_BERLIN.replace(hour=16),
                         rsvp_deadline=datetime(2027, 11, 8, 22, 59, tzinfo=UTC))
    person = create_invitee(event)
    record_answer(db.session, person, "accepted")
    db.session.commit()
    organiser_client.set_cookie("lang", "en")
    today = datetime.now(event.zone).strftime("%d %b %Y").lstrip("0")
    overview = organiser_client.get(f"/events/{event.slug}/").text
    assert today in overview
    history = organiser_client.get(f"/events/{event.slug}/invitees/{person.id}").text
    assert f"{today}, " in history
    assert datetime.now(event.zone).strftime("%Y-%m-%d") not in overview + history
