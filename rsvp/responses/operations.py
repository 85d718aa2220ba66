"""Answers as use cases: record one, queue what it sends, and say which messages those are.

Every way an answer arrives is one function here: by the invitee's link (also a substitute's
on a transferable link), and by an organiser (phone, letter, the answers import). Callers
parse, call one of these, commit and hand the outcome to rsvp.mailing.dispatch.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.mailing.services import queue_confirmation, queue_promotions
from rsvp.outcome import INVITEE, Agent, Outcome
from rsvp.questions.services import PreparedAnswers, prepare_answers, store_answers
from rsvp.responses.models import Answer, ResponseChange
from rsvp.responses.services import AnswerResult, Substitute, record_answer
from rsvp.responses.waitlist import promote_by_hand


@dataclass
class AnswerOutcome(Outcome):
    """The recorded answer (``result``) and the messages it queued."""

    result: AnswerResult | None = None


def answer_by_link(session: Session, invitee: Invitee, answer: str, *, guests: int = 0,
                   comment: str = "", substitute: Substitute | None = None,
                   questions: Mapping[str, list[str]] | None = None) -> AnswerOutcome:
    """The invitee (or who answers instead on a transferable link) answers; confirmed by mail.

    ``questions`` are the form's question fields (``q_KEY``, ``guest_N_name`` ...): checked,
    stored with the answer and in its history; where the event asks for the guests' names,
    the guests are the names given.
    """
    prepared = _prepared(session, invitee, questions, answer, guests)
    result = record_answer(session, invitee, answer,
                           guests=prepared.guests if prepared else guests, comment=comment,
                           actor=INVITEE.actor, substitute=substitute)
    result = _with_answers(session, invitee, result, prepared, INVITEE)
    return _mails_of(session, invitee, result, confirm=True)


def answer_for_invitee(session: Session, invitee: Invitee, answer: str, *, by: Agent,
                       channel: str, guests: int = 0, comment: str = "",
                       confirm: bool = True,
                       questions: Mapping[str, list[str]] | None = None) -> AnswerOutcome:
    """An organiser records an answer taken by phone, letter or file; confirmed unless not wanted.

    The rule is the same for the phone form and the import: the invitee gets the usual
    confirmation (``confirm``, on by default), and whoever moves up is always told.
    ``questions`` as for answer_by_link.
    """
    prepared = _prepared(session, invitee, questions, answer, guests)
    result = record_answer(session, invitee, answer,
                           guests=prepared.guests if prepared else guests, comment=comment,
                           actor=by.actor, organiser_id=by.organiser_id, channel=channel)
    result = _with_answers(session, invitee, result, prepared, by, channel)
    return _mails_of(session, invitee, result, confirm=confirm)


def _prepared(session: Session, invitee: Invitee, questions: Mapping[str, list[str]] | None,
              answer: str, guests: int) -> PreparedAnswers | None:
    if questions is None:
        return None
    return prepare_answers(session, invitee, questions, answer=answer, guests=guests)


def _with_answers(session: Session, invitee: Invitee, result: AnswerResult,
                  prepared: PreparedAnswers | None, by: Agent,
                  channel: str = "link") -> AnswerResult:
    """Store the questions' answers (the event is locked) and add them to the history row;
    answers changed alone make a history row of their own, so they are confirmed too."""
    if prepared is None:
        return result
    coming = result.response.answer in (Answer.ACCEPTED, Answer.WAITLISTED)
    changes = store_answers(session, invitee, prepared, coming=coming)
    if not changes:
        return result
    change = result.change
    if change is None:
        response = result.response
        change = ResponseChange(
            invitee_id=invitee.id, event_id=invitee.event_id, actor=by.actor,
            organiser_id=by.organiser_id, old_answer=response.answer,
            old_guests=response.guests, old_comment=response.comment,
            new_answer=response.answer, new_guests=response.guests,
            new_comment=response.comment,
            channel="substitute" if response.substitute_name and channel == "link" else channel)
        session.add(change)
        session.flush()
    for row in changes:
        row.change_id = change.id
        session.add(row)
    session.flush()
    return replace(result, change=change)


def _mails_of(session: Session, invitee: Invitee, result: AnswerResult, *,
              confirm: bool) -> AnswerOutcome:
    """Queue what an answer sends: its confirmation (if wanted and changed), then promotions."""
    outcome = AnswerOutcome(invitee.event_id, result=result)
    if confirm and result.change is not None:
        outcome.add([queue_confirmation(session, invitee, result.change)])
    # Here the calendar cancellation of a withdrawn acceptance joins (branch refs).
    outcome.add([m.id for m in queue_promotions(session, result.promoted)])
    return outcome


def give_place(session: Session, event: Event, invitee_id: int, *, by: Agent) -> Outcome:
    """An organiser moves one waiting person up, past the queue and the capacity; they are told.

    Raises NotWaiting when the person is no longer on the waiting list.
    """
    change = promote_by_hand(session, event, invitee_id, by.organiser_id)
    return Outcome(event.id, [m.id for m in queue_promotions(session, [change])])
