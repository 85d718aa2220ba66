"""Claiming a batch of queued messages for one sender, giving back what it did not send, and
requeueing what a dead sender left ``sending``."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session, joinedload, scoped_session

from rsvp.dbtypes import utcnow
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind, MessageStatus


@dataclass
class Claim:
    """Messages one sender took, all marked with the same claim time."""

    at: datetime
    messages: Sequence[Message]


def scope(event_id: int, kind: MessageKind | None,
          message_ids: Sequence[int] | None) -> list[ColumnElement[bool]]:
    """The WHERE conditions for one event's messages (of ``kind``, among ``message_ids``)."""
    conditions = [Message.event_id == event_id]
    if kind is not None:
        conditions.append(Message.kind == kind)
    if message_ids is not None:
        conditions.append(Message.id.in_(message_ids))
    return conditions


def claim_batch(session: Session, event_id: int, kind: MessageKind | None, size: int,
                message_ids: Sequence[int] | None) -> Claim:
    """Take up to ``size`` due messages for this sender and commit the claim.

    PostgreSQL: the candidates are locked with FOR UPDATE SKIP LOCKED, so concurrent senders
    each get different rows without waiting, and a row another sender claimed and committed
    meanwhile fails the re-checked WHERE. SQLite takes its write lock on the UPDATE, so the
    claim is one atomic statement there and senders take turns.
    """
    now = utcnow()
    stale = now - timedelta(seconds=float(current_app.config["MAIL_CLAIM_TIMEOUT"]))
    claimable = [
        *scope(event_id, kind, message_ids), Message.status == MessageStatus.QUEUED,
        or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= now),
        or_(Message.claimed_at.is_(None), Message.claimed_at < stale),
    ]
    candidates = select(Message.id).where(*claimable).order_by(Message.id).limit(size)
    if session.get_bind().dialect.name == "postgresql":
        ids = session.scalars(candidates.with_for_update(skip_locked=True)).all()
        claimable = [Message.id.in_(ids)]
    else:
        claimable = [Message.id.in_(candidates.scalar_subquery()), *claimable]
    claimed = session.scalars(
        update(Message).where(*claimable).values(claimed_at=now).returning(Message.id)
        .execution_options(synchronize_session=False)
    ).all()
    _commit_keeping_loaded(session)
    if not claimed:
        return Claim(now, [])
    # A confirmation's answer (its history row) comes with it, not in a query of its own.
    messages = session.scalars(
        select(Message).where(Message.id.in_(claimed)).order_by(Message.id)
        .options(joinedload(Message.invitee).joinedload(Invitee.response),
                 joinedload(Message.response_change))
        .execution_options(populate_existing=True)
    ).all()
    return Claim(now, messages)


def _commit_keeping_loaded(session: Session) -> None:
    """Commit the claim without expiring what the session holds: the messages are read
    afresh next (populate_existing), and the event, read when this run began, would only be
    read again for the rendering, once more per claim."""
    plain = session() if isinstance(session, scoped_session) else session
    expire_on_commit, plain.expire_on_commit = plain.expire_on_commit, False
    try:
        session.commit()
    finally:
        plain.expire_on_commit = expire_on_commit


def release(session: Session, claim: Claim, unsent: Sequence[Message]) -> None:
    """Give back claimed messages this sender did not get to, for the next sender."""
    if not unsent:
        return
    session.rollback()
    session.execute(
        update(Message)
        .where(Message.id.in_([m.id for m in unsent]), Message.status == MessageStatus.QUEUED,
               Message.claimed_at == claim.at)
        .values(claimed_at=None).execution_options(synchronize_session=False)
    )
    session.commit()


def recover_stale(session: Session, event_id: int, timeout: float) -> int:
    """Requeue messages whose sender died while the server had them: they may arrive twice.

    Not committed here: the claim that follows commits it (one commit, and the session's
    objects are not expired twice). Requeued messages are claimable in the same transaction.
    """
    stale = utcnow() - timedelta(seconds=float(timeout))
    result = session.execute(
        update(Message)
        .where(Message.event_id == event_id, Message.status == MessageStatus.SENDING,
               Message.claimed_at < stale)
        .values(status=MessageStatus.QUEUED, maybe_duplicate=True, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
