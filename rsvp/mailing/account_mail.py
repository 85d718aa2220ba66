"""Sending the mail queued for organisers' accounts (AccountMessage rows), once each."""

import threading
from collections.abc import Sequence

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from rsvp.auth.models import AccountMessage
from rsvp.dbtypes import utcnow
from rsvp.extensions import db
from rsvp.mailing.mime import build_account_outgoing
from rsvp.mailing.smtp import DeliveryError, SmtpUnavailable, open_connection


def queue_account_message(session: Session, organiser_id: int, address: str, subject: str,
                          text: str) -> int:
    """Queue one mail to an organiser; returns its id for the dispatcher."""
    row = AccountMessage(organiser_id=organiser_id, recipient=address, subject=subject,
                         body_text=text)
    session.add(row)
    session.flush()
    return row.id


def _send(row: AccountMessage) -> None:
    outgoing = build_account_outgoing(row.recipient, row.subject, row.body_text)
    try:
        connection = open_connection()
        try:
            connection.deliver_bytes(outgoing.envelope_from, outgoing.recipients, outgoing.data)
        finally:
            connection.close()
    except (SmtpUnavailable, DeliveryError) as exc:
        row.status, row.error = "failed", str(exc)[:2000]
    else:
        row.status, row.sent_at = "sent", utcnow()
    # The link in the text is a password: once handed over (or given up) it is not kept.
    row.body_text = ""


def deliver_account_messages(session: Session, ids: Sequence[int]) -> None:
    """Send these queued account mails now, each once (a row no longer queued is skipped)."""
    rows = session.scalars(select(AccountMessage).where(
        AccountMessage.id.in_(list(ids)), AccountMessage.status == "queued")
        .with_for_update(skip_locked=True))
    for row in rows:
        _send(row)
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
