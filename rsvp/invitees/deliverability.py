"""Whether an invitee's address takes mail: the one mark a bounce and a refusal both set.

An invitee marked undeliverable (``bounced_at`` set, the server's words in
``bounce_reason``) gets no bulk mail until the address is changed; changing it clears the
mark (``Invitee._fold_email``).
"""

from datetime import datetime

from sqlalchemy import Connection, update
from sqlalchemy.orm import Session

from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message

#: The longest reason kept (the column's length).
REASON_LENGTH = 1000


def mark_undeliverable(db: Session | Connection, invitee_id: int, reason: str, at: datetime,
                       *, message_id: int | None = None) -> None:
    """Mark the invitee's address undeliverable with the server's ``reason``, and the message
    that showed it (if any) bounced at ``at``. The caller commits.

    Written as two UPDATEs so that the delivery loop can put them on its own connection, in
    the transaction that fails the message: one is never kept without the other.
    """
    db.execute(update(Invitee).where(Invitee.id == invitee_id)
               .values(bounced_at=at, bounce_reason=reason[:REASON_LENGTH]))
    if message_id is not None:
        db.execute(update(Message).where(Message.id == message_id).values(bounced_at=at))
