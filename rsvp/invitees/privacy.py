"""An invitee's rights over their data: a copy of everything, and erasure on request."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rsvp.audit.services import forget_invitee
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.responses.models import ResponseChange


@dataclass(frozen=True)
class Erasure:
    messages_anonymised: int
    history_rows_kept: int


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
        "history": [{"when": _iso(h.changed_at), "by": h.actor.value, "channel": h.channel,
                     "old_answer": h.old_answer and h.old_answer.value,
                     "new_answer": h.new_answer.value, "new_guests": h.new_guests,
                     "new_comment": h.new_comment} for h in history],
        "messages": [{"kind": m.kind.value, "status": m.status.value, "subject": m.subject,
                      "sent_at": _iso(m.sent_at), "text": m.body_text} for m in messages],
    }


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
    history = session.execute(
        update(ResponseChange).where(ResponseChange.invitee_id == invitee.id)
        .values(invitee_id=None, old_comment=None, new_comment="")
        .execution_options(synchronize_session=False)
    ).rowcount
    forget_invitee(session, invitee.id)
    session.delete(invitee)
    session.flush()
    return Erasure(messages_anonymised=messages or 0, history_rows_kept=history or 0)
