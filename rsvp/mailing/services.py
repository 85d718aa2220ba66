"""Queueing and delivering messages: one code path for the CLI, the views and the workers.

A message moves queued -> sending -> sent (or failed). Its state is committed before it is
handed to the SMTP server and again right after the server answers, so an interrupted run
loses nothing and a re-run sends nobody the same message twice. The one window left is a
crash between the server's 250 and our commit: such a message stays "sending"; the next
run sends it again and flags it ``maybe_duplicate`` so the organiser can see it.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import make_msgid, parseaddr

import flask_mail
from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.mailing.render import RenderedMail, one_line, render_mail
from rsvp.mailing.smtp import DeliveryError, SmtpConnection, SmtpUnavailable, open_connection
from rsvp.responses.models import Response, ResponseChange

#: Kinds an invitee receives at most once; their kind is their dedup key.
ONCE_ONLY_KINDS = {MessageKind.SAVE_THE_DATE, MessageKind.INVITATION, MessageKind.REMINDER}


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    #: Still queued after a temporary failure, to be tried again by a later run.
    deferred: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)


def _already(kind: MessageKind) -> ColumnElement[bool]:
    return exists().where(Message.invitee_id == Invitee.id, Message.dedup_key == kind.value)


def due_condition(kind: MessageKind) -> ColumnElement[bool]:
    """Which invitees are due a once-only message of ``kind``."""
    condition = ~_already(kind)
    if kind is MessageKind.REMINDER:
        invited = exists().where(Message.invitee_id == Invitee.id,
                                 Message.dedup_key == MessageKind.INVITATION.value,
                                 Message.status == MessageStatus.SENT)
        answered = exists().where(Response.invitee_id == Invitee.id)
        condition = and_(condition, invited, ~answered)
    return condition


def due_invitees(session: Session, event: Event, kind: MessageKind,
                 limit: int | None = None) -> Sequence[Invitee]:
    """The invitees a send of ``kind`` would write to now (for --dry-run and previews)."""
    query = (select(Invitee).where(Invitee.event_id == event.id, due_condition(kind))
             .order_by(Invitee.id).limit(limit))
    return session.scalars(query).all()


def queue_messages(session: Session, event: Event, kind: MessageKind,
                   limit: int | None = None) -> int:
    """Queue ``kind`` for every invitee due it; returns how many were queued."""
    if kind not in ONCE_ONLY_KINDS:
        raise ValueError(f"{kind} is not sent in bulk")
    now = utcnow()
    constants = [literal(kind.value), literal(kind.value),
                 literal(MessageStatus.QUEUED.value),
                 literal(0), *(literal("") for _ in range(6)), literal(False),
                 literal(now, UTCDateTime), literal(now, UTCDateTime)]
    due = (
        select(Invitee.event_id, Invitee.id, *constants)
        .where(Invitee.event_id == event.id, due_condition(kind))
        .order_by(Invitee.id).limit(limit)
    )
    columns = ["event_id", "invitee_id", "kind", "dedup_key", "status", "attempts", "last_error",
               "message_id", "recipient", "subject", "body_text", "body_html", "maybe_duplicate",
               "queued_at", "updated_at"]
    dialect = session.get_bind().dialect.name
    insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert_(Message).from_select(columns, due).on_conflict_do_nothing()
    result = session.execute(statement)
    session.flush()
    return result.rowcount or 0


def queue_message(session: Session, invitee: Invitee, kind: MessageKind,
                  dedup_key: str | None) -> Message:
    """Queue one message for one invitee (confirmations, resends)."""
    message = Message(event_id=invitee.event_id, invitee_id=invitee.id, kind=kind,
                      dedup_key=dedup_key)
    session.add(message)
    session.flush()
    return message


def queue_confirmation(session: Session, invitee: Invitee, change: ResponseChange) -> Message:
    """Queue the confirmation of one recorded answer; one per history row, never two."""
    return queue_message(session, invitee, MessageKind.CONFIRMATION, f"confirmation:{change.id}")


def deliver_due(
    session: Session,
    event: Event,
    *,
    kind: MessageKind | None = None,
    limit: int | None = None,
    message_ids: Sequence[int] | None = None,
    wait_for_retries: bool = True,
    on_progress: Callable[[int], None] | None = None,
) -> SendReport:
    """Send the event's queued messages over one SMTP connection per batch.

    Commits as it goes. Temporary failures are retried with backoff until MAIL_MAX_ATTEMPTS;
    with ``wait_for_retries`` the call waits for those retries instead of leaving them queued.
    Raises SmtpUnavailable when the server cannot be reached at all; nothing is lost then.
    """
    config = current_app.config
    report = SendReport()
    _recover_stale(session, event.id, config["MAIL_CLAIM_TIMEOUT"])
    batch_size = int(config["MAIL_BATCH_SIZE"])
    while limit is None or report.sent + report.failed < limit:
        left = None if limit is None else limit - report.sent - report.failed
        size = batch_size if left is None else min(batch_size, left)
        batch = _claim(session, event.id, kind, size, message_ids)
        if not batch:
            wait = _next_retry_in(session, event.id, kind, message_ids)
            if wait is None or not wait_for_retries:
                break
            time.sleep(wait)
            continue
        _deliver_batch(session, batch, report, on_progress)
    report.deferred = _count_queued(session, event.id, kind, message_ids)
    return report


def _deliver_batch(session: Session, batch: Sequence[Message], report: SendReport,
                   on_progress: Callable[[int], None] | None) -> None:
    try:
        connection = open_connection()
    except SmtpUnavailable:
        # Nothing was handed over: give the claims back so the next run can start at once.
        _release(session, batch)
        raise
    try:
        for message in batch:
            outcome = deliver_one(session, connection, message)
            if outcome == MessageStatus.SENT:
                report.sent += 1
            elif outcome == MessageStatus.FAILED:
                report.failed += 1
                report.errors.append((message.recipient, message.last_error))
            if on_progress:
                on_progress(1)
            if connection.host is None:
                connection.reopen()
    finally:
        connection.close()


def deliver_one(session: Session, connection: SmtpConnection, message: Message) -> MessageStatus:
    """Render, record, send and record again one claimed message; returns its new status."""
    invitee = message.invitee
    assert invitee is not None, "a claimed message always has its invitee"
    rendered = render_mail(invitee, message.kind)
    mail_message = build_message(invitee, rendered)
    now = utcnow()
    message.status = MessageStatus.SENDING
    message.attempts += 1
    message.claimed_at = now
    message.message_id = mail_message.msgId.strip("<>")
    message.recipient = invitee.email
    message.subject, message.body_text, message.body_html = (
        rendered.subject, rendered.text, rendered.html)
    session.commit()
    try:
        connection.deliver(mail_message, envelope_from=_sender_address())
    except DeliveryError as error:
        _record_failure(message, error)
    else:
        message.status = MessageStatus.SENT
        message.sent_at = utcnow()
        message.last_error = ""
    message.claimed_at = None
    session.commit()
    return message.status


def _record_failure(message: Message, error: DeliveryError) -> None:
    config = current_app.config
    message.last_error = str(error)[:2000]
    if error.permanent or message.attempts >= int(config["MAIL_MAX_ATTEMPTS"]):
        message.status = MessageStatus.FAILED
        return
    delay = min(float(config["MAIL_RETRY_BASE"]) * 2 ** (message.attempts - 1),
                float(config["MAIL_RETRY_MAX"]))
    message.status = MessageStatus.QUEUED
    message.next_attempt_at = utcnow() + timedelta(seconds=delay)


def build_message(invitee: Invitee, rendered: RenderedMail) -> flask_mail.Message:
    """A multipart/alternative message with text and HTML, ready for SMTP."""
    event = invitee.event
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    reply_to = None
    if event.contact_email:
        reply_to = (one_line(event.contact_name), event.contact_email)
    message = flask_mail.Message(
        subject=rendered.subject,
        recipients=[(one_line(invitee.full_name), invitee.email)],
        body=rendered.text,
        html=rendered.html,
        sender=sender,
        reply_to=reply_to,
        date=time.time(),
    )
    message.msgId = make_msgid(domain=_sender_address().rpartition("@")[2] or None)
    return message


def _sender_address() -> str:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    if isinstance(sender, (tuple, list)):
        return sender[1]
    return parseaddr(sender)[1]


def _scope(event_id: int, kind: MessageKind | None,
           message_ids: Sequence[int] | None) -> list[ColumnElement[bool]]:
    conditions = [Message.event_id == event_id]
    if kind is not None:
        conditions.append(Message.kind == kind)
    if message_ids is not None:
        conditions.append(Message.id.in_(message_ids))
    return conditions


def _claim(session: Session, event_id: int, kind: MessageKind | None, size: int,
           message_ids: Sequence[int] | None) -> Sequence[Message]:
    """Take up to ``size`` due messages for this sender.

    On PostgreSQL rows another worker holds are skipped (FOR UPDATE SKIP LOCKED); SQLite
    lets one writer in at a time, so the same statement is a single sender's claim there.
    """
    now = utcnow()
    stale = now - timedelta(seconds=float(current_app.config["MAIL_CLAIM_TIMEOUT"]))
    candidates = (
        select(Message.id)
        .where(*_scope(event_id, kind, message_ids), Message.status == MessageStatus.QUEUED,
               or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= now),
               or_(Message.claimed_at.is_(None), Message.claimed_at < stale))
        .order_by(Message.id).limit(size).with_for_update(skip_locked=True)
    )
    claimed = session.scalars(
        update(Message).where(Message.id.in_(candidates.scalar_subquery()))
        .values(claimed_at=now).returning(Message.id)
        .execution_options(synchronize_session=False)
    ).all()
    session.commit()
    if not claimed:
        return []
    return session.scalars(
        select(Message).where(Message.id.in_(claimed)).order_by(Message.id)
        .options(joinedload(Message.invitee).joinedload(Invitee.event),
                 joinedload(Message.invitee).joinedload(Invitee.response))
    ).all()


def _release(session: Session, batch: Sequence[Message]) -> None:
    session.execute(
        update(Message)
        .where(Message.id.in_([m.id for m in batch]), Message.status == MessageStatus.QUEUED)
        .values(claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def _recover_stale(session: Session, event_id: int, timeout: float) -> int:
    """Requeue messages whose sender died while the server had them: they may arrive twice."""
    stale = utcnow() - timedelta(seconds=float(timeout))
    result = session.execute(
        update(Message)
        .where(Message.event_id == event_id, Message.status == MessageStatus.SENDING,
               Message.claimed_at < stale)
        .values(status=MessageStatus.QUEUED, maybe_duplicate=True, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount or 0


def _next_retry_in(session: Session, event_id: int, kind: MessageKind | None,
                   message_ids: Sequence[int] | None) -> float | None:
    """Seconds until the next deferred message is due, or None if nothing waits."""
    earliest = session.scalar(
        select(func.min(Message.next_attempt_at))
        .where(*_scope(event_id, kind, message_ids), Message.status == MessageStatus.QUEUED,
               Message.claimed_at.is_(None))
    )
    if earliest is None:
        return None
    return max(0.0, (earliest - utcnow()).total_seconds()) + 0.01


def _count_queued(session: Session, event_id: int, kind: MessageKind | None,
                  message_ids: Sequence[int] | None) -> int:
    return session.scalar(
        select(func.count()).select_from(Message)
        .where(*_scope(event_id, kind, message_ids), Message.status == MessageStatus.QUEUED)
    ) or 0
