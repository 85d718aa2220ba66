"""The dashboard's timeline: what went out, what is planned (in the event's zone), what missed."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from rsvp.extensions import db
from rsvp.schedule.models import PlannedSend, PlanState
from tests.conftest import csrf_token
from tests.dashboard.conftest import (  # noqa: F401  (a fresh g per request, as in a server)
    fresh_g_per_request,
    log_in,
)


def logged_in(client, create_organiser):
    create_organiser()
    assert log_in(client, "buero@example.org").status_code == 303
    return client


def test_the_timeline_shows_a_planned_reminder_due_in_the_events_zone(client, create_organiser,
                                                                      create_event, runner):
    event = create_event(rsvp_deadline=datetime(2027, 11, 8, 22, 59, tzinfo=UTC))
    runner.invoke(args=["schedule", "add", event.slug, "--kind", "reminder",
                        "--before-deadline", "7d"])
    page = logged_in(client, create_organiser).get(f"/events/{event.slug}/schedule",
                                                   headers={"Accept-Language": "de"})
    assert page.status_code == 200
    assert "01.11.2027, 23:59" in page.text and "7 Tage vor dem Anmeldeschluss" in page.text
    assert "<td>Erinnerung</td>" in page.text


def test_the_timeline_shows_a_missed_send_and_each_run_with_its_figures(
        client, create_organiser, invited, runner):
    late = (datetime.now(UTC) - timedelta(hours=8)).astimezone(invited.zone)
    runner.invoke(args=["schedule", "add", invited.slug, "--kind", "invitation", "--at",
                        late.strftime("%Y-%m-%dT%H:%M")])
    runner.invoke(args=["schedule", "add", invited.slug, "--kind", "reminder",
                        "--before-deadline", "7d"])
    runner.invoke(args=["tick"])
    page = logged_in(client, create_organiser).get(f"/events/{invited.slug}/schedule",
                                                   headers={"Accept-Language": "en"}).text
    assert "missed – not sent late" in page
    assert "3 queued, 3 sent, 0 failed" in page
    assert '<tr class="sent-round"><td>Invitation</td>' in page


def test_a_send_is_planned_with_the_form(client, create_organiser, create_event):
    event = create_event()
    browser = logged_in(client, create_organiser)
    token = csrf_token(browser.get(f"/events/{event.slug}/schedule").text)
    response = browser.post(f"/events/{event.slug}/schedule", data={
        "csrf_token": token, "kind": "reminder", "when": "before_start", "value": "2d",
        "audience": "", "tag": "", "subject": "", "body": ""})
    assert response.status_code == 303
    plan = db.session.scalars(select(PlannedSend)).one()
    assert plan.due_at(event) == event.starts_at - timedelta(days=2)


def test_a_time_is_taken_as_a_german_office_writes_it_in_the_events_zone(
        client, create_organiser, create_event):
    event = create_event(starts_at=datetime(2027, 11, 22, 11, 0, tzinfo=UTC),
                         ends_at=datetime(2027, 11, 22, 16, 0, tzinfo=UTC),
                         rsvp_deadline=datetime(2027, 11, 8, 22, 59, tzinfo=UTC))
    browser = logged_in(client, create_organiser)
    token = csrf_token(browser.get(f"/events/{event.slug}/schedule").text)
    response = browser.post(f"/events/{event.slug}/schedule", data={
        "csrf_token": token, "kind": "reminder", "when": "at", "value": "01.09.2027 09:00",
        "audience": "", "tag": "", "subject": "", "body": ""})
    assert response.status_code == 303
    plan = db.session.scalars(select(PlannedSend)).one()
    assert plan.due_at(event) == datetime(2027, 9, 1, 7, 0, tzinfo=UTC)


def test_the_form_says_in_german_what_is_wrong_with_a_duration(client, create_organiser,
                                                               create_event):
    event = create_event()
    browser = logged_in(client, create_organiser)
    headers = {"Accept-Language": "de"}
    token = csrf_token(browser.get(f"/events/{event.slug}/schedule", headers=headers).text)
    response = browser.post(f"/events/{event.slug}/schedule", headers=headers, data={
        "csrf_token": token, "kind": "reminder", "when": "before_start", "value": "zwei Tage",
        "audience": ""})
    assert response.status_code == 400
    assert "Keine Dauer wie 7d, 2d oder 12h: &#39;zwei Tage&#39;" in response.text


def test_a_planned_send_is_removed_with_a_post(client, create_organiser, create_event, runner):
    event = create_event()
    runner.invoke(args=["schedule", "add", event.slug, "--kind", "invitation",
                        "--before-start", "30d"])
    plan_id = db.session.scalar(select(PlannedSend.id))
    browser = logged_in(client, create_organiser)
    token = csrf_token(browser.get(f"/events/{event.slug}/schedule").text)
    response = browser.post(f"/events/{event.slug}/schedule/{plan_id}/remove",
                            data={"csrf_token": token})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(PlannedSend, plan_id).state is PlanState.CANCELLED


def test_a_removal_without_the_csrf_token_is_refused(client, create_organiser, create_event,
                                                     runner):
    event = create_event()
    runner.invoke(args=["schedule", "add", event.slug, "--kind", "invitation",
                        "--before-start", "30d"])
    plan_id = db.session.scalar(select(PlannedSend.id))
    response = logged_in(client, create_organiser).post(
        f"/events/{event.slug}/schedule/{plan_id}/remove")
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(PlannedSend, plan_id).state is PlanState.PLANNED


def test_removing_a_send_removed_already_says_so_in_german(client, create_organiser,
                                                            create_event, runner):
    event = create_event()
    runner.invoke(args=["schedule", "add", event.slug, "--kind", "invitation",
                        "--before-start", "30d"])
    plan_id = db.session.scalar(select(PlannedSend.id))
    browser = logged_in(client, create_organiser)
    headers = {"Accept-Language": "de"}
    url = f"/events/{event.slug}/schedule"
    for _ in range(2):
        token = csrf_token(browser.get(url, headers=headers).text)
        browser.post(f"{url}/{plan_id}/remove", headers=headers, data={"csrf_token": token})
    page = browser.get(url, headers=headers).text
    assert "Dieser geplante Versand wurde bereits aus dem Plan genommen." in page
