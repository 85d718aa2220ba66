"""Claiming a batch of queued messages for one sender, giving back what it did not send, and
requeueing what a dead sender left ``sending``."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    Update,
    bindparam,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, joinedload, scoped_session

from rsvp.dbtypes import utcnow
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind, MessageStatus


@dataclass
class Claim:
    """Messages one sender took, all marked with the same claim time."""

    at: datetime
    messages: Sequence[Message]


def scope(event_id: int | BindParameter[int], kind: MessageKind | BindParameter | None,
          message_ids: Sequence[int] | BindParameter | None) -> list[ColumnElement[bool]]:
    """The WHERE conditions for one event's messages (of ``kind``, among ``message_ids``):
    given as values, or as parameters of a statement built once."""
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
    postgresql = session.get_bind().dialect.name == "postgresql"
    candidates, claim = _claim_statements(postgresql, kind is not None, message_ids is not None)
    params: dict[str, object] = {"b_event": event_id, "b_kind": kind, "b_now": now,
                                 "b_stale": stale, "b_size": size,
                                 "b_ids": list(message_ids or ())}
    if postgresql:
        params["b_locked"] = session.scalars(candidates, params).all()
    claimed = session.scalars(claim, params).all()
    _commit_keeping_loaded(session)
    if not claimed:
        return Claim(now, [])
    messages = session.scalars(_claimed(), {"b_claimed": list(claimed)}).all()
    return Claim(now, messages)


def _claimable(with_kind: bool, with_ids: bool) -> list[ColumnElement[bool]]:
    return [*scope(bindparam("b_event"), bindparam("b_kind") if with_kind else None,
                   bindparam("b_ids", expanding=True) if with_ids else None),
            Message.status == MessageStatus.QUEUED,
            or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= bindparam("b_now")),
            or_(Message.claimed_at.is_(None), Message.claimed_at < bindparam("b_stale"))]


@lru_cache(maxsize=8)
def _claim_statements(postgresql: bool, with_kind: bool,
                      with_ids: bool) -> tuple[Select, Update]:
    """The candidates' query and the claiming UPDATE for one shape of claim, built once: as
    ORM statements built per call they cost more than the whole claim in the database."""
    claimable = _claimable(with_kind, with_ids)
    candidates = (select(Message.id).where(*claimable).order_by(Message.id)
                  .limit(bindparam("b_size")))
    if postgresql:
        candidates = candidates.with_for_update(skip_locked=True)
        where = [Message.id.in_(bindparam("b_locked", expanding=True))]
    else:
        where = [Message.id.in_(candidates.scalar_subquery()), *claimable]
    claim = (update(Message).where(*where).values(claimed_at=bindparam("b_now"))
             .returning(Message.id).execution_options(synchronize_session=False))
    return candidates, claim


@lru_cache(maxsize=1)
def _claimed() -> Select:
    """The claimed messages with their invitee and answer; built at first use (loader
    options need every model mapped). A confirmation's answer (its history row) comes with
    it, not in a query of its own."""
    return (select(Message).where(Message.id.in_(bindparam("b_claimed", expanding=True)))
            .order_by(Message.id)
            .options(joinedload(Message.invitee).joinedload(Invitee.response),
                     joinedload(Message.response_change))
            .execution_options(populate_existing=True))


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
    result = session.execute(_RECOVER, {"b_event": event_id, "b_stale": stale})
    return result.rowcount or 0


_RECOVER = (update(Message)
            .where(Message.event_id == bindparam("b_event"),
                   Message.status == MessageStatus.SENDING,
                   Message.claimed_at < bindparam("b_stale"))
            .values(status=MessageStatus.QUEUED, maybe_duplicate=True, claimed_at=None)
            .execution_options(synchronize_session=False))
