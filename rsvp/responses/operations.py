"""Answers as use cases: record one, queue what it sends, and say which messages those are.

Every way an answer arrives is one function here: by the invitee's link (also a substitute's
on a transferable link), and by an organiser (phone, letter, the answers import). Callers
parse, call one of these, commit and hand the outcome to rsvp.mailing.dispatch.
"""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.mailing.services import queue_confirmation, queue_promotions
from rsvp.outcome import INVITEE, Agent, Outcome
from rsvp.responses.services import AnswerResult, Substitute, record_answer
from rsvp.responses.waitlist import promote_by_hand


@dataclass
class AnswerOutcome(Outcome):
    """The recorded answer (``result``) and the messages it queued."""

    result: AnswerResult | None = None


def answer_by_link(session: Session, invitee: Invitee, answer: str, *, guests: int = 0,
                   comment: str = "", substitute: Substitute | None = None) -> AnswerOutcome:
    """The invitee (or who answers instead on a transferable link) answers; confirmed by mail."""
    result = record_answer(session, invitee, answer, guests=guests, comment=comment,
                           actor=INVITEE.actor, substitute=substitute)
    return _mails_of(session, invitee, result, confirm=True)


def answer_for_invitee(session: Session, invitee: Invitee, answer: str, *, by: Agent,
                       channel: str, guests: int = 0, comment: str = "",
                       confirm: bool = True) -> AnswerOutcome:
    """An organiser records an answer taken by phone, letter or file; confirmed unless not wanted.

    The rule is the same for the phone form and the import: the invitee gets the usual
    confirmation (``confirm``, on by default), and whoever moves up is always told.
    """
    result = record_answer(session, invitee, answer, guests=guests, comment=comment,
                           actor=by.actor, organiser_id=by.organiser_id, channel=channel)
    return _mails_of(session, invitee, result, confirm=confirm)


def _mails_of(session: Session, invitee: Invitee, result: AnswerResult, *,
              confirm: bool) -> AnswerOutcome:
    """Queue what an answer sends: its confirmation (if wanted and changed), then promotions."""
    outcome = AnswerOutcome(invitee.event_id, result=result)
    if confirm and result.change is not None:
        outcome.add([queue_confirmation(session, invitee, result.change).id])
    # Here the calendar cancellation of a withdrawn acceptance joins (branch refs).
    outcome.add([m.id for m in queue_promotions(session, result.promoted)])
    return outcome


def give_place(session: Session, event: Event, invitee_id: int, *, by: Agent) -> Outcome:
    """An organiser moves one waiting person up, past the queue and the capacity; they are told.

    Raises NotWaiting when the person is no longer on the waiting list.
    """
    change = promote_by_hand(session, event, invitee_id, by.organiser_id)
    return Outcome(event.id, [m.id for m in queue_promotions(session, [change])])
