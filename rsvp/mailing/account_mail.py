"""Sending the mail queued for organisers' accounts (AccountMessage rows), once each.

A refused or unreachable server is retried as for any mail (rsvp.mailing.retry_policy:
permanent or temporary, the backoff, the number of attempts), within the sending thread: the
row has no claim or due time of its own, and a link mail is worth minutes, not days.
"""

import threading
import time
from collections.abc import Mapping, Sequence
from itertools import count
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from rsvp.auth.models import AccountMessage
from rsvp.dbtypes import utcnow
from rsvp.extensions import db
from rsvp.mailing import retry_policy
from rsvp.mailing.mime import build_account_outgoing
from rsvp.mailing.smtp import DeliveryError, SmtpBusy, SmtpUnavailable, send_now


def queue_account_message(session: Session, organiser_id: int, address: str, subject: str,
                          text: str) -> int:
    """Queue one mail to an organiser; returns its id for the dispatcher."""
    row = AccountMessage(organiser_id=organiser_id, recipient=address, subject=subject,
                         body_text=text)
    session.add(row)
    session.flush()
    return row.id


def _send(row: AccountMessage, config: Mapping[str, Any]) -> None:
    """Send one account mail, retried as rsvp.mailing.retry_policy says for any mail."""
    outgoing = build_account_outgoing(row.recipient, row.subject, row.body_text)
    for attempt in count(1):
        try:
            send_now(outgoing)
        except (SmtpUnavailable, DeliveryError) as exc:
            failure, row.error = _failure(exc), str(exc)[:2000]
            delay = _retry_in(exc, failure, attempt, config)
        else:
            row.status, row.sent_at, row.error = "sent", utcnow(), ""
            break
        if retry_policy.gives_up(failure, attempt, config):
            row.status = "failed"
            break
        time.sleep(delay)
    # The link in the text is a password: once handed over (or given up) it is not kept.
    row.body_text = ""


def _failure(exc: SmtpUnavailable | DeliveryError) -> retry_policy.Failure:
    if isinstance(exc, DeliveryError):
        return retry_policy.classify(exc)
    if isinstance(exc, SmtpBusy):
        return retry_policy.Failure.THROTTLED
    return retry_policy.Failure.TEMPORARY


def _retry_in(exc: Exception, failure: retry_policy.Failure, attempt: int,
              config: Mapping[str, Any]) -> float:
    if isinstance(exc, SmtpUnavailable) and not isinstance(exc, SmtpBusy):
        return retry_policy.unavailable_retry_in(config)
    return retry_policy.retry_in(failure, attempt, config)


def deliver_account_messages(session: Session, ids: Sequence[int]) -> None:
    """Send these queued account mails now, each once (a row no longer queued is skipped)."""
    rows = session.scalars(select(AccountMessage).where(
        AccountMessage.id.in_(list(ids)), AccountMessage.status == "queued")
        .with_for_update(skip_locked=True))
    config = current_app.config
    for row in rows:
        _send(row, config)
    session.commit()


def _deliver_in_thread(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        try:
            deliver_account_messages(db.session, ids)
        except Exception:
            app.logger.exception("account mail %s failed", ids)
        finally:
            db.session.remove()


def deliver_account_messages_soon(app: Flask, ids: Sequence[int]) -> None:
    """Send outside the request, so a page never waits for the mail server (nor shows it)."""
    thread = threading.Thread(target=_deliver_in_thread, args=(app, list(ids)),
                              name="deliver-account-mail", daemon=True)
    thread.start()
