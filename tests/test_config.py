"""Configuration from RSVP_* variables, with safe defaults."""

import secrets

import pytest

from rsvp import ConfigurationError, create_app


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("RSVP_ENV", "production")
    monkeypatch.delenv("RSVP_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="RSVP_SECRET_KEY must be set"):
        create_app()


def test_production_refuses_a_well_known_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("RSVP_ENV", "production")
    monkeypatch.setenv("RSVP_SECRET_KEY", "change-me")
    with pytest.raises(ConfigurationError):
        create_app()


def test_production_sets_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("RSVP_ENV", "production")
    monkeypatch.setenv("RSVP_SECRET_KEY", secrets.token_urlsafe(48))
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_development_keeps_a_random_key_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("RSVP_SECRET_KEY", raising=False)
    first, second = create_app(), create_app()
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]


def test_settings_come_from_prefixed_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("RSVP_MAIL_PORT", "2525")
    monkeypatch.setenv("RSVP_SECRET_KEY_FALLBACKS", "old-one,older-one")
    monkeypatch.setenv("RSVP_DATABASE_URL", "postgresql://u@db.example/rsvp")
    app = create_app()
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["SECRET_KEY_FALLBACKS"] == ["old-one", "older-one"]
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/rsvp"


@pytest.fixture
def production(monkeypatch, tmp_path):
    """The environment of a production start; a test sets the key it wants to try."""
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("RSVP_ENV", "production")
    monkeypatch.setenv("RSVP_SECRET_KEY", secrets.token_urlsafe(48))
    return monkeypatch


@pytest.mark.parametrize("key", [
    "x", "12345", "k" * 40, "ab" * 32, "0123456789" * 4, "test-secret-key-" + "x" * 16,
    "12345678901234567890123456789012"])
def test_production_refuses_a_short_or_guessable_secret_key(production, key):
    production.setenv("RSVP_SECRET_KEY", key)
    with pytest.raises(ConfigurationError, match=r"secrets\.token_urlsafe\(48\)"):
        create_app()


@pytest.mark.parametrize("make_key", [lambda: secrets.token_urlsafe(48),
                                      lambda: secrets.token_urlsafe(32),
                                      lambda: secrets.token_hex(32)])
def test_production_starts_with_a_random_secret_key(production, make_key):
    key = make_key()
    production.setenv("RSVP_SECRET_KEY", key)
    assert create_app().config["SECRET_KEY"] == key


def test_production_refuses_a_weak_old_key_among_the_fallbacks(production):
    production.setenv("RSVP_SECRET_KEY_FALLBACKS", f"{secrets.token_urlsafe(48)},12345")
    with pytest.raises(ConfigurationError, match="RSVP_SECRET_KEY_FALLBACKS"):
        create_app()


def test_production_keeps_strong_old_keys_as_fallbacks(production):
    old = secrets.token_urlsafe(48)
    production.setenv("RSVP_SECRET_KEY_FALLBACKS", old)
    assert create_app().config["SECRET_KEY_FALLBACKS"] == [old]


def test_development_starts_with_the_tests_short_key(monkeypatch, tmp_path):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SECRET_KEY": "test-secret-key-" + "x" * 16})
    assert app.config["SECRET_KEY"] == "test-secret-key-" + "x" * 16


@pytest.mark.parametrize("sender", [
    "Konferenzbüro <einladung@example.org>\r\nBcc: alle@example.org",
    "einladung@example.org\nX-Spam: yes",
    "Konferenzbüro <einladung@example.org>\x00",
    "Konferenzbüro",
    "Konferenzbüro <>",
    "einladung@",
    "a@example.org, b@example.org",
    "Konferenzbüro <einladung@exa mple.org>",
])
def test_a_sender_with_line_breaks_or_without_one_valid_address_is_refused(
        monkeypatch, tmp_path, sender):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError, match="RSVP_MAIL_DEFAULT_SENDER"):
        create_app({"MAIL_DEFAULT_SENDER": sender})


@pytest.mark.parametrize("sender", [
    "Konferenzbüro <einladung@rsvp.localhost>", "einladung@rsvp.test",
    '"Büro, Tagung" <einladung@example.org>', ("Konferenzbüro", "einladung@example.org")])
def test_a_sender_with_one_valid_address_starts(monkeypatch, tmp_path, sender):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    assert create_app({"MAIL_DEFAULT_SENDER": sender}).config["MAIL_DEFAULT_SENDER"] == sender


def test_the_proxy_setting_trusts_the_configured_number_of_hops(monkeypatch, tmp_path):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("RSVP_PROXY_FIX_HOPS", "1")
    app = create_app()

    @app.get("/whoami")
    def whoami() -> str:
        from flask import request

        return f"{request.remote_addr} {request.scheme} {request.host}"

    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https",
               "X-Forwarded-Host": "rsvp.example.org"}
    assert app.test_client().get("/whoami", headers=headers).text == (
        "203.0.113.7 https rsvp.example.org")


def test_without_the_proxy_setting_forwarded_headers_are_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("RSVP_INSTANCE_PATH", str(tmp_path))
    app = create_app()

    @app.get("/whoami")
    def whoami() -> str:
        from flask import request

        return str(request.remote_addr)

    headers = {"X-Forwarded-For": "203.0.113.7"}
    assert app.test_client().get("/whoami", headers=headers).text == "127.0.0.1"
