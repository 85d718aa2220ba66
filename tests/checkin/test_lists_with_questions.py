"""The list and the badges where the event asks questions: guests' names, question columns,
and a consent question that keeps those who did not agree off the list."""

import io

import pytest
from openpyxl import load_workbook

from rsvp.checkin.badges import A6_PAGES, badges_of, badges_pdf
from rsvp.checkin.participant_list import list_sheet, participants_pdf
from rsvp.checkin.participants import list_options, participants
from rsvp.extensions import db
from rsvp.outcome import Agent
from rsvp.responses.operations import answer_for_invitee
from tests import factories
from tests.dashboard.conftest import log_in
from tests.pdf import page_count, text_of

QUESTIONS = [
    {"key": "diet", "type": "choice", "label": {"de": "Verpflegung", "en": "Catering"},
     "options": [{"key": "any", "de": "Keine Einschränkung", "en": "No restriction"},
                 {"key": "vegan", "de": "Vegan", "en": "Vegan"}]},
    {"key": "named", "type": "consent", "label": {"de": "Teilnehmerliste", "en": "List"},
     "consent": {"de": "Ich bin mit der Nennung einverstanden.", "en": "I agree."}},
]


def accept(event, last_name: str, *, named: bool, guests: tuple[str, ...] = (),  # type: ignore[no-untyped-def]
           diet: str = "any"):
    invitee = factories.make_invitee(event, last_name=last_name, first_name="Jana")
    form = {"q_diet": [diet], "q_named": ["yes"] if named else []}
    form |= {f"guest_{n}_name": [name] for n, name in enumerate(guests, 1)}
    answer_for_invitee(db.session, invitee, "accepted", by=Agent.organiser(None),
                       channel="phone", confirm=False, questions=form)
    db.session.commit()
    return invitee


@pytest.fixture
def asked(app):  # type: ignore[no-untyped-def]
    """Weiß (named, two named guests, vegan), Abel (named), Zorn (did not agree)."""
    event = factories.make_event(capacity=None, max_guests=2, guest_names=True,
                                 questions=QUESTIONS)
    accept(event, "Weiß", named=True, guests=("Max Muster", "Erika Mustermann"), diet="vegan")
    accept(event, "Abel", named=True)
    accept(event, "Zorn", named=False)
    return event


def test_guests_are_listed_by_name(asked):
    weiss = next(p for p in participants(db.session, asked) if p.last_name == "Weiß")
    assert weiss.guest_names == ("Max Muster", "Erika Mustermann")


def test_each_named_guest_gets_a_badge_with_whom_they_come_and_no_code(asked):
    pdf = badges_pdf(asked.title, list(badges_of(participants(db.session, asked), "de")),
                     A6_PAGES)
    text = text_of(pdf)
    assert page_count(pdf) == 5
    assert "Max Muster" in text and "Erika Mustermann" in text
    assert text.count("Gast von Dr. Jana Weiß") == 2


def test_a_question_can_be_a_column_of_the_list(runner, asked, tmp_path):
    result = runner.invoke(args=["participants", asked.slug, "-o", str(tmp_path / "l.xlsx"),
                                 "--column", "q_diet", "--column", "guests"])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(tmp_path / "l.xlsx").active.values)
    assert rows[0] == ("#", "Name", "Begleitpersonen", "Verpflegung")
    weiss = next(row for row in rows if row[1] == "Weiß, Jana")
    assert weiss[2:] == ("Max Muster, Erika Mustermann", "Vegan")


def test_the_consent_question_keeps_those_who_did_not_agree_off_the_list(runner, asked,
                                                                          tmp_path):
    result = runner.invoke(args=["participants", asked.slug, "-o", str(tmp_path / "l.pdf"),
                                 "--consent", "named"])
    assert "2 participants written" in result.output
    text = text_of((tmp_path / "l.pdf").read_bytes())
    assert "Weiß, Jana" in text and "Abel, Jana" in text and "Zorn" not in text


def test_a_question_that_is_no_consent_cannot_restrict_the_list(runner, asked, tmp_path):
    result = runner.invoke(args=["participants", asked.slug, "-o", str(tmp_path / "l.pdf"),
                                 "--consent", "diet"])
    assert result.exit_code == 2 and "no consent question" in result.output


def test_the_dashboard_offers_the_questions_and_the_consent(client, asked):
    factories.make_organiser("buero@example.org")
    log_in(client, "buero@example.org")
    page = client.get(f"/events/{asked.slug}/lists").text
    assert 'value="q_diet"' in page and '<option value="named">' in page
    download = client.get(f"/events/{asked.slug}/participants.xlsx", query_string={
        "chosen": "1", "column": ["q_diet"], "consent": "named"})
    rows = list(load_workbook(io.BytesIO(download.data)).active.values)
    assert [row[1] for row in rows[1:]] == ["Abel, Jana", "Weiß, Jana"]
    assert rows[0][2] == "Verpflegung"


def test_the_printed_list_names_the_guests(asked):
    options = list_options(["guests"])
    sheet = list_sheet(asked, participants(db.session, asked), options, "de")
    text = text_of(participants_pdf(asked, sheet, options, "de"))
    assert "Max Muster, Erika" in text and "Mustermann" in text
