"""Where an event stands, counted in the database."""

from dataclasses import asdict, dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.questions.queries import counts
from rsvp.responses.models import Answer, Response


@dataclass(frozen=True)
class EventStats:
    invited: int
    #: Of the first invitations: sent and failed (resends and other kinds: failed_by_kind).
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
    #: Invitees whose address is marked undeliverable (a bounce, or a mailbox that refused).
    undeliverable: int = 0
    #: Failed messages per kind, of the kinds that have any (resends and reminders included).
    failed_by_kind: dict[str, int] = field(default_factory=dict)
    #: Accepted people per answer of each choice, multichoice and yes/no question (guests
    #: included where asked per person): {"diet": {"any": 80, "vegan": 4}}.
    questions: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def response_rate(self) -> float:
        answered = self.accepted + self.declined + self.waitlisted
        return answered / self.invited if self.invited else 0.0


def event_stats(session: Session, event: Event) -> EventStats:
    """Count invitees, deliveries and answers with five aggregate queries."""
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
    undeliverable = session.scalar(select(func.count()).select_from(Invitee).where(
        Invitee.event_id == event.id, Invitee.bounced_at.is_not(None))) or 0
    # Invitees removed after the retention period live on as anonymous counts.
    kept: dict[str, int] = event.purged_counts or {}  # type: ignore[assignment]
    invited += kept.get("invited", 0)
    accepted += kept.get("accepted", 0)
    declined += kept.get("declined", 0)
    waitlisted += kept.get("waitlisted", 0)
    guests += kept.get("guests", 0)
    return EventStats(
        invited=invited, sent=sent, failed=failed, accepted=accepted, declined=declined,
        waitlisted=waitlisted, no_response=invited - accepted - declined - waitlisted,
        guests=guests, headcount=accepted + guests,
        capacity=event.capacity, undeliverable=undeliverable,
        failed_by_kind=_failed_by_kind(session, event),
        questions=question_counts(session, event),
    )


def question_counts(session: Session, event: Event) -> dict[str, dict[str, int]]:
    """The counts per answer of the people here, plus those kept when a purge removed them."""
    figures = counts(session, event)
    kept = (event.purged_counts or {}).get("questions") or {}
    for key, numbers in kept.items():
        if key in figures:
            _add(figures[key], numbers)
    return figures


def _add(figures: dict[str, int], more: dict[str, int]) -> None:
    for answer, number in more.items():
        figures[answer] = figures.get(answer, 0) + number


def _failed_by_kind(session: Session, event: Event) -> dict[str, int]:
    """How many messages of each kind failed for good; kinds without failures left out."""
    return {kind.value: number for kind, number in session.execute(
        select(Message.kind, func.count())
        .where(Message.event_id == event.id, Message.status == MessageStatus.FAILED)
        .group_by(Message.kind).order_by(Message.kind)
    )}
