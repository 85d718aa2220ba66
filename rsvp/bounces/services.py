"""Taking in bounces: the invitee is marked bounced with the reason and skipped by reminders."""

import mailbox
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rsvp.bounces.dsn import Bounce, parse_bounce
from rsvp.bounces.verp import message_id_from_return_path
from rsvp.dbtypes import utcnow
from rsvp.invitees.deliverability import mark_undeliverable
from rsvp.invitees.emails import email_key
from rsvp.mailing.models import Message


@dataclass
class BounceReport:
    #: (recipient, reason) of every invitee newly marked bounced.
    marked: list[tuple[str, str]] = field(default_factory=list)
    delayed: int = 0
    #: Bounces we could not tie to one of our messages; named so a person can look.
    unmatched: list[str] = field(default_factory=list)
    not_bounces: int = 0


def read_messages(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, raw bytes) of each message in a file, a Maildir, or a folder of .eml files."""
    if path.is_file():
        yield path.name, path.read_bytes()
    elif (path / "cur").is_dir() or (path / "new").is_dir():
        box = mailbox.Maildir(str(path), factory=None, create=False)
        for key in box.iterkeys():
            yield key, box.get_bytes(key)
    else:
        for item in sorted(path.iterdir()):
            if item.is_file():
                yield item.name, item.read_bytes()


def ingest_bounces(session: Session, messages: Iterable[tuple[str, bytes]]) -> BounceReport:
    """Mark the invitees whose mail bounced permanently. The caller commits."""
    report = BounceReport()
    for name, raw in messages:
        bounces = parse_bounce(raw)
        if not bounces:
            report.not_bounces += 1
        for bounce in bounces:
            if not bounce.permanent:
                report.delayed += 1
                continue
            logged = _logged_message(session, bounce)
            if logged is None or logged.invitee is None:
                report.unmatched.append(f"{name}: {bounce.recipient}")
                continue
            _mark(session, logged, bounce, report)
    session.flush()
    return report


def _logged_message(session: Session, bounce: Bounce) -> Message | None:
    """The message by its VERP return path; failing that, by the Message-ID it quoted."""
    for address in bounce.return_paths:
        message_id = message_id_from_return_path(address)
        if message_id is not None:
            return session.get(Message, message_id)
    if bounce.original_message_id:
        logged = session.scalar(select(Message).where(
            Message.message_id == bounce.original_message_id))
        if logged is not None and logged.invitee is not None and (
                email_key(logged.invitee.email) == email_key(bounce.recipient)):
            return logged
    return None


def _mark(session: Session, logged: Message, bounce: Bounce, report: BounceReport) -> None:
    invitee = logged.invitee
    assert invitee is not None
    if invitee.bounced_at is None:
        report.marked.append((invitee.email, bounce.reason))
    mark_undeliverable(session, invitee.id, bounce.reason, utcnow(), message_id=logged.id)
