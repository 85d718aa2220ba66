"""The participant list: accepted people in a German office's order, as PDF and Excel, from
the dashboard and from `rsvp participants`."""

import io

import pytest
from openpyxl import load_workbook

from rsvp.checkin.badges import badges_of
from rsvp.checkin.participant_list import list_sheet, participants_pdf, participants_xlsx
from rsvp.checkin.participants import german_key, list_options, participants
from rsvp.extensions import db
from rsvp.responses.services import Substitute, record_answer
from tests import factories
from tests.checkin.conftest import answer
from tests.dashboard.conftest import log_in
from tests.pdf import letters, page_count, page_image, spread, text_of

SURNAMES = ["Zander", "Özdemir", "Abel", "Ostermann", "Ärmel", "Strauß", "Strausberg", "Müller",
            "Mueller", "de Vries", "Łukasik", "Lutz"]


@pytest.fixture
def office(app):  # type: ignore[no-untyped-def]
    """An event with room for all, twelve accepted, one declined, one waiting, one silent."""
    event = factories.make_event(capacity=None, max_guests=2,
                                 venue_name="REFUGIO Berlin", venue_address="Lenaustraße 3–4")
    for number, surname in enumerate(SURNAMES):
        answer(factories.make_invitee(event, last_name=surname, first_name="Jürgen",
                                      email=f"p{number}@example.org",
                                      organisation=f"Amt {number}"), "accepted", guests=1)
    answer(factories.make_invitee(event, last_name="Abgesagt"), "declined")
    factories.make_invitee(event, last_name="Schweigsam")
    return event


def pdf_of(event, **choices):  # type: ignore[no-untyped-def]
    options = list_options(choices.pop("columns", None), **choices)
    sheet = list_sheet(event, participants(db.session, event), options, "de")
    return participants_pdf(event, sheet, options, "de")


def test_umlauts_sort_as_their_base_letter_and_sharp_s_as_ss():
    names = ["Zander", "Özdemir", "Ostermann", "Ärmel", "Abel", "Strauß", "Strausberg"]
    assert sorted(names, key=german_key) == [
        "Abel", "Ärmel", "Ostermann", "Özdemir", "Strausberg", "Strauß", "Zander"]


def test_the_list_holds_the_accepted_people_sorted_by_last_name(office):
    order = [p.last_name for p in participants(db.session, office)]
    assert order == ["Abel", "Ärmel", "de Vries", "Łukasik", "Lutz", "Mueller", "Müller",
                     "Ostermann", "Özdemir", "Strausberg", "Strauß", "Zander"]


def test_the_pdf_names_every_participant_and_nobody_who_did_not_accept(office):
    text = text_of(pdf_of(office))
    for surname in SURNAMES:
        assert f"{surname}, Jürgen" in text
    assert "Abgesagt" not in text and "Schweigsam" not in text


def test_every_page_carries_the_event_and_its_number(app):  # type: ignore[no-untyped-def]
    event = factories.make_event(capacity=None, title="Fachtag Ärztinnen & Ärzte",
                                 venue_name="Rotes Rathaus")
    for number in range(70):
        answer(factories.make_invitee(event, last_name=f"Person{number:02d}"), "accepted")
    pdf = pdf_of(event)
    pages = page_count(pdf)
    text = text_of(pdf)
    assert pages >= 2
    assert text.count("Fachtag Ärztinnen & Ärzte") >= pages
    assert text.count("Rotes Rathaus") >= pages
    assert f"Seite {pages} von {pages}" in text and f"Seite 1 von {pages}" in text


def test_only_the_chosen_columns_are_printed(office):
    text = text_of(pdf_of(office, columns=["email"]))
    assert "p0@example.org" in text and "Amt 0" not in text


def test_a_sign_in_sheet_has_a_signature_column_with_room_to_sign(office):
    plain, signed = pdf_of(office), pdf_of(office, signature=True)
    assert "Unterschrift" in text_of(signed) and "Unterschrift" not in text_of(plain)
    assert page_count(signed) >= page_count(plain)


def test_the_list_renders_as_a_page_with_ink_on_it(office):
    image = page_image(pdf_of(office))
    assert image.size[0] > 1000 and spread(image) > 10


def test_german_letters_are_printed_in_an_embedded_font(office):
    found = letters(pdf_of(office))
    assert {"Ä", "ü", "ß", "Ł"} <= {letter.text for letter in found}
    assert {letter.font.split("+")[-1] for letter in found} == {"DejaVuSans", "DejaVuSans-Bold"}


def test_the_workbook_has_a_row_per_participant_in_the_same_order(office):
    options = list_options(["title", "organisation", "guests"])
    sheet = list_sheet(office, participants(db.session, office), options, "de")
    rows = list(load_workbook(io.BytesIO(participants_xlsx(office, sheet))).active.values)
    assert rows[0] == ("#", "Name", "Titel", "Organisation", "Begleitpersonen")
    assert [row[1] for row in rows[1:]][:3] == ["Abel, Jürgen", "Ärmel, Jürgen",
                                               "de Vries, Jürgen"]
    assert len(rows) == 1 + len(SURNAMES) and rows[1][4] == "1"


def test_a_name_that_looks_like_a_formula_stays_text_in_the_workbook(app):  # type: ignore[no-untyped-def]
    event = factories.make_event(capacity=None)
    answer(factories.make_invitee(event, last_name="=HYPERLINK(1)", first_name=""), "accepted")
    sheet = list_sheet(event, participants(db.session, event), list_options(), "de")
    cell = load_workbook(io.BytesIO(participants_xlsx(event, sheet))).active["B2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


def test_rsvp_participants_writes_the_format_its_suffix_names(runner, office, tmp_path):
    result = runner.invoke(args=["participants", office.slug, "-o", str(tmp_path / "l.xlsx"),
                                 "--column", "email", "--signature"])
    assert result.exit_code == 0, result.output
    assert "12 participants written" in result.output
    header = next(load_workbook(tmp_path / "l.xlsx").active.values)
    assert header == ("#", "Name", "E-Mail", "Unterschrift")
    runner.invoke(args=["participants", office.slug, "-o", str(tmp_path / "l.pdf")])
    assert "Zander, Jürgen" in text_of((tmp_path / "l.pdf").read_bytes())


def test_rsvp_participants_refuses_a_suffix_it_cannot_write(runner, office, tmp_path):
    result = runner.invoke(args=["participants", office.slug, "-o", str(tmp_path / "l.doc")])
    assert result.exit_code == 2 and ".pdf or .xlsx" in result.output


def test_the_dashboard_offers_the_columns_and_downloads_the_chosen_ones(client, office):
    factories.make_organiser("buero@example.org")
    log_in(client, "buero@example.org")
    page = client.get(f"/events/{office.slug}/lists")
    assert page.status_code == 200 and 'name="column" value="email"' in page.text
    assert "90 × 54 mm" in page.text
    download = client.get(f"/events/{office.slug}/participants.xlsx",
                          query_string={"chosen": "1", "column": ["email"]})
    assert download.headers["Content-Disposition"].endswith('-participants.xlsx"')
    assert download.headers["Cache-Control"] == "no-store"
    header = next(load_workbook(io.BytesIO(download.data)).active.values)
    assert header == ("#", "Name", "E-Mail")


def test_a_substitute_is_listed_and_badged_in_the_invitees_place(app):  # type: ignore[no-untyped-def]
    event = factories.make_event(capacity=None, link_policy="transferable")
    boss = factories.make_invitee(event, first_name="Petra", last_name="Potz")
    record_answer(db.session, boss, "accepted",
                  substitute=Substitute("Max Vertreter", "max@example.org"))
    db.session.commit()
    text = text_of(pdf_of(event))
    assert "Vertreter, Max (in Vertretung von Dr. Petra Potz)" in " ".join(text.split())
    badge = next(badges_of(participants(db.session, event)))
    assert (badge.name, badge.organisation) == ("Max Vertreter", "location³ – Wissenstransfer")
