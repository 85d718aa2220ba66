"""Importing invitees through the browser: a preview that writes nothing, then the import."""

import re
from io import BytesIO
from pathlib import Path

from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from tests.conftest import csrf_token
from tests.factories import make_workbook

GOOD_AND_BAD = (
    "E-Mail;Anrede;Vorname;Nachname\n"
    "petra.potz@example.org;Frau;Petra;Potz\n"
    "kein-at-zeichen;Herr;Hans;Kaputt\n"
    "sam.taylor@example.com;Mr;Sam;Taylor\n"
).encode("cp1252")


def upload(client, event, data: bytes, name: str = "liste.csv"):  # type: ignore[no-untyped-def]
    page = client.get(f"/events/{event.slug}/import")
    return client.post(f"/events/{event.slug}/import", data={
        "csrf_token": csrf_token(page.text), "file": (BytesIO(data), name)},
        content_type="multipart/form-data")


def confirm(client, event, preview):  # type: ignore[no-untyped-def]
    upload_id = re.search(r'name="upload" type="hidden" value="([0-9a-f]+)"', preview.text)[1]
    return client.post(f"/events/{event.slug}/import/confirm", data={
        "csrf_token": csrf_token(preview.text), "upload": upload_id})


def test_the_preview_reports_every_row_and_writes_nothing(organiser_client, create_event):
    event = create_event()
    preview = upload(organiser_client, event, GOOD_AND_BAD)
    assert preview.status_code == 200
    assert "würde 2 hinzufügen, 0 aktualisieren" in preview.text
    # The reason in the page's language (issue 14: it used to be email-validator's English).
    rejected = (r'<td class="num">3</td><td>kein-at-zeichen</td><td>ungültige E-Mail-Adresse: '
                r'Eine E-Mail-Adresse muss ein @-Zeichen enthalten.')
    assert re.search(rejected, preview.text)
    assert db.session.query(Invitee).count() == 0


def test_confirming_imports_the_file_kept_on_the_server(organiser_client, create_event, app):
    event = create_event()
    preview = upload(organiser_client, event, GOOD_AND_BAD)
    done = confirm(organiser_client, event, preview)
    assert done.status_code == 200
    assert "2 hinzugefügt, 0 aktualisiert, 0 unverändert, 1 abgelehnt." in done.text
    assert sorted(i.email for i in db.session.query(Invitee)) == [
        "petra.potz@example.org", "sam.taylor@example.com"]
    assert list((Path(app.instance_path) / "uploads").iterdir()) == []


def test_an_upload_is_imported_only_once(organiser_client, create_event):
    event = create_event()
    preview = upload(organiser_client, event, GOOD_AND_BAD)
    confirm(organiser_client, event, preview)
    again = confirm(organiser_client, event, preview)
    assert again.status_code == 303
    assert organiser_client.get(again.headers["Location"]).text.count("abgelaufen") == 1
    assert db.session.query(Invitee).count() == 2


def test_a_made_up_upload_id_is_refused(organiser_client, create_event):
    event = create_event()
    page = organiser_client.get(f"/events/{event.slug}/import")
    for upload_id in ("../../secret_key", "0" * 32):
        response = organiser_client.post(f"/events/{event.slug}/import/confirm", data={
            "csrf_token": csrf_token(page.text), "upload": upload_id})
        assert response.status_code == 303
    assert db.session.query(Invitee).count() == 0


def test_another_events_upload_cannot_be_imported_here(organiser_client, create_event):
    first, second = create_event(), create_event()
    preview = upload(organiser_client, first, GOOD_AND_BAD)
    response = confirm(organiser_client, second, preview)
    assert response.status_code == 303
    assert db.session.query(Invitee).count() == 0


def test_a_file_without_an_email_column_gets_a_clear_message(organiser_client, create_event):
    event = create_event()
    response = upload(organiser_client, event, b"Name;Vorname\nPotz;Petra\n")
    assert response.status_code == 400
    assert ("Diese Datei kann nicht importiert werden: In der ersten Zeile fehlt eine Spalte "
            "für die E-Mail-Adresse") in response.text


def test_uploading_nothing_asks_for_a_file(organiser_client, create_event):
    event = create_event()
    page = organiser_client.get(f"/events/{event.slug}/import")
    response = organiser_client.post(f"/events/{event.slug}/import", data={
        "csrf_token": csrf_token(page.text)}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Bitte wählen Sie eine Datei." in response.text


def test_a_too_long_field_is_named_as_the_page_calls_it(organiser_client, create_event):
    event = create_event()
    preview = upload(organiser_client, event,
                     f"E-Mail;Vorname\nlang@example.org;{'x' * 201}\n".encode())
    assert "Vorname ist länger als 200 Zeichen" in preview.text
    assert "first_name" not in preview.text


def test_an_excel_workbook_is_previewed_and_imported(organiser_client, create_event):
    event = create_event()
    workbook = make_workbook([["E-Mail", "Anrede", "Nachname"],
                              ["petra.potz@example.org", "Frau", "Potz"],
                              ["kein-at-zeichen", "Herr", "Kaputt"]])
    preview = upload(organiser_client, event, workbook, name="liste.xlsx")
    assert "würde 1 hinzufügen" in preview.text
    assert re.search(r'<td class="num">3</td><td>kein-at-zeichen</td>', preview.text)
    confirm(organiser_client, event, preview)
    assert [i.email for i in db.session.query(Invitee)] == ["petra.potz@example.org"]


def test_the_file_picker_offers_csv_and_excel_files(organiser_client, create_event):
    page = organiser_client.get(f"/events/{create_event().slug}/import")
    assert 'accept=".csv,text/csv,.xlsx,' in page.text
