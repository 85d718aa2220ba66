"""Who may be let in, and the standing check-in of a person: read, never written, here."""

import enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from rsvp.checkin.models import CheckIn
from rsvp.invitees.models import Invitee
from rsvp.responses.models import Answer


class Refusal(enum.StrEnum):
    """Why the door says no; the page and the CLI put each in words."""

    UNKNOWN_CODE = "unknown_code"
    #: A code we signed, but the link was renewed or the invitee erased.
    REVOKED_CODE = "revoked_code"
    NOT_ANSWERED = "not_answered"
    DECLINED = "declined"
    WAITLISTED = "waitlisted"
    ALREADY_CHECKED_IN = "already_checked_in"
    NOT_CHECKED_IN = "not_checked_in"
    #: More guests than the answer names.
    TOO_MANY_GUESTS = "too_many_guests"


_BY_ANSWER = {Answer.DECLINED: Refusal.DECLINED, Answer.WAITLISTED: Refusal.WAITLISTED}


def admission_refusal(invitee: Invitee) -> Refusal | None:
    """Only an accepted invitee comes in; everyone else is told why not."""
    response = invitee.response
    if response is None:
        return Refusal.NOT_ANSWERED
    return _BY_ANSWER.get(response.answer)


def expected_guests(invitee: Invitee) -> int:
    """The guests the invitee's acceptance names."""
    return invitee.response.guests if invitee.response else 0


def standing_check_in(session: Session, invitee_id: int) -> CheckIn | None:
    """The invitee's check-in that has not been undone, if any (the database allows one)."""
    return session.scalar(select(CheckIn).where(CheckIn.invitee_id == invitee_id,
                                                CheckIn.undone_at.is_(None)))
