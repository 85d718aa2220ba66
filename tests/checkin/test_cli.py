"""`rsvp checkin SLUG CODE_OR_EMAIL` at a laptop by the door."""

from sqlalchemy import select

from rsvp.checkin.models import VIA_CLI, CheckIn
from rsvp.extensions import db
from rsvp.tokens import checkin_code
from tests import factories
from tests.checkin.conftest import answer


def test_a_code_checks_the_person_in_and_names_them_with_their_guests(runner, event, accepted):
    result = runner.invoke(args=["checkin", event.slug, checkin_code(accepted)])
    assert result.exit_code == 0, result.output
    assert "Dr. Petra Potz, location³ – Wissenstransfer" in result.output
    assert "Checked in, with 2 of 2 guests." in result.output
    row = db.session.scalar(select(CheckIn))
    assert (row.via, row.organiser_id) == (VIA_CLI, None)


def test_an_address_checks_the_person_in_with_fewer_guests(runner, event, accepted):
    result = runner.invoke(args=["checkin", event.slug, accepted.email, "--guests", "1"])
    assert "Checked in, with 1 of 2 guests." in result.output


def test_a_second_check_in_is_refused_naming_when_and_by_whom(runner, event, accepted):
    runner.invoke(args=["checkin", event.slug, accepted.email])
    result = runner.invoke(args=["checkin", event.slug, checkin_code(accepted)])
    assert result.exit_code == 1
    assert "Refused: already checked in at " in result.output
    assert "by the command line." in result.output


def test_a_declined_invitee_is_refused(runner, event):
    invitee = answer(factories.make_invitee(event), "declined")
    result = runner.invoke(args=["checkin", event.slug, invitee.email])
    assert result.exit_code == 1 and "Refused: declined." in result.output


def test_a_made_up_code_is_refused_as_unknown(runner, event):
    result = runner.invoke(args=["checkin", event.slug, "not-a-code"])
    assert result.exit_code == 1 and "Refused: unknown code." in result.output


def test_undo_takes_the_check_in_back(runner, event, accepted):
    runner.invoke(args=["checkin", event.slug, accepted.email])
    result = runner.invoke(args=["checkin", event.slug, accepted.email, "--undo"])
    assert "Check-in undone" in result.output
    assert db.session.scalar(select(CheckIn)).undone_via == VIA_CLI
