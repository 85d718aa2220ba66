"""An invitee's rights over their data: a copy of everything, and erasure on request."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from rsvp.audit.services import forget_invitee
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.questions.models import AnswerChange, GuestName, QuestionAnswer
from rsvp.questions.queries import answers_of, guest_names_of, stored_value
from rsvp.responses.models import ResponseChange


@dataclass(frozen=True)
class Erasure:
    messages_anonymised: int
    history_rows_kept: int
    #: Answers to the registration questions and guests' names removed.
    answers_removed: int = 0


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def invitee_data(session: Session, invitee: Invitee) -> dict[str, Any]:
    """Everything stored about one invitee, as plain JSON-ready values."""
    history = session.scalars(select(ResponseChange).where(
        ResponseChange.invitee_id == invitee.id).order_by(ResponseChange.id))
    messages = session.scalars(select(Message).where(
        Message.invitee_id == invitee.id).order_by(Message.id))
    response = invitee.response
    return {
        "event": invitee.event.slug,
        "email": invitee.email,
        "salutation": invitee.salutation,
        "academic_title": invitee.academic_title,
        "first_name": invitee.first_name,
        "last_name": invitee.last_name,
        "organisation": invitee.organisation,
        "language": invitee.language,
        "tags": invitee.tag_names,
        "created_at": _iso(invitee.created_at),
        "bounced_at": _iso(invitee.bounced_at),
        "bounce_reason": invitee.bounce_reason,
        "answer": None if response is None else {
            "answer": response.answer.value, "guests": response.guests,
            "comment": response.comment, "answered_at": _iso(response.answered_at),
            "substitute_name": response.substitute_name,
            "substitute_email": response.substitute_email},
        **_answers_data(session, invitee),
        "history": [{"when": _iso(h.changed_at), "by": h.actor.value, "channel": h.channel,
                     "old_answer": h.old_answer and h.old_answer.value,
                     "new_answer": h.new_answer.value, "new_guests": h.new_guests,
                     "new_comment": h.new_comment, "answers": _changed(session, h)}
                    for h in history],
        "messages": [{"kind": m.kind.value, "status": m.status.value, "subject": m.subject,
                      "sent_at": _iso(m.sent_at), "text": m.body_text} for m in messages],
    }


def _answers_data(session: Session, invitee: Invitee) -> dict[str, Any]:
    """The answers to the registration questions (person 0 the invitee, n the n-th guest)
    as stored, and the guests' names."""
    return {"questions": [{"question": a.question.key, "person": a.person,
                           "value": stored_value(a)} for a in answers_of(session, invitee)],
            "guest_names": guest_names_of(session, invitee)}


def _changed(session: Session, change: ResponseChange) -> list[dict[str, Any]]:
    """The questions' old and new values within one change of the answer."""
    return [{"question": c.key, "person": c.person, "old": c.old_value, "new": c.new_value}
            for c in session.scalars(select(AnswerChange).where(
                AnswerChange.change_id == change.id).order_by(AnswerChange.id))]


def _erase_answers(session: Session, invitee: Invitee) -> int:
    """Remove the answers, the guests' names and the values in the answer's history."""
    changes = select(ResponseChange.id).where(ResponseChange.invitee_id == invitee.id)
    session.execute(delete(AnswerChange).where(AnswerChange.change_id.in_(
        changes.scalar_subquery())).execution_options(synchronize_session=False))
    removed = 0
    for model in (QuestionAnswer, GuestName):
        removed += session.execute(delete(model).where(model.invitee_id == invitee.id)
                                   .execution_options(synchronize_session=False)).rowcount or 0
    return removed


def erase_invitee(session: Session, invitee: Invitee) -> Erasure:
    """Remove the person; keep anonymous rows so counts and history stay true.

    The history keeps that an answer was given and what it was, not who gave it or what
    they wrote; the message log keeps that a message went out, not to whom or what it said.
    """
    # A withdrawal still to be sent keeps where it goes and what it says until it is sent
    # (delivery clears it then): it takes the event out of the erased person's calendar.
    session.execute(
        update(Message).where(Message.invitee_id == invitee.id,
                              Message.kind == MessageKind.WITHDRAWAL,
                              Message.status == MessageStatus.QUEUED)
        .values(invitee_id=None).execution_options(synchronize_session=False))
    messages = session.execute(
        update(Message).where(Message.invitee_id == invitee.id)
        .values(invitee_id=None, recipient="", subject="", body_text="", body_html="",
                message_id="", last_error="")
        .execution_options(synchronize_session=False)
    ).rowcount
    answers = _erase_answers(session, invitee)
    history = session.execute(
        update(ResponseChange).where(ResponseChange.invitee_id == invitee.id)
        .values(invitee_id=None, old_comment=None, new_comment="")
        .execution_options(synchronize_session=False)
    ).rowcount
    forget_invitee(session, invitee.id)
    session.delete(invitee)
    session.flush()
    return Erasure(messages_anonymised=messages or 0, history_rows_kept=history or 0,
                   answers_removed=answers)
