"""Who may be let in, and the standing check-in of a person: read, never written, here."""

import enum

from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from rsvp.checkin.models import CheckIn
from rsvp.invitees.models import Invitee
from rsvp.questions.queries import door_answers
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


def door_answers_of(session: Session, invitee: Invitee,
                    language: str | None = None) -> list[tuple[str, str]]:
    """The invitee's answers to questions marked ``show_at_checkin`` (question, answer).

    The page and `rsvp checkin` both read them from here, in ``language`` (the page's, else
    the event's).
    """
    if language is None:
        locale = get_locale()
        language = locale.language if locale is not None else invitee.event.language
    return door_answers(session, invitee, language)


def checked_in_by(check_in: CheckIn) -> str | None:
    """Who let the person in: the organiser's name (or address); None for `rsvp checkin`."""
    organiser = check_in.organiser
    if organiser is None:
        return None
    return organiser.name or organiser.email
