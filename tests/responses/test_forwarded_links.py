"""Forwarded invitations: a personal link answers for its invitee, a transferable one may name
a substitute who is recorded, shown to the organiser and exported."""

import csv
import io

import pytest

from rsvp.extensions import db
from rsvp.invitees.export import csv_lines, export_rows
from rsvp.responses.models import Answer, ResponseChange
from rsvp.responses.services import AnswerError, Substitute, record_answer
from rsvp.tokens import make_token
from tests.responses.links import answer


@pytest.fixture
def boss(create_event, create_invitee):
    event = create_event(link_policy="transferable")
    return create_invitee(event, email="chefin@example.org", first_name="Petra",
                          last_name="Potz")


def test_a_personal_link_says_whose_invitation_it_is_and_asks_others_to_call(
        client, create_event, create_invitee):
    invitee = create_invitee(create_event(), first_name="Petra", last_name="Potz")
    page = client.get(f"/r/{make_token(invitee)}")
    assert "Einladung für Petra Potz" in page.text
    assert "Diese Einladung ist persönlich" in page.text
    assert 'name="substitute_email"' not in page.text


def test_a_personal_link_records_the_answer_for_the_invitee_whatever_is_posted(
        client, create_event, create_invitee):
    invitee = create_invitee(create_event())
    result = answer(client, invitee, substitute_name="Fremd", substitute_email="x@example.org")
    assert result.status_code == 303
    db.session.expire_all()
    assert (invitee.response.answer, invitee.response.substitute_email) == (Answer.ACCEPTED, "")


def test_a_transferable_link_records_the_reader_as_a_substitute(client, boss, smtp_server):
    page = client.get(f"/r/{make_token(boss)}")
    assert "Sie nehmen anstelle von Petra Potz teil?" in page.text
    result = answer(client, boss, substitute_name="Max Vertreter",
                    substitute_email="Max@Example.org")
    assert result.status_code == 303
    db.session.expire_all()
    response = boss.response
    assert (response.substitute_name, response.substitute_email) == (
        "Max Vertreter", "Max@example.org")
    change = db.session.query(ResponseChange).one()
    assert change.channel == "substitute"
    assert "Beantwortet von Max Vertreter in Vertretung" in client.get(
        f"/r/{make_token(boss)}").text


def test_a_substitute_needs_a_name_and_a_valid_address(client, boss):
    result = answer(client, boss, substitute_name="Max Vertreter", substitute_email="kein-at")
    assert result.status_code == 400
    assert "gültige E-Mail-Adresse der teilnehmenden Person" in result.text
    assert 'value="Max Vertreter"' in result.text
    db.session.expire_all()
    assert boss.response is None


def test_the_service_refuses_a_substitute_on_a_personal_link(create_event, create_invitee):
    invitee = create_invitee(create_event())
    with pytest.raises(AnswerError) as raised:
        record_answer(db.session, invitee, "accepted",
                      substitute=Substitute("Max Vertreter", "max@example.org"))
    assert raised.value.field == "substitute_name"


def test_the_substitute_is_in_the_export(boss):
    record_answer(db.session, boss, "accepted",
                  substitute=Substitute("Max Vertreter", "max@example.org"))
    db.session.commit()
    rows = list(csv.DictReader(io.StringIO("".join(
        csv_lines(export_rows(db.session, boss.event), bom=False)))))
    assert (rows[0]["substitute_name"], rows[0]["substitute_email"]) == (
        "Max Vertreter", "max@example.org")


def test_the_organiser_sees_the_substitute_on_the_invitee_page(client, boss, create_organiser):
    from tests.dashboard.conftest import log_in

    organiser = create_organiser()
    boss.event.owner_id = organiser.id
    record_answer(db.session, boss, "accepted",
                  substitute=Substitute("Max Vertreter", "max@example.org"))
    db.session.commit()
    log_in(client, organiser.email)
    page = client.get(f"/events/{boss.event.slug}/invitees/{boss.id}")
    assert "Max Vertreter &lt;max@example.org&gt;" in page.text
