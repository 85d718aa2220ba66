"""Two-factor login: a TOTP code after the password, recovery codes once each, and enforced."""

import re
import time

import pyotp
import pytest

from rsvp.auth.models import RecoveryCode
from rsvp.auth.twofactor import enable
from rsvp.extensions import db
from tests.conftest import csrf_token
from tests.dashboard.conftest import PASSWORD, log_in, post_form


@pytest.fixture
def secret() -> str:
    return pyotp.random_base32()


@pytest.fixture
def recovery_codes(organiser, secret) -> list[str]:  # type: ignore[no-untyped-def]
    # Set up with the code of the previous step, so the current one is still unused for login.
    totp = pyotp.TOTP(secret)
    codes = enable(db.session, organiser, secret, totp.at(time.time() - 30))
    db.session.commit()
    assert codes is not None
    return codes


def send_code(client, code: str):  # type: ignore[no-untyped-def]
    page = client.get("/login/code")
    return client.post("/login/code", data={"csrf_token": csrf_token(page.text), "code": code})


def test_the_password_alone_does_not_log_in(client, organiser, recovery_codes):
    response = log_in(client, organiser.email)
    assert response.headers["Location"] == "/login/code"
    assert client.get("/events/").status_code == 302


def test_the_code_from_the_shared_secret_completes_the_login(client, organiser, secret,
                                                              recovery_codes):
    log_in(client, organiser.email)
    assert send_code(client, pyotp.TOTP(secret).now()).status_code == 303
    assert client.get("/events/").status_code == 200


def test_a_wrong_code_is_refused(client, organiser, secret, recovery_codes):
    log_in(client, organiser.email)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1000000:06d}"
    assert send_code(client, wrong).status_code == 401
    assert client.get("/events/").status_code == 302


def test_the_same_code_is_refused_a_second_time(app, client, organiser, secret, recovery_codes):
    code = pyotp.TOTP(secret).now()
    log_in(client, organiser.email)
    send_code(client, code)
    other = app.test_client()
    log_in(other, organiser.email)
    assert send_code(other, code).status_code == 401


def test_a_recovery_code_logs_in_once(app, client, organiser, recovery_codes):
    log_in(client, organiser.email)
    assert send_code(client, recovery_codes[0]).status_code == 303
    other = app.test_client()
    log_in(other, organiser.email)
    assert send_code(other, recovery_codes[0]).status_code == 401


def test_the_code_step_is_braked(app, client, organiser, secret, recovery_codes):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    log_in(client, organiser.email)
    statuses = [send_code(client, "000000").status_code for _ in range(2)]
    statuses.append(send_code(client, pyotp.TOTP(secret).now()).status_code)
    assert statuses == [401, 401, 429]


def test_enrolment_shows_a_qr_code_and_ten_recovery_codes(organiser_client):
    page = organiser_client.get("/account/two-factor")
    assert "<svg" in page.text
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    done = organiser_client.post("/account/two-factor", data={
        "csrf_token": csrf_token(page.text), "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert len(re.findall(r"<li><code>[0-9a-f]{6}-[0-9a-f]{6}</code></li>", done.text)) == 10


def test_recovery_codes_are_stored_hashed(organiser, recovery_codes):
    stored = [row.code_hash for row in db.session.query(RecoveryCode)]
    assert len(stored) == 10 and not set(stored) & set(recovery_codes)


def test_disabling_needs_the_password_and_a_code(organiser, organiser_client, recovery_codes):
    refused = post_form(organiser_client, "/account", "/account/two-factor/disable",
                        password="falsch-falsch-falsch", code=recovery_codes[1])
    assert refused.status_code == 400
    done = post_form(organiser_client, "/account", "/account/two-factor/disable",
                     password=PASSWORD, code=recovery_codes[1])
    assert done.status_code == 303
    db.session.refresh(organiser)
    assert organiser.totp_secret is None


def test_required_two_factor_sends_an_unenrolled_organiser_to_the_set_up(app, organiser_client):
    app.config["REQUIRE_2FA"] = True
    response = organiser_client.get("/events/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/two-factor"


def test_without_the_requirement_the_dashboard_opens_without_two_factor(organiser_client):
    assert organiser_client.get("/events/").status_code == 200
