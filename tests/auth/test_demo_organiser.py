"""`rsvp demo` gives a newcomer a login: one account, a password printed on the console."""

import re

from rsvp.auth.models import Organiser
from rsvp.extensions import db
from tests.dashboard.conftest import log_in


def demo_password(output: str) -> str:
    match = re.search(r"as demo@example\.org with the password (\S+)", output)
    assert match, output
    return match.group(1)


def test_the_demo_prints_a_password_that_logs_in(runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "http://rsvp.test/login" in result.output
    response = log_in(client, "demo@example.org", demo_password(result.output))
    assert response.status_code == 303


def test_running_the_demo_again_keeps_one_account_with_a_new_password(runner, client):
    first = demo_password(runner.invoke(args=["demo"]).output)
    second = demo_password(runner.invoke(args=["demo"]).output)
    assert first != second
    assert db.session.query(Organiser).filter_by(email="demo@example.org").count() == 1
    assert log_in(client, "demo@example.org", first).status_code == 401
    assert log_in(client, "demo@example.org", second).status_code == 303


def test_the_demo_login_owns_the_demo_event(runner, client):
    password = demo_password(runner.invoke(args=["demo"]).output)
    log_in(client, "demo@example.org", password)
    assert "/events/bundeskonferenz-gwa/" in client.get("/events/").text
