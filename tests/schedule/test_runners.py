"""Who runs the tick by itself: the ticker thread beside `rsvp run`, and Celery beat."""

import os
import signal
import subprocess
import uuid

import pytest
import redis

from tests.schedule.conftest import reminders
from tests.smtp import free_port

REDIS_ENV = "RSVP_TEST_REDIS_URL"


def plan_due_reminder(runner, event) -> None:
    result = runner.invoke(args=["schedule", "add", event.slug, "--kind", "reminder",
                                 "--before-deadline", "7d"])
    assert result.exit_code == 0, result.output


def stop(process: subprocess.Popen) -> str:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.communicate()[0]


def start_group(env: dict[str, str], *args: str) -> subprocess.Popen:
    """An `rsvp` process in its own process group, so its threads and children end with it."""
    from tests.schedule.conftest import RSVP

    return subprocess.Popen([RSVP, *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def test_rsvp_run_sends_a_due_reminder_by_its_ticker_thread(runner, invited, rsvp_env,
                                                             smtp_server):
    plan_due_reminder(runner, invited)
    env = {**rsvp_env, "RSVP_SCHEDULE_TICK_INTERVAL": "1"}
    server = start_group(env, "run", "--host", "127.0.0.1", "--port", str(free_port()))
    try:
        smtp_server.wait_for(3, timeout=30)
    finally:
        output = stop(server)
    assert reminders(smtp_server) == [f"person{i}@example.org" for i in (1, 2, 3)], output


def test_rsvp_run_without_the_ticker_sends_nothing_by_itself(runner, invited, rsvp_env,
                                                             smtp_server):
    plan_due_reminder(runner, invited)
    env = {**rsvp_env, "RSVP_SCHEDULE_TICK_INTERVAL": "1", "RSVP_SCHEDULE_TICKER": "false"}
    server = start_group(env, "run", "--host", "127.0.0.1", "--port", str(free_port()))
    try:
        with pytest.raises(AssertionError):
            smtp_server.wait_for(1, timeout=4)
    finally:
        stop(server)
    assert reminders(smtp_server) == []


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the beat test: {REDIS_ENV} is not set")
        pytest.skip(f"{REDIS_ENV} is not set")
    redis.Redis.from_url(url).ping()
    return url


def test_a_worker_with_beat_sends_a_due_reminder_through_celery(runner, invited, rsvp_env,
                                                                smtp_server, redis_url):
    plan_due_reminder(runner, invited)
    env = {**rsvp_env, "RSVP_CELERY_BROKER_URL": redis_url,
           "RSVP_CELERY_QUEUE": f"rsvp-test-{uuid.uuid4().hex[:10]}",
           "RSVP_SCHEDULE_TICK_INTERVAL": "1"}
    worker = start_group(env, "worker", "--beat", "--pool", "solo", "--without-gossip",
                         "--without-mingle", "--without-heartbeat")
    try:
        smtp_server.wait_for(3, timeout=60)
        # Further beats find nothing more to do.
        with pytest.raises(AssertionError):
            smtp_server.wait_for(4, timeout=3)
    finally:
        output = stop(worker)
    assert reminders(smtp_server) == [f"person{i}@example.org" for i in (1, 2, 3)], output
    assert "rsvp.schedule.tick" in output
