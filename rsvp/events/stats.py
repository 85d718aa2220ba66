"""Where an event stands, counted in the database."""

from dataclasses import asdict, dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.responses.models import Answer, Response


@dataclass(frozen=True)
class EventStats:
    invited: int
    sent: int
    failed: int
    accepted: int
    declined: int
    #: Wanted to come when the event was full; not counted in headcount.
    waitlisted: int
    no_response: int
    guests: int
    #: Accepted invitees plus their guests: the people who will come.
    headcount: int
    capacity: int | None

    def as_dict(self) -> dict[str, int | None]:
        return asdict(self)

    @property
    def response_rate(self) -> float:
        answered = self.accepted + self.declined + self.waitlisted
        return answered / self.invited if self.invited else 0.0


def event_stats(session: Session, event: Event) -> EventStats:
    """Count invitees, deliveries and answers with three aggregate queries."""
    invited = session.scalar(
        select(func.count()).select_from(Invitee).where(Invitee.event_id == event.id)) or 0
    sent, failed = session.execute(
        select(
            func.count(case((Message.status == MessageStatus.SENT, 1))),
            func.count(case((Message.status == MessageStatus.FAILED, 1))),
        # The first invitation per invitee; resends from the dashboard are logged beside it.
        ).where(Message.event_id == event.id, Message.dedup_key == MessageKind.INVITATION.value)
    ).one()
    accepted, declined, waitlisted, guests = session.execute(
        select(
            func.count(case((Response.answer == Answer.ACCEPTED, 1))),
            func.count(case((Response.answer == Answer.DECLINED, 1))),
            func.count(case((Response.answer == Answer.WAITLISTED, 1))),
            func.coalesce(func.sum(case((Response.answer == Answer.ACCEPTED, Response.guests))), 0),
        ).where(Response.event_id == event.id)
    ).one()
    # Invitees removed after the retention period live on as anonymous counts.
    kept = event.purged_counts or {}
    invited += kept.get("invited", 0)
    accepted += kept.get("accepted", 0)
    declined += kept.get("declined", 0)
    waitlisted += kept.get("waitlisted", 0)
    guests += kept.get("guests", 0)
    return EventStats(
        invited=invited, sent=sent, failed=failed, accepted=accepted, declined=declined,
        waitlisted=waitlisted, no_response=invited - accepted - declined - waitlisted,
        guests=guests, headcount=accepted + guests,
        capacity=event.capacity,
    )
