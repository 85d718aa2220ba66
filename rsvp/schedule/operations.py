"""Planned sends as use cases: planning one, taking one off, and running what is due.

`rsvp tick`, the Celery beat task and the ticker thread beside `rsvp run` call ``run_due``,
commit, and hand each Outcome to rsvp.mailing.dispatch; the planned send queues through
``send_kind``/``send_group_message``, the same operations as `rsvp send`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rsvp.dbtypes import utcnow
from rsvp.events.models import Event
from rsvp.mailing.kinds import Audience, MessageKind
from rsvp.mailing.operations import send_group_message, send_kind, stranded_answer_messages
from rsvp.mailing.services import AudienceError, due_condition
from rsvp.mailing.templates_custom import TemplateOverrideError
from rsvp.outcome import SYSTEM, Agent, Outcome
from rsvp.schedule import services
from rsvp.schedule.models import PlannedSend, PlanRun, PlanState
from rsvp.schedule.services import PlanSpec, ScheduleError


def plan_send(session: Session, event: Event, spec: PlanSpec, *, by: Agent) -> PlannedSend:
    """Put a checked planned send on the event's plan (raises ScheduleError)."""
    if event.cancelled:
        raise ScheduleError(_l("The event is cancelled: nothing more can be planned."))
    try:
        due_condition(spec.kind, spec.audience, spec.tag, update_round_id=0)
    except AudienceError as exc:
        if spec.kind is not MessageKind.UPDATE:
            raise ScheduleError(str(exc)) from None
    if spec.kind is MessageKind.UPDATE and not (spec.subject and spec.body.strip()):
        raise ScheduleError(_l("A planned update needs a subject and a text."))
    return services.add_planned(session, event, spec)


def unplan_send(session: Session, event: Event, plan_id: int, *, by: Agent) -> PlannedSend:
    """Take a planned send off the plan (raises ScheduleError when it is not planned)."""
    return services.cancel_planned(session, event, plan_id)


@dataclass
class TickOutcome:
    """What one tick did: an Outcome per planned send it ran, and those it marked missed; and
    the answers' messages no sender took, per event, to hand out again."""

    outcomes: list[Outcome] = field(default_factory=list)
    ran: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    stranded: list[Outcome] = field(default_factory=list)

    @property
    def stranded_count(self) -> int:
        """How many answers' messages this tick hands out again."""
        return sum(o.queued for o in self.stranded)

    @property
    def to_dispatch(self) -> list[Outcome]:
        """Everything the caller hands to the dispatcher after its commit."""
        return [*self.outcomes, *self.stranded]

    @property
    def queued(self) -> int:
        return sum(o.queued for o in self.outcomes)


def run_due(session: Session, now: datetime | None = None,
            grace: timedelta | None = None) -> TickOutcome:
    """Run every planned send that is due, once, whoever else ticks at the same time.

    Each is claimed by a conditional UPDATE (planned to running) in the caller's
    transaction; a concurrent tick's UPDATE waits for that commit (SQLite's write lock,
    PostgreSQL's row lock, which SKIP LOCKED passes by) and then finds it no longer planned.
    One past its time by more than the grace is marked missed, not sent late. An answer's
    messages that no sender took (rsvp.mailing.operations.stranded_answer_messages) come
    along, so that a killed process's confirmations still go out.
    """
    now = now or utcnow()
    grace = grace if grace is not None else _configured_grace()
    services.settle_runs(session)
    tick = TickOutcome()
    for plan, due in _candidates(session, now):
        if due < now - grace:
            if _claim(session, plan.id, PlanState.MISSED):
                tick.missed.append(plan.id)
        elif _claim(session, plan.id, PlanState.RUNNING):
            tick.outcomes.append(_run(session, plan))
            tick.ran.append(plan.id)
    tick.stranded = stranded_answer_messages(session, now)
    return tick


def _configured_grace() -> timedelta:
    return timedelta(seconds=float(current_app.config["SCHEDULE_GRACE"]))


def _candidates(session: Session, now: datetime) -> list[tuple[PlannedSend, datetime]]:
    """Planned sends due by ``now``, with their due time computed from their event now."""
    plans = session.scalars(select(PlannedSend).join(Event)
                            .where(PlannedSend.state == PlanState.PLANNED,
                                   Event.cancelled_at.is_(None))
                            .order_by(PlannedSend.id)).all()
    due = [(plan, plan.due_at(plan.event)) for plan in plans]
    return sorted(((p, d) for p, d in due if d is not None and d <= now), key=lambda pd: pd[1])


def _claim(session: Session, plan_id: int, state: PlanState) -> bool:
    """Move one planned send out of ``planned``; False when another tick has it."""
    if session.get_bind().dialect.name == "postgresql":
        locked: Sequence[int] = session.scalars(
            select(PlannedSend.id).where(PlannedSend.id == plan_id,
                                         PlannedSend.state == PlanState.PLANNED)
            .with_for_update(skip_locked=True)).all()
        if not locked:
            return False
    claimed = session.scalars(
        update(PlannedSend)
        .where(PlannedSend.id == plan_id, PlannedSend.state == PlanState.PLANNED)
        .values(state=state, settled_at=utcnow()).returning(PlannedSend.id)
        .execution_options(synchronize_session=False)).all()
    return bool(claimed)


def _run(session: Session, plan: PlannedSend) -> Outcome:
    """Queue the planned send for its audience as it is now, and record the run."""
    session.refresh(plan)
    run = PlanRun(planned_send_id=plan.id, started_at=utcnow())
    session.add(run)
    try:
        with session.begin_nested():
            outcome = _send(session, plan)
            services.mark_messages_of_run(session, run, outcome)
    except (AudienceError, TemplateOverrideError) as exc:
        # A text that no longer renders is not retried every minute: shown, not sent.
        current_app.logger.warning("planned send %s not sent: %s", plan.id, exc)
        outcome, plan.state = Outcome(plan.event_id), PlanState.MISSED
    else:
        plan.state = PlanState.DONE
    run.queued, run.finished_at = outcome.queued, utcnow()
    session.flush()
    return outcome


def _send(session: Session, plan: PlannedSend) -> Outcome:
    audience = Audience(plan.audience) if plan.audience else None
    if plan.kind is MessageKind.UPDATE:
        return send_group_message(session, plan.event, by=SYSTEM, subject=plan.subject,
                                  body=plan.body, audience=audience or Audience.ALL,
                                  tag=plan.tag)
    return send_kind(session, plan.event, plan.kind, by=SYSTEM, audience=audience,
                     tag=plan.tag)
