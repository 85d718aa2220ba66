"""Configuration from RSVP_* variables, with safe defaults."""

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
    monkeypatch.setenv("RSVP_SECRET_KEY", "k" * 40)
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
