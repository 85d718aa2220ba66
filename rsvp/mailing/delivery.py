"""Delivering queued messages: claim, render, hand over, record.

One code path for the CLI, the views and the Celery workers; they differ only in who calls
``deliver_due``. A message moves queued -> sending -> sent (or failed). Each sender first
claims a batch in the database (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite lets one
writer in at a time), then per message: marks it ``sending`` and commits, hands it to the
SMTP server, and keeps the server's verdict. That verdict is written and committed in the
same transaction as the next message's ``sending`` mark, once that message is rendered (the
batch's last one on its own), so a message costs one commit, no write lock is held while
rendering, and at most one accepted message is ever waiting for its commit. On SQLite the
senders queue for those writes (``rsvp.mailing.sqlite_write_lock``) instead of sleeping in
SQLite's busy handler. Marking ``sending`` is a compare-and-set on the claim, so a sender
whose claim was taken over (it was too slow and counted as dead) skips the message instead of
sending it a second time.

What a refusal means (retry, and after how long; fail; also mark the invitee's address
undeliverable) is ``rsvp.mailing.retry_policy``'s decision. The undeliverable mark is written
on the same connection and in the same transaction as the message's ``failed``.

The one window left is a crash between the server's 250 and the commit of that verdict
(while the next message is being rendered; or a connection lost after the whole message
went out, before the 250 came back): that one message stays ``sending``, is requeued once
its claim times out, sent again and flagged ``maybe_duplicate`` so the organiser sees
exactly which invitees may have it twice. The next message is then still ``queued``: it was
not handed to the server before the commit.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import Connection, Update, bindparam, func, select, update
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm.attributes import set_committed_value

from rsvp.bounces.verp import return_path
from rsvp.calendar import CANCEL, ICS_MIMETYPE
from rsvp.dbtypes import utcnow
from rsvp.events.models import Event
from rsvp.invitees.deliverability import REASON_LENGTH, mark_undeliverable
from rsvp.mailing.claims import Claim
from rsvp.mailing.claims import claim_batch as _claim
from rsvp.mailing.claims import recover_stale as _recover_stale
from rsvp.mailing.claims import release as _release
from rsvp.mailing.claims import scope as _scope
from rsvp.mailing.mime import Outgoing, build_outgoing
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.mailing.render import Attachment, RenderedMail, UnknownUpdate, render_mail
from rsvp.mailing.render_failures import failure_reason
from rsvp.mailing.retry_policy import Failure, classify, gives_up, out_of_attempts, retry_in
from rsvp.mailing.send_rate import RateLimiter, rate_limiter
from rsvp.mailing.smtp import DeliveryError, SmtpBusy, SmtpConnection, open_connection
from rsvp.mailing.sqlite_write_lock import WriteTurns
from rsvp.mailing.templates_custom import TemplateOverrideError, overrides_per_batch


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    #: Still queued after a temporary failure, to be tried again by a later run.
    deferred: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)

    def finished_all(self, message_ids: Sequence[int] | None) -> bool:
        """Whether a run limited to ``message_ids`` sent or failed every one of them for good:
        then none is left to claim, count or come back for."""
        return message_ids is not None and self.sent + self.failed >= len(set(message_ids))


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
    limiter = rate_limiter(current_app)
    # Taken once: the commits below expire the event, and reading its id would reload it.
    event_id = event.id
    # Committed with the first claim.
    _recover_stale(session, event_id, config["MAIL_CLAIM_TIMEOUT"])
    busy = 0
    while (size := _next_batch_size(report, limit, int(config["MAIL_BATCH_SIZE"]))) > 0:
        claim = _claim(session, event_id, kind, size, message_ids)
        if not claim.messages:
            if _waited_for_retry(session, event_id, kind, message_ids, wait_for_retries):
                continue
            break
        busy = _deliver_or_back_off(session, claim, report, on_progress, limiter,
                                    busy=busy, wait_for_retries=wait_for_retries)
        # An answer's confirmation is a run of its own: spare it the claim that finds nothing.
        if report.finished_all(message_ids):
            break
    if not report.finished_all(message_ids):
        report.deferred = _count_queued(session, event_id, kind, message_ids)
    return report


def _next_batch_size(report: SendReport, limit: int | None, batch_size: int) -> int:
    """How many messages the next claim takes: 0 once a run's limit is reached."""
    if limit is None:
        return batch_size
    return max(0, min(batch_size, limit - report.sent - report.failed))


def _waited_for_retry(session: Session, event_id: int, kind: MessageKind | None,
                      message_ids: Sequence[int] | None, wait_for_retries: bool) -> bool:
    """Nothing to claim now: sleep until the next deferred message is due, if the run waits
    and one is; whether it did."""
    wait = _next_retry_in(session, event_id, kind, message_ids)
    if wait is None or not wait_for_retries:
        return False
    time.sleep(wait)
    return True


def _deliver_or_back_off(session: Session, claim: Claim, report: SendReport,
                         on_progress: Callable[[int], None] | None, limiter: RateLimiter,
                         *, busy: int, wait_for_retries: bool) -> int:
    """Deliver one claim; return how many times in a row the server has been busy (0 once
    it took a batch)."""
    try:
        _deliver_batch(session, claim, report, on_progress, limiter)
    except SmtpBusy:
        # A throttled server turned the session away; its claims were given back. Come
        # back after the throttling backoff, a bounded number of times.
        config = current_app.config
        busy += 1
        if not wait_for_retries or out_of_attempts(busy, config):
            raise
        time.sleep(retry_in(Failure.THROTTLED, busy, config))
        return busy
    return 0


def _deliver_batch(session: Session, claim: Claim, report: SendReport,
                   on_progress: Callable[[int], None] | None, limiter: RateLimiter) -> None:
    """Send one claim over one connection, reopening it when the server drops it.

    The messages' states are written on a database connection of their own, held for the
    batch: committing each message through the Session cost its commit bookkeeping and a
    pool check-in, reset and check-out per message, a fifth to a third of a message's CPU
    time. The Session only reads (the rendering's lookups); the writes are mirrored onto its
    objects.
    """
    plain = session() if isinstance(session, scoped_session) else session
    # Every message's state is written with its own UPDATE and mirrored onto the object, so
    # nothing needs reloading after a commit: keep the batch loaded.
    expire_on_commit, plain.expire_on_commit = plain.expire_on_commit, False
    batch = _Batch(plain, report, on_progress)
    try:
        batch.send(claim, limiter)
    finally:
        batch.close()
        _end_reads(session)
        # Whatever stopped us (the server gone, an error), nothing unsent stays claimed.
        _release(session, claim, claim.messages[batch.done:])
        plain.expire_on_commit = expire_on_commit


class _Batch:
    """One claim on its way out: the database connection the states are written on, the SMTP
    connection, and the last message's verdict waiting for its commit."""

    def __init__(self, plain: Session, report: SendReport,
                 on_progress: Callable[[int], None] | None) -> None:
        self.writer = plain.get_bind().connect()
        self.turns = WriteTurns.for_connection(self.writer)
        self.report = report
        self.on_progress = on_progress
        self.connection: SmtpConnection | None = None
        self.done = 0
        # Written (and committed) together with the next message's "sending" mark, after
        # that message is rendered: one commit per message, and the write lock (SQLite) is
        # not held while rendering.
        self.pending: Verdict | None = None

    def send(self, claim: Claim, limiter: RateLimiter) -> None:
        self.connection = open_connection()
        with overrides_per_batch():
            for message in claim.messages:
                self._send_one(self.connection, message, claim.at, limiter)
        with self.turns.turn():
            self.write_pending()
            self.writer.commit()

    def _send_one(self, connection: SmtpConnection, message: Message, claimed_at: datetime,
                  limiter: RateLimiter) -> None:
        if connection.host is None:
            connection.reopen()
        limiter.wait()
        result = _hand_over(self.writer, self.turns, connection, message, claimed_at,
                            self.write_pending)
        self.done += 1
        if isinstance(result, Verdict):
            self.pending = result
        else:
            self._counted(message, result)

    def write_pending(self) -> None:
        if self.pending is not None:
            verdict, self.pending = self.pending, None
            self._counted(verdict.message, verdict.write(self.writer))

    def _counted(self, message: Message, outcome: MessageStatus | None) -> None:
        _count(self.report, message, outcome)
        if self.on_progress:
            self.on_progress(1)

    def close(self) -> None:
        with self.turns.turn():
            _commit_last_verdict(self.writer, self.write_pending)
        self.turns.close()
        self.writer.close()
        if self.connection is not None:
            self.connection.close()


def _end_reads(session: Session) -> None:
    """End the transaction the Session's reads began, keeping the batch's objects loaded."""
    try:
        session.commit()
    except Exception:
        session.rollback()


def _commit_last_verdict(writer: Connection, write_pending: Callable[[], None]) -> None:
    """Keep the last verdict when something went wrong after it; if the database itself
    failed, the message stays ``sending``: the documented window."""
    try:
        write_pending()
        writer.commit()
    except Exception:
        writer.rollback()


def _count(report: SendReport, message: Message, outcome: MessageStatus | None) -> None:
    if outcome == MessageStatus.SENT:
        report.sent += 1
    elif outcome == MessageStatus.FAILED:
        report.failed += 1
        report.errors.append((message.recipient, message.last_error))


@dataclass
class Verdict:
    """The server's answer to one message, not yet written to the database."""

    message: Message
    sending_since: datetime
    values: dict[str, object]
    #: The reply of a mailbox that refused for good: the invitee is marked with it.
    undeliverable: str | None = None

    def write(self, writer: Connection) -> MessageStatus:
        """Record it (unless the message was meanwhile recovered as stale); the new status."""
        if _record(writer, self.message, self.sending_since, self.values) and self.undeliverable:
            _mark_undeliverable(writer, self.message, self.undeliverable)
        return self.message.status


def _mark_undeliverable(writer: Connection, message: Message, reason: str) -> None:
    """Mark the invitee as a bounce would, in the transaction that fails the message."""
    at = utcnow()
    assert message.invitee_id is not None, "a claimed message always has its invitee"
    mark_undeliverable(writer, message.invitee_id, reason, at, message_id=message.id)
    set_committed_value(message, "bounced_at", at)
    if message.invitee is not None:
        set_committed_value(message.invitee, "bounced_at", at)
        set_committed_value(message.invitee, "bounce_reason", reason[:REASON_LENGTH])


def _hand_over(writer: Connection, turns: WriteTurns, connection: SmtpConnection,
               message: Message, claimed_at: datetime | None,
               write_earlier: Callable[[], None]) -> MessageStatus | Verdict | None:
    """Render, mark ``sending`` (committed on ``writer`` in this sender's turn, with
    ``write_earlier``'s writes) and send one message; returns the server's verdict to write,
    or the final status if it was not sent (None: the claim no longer holds)."""
    try:
        outgoing = _outgoing(message)
    except (UnknownUpdate, TemplateOverrideError) as error:
        # The organiser's text cannot be rendered for this invitee: the batch goes on.
        with turns.turn():
            write_earlier()
            _compare_and_set(writer, message, MessageStatus.QUEUED, ANY_CLAIM, {
                "status": MessageStatus.FAILED, "last_error": failure_reason(message, error),
                "recipient": message.recipient or _address(message), "claimed_at": None})
            writer.commit()
        return message.status
    sending_since = utcnow()
    with turns.turn():
        write_earlier()
        marked = _mark_sending(writer, message, outgoing, claimed_at, sending_since)
        writer.commit()
    if not marked:
        return None
    try:
        connection.deliver_bytes(return_path(message.id), outgoing.recipients, outgoing.data)
    except DeliveryError as error:
        verdict = _refused(message, sending_since, error)
    else:
        verdict = Verdict(message, sending_since, {
            "status": MessageStatus.SENT, "sent_at": utcnow(), "last_error": "",
            "next_attempt_at": None, "claimed_at": None})
    if message.kind is MessageKind.WITHDRAWAL and verdict.values["status"] != MessageStatus.QUEUED:
        verdict.values |= _forget_rendering(message)
    return verdict


def _refused(message: Message, sending_since: datetime, error: DeliveryError) -> Verdict:
    """The verdict on a refusal; a mailbox that refused for good marks the invitee too."""
    failure = classify(error)
    values = {**_failure_values(message, error, failure), "claimed_at": None}
    mailbox = failure is Failure.MAILBOX
    return Verdict(message, sending_since, values, str(error) if mailbox else None)


def _address(message: Message) -> str:
    return message.invitee.email if message.invitee is not None else ""


def _outgoing(message: Message) -> Outgoing:
    """The message's bytes: rendered now, or as kept when it was queued (a withdrawal)."""
    if message.kind is MessageKind.WITHDRAWAL:
        return _kept_outgoing(message)
    invitee = message.invitee
    assert invitee is not None, "a claimed message always has its invitee"
    rendered = render_mail(invitee, message.kind, change=message.response_change,
                           update_round=message.update_round)
    return build_outgoing(invitee, rendered)


def _kept_outgoing(message: Message) -> Outgoing:
    """A withdrawal as rendered when queued: the person may have been erased since."""
    if message.calendar_ics is None or not message.recipient:
        raise UnknownUpdate("the withdrawal's rendering is gone")
    calendar = Attachment(f"{message.event.slug}.ics", f"{ICS_MIMETYPE}; method={CANCEL}",
                          message.calendar_ics.encode("utf-8"))
    rendered = RenderedMail(subject=message.subject, text=message.body_text,
                            html=message.body_html, attachments=(calendar,))
    name = message.invitee.full_name if message.invitee is not None else ""
    return build_outgoing(None, rendered, (name, message.recipient), event=message.event)


def _forget_rendering(message: Message) -> dict[str, object]:
    """Once a withdrawal is sent or failed, the kept file goes; and, for a person erased
    meanwhile, everything that names them, as the erasure promised."""
    values: dict[str, object] = {"calendar_ics": None}
    if message.invitee_id is None:
        values |= {"recipient": "", "subject": "", "body_text": "", "body_html": "",
                   "message_id": ""}
    return values


def _mark_sending(writer: Connection, message: Message, outgoing: Outgoing,
                  claimed_at: datetime | None, now: datetime) -> bool:
    """Queued -> sending, only if our claim still holds; records what goes out."""
    values = {
        "status": MessageStatus.SENDING, "attempts": message.attempts + 1, "claimed_at": now,
        "message_id": outgoing.message_id, "recipient": outgoing.address,
        "subject": outgoing.rendered.subject, "body_text": outgoing.rendered.text,
        "body_html": outgoing.rendered.html, "updated_at": now,
    }
    return _compare_and_set(writer, message, MessageStatus.QUEUED, claimed_at, values)


def _record(writer: Connection, message: Message, sending_since: datetime,
            values: dict[str, object]) -> bool:
    """Write the server's verdict, unless the message was meanwhile recovered as stale."""
    values["updated_at"] = utcnow()
    return _compare_and_set(writer, message, MessageStatus.SENDING, sending_since, values)


#: ``_compare_and_set`` without a condition on the claim.
ANY_CLAIM = object()


def _compare_and_set(writer: Connection, message: Message, status: MessageStatus,
                     claimed_at: datetime | object | None, values: dict[str, object]) -> bool:
    """Write ``values`` if the message still has ``status`` and the claim ``claimed_at``
    (None: unclaimed; ANY_CLAIM: whichever); mirror them onto the object."""
    mode = "any" if claimed_at is ANY_CLAIM else "none" if claimed_at is None else "held"
    statement = _compare_and_set_statement(mode, tuple(values))
    params = {**values, "_id": message.id, "_status": status, "_claimed_at": claimed_at}
    # A statement built once per shape, with bound parameters, on the connection: building
    # an UPDATE per call through the ORM cost ~1.5 ms of SQLAlchemy, twice per message.
    result = writer.execute(statement, params)
    if result.rowcount != 1:
        return False
    for key, value in values.items():
        set_committed_value(message, key, value)
    return True


@lru_cache(maxsize=64)
def _compare_and_set_statement(mode: str, keys: tuple[str, ...]) -> Update:
    table = Message.__table__
    conditions = [table.c.id == bindparam("_id"), table.c.status == bindparam("_status")]
    if mode == "held":
        conditions.append(table.c.claimed_at == bindparam("_claimed_at"))
    elif mode == "none":
        conditions.append(table.c.claimed_at.is_(None))
    return update(table).where(*conditions).values(
        {key: bindparam(key, type_=table.c[key].type) for key in keys})


def _failure_values(message: Message, error: DeliveryError,
                    failure: Failure) -> dict[str, object]:
    """Failed for good (permanent, or out of attempts) or queued again after the backoff the
    retry policy says. The batch goes on with the next message."""
    config = current_app.config
    values: dict[str, object] = {"last_error": str(error)[:2000]}
    if error.uncertain:
        values["maybe_duplicate"] = True
    if gives_up(failure, message.attempts, config):
        values["status"] = MessageStatus.FAILED
        return values
    values["status"] = MessageStatus.QUEUED
    values["next_attempt_at"] = utcnow() + timedelta(
        seconds=retry_in(failure, message.attempts, config))
    return values


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


def unfinished_retry_in(session: Session, event_id: int, message_ids: Sequence[int],
                        report: SendReport | None = None) -> float | None:
    """Seconds until some of these messages, not yet sent or failed, can be tried again.

    None when every one is final: known without asking the database when ``report``, of the
    run that just had them, sent or failed them all. Counts deferred retries and claims held
    by other senders (they may have died: their claims become free after MAIL_CLAIM_TIMEOUT).
    """
    if report is not None and report.finished_all(message_ids):
        return None
    timeout = timedelta(seconds=float(current_app.config["MAIL_CLAIM_TIMEOUT"]))
    rows = session.execute(
        select(Message.claimed_at, Message.next_attempt_at)
        .where(*_scope(event_id, None, message_ids),
               Message.status.in_([MessageStatus.QUEUED, MessageStatus.SENDING]))
    ).all()
    if not rows:
        return None
    now = utcnow()
    moments = [claimed + timeout if claimed else (retry or now) for claimed, retry in rows]
    return max(0.0, (min(moments) - now).total_seconds()) + 0.05


def _count_queued(session: Session, event_id: int, kind: MessageKind | None,
                  message_ids: Sequence[int] | None) -> int:
    return session.scalar(
        select(func.count()).select_from(Message)
        .where(*_scope(event_id, kind, message_ids), Message.status == MessageStatus.QUEUED)
    ) or 0
