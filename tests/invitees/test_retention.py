"""Data that expires: `rsvp purge` removes personal data past the retention, keeps counts."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from rsvp.events.services import EventError, update_event
from rsvp.events.stats import event_stats
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageStatus
from rsvp.responses.models import Actor, ResponseChange
from rsvp.responses.services import record_answer


def ended(create_event, days_ago: int, **overrides):
    """An event that ended ``days_ago`` days ago, with three invitees."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days_ago, hours=5)
    return create_event(invitees=3, starts_at=start, ends_at=start + timedelta(hours=5),
                        rsvp_deadline=start - timedelta(days=14), **overrides)


@pytest.fixture
def old_event(runner, create_event, smtp_server):
    """Ended 200 days ago: invited by mail, two answered (one with a comment and a guest)."""
    event = ended(create_event, 200)
    assert runner.invoke(args=["send", event.slug]).exit_code == 0
    first, second, _third = db.session.scalars(select(Invitee).order_by(Invitee.id)).all()
    record_answer(db.session, first, "accepted", guests=1, comment="Rollstuhl, bitte",
                  actor=Actor.ORGANISER)
    record_answer(db.session, second, "declined", actor=Actor.ORGANISER)
    db.session.commit()
    return event


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_purge_removes_personal_data_past_the_retention_and_keeps_anonymous_counts(
        runner, old_event):
    before = event_stats(db.session, old_event)
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert f"{old_event.slug} (retention ended" in result.output
    assert "removed 3 invitees, 3 message texts" in result.output
    db.session.expire_all()
    assert count(Invitee) == 0
    messages = db.session.scalars(select(Message)).all()
    assert len(messages) == 3
    assert {(m.recipient, m.subject, m.body_text, m.body_html, m.invitee_id)
            for m in messages} == {("", "", "", "", None)}
    assert {m.status for m in messages} == {MessageStatus.SENT}
    history = db.session.scalars(select(ResponseChange)).all()
    assert len(history) == 2
    assert all(h.invitee_id is None and h.new_comment == "" for h in history)
    after = event_stats(db.session, old_event)
    assert after == before
    assert (after.invited, after.accepted, after.declined, after.guests) == (3, 1, 1, 1)


def test_the_stats_command_still_counts_after_the_purge(runner, old_event):
    runner.invoke(args=["purge"])
    figures = json.loads(runner.invoke(args=["stats", old_event.slug, "--json"]).output)
    assert (figures["invited"], figures["sent"], figures["headcount"]) == (3, 3, 2)


def test_purge_is_safe_to_run_again(runner, old_event):
    runner.invoke(args=["purge"])
    again = runner.invoke(args=["purge"])
    assert again.exit_code == 0
    assert again.output.strip() == "Nothing to purge."
    assert event_stats(db.session, old_event).invited == 3


def test_a_dry_run_says_what_would_go_and_removes_nothing(runner, old_event):
    result = runner.invoke(args=["purge", "--dry-run"])
    assert "would remove 3 invitees" in result.output
    db.session.expire_all()
    assert count(Invitee) == 3
    assert count(Message, Message.body_text != "") == 3


def test_an_event_within_its_retention_is_left_alone(runner, create_event):
    ended(create_event, 100)
    assert runner.invoke(args=["purge"]).output.strip() == "Nothing to purge."
    assert count(Invitee) == 3


def test_each_event_has_its_own_retention(runner, create_event):
    short = ended(create_event, 10, retention_days=7)
    ended(create_event, 10)
    result = runner.invoke(args=["purge"])
    assert short.slug in result.output
    assert count(Invitee) == 3


def test_a_longer_retention_set_later_postpones_the_purge(runner, old_event):
    update_event(db.session, old_event, {"retention_days": 365})
    db.session.commit()
    assert runner.invoke(args=["purge"]).output.strip() == "Nothing to purge."


def test_a_negative_retention_is_refused(create_event):
    with pytest.raises(EventError, match="retention_days"):
        create_event(retention_days=-1)


def test_the_dashboard_shows_when_the_data_will_be_purged(client, create_event,
                                                          create_organiser):
    from tests.dashboard.conftest import log_in

    organiser = create_organiser()
    event = create_event(ends_at=datetime(2027, 3, 1, 17, 0), starts_at=datetime(2027, 3, 1, 9),
                         rsvp_deadline=datetime(2027, 2, 1, 12))
    event.owner_id = organiser.id
    db.session.commit()
    log_in(client, organiser.email)
    page = client.get(f"/events/{event.slug}/")
    assert "werden am Dienstag, 31. August 2027 gelöscht (183 Tage" in page.text
