"""What every operation takes (who acts) and gives back (the messages it queued).

A low module: operations in every domain build on it, and the one dispatcher
(rsvp.mailing.dispatch) reads it. Nothing here imports an operation or a view.
"""

from dataclasses import dataclass, field

from rsvp.mailing.models import MessageKind
from rsvp.responses.models import Actor


@dataclass(frozen=True)
class Agent:
    """Who does an operation: the invitee, an organiser (by id) or the application itself."""

    actor: Actor
    organiser_id: int | None = None

    @classmethod
    def organiser(cls, organiser_id: int | None) -> "Agent":
        return cls(Actor.ORGANISER, organiser_id)


INVITEE = Agent(Actor.INVITEE)
SYSTEM = Agent(Actor.SYSTEM)


@dataclass
class Outcome:
    """The messages an operation queued, for its caller to hand to ``dispatch`` after commit."""

    event_id: int
    #: Messages queued one by one (confirmations, people moved up, a resend).
    message_ids: list[int] = field(default_factory=list)
    #: A bulk kind queued for a whole audience: its sender claims the rows by kind, so the
    #: ids of 100,000 invitations are not carried around.
    kind: MessageKind | None = None
    #: How many messages of ``kind`` were queued.
    bulk: int = 0
    #: Mail to organisers' accounts (AccountMessage ids): no event, no invitee.
    account_message_ids: list[int] = field(default_factory=list)

    @property
    def queued(self) -> int:
        """Every message this outcome queued."""
        return len(self.message_ids) + self.bulk + len(self.account_message_ids)

    def add(self, message_ids: list[int]) -> None:
        self.message_ids.extend(message_ids)


@dataclass
class AccountOutcome(Outcome):
    """What an account operation did: the organiser concerned and the mail it queued."""

    #: Account operations belong to no event.
    event_id: int = 0
    organiser_id: int | None = None
