"""The brake on guessing passwords: per address and client, shared by every worker."""

import os
import subprocess
import sys

import pytest

from tests.dashboard.conftest import PASSWORD, log_in

ATTACKER, OWNER = "203.0.113.5", "198.51.100.7"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LOGIN_RATE_LIMIT": "3 per minute"}


@pytest.fixture
def client_at(app):
    """A callable giving a browser at the given network address."""
    def make(address: str, **environ: str):
        browser = app.test_client()
        browser.environ_base.update(REMOTE_ADDR=address, **environ)
        return browser
    return make


def guess(browser, email: str, times: int) -> list[int]:
    return [log_in(browser, email, "falsch-falsch").status_code for _ in range(times)]


def test_a_full_width_spelling_of_the_address_is_braked_with_it(app, client_at, organiser):
    app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"] = "3 per hour"
    guessers = [client_at(f"203.0.113.{n}") for n in range(1, 4)]
    assert [guess(g, organiser.email, 1)[0] for g in guessers] == [401] * 3
    spellings = ["buero@ｅｘａｍｐｌｅ.ｏｒｇ", "buero@ＥＸＡＭＰＬＥ.org", " BUERO@example.org"]
    assert [log_in(g, s).status_code for g, s in zip(guessers, spellings, strict=True)] == [429] * 3


def test_a_full_width_spelling_logs_in_as_the_address_itself(client, organiser):
    assert log_in(client, "buero@ｅｘａｍｐｌｅ.ｏｒｇ").status_code == 303


def test_a_guessing_client_does_not_lock_the_owner_out_on_another(client_at, organiser):
    attacker = client_at(ATTACKER)
    assert guess(attacker, organiser.email, 4) == [401] * 3 + [429]
    assert log_in(attacker, organiser.email).status_code == 429
    owner = client_at(OWNER)
    assert log_in(owner, organiser.email).status_code == 303
    assert owner.get("/events/").status_code == 200


def test_one_client_trying_many_addresses_is_braked(app, client_at, organiser):
    app.config["LOGIN_RATE_LIMIT_PER_CLIENT"] = "5 per minute"
    sprayer = client_at(ATTACKER)
    statuses = [log_in(sprayer, f"person{n}@example.org", "x").status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]
    assert log_in(client_at(OWNER), organiser.email).status_code == 303


def test_an_account_guessed_from_many_clients_brakes_the_guessers_not_a_new_client(
        app, client_at, organiser):
    app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"] = "4 per hour"
    guessers = [client_at(f"203.0.113.{n}") for n in range(1, 5)]
    assert [guess(g, organiser.email, 1)[0] for g in guessers] == [401] * 4
    assert log_in(guessers[0], organiser.email).status_code == 429
    assert guess(client_at("203.0.113.99"), organiser.email, 2) == [401, 429]
    assert log_in(client_at(OWNER), organiser.email).status_code == 303


def test_without_the_proxy_setting_a_forwarded_for_header_does_not_escape_the_brake(
        client, organiser):
    for n in range(3):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}"
        assert guess(client, organiser.email, 1) == [401]
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.200"
    assert log_in(client, organiser.email).status_code == 429


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "PROXY_FIX_HOPS": 1}

    def test_clients_are_told_apart_by_the_proxys_forwarded_for(self, client_at, organiser):
        attacker = client_at("127.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER)
        assert guess(attacker, organiser.email, 4) == [401] * 3 + [429]
        owner = client_at("127.0.0.1", HTTP_X_FORWARDED_FOR=OWNER)
        assert log_in(owner, organiser.email).status_code == 303


#: A second worker: its own process and app, on the same database.
SECOND_WORKER = """
import sys
from rsvp import create_app
app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
with app.app_context():
    answer = app.test_client().post("/login", data={"email": sys.argv[1], "password": sys.argv[2]})
print(answer.status_code)
"""


def test_the_count_is_shared_by_workers_in_other_processes(app, app_config, client, organiser,
                                                            tmp_path):
    assert guess(client, organiser.email, 3) == [401] * 3
    env = {**os.environ, "RSVP_DATABASE_URL": str(app_config["DATABASE_URL"]),
           "RSVP_SECRET_KEY": str(app_config["SECRET_KEY"]),
           "RSVP_LOGIN_RATE_LIMIT": "3 per minute",
           "RSVP_INSTANCE_PATH": str(tmp_path / "second-worker")}
    second = subprocess.run([sys.executable, "-c", SECOND_WORKER, organiser.email, PASSWORD],
                            env=env, capture_output=True, text=True, timeout=60, check=True)
    assert second.stdout.split()[-1] == "429"
