"""`rsvp tick`: what is due goes once, what is not waits, what is late is missed."""

from datetime import timedelta

from sqlalchemy import select

from rsvp.dbtypes import utcnow
from rsvp.events.operations import cancel_event, update_event
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind
from rsvp.mailing.services import queue_message
from rsvp.outcome import SYSTEM
from rsvp.schedule.models import PlannedSend, PlanRun, PlanState
from tests.schedule.conftest import reminders, start_rsvp


def plan(runner, event, *args: str) -> None:
    result = runner.invoke(args=["schedule", "add", event.slug, *args])
    assert result.exit_code == 0, result.output


def state_of_plans() -> list[PlanState]:
    db.session.expire_all()
    return list(db.session.scalars(select(PlannedSend.state).order_by(PlannedSend.id)))


def test_two_ticks_started_together_send_a_due_reminder_to_each_invitee_once(
        runner, invited, rsvp_env, smtp_server):
    plan(runner, invited, "--kind", "reminder", "--before-deadline", "7d")
    ticks = [start_rsvp(rsvp_env, "tick") for _ in range(2)]
    outputs = [t.communicate(timeout=60)[0] for t in ticks]
    assert [t.returncode for t in ticks] == [0, 0], outputs
    assert reminders(smtp_server) == [f"person{i}@example.org" for i in (1, 2, 3)]
    assert sorted(o.count("1 planned sends ran") for o in outputs) == [0, 1], outputs
    assert state_of_plans() == [PlanState.DONE]


def test_a_tick_after_the_run_sends_nothing_again(runner, invited, smtp_server):
    plan(runner, invited, "--kind", "reminder", "--before-deadline", "7d")
    runner.invoke(args=["tick"])
    runner.invoke(args=["tick"])
    assert len(reminders(smtp_server)) == 3
    run = db.session.scalars(select(PlanRun)).one()
    assert (run.queued, run.sent, run.failed) == (3, 3, 0)


def test_a_reminder_planned_for_later_is_not_sent(runner, invited, smtp_server):
    plan(runner, invited, "--kind", "reminder", "--before-deadline", "6d")
    result = runner.invoke(args=["tick"])
    assert "0 planned sends ran" in result.output
    assert reminders(smtp_server) == []
    assert state_of_plans() == [PlanState.PLANNED]


def test_a_later_deadline_moves_a_relative_reminder_with_it(runner, invited, smtp_server):
    plan(runner, invited, "--kind", "reminder", "--before-deadline", "7d")
    update_event(db.session, invited, {"rsvp_deadline": invited.rsvp_deadline + timedelta(days=3)},
                 by=SYSTEM)
    db.session.commit()
    runner.invoke(args=["tick"])
    assert reminders(smtp_server) == []
    update_event(db.session, invited, {"rsvp_deadline": utcnow() + timedelta(days=7)}, by=SYSTEM)
    db.session.commit()
    runner.invoke(args=["tick"])
    assert len(reminders(smtp_server)) == 3


def test_the_reminder_goes_only_to_who_has_not_answered_when_it_runs(runner, invited,
                                                                      smtp_server):
    plan(runner, invited, "--kind", "reminder", "--before-deadline", "7d")
    runner.invoke(args=["answers", "import", invited.slug, _answers_file(runner)])
    smtp_server.clear()
    runner.invoke(args=["tick"])
    assert reminders(smtp_server) == ["person2@example.org", "person3@example.org"]


def _answers_file(runner) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write("email,answer\nperson1@example.org,yes\n")
    return f.name


def test_a_send_past_its_grace_is_marked_missed_and_not_sent(runner, invited, smtp_server):
    late = (utcnow() - timedelta(hours=7)).astimezone(invited.zone)
    plan(runner, invited, "--kind", "reminder", "--at", late.strftime("%Y-%m-%dT%H:%M"))
    result = runner.invoke(args=["tick"])
    assert "1 planned sends missed" in result.output
    assert reminders(smtp_server) == []
    assert state_of_plans() == [PlanState.MISSED]
    listed = runner.invoke(args=["schedule", "list", invited.slug]).output
    assert "(missed)" in listed


def test_a_send_late_within_the_grace_still_goes(runner, invited, smtp_server):
    late = (utcnow() - timedelta(hours=5)).astimezone(invited.zone)
    plan(runner, invited, "--kind", "reminder", "--at", late.strftime("%Y-%m-%dT%H:%M"))
    runner.invoke(args=["tick"])
    assert len(reminders(smtp_server)) == 3


def test_cancelling_the_event_cancels_its_planned_sends(runner, invited, smtp_server):
    plan(runner, invited, "--kind", "reminder", "--before-deadline", "7d")
    cancel_event(db.session, invited, by=SYSTEM, notify=False)
    db.session.commit()
    runner.invoke(args=["tick"])
    assert reminders(smtp_server) == []
    assert state_of_plans() == [PlanState.CANCELLED]


def test_a_removed_planned_send_is_not_sent(runner, invited, smtp_server):
    plan(runner, invited, "--kind", "reminder", "--before-deadline", "7d")
    plan_id = db.session.scalar(select(PlannedSend.id))
    result = runner.invoke(args=["schedule", "remove", invited.slug, str(plan_id)])
    assert result.exit_code == 0, result.output
    runner.invoke(args=["tick"])
    assert reminders(smtp_server) == []


def test_the_messages_a_run_queued_name_that_run(runner, invited, smtp_server):
    plan(runner, invited, "--kind", "reminder", "--before-deadline", "7d")
    runner.invoke(args=["tick"])
    run = db.session.scalars(select(PlanRun)).one()
    named = db.session.scalars(select(Message.plan_run_id).where(
        Message.kind == MessageKind.REMINDER)).all()
    assert named == [run.id] * 3


def test_a_run_counts_only_its_own_messages_not_a_later_resend_of_the_kind(
        runner, invited, smtp_server):
    plan(runner, invited, "--kind", "reminder", "--before-deadline", "7d")
    runner.invoke(args=["tick"])
    invitee = db.session.scalars(select(Invitee).where(Invitee.event_id == invited.id)).first()
    queue_message(db.session, invitee, MessageKind.REMINDER)
    db.session.commit()
    runner.invoke(args=["send", invited.slug, "--kind", "reminder"])
    runner.invoke(args=["tick"])
    run = db.session.scalars(select(PlanRun)).one()
    db.session.refresh(run)
    assert (run.queued, run.sent, run.failed) == (3, 3, 0)
