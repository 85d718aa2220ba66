"""Planned sends: reading what an organiser wrote, listing, the timeline and run figures.

Nothing here queues mail: rsvp.schedule.operations runs what is due through the send
operation everyone else uses.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from rsvp.dbtypes import utcnow
from rsvp.durations import InvalidDuration, format_duration, parse_duration
from rsvp.events.models import EARLIEST_YEAR, LATEST_YEAR, Event
from rsvp.mailing.kinds import Audience, MessageKind
from rsvp.mailing.models import Message, MessageStatus
from rsvp.outcome import Outcome
from rsvp.schedule.models import PLANNABLE_KINDS, Anchor, PlannedSend, PlanRun, PlanState

#: The keys of a `[[schedule]]` entry; exactly one of the time keys.
TIME_KEYS = {"at": None, "before_deadline": Anchor.DEADLINE, "before_start": Anchor.START,
             "after_end": Anchor.END}
SPEC_KEYS = {"kind", "to", "tag", "subject", "body", *TIME_KEYS}
#: Why a planned send can no longer be taken off the plan, a whole sentence per state: the
#: state's word alone, put into one sentence, stayed English in the German interface.
SETTLED = {
    PlanState.RUNNING: _l("This planned send is being sent right now."),
    PlanState.DONE: _l("This planned send has been sent already."),
    PlanState.MISSED: _l("This planned send was missed already: its time passed unsent."),
    PlanState.CANCELLED: _l("This planned send was taken off the plan already."),
}


class ScheduleError(ValueError):
    """A planned send that cannot be: bad kind, time or duration; said in the page's language."""

    def __init__(self, message: LazyString | str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class PlanSpec:
    """A planned send as checked values, before it is stored."""

    kind: MessageKind
    audience: Audience | None = None
    tag: str | None = None
    at: datetime | None = None
    anchor: Anchor | None = None
    offset_seconds: int | None = None
    subject: str = ""
    body: str = ""


def plan_spec(raw: Mapping[str, Any], zone: ZoneInfo) -> PlanSpec:
    """Check one entry (the event file's, the command's, the form's); local times in ``zone``."""
    unknown = sorted(set(raw) - SPEC_KEYS)
    if unknown:
        raise ScheduleError(_l("Unknown keys in a planned send: %(keys)s", keys=", ".join(unknown)))
    times = [key for key in TIME_KEYS if raw.get(key) not in (None, "")]
    if len(times) != 1:
        raise ScheduleError(_l("A planned send needs exactly one of at, before_deadline, "
                               "before_start or after_end."))
    key = times[0]
    when = _when(key, raw[key], zone)
    return PlanSpec(kind=_kind(raw.get("kind")), audience=_audience(raw.get("to")),
                    tag=str(raw.get("tag") or "").strip() or None, **when,
                    subject=str(raw.get("subject") or "").strip(),
                    body=str(raw.get("body") or ""))


def _kind(value: Any) -> MessageKind:
    try:
        kind = MessageKind(str(value or ""))
    except ValueError:
        kind = None
    if kind not in PLANNABLE_KINDS:
        choices = ", ".join(k.value for k in PLANNABLE_KINDS)
        raise ScheduleError(_l("Unknown kind '%(kind)s': one of %(choices)s.",
                               kind=str(value or ""), choices=choices))
    return kind  # type: ignore[return-value]


def _audience(value: Any) -> Audience | None:
    if value in (None, ""):
        return None
    try:
        return Audience(str(value))
    except ValueError:
        choices = ", ".join(a.value for a in Audience)
        raise ScheduleError(_l("Unknown audience '%(to)s': one of %(choices)s.",
                               to=str(value), choices=choices)) from None


def _when(key: str, value: Any, zone: ZoneInfo) -> dict[str, Any]:
    anchor = TIME_KEYS[key]
    if anchor is None:
        return {"at": parse_local_time(value, zone)}
    try:
        delta = parse_duration(value)
    except InvalidDuration:
        raise ScheduleError(_l("Not a duration such as 7d, 2d or 12h: '%(value)s'",
                               value=str(value))) from None
    seconds = int(delta.total_seconds())
    return {"anchor": anchor, "offset_seconds": seconds if anchor is Anchor.END else -seconds}


def parse_local_time(value: Any, zone: ZoneInfo) -> datetime:
    """A date and time as written (ISO, TOML's, or a German office's 01.09.2027 09:00), read
    in ``zone`` unless it has an offset."""
    if isinstance(value, str):
        value = _parse_time_text(value.strip())
    if not isinstance(value, datetime) or not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ScheduleError(_l("Not a date and time such as 01.09.2027 09:00 or "
                               "2027-09-01T09:00."))
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _parse_time_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for layout in ("%d.%m.%Y %H:%M", "%d.%m.%Y, %H:%M"):
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    return None


def add_planned(session: Session, event: Event, spec: PlanSpec) -> PlannedSend:
    """Store a checked planned send for ``event``."""
    plan = PlannedSend(event_id=event.id, kind=spec.kind,
                       audience=spec.audience.value if spec.audience else None, tag=spec.tag,
                       at=spec.at, anchor=spec.anchor, offset_seconds=spec.offset_seconds,
                       subject=spec.subject, body=spec.body)
    session.add(plan)
    session.flush()
    return plan


def planned_sends(session: Session, event: Event) -> Sequence[PlannedSend]:
    """The event's planned sends, every state, with their runs."""
    return session.scalars(select(PlannedSend).where(PlannedSend.event_id == event.id)
                           .options(selectinload(PlannedSend.runs))
                           .order_by(PlannedSend.id)).all()


def cancel_planned(session: Session, event: Event, plan_id: int) -> PlannedSend:
    """Take a planned send off the plan; one that ran already stays in the record."""
    plan = session.get(PlannedSend, plan_id)
    if plan is None or plan.event_id != event.id:
        raise ScheduleError(_l("No planned send %(id)s for this event.", id=plan_id))
    if plan.state is not PlanState.PLANNED:
        raise ScheduleError(SETTLED[plan.state])
    plan.state, plan.settled_at = PlanState.CANCELLED, utcnow()
    session.flush()
    return plan


def cancel_all_planned(session: Session, event: Event) -> int:
    """Cancel what is still planned for a called-off event; returns how many."""
    result = session.execute(
        update(PlannedSend)
        .where(PlannedSend.event_id == event.id, PlannedSend.state == PlanState.PLANNED)
        .values(state=PlanState.CANCELLED, settled_at=utcnow())
        .execution_options(synchronize_session="fetch"))
    return result.rowcount or 0


def describe_time(plan: PlannedSend) -> str:
    """How the organiser wrote the time: "before_deadline 7d", or the instant for ``at``."""
    if plan.at is not None:
        return "at"
    key = {Anchor.DEADLINE: "before_deadline", Anchor.START: "before_start",
           Anchor.END: "after_end"}[Anchor(plan.anchor)]
    return f"{key} {format_duration(timedelta(seconds=plan.offset_seconds or 0))}"


def mark_messages_of_run(session: Session, run: PlanRun, outcome: Outcome) -> None:
    """Name ``run`` on the messages it just queued, so its sent and failed count only them.

    A bulk kind carries no ids: its rows are those of the kind this transaction queued since
    the run began, which no other send can have touched yet.
    """
    session.flush()
    plan = run.planned_send
    if outcome.kind is not None:
        mine = and_(Message.event_id == plan.event_id, Message.kind == outcome.kind,
                    Message.queued_at >= run.started_at, Message.plan_run_id.is_(None),
                    Message.status == MessageStatus.QUEUED)
        condition = or_(mine, Message.id.in_(outcome.message_ids))
    else:
        condition = Message.id.in_(outcome.message_ids)
    session.execute(update(Message).where(condition).values(plan_run_id=run.id)
                    .execution_options(synchronize_session=False))


def settle_runs(session: Session, since: timedelta = timedelta(days=7)) -> None:
    """Count what the recent runs' messages came to (sent, failed) into the run records."""
    runs = session.scalars(select(PlanRun)
                           .where(PlanRun.finished_at.is_not(None),
                                  PlanRun.started_at >= utcnow() - since,
                                  PlanRun.queued > PlanRun.sent + PlanRun.failed)).all()
    for run in runs:
        counts = dict(session.execute(
            select(Message.status, func.count()).where(Message.plan_run_id == run.id)
            .group_by(Message.status)).all())
        run.sent = counts.get(MessageStatus.SENT, 0)
        run.failed = counts.get(MessageStatus.FAILED, 0)
    session.flush()


@dataclass(frozen=True)
class SentRound:
    """What went out of one kind (an update: one round): how many, from when to when."""

    kind: MessageKind
    update_round_id: int | None
    first: datetime | None
    last: datetime | None
    sent: int
    failed: int
    waiting: int


def sent_rounds(session: Session, event: Event) -> list[SentRound]:
    """The event's mail so far, per kind and update round, in the order it first went out."""
    status = Message.status
    rows = session.execute(
        select(Message.kind, Message.update_round_id, func.min(Message.sent_at),
               func.max(Message.sent_at), func.count().filter(status == MessageStatus.SENT),
               func.count().filter(status == MessageStatus.FAILED),
               func.count().filter(status.in_([MessageStatus.QUEUED, MessageStatus.SENDING])))
        .where(Message.event_id == event.id)
        .group_by(Message.kind, Message.update_round_id)
        .order_by(func.min(Message.queued_at))).all()
    return [SentRound(*row) for row in rows]
