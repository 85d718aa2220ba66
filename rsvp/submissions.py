"""One-time submission keys: a form that sends mail or creates something does it once.

Each such form carries a random key. The request that does the work records the key in the
same transaction as the work, under a unique constraint: a double click or a resubmitted form
finds the key taken and does nothing, and a request that fails records nothing, so its form
can be sent again.
"""

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from rsvp.dbtypes import UTCDateTime, utcnow
from rsvp.extensions import db

#: The form field that carries the key.
FIELD = "submission_key"
#: What a key looks like; anything else was not rendered by us.
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")
#: How long a used key is remembered; a form resubmitted later than this is done again.
KEY_LIFETIME = timedelta(days=1)
RESULT_URL_MAX = 2000


class FormSubmission(db.Model):
    __tablename__ = "form_submission"

    #: The random key rendered into the form; taken by the first request that did the work.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"))
    #: Where the first request led (its redirect), shown again to a repeated one.
    result_url: Mapped[str] = mapped_column(String(RESULT_URL_MAX), default="",
                                            server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<FormSubmission {self.key[:8]}…>"


def new_key() -> str:
    """A fresh key for one rendered form."""
    return secrets.token_urlsafe(24)


def claim(session: Session, key: str, organiser_id: int | None) -> bool:
    """Take the key in the current transaction; False if another request has taken it.

    The insert is flushed at once, before the work: a concurrent request with the same key
    waits on the unique constraint until this transaction ends, and then fails here.
    """
    session.add(FormSubmission(key=key, organiser_id=organiser_id))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    return True


def result_of(session: Session, key: str) -> str:
    """Where the request that took the key led; empty if it is not known (yet)."""
    row = session.get(FormSubmission, key)
    return row.result_url if row is not None else ""


def remember_result(session: Session, key: str, result_url: str) -> None:
    """After the work: note where it led and forget expired keys, in a short transaction.

    Anything the request left uncommitted is dropped first, as the end of the request would:
    a key whose work was not committed stays free, and this update then finds no row.
    """
    session.rollback()
    if len(result_url) <= RESULT_URL_MAX:
        session.execute(update(FormSubmission).where(FormSubmission.key == key)
                        .values(result_url=result_url))
    purge_expired_keys(session)
    session.commit()


def purge_expired_keys(session: Session, now: datetime | None = None) -> int:
    """Forget keys older than KEY_LIFETIME; cheap, as the index on created_at finds them."""
    cutoff = (now or utcnow()) - KEY_LIFETIME
    result = session.execute(delete(FormSubmission).where(FormSubmission.created_at < cutoff))
    return result.rowcount or 0  # type: ignore[attr-defined]
