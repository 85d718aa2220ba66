"""Data that expires: an event's personal data is removed ``retention_days`` after it ends.

What stays is anonymous: the counts of invitees and answers (kept on the event), the message
log without addresses or texts, and the history of answers without names or comments. The
same rules as erasing one invitee on request (rsvp.invitees.privacy), done for all at once.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from rsvp.audit.services import anonymise_event
from rsvp.dbtypes import utcnow
from rsvp.events.models import Event
from rsvp.events.stats import event_stats
from rsvp.invitees.models import Invitee, InviteeTag
from rsvp.mailing.models import Message
from rsvp.questions.models import AnswerChange, GuestName, QuestionAnswer
from rsvp.responses.models import Response, ResponseChange

#: The counts kept when the people behind them are removed.
KEPT_COUNTS = ("invited", "accepted", "declined", "waitlisted", "guests")


@dataclass(frozen=True)
class Purge:
    """What was (or, on a dry run, would be) removed from one event."""

    slug: str
    due_at: datetime
    invitees: int
    messages: int
    history_rows: int
    #: Answers to the registration questions, guests' names and their history's values.
    answers: int = 0


def purge_due(session: Session, *, now: datetime | None = None,
              dry_run: bool = False) -> list[Purge]:
    """Remove personal data of every event past its retention period; the caller commits.

    Idempotent: an event with nothing personal left is skipped, so running it daily is safe.
    """
    now = now or utcnow()
    ended = session.scalars(select(Event).where(Event.ends_at <= now).order_by(Event.ends_at))
    purges = []
    for event in ended:
        if event.purge_due_at > now:
            continue
        purge = _purge_event(session, event, now, dry_run=dry_run)
        if purge is not None:
            purges.append(purge)
    return purges


def _personal_messages(event_id: int):  # type: ignore[no-untyped-def]
    return (Message.event_id == event_id) & or_(
        Message.invitee_id.is_not(None), Message.recipient != "", Message.body_text != "",
        Message.body_html != "", Message.subject != "", Message.calendar_ics.is_not(None))


def _personal_history(event_id: int):  # type: ignore[no-untyped-def]
    return (ResponseChange.event_id == event_id) & or_(
        ResponseChange.invitee_id.is_not(None), ResponseChange.new_comment != "",
        ResponseChange.old_comment.is_not(None))


def _answer_history(event_id: int):  # type: ignore[no-untyped-def]
    """The old and new values of answers in the event's history: personal (a guest's name,
    a text), and meaningless without the person; the counts are kept on the event."""
    changes = select(ResponseChange.id).where(ResponseChange.event_id == event_id)
    return AnswerChange.change_id.in_(changes.scalar_subquery())


def _count(session: Session, model: type, condition) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model).where(condition)) or 0


def _purge_event(session: Session, event: Event, now: datetime, *,
                 dry_run: bool) -> Purge | None:
    invitees = _count(session, Invitee, Invitee.event_id == event.id)
    messages = _count(session, Message, _personal_messages(event.id))
    history = _count(session, ResponseChange, _personal_history(event.id))
    answers = _count(session, AnswerChange, _answer_history(event.id))
    if not (invitees or messages or history or answers):
        return None
    purge = Purge(event.slug, event.purge_due_at, invitees, messages, history, answers)
    if dry_run:
        return purge
    _keep_counts(session, event)
    session.execute(
        update(Message).where(_personal_messages(event.id))
        .values(invitee_id=None, recipient="", subject="", body_text="", body_html="",
                message_id="", last_error="", calendar_ics=None)
        .execution_options(synchronize_session=False))
    session.execute(
        update(ResponseChange).where(_personal_history(event.id))
        .values(invitee_id=None, old_comment=None, new_comment="")
        .execution_options(synchronize_session=False))
    anonymise_event(session, event.id)
    ids = select(Invitee.id).where(Invitee.event_id == event.id).scalar_subquery()
    session.execute(delete(AnswerChange).where(_answer_history(event.id)))
    session.execute(delete(QuestionAnswer).where(QuestionAnswer.invitee_id.in_(ids)))
    session.execute(delete(GuestName).where(GuestName.invitee_id.in_(ids)))
    session.execute(delete(InviteeTag).where(InviteeTag.invitee_id.in_(ids)))
    session.execute(delete(Response).where(Response.event_id == event.id))
    session.execute(delete(Invitee).where(Invitee.event_id == event.id))
    event.purged_at = now
    session.flush()
    session.expire_all()
    return purge


def _keep_counts(session: Session, event: Event) -> None:
    """Add the invitees about to go to the event's anonymous counts (stats include them)."""
    stats = event_stats(session, event)
    figures = stats.as_dict()
    kept: dict[str, Any] = {name: int(figures[name] or 0) for name in KEPT_COUNTS}
    # The counts per answer of the registration questions (those kept before included).
    kept["questions"] = stats.questions
    event.purged_counts = kept  # type: ignore[assignment]
