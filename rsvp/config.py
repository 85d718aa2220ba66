"""Configuration defaults; every key can be set from the environment as RSVP_<KEY>."""

import secrets
from pathlib import Path

from flask import Flask

from rsvp.config_checks import InvalidSender, check_sender, weak_key_reason
from rsvp.durations import InvalidDuration, parse_duration

#: Values that must never sign links in production.
WEAK_SECRET_KEYS = {"", "dev", "secret", "change-me", "changeme"}
#: How to make a key that passes, said in every refusal.
MAKE_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'

DEFAULTS: dict[str, object] = {
    #: "development" or "production". Production refuses to start without a real secret key.
    "ENV": "development",
    "SECRET_KEY": None,
    "SECRET_KEY_FALLBACKS": [],
    "DATABASE_URL": None,
    #: Seconds a SQLite writer waits for the lock held by another before giving up.
    "DATABASE_BUSY_TIMEOUT": 10,
    "DATABASE_PING_AFTER_IDLE": 10,
    #: Absolute URL in front of every link in an email.
    "BASE_URL": "http://127.0.0.1:5000",
    #: The office's general address, named where no event is known (a broken link).
    "CONTACT_EMAIL": None,
    "MAIL_SERVER": "127.0.0.1",
    "MAIL_PORT": 8025,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": "Konferenzbüro <einladung@rsvp.localhost>",
    "MAIL_TIMEOUT": 30,
    #: A directory with DejaVuSans.ttf and DejaVuSans-Bold.ttf for the list and the badges;
    #: unset: the system's (Debian: fonts-dejavu-core), else ReportLab's own Vera.
    "PDF_FONT_DIR": None,
    #: Where bounces go (envelope sender, with "+<message>.<signature>" added per message).
    #: Empty: the sender's own address, so its mailbox must accept plus-addressing.
    "MAIL_BOUNCE_ADDRESS": "",
    #: Messages claimed at a time by one sender, all sent over one SMTP connection.
    "MAIL_BATCH_SIZE": 200,
    #: Attempts before a message with temporary failures (4xx, dropped connections) is failed.
    "MAIL_MAX_ATTEMPTS": 5,
    #: Backoff after a temporary failure: base * 2**(attempt-1) seconds, at most MAIL_RETRY_MAX.
    "MAIL_RETRY_BASE": 5.0,
    "MAIL_RETRY_MAX": 300.0,
    #: Backoff after a throttling reply (Exchange's "432 4.3.2 Concurrent connections limit
    #: exceeded", "451 4.7.500 Server busy"): the same doubling, from a longer base.
    "MAIL_THROTTLE_RETRY_BASE": 60.0,
    "MAIL_THROTTLE_RETRY_MAX": 1800.0,
    #: A claim older than this is taken to belong to a sender that died.
    "MAIL_CLAIM_TIMEOUT": 300,
    #: Messages per second at most, across every sender (shared through Redis when
    #: MAIL_RATE_URL or CELERY_BROKER_URL is a Redis URL). 0 or unset: as fast as possible.
    "MAIL_MAX_RATE": None,
    "MAIL_RATE_URL": None,
    #: Threads per process that deliver answers' confirmations after the request (no broker).
    "MAIL_SENDER_THREADS": 2,
    #: Seconds such a thread waits for the next confirmation before it ends.
    "MAIL_SENDER_LINGER": 2.0,
    #: Seconds at most a confirmation waits for others to go out in the same run, while
    #: answers keep coming (the first after a quiet moment goes at once). 0: never.
    "MAIL_SENDER_GATHER": 0.2,
    #: Seconds at most a process that ends waits for its sender threads' runs (keep it below
    #: gunicorn's graceful timeout, 30 s by default).
    "MAIL_SENDER_DRAIN": 10.0,
    #: Seconds after which the tick hands an answer's message out again when no sender has
    #: taken it (its process was killed first); far above any sender's gathering.
    "MAIL_STRANDED_AFTER": 300,
    #: Redis URL of the Celery broker: `rsvp send --via celery` and the dashboard's send
    #: hand the work to `rsvp worker` processes. Unset: everything is sent in-process.
    "CELERY_BROKER_URL": None,
    #: The queue the app's tasks go to and its workers take them from; one per deployment
    #: (or per test) when several share a Redis.
    "CELERY_QUEUE": "rsvp",
    #: Messages one Celery task sends over one SMTP connection.
    "CELERY_CHUNK_SIZE": 200,
    #: Seconds after which a task a dead worker held is given to another worker; longer than
    #: any chunk takes to send.
    "CELERY_VISIBILITY_TIMEOUT": 3600,
    #: A planned send whose time passed by more than this ("6h", "30m", or seconds) before
    #: any tick ran it is marked missed instead of going out late.
    "SCHEDULE_GRACE": "6h",
    #: Seconds between ticks of Celery beat (`rsvp worker --beat`) and of the ticker thread
    #: beside `rsvp run`.
    "SCHEDULE_TICK_INTERVAL": 60,
    #: Whether `rsvp run` runs the ticker thread when no Celery broker is configured.
    "SCHEDULE_TICKER": True,
    "WTF_CSRF_TIME_LIMIT": None,
    #: Flask-WTF's own before-request check stays off: rsvp.security.check_csrf_by_method
    #: runs the same check, asking for the method first.
    "WTF_CSRF_CHECK_DEFAULT": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted
    #: (Werkzeug's ProxyFix). 0: no proxy, the headers are ignored and the peer is the client.
    "PROXY_FIX_HOPS": 0,
    #: Where the answers' rate limits count; e.g. redis://127.0.0.1:6379/1 for several
    #: processes. Memory is per process. (Failed logins are counted in the database.)
    "RATELIMIT_STORAGE_URI": "memory://",
    #: A moving window: a fixed one forgets every count at the top of each minute, so a
    #: burst across that moment gets twice the limit.
    "RATELIMIT_STRATEGY": "moving-window",
    #: Said explicitly: the limiter is one object for the process, and without the key each
    #: new app would inherit whatever the previous one set (a test's False, say).
    "RATELIMIT_ENABLED": True,
    #: Answers through one link, and from one network address: a circulating link or a
    #: script must not flood the history or the confirmation mails.
    "ANSWER_RATE_LIMIT_PER_LINK": "10 per minute;60 per hour",
    "ANSWER_RATE_LIMIT_PER_ADDRESS": "30 per minute;600 per hour",
    #: Failed logins allowed per pair of email address and client address: the guesser is
    #: braked, the account's owner on another client is not.
    "LOGIN_RATE_LIMIT": "5 per minute;20 per hour",
    #: Failed logins allowed per client address, whatever the email address (spraying).
    "LOGIN_RATE_LIMIT_PER_CLIENT": "30 per minute;100 per hour",
    #: Failed logins allowed per email address from all clients together; beyond it only a
    #: client that has not failed on this address in that time may still try.
    "LOGIN_RATE_LIMIT_PER_ACCOUNT": "100 per hour",
    #: RSVP_REQUIRE_2FA=true: every organiser must set up two-factor login before any other page.
    "REQUIRE_2FA": False,
    #: Requests of the "forgot password" form per client (it sends mail to whoever is named).
    "FORGOT_PASSWORD_RATE_LIMIT": "5 per minute;20 per hour",
}


class ConfigurationError(RuntimeError):
    """The configuration is not safe or not complete enough to start."""


def load_config(app: Flask, overrides: dict | None) -> None:
    """Fill ``app.config`` from defaults, RSVP_* environment variables and ``overrides``."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("RSVP")
    if overrides:
        app.config.from_mapping(overrides)
    config = app.config
    config["SQLALCHEMY_DATABASE_URI"] = _database_url(app)
    config["SECRET_KEY_FALLBACKS"] = _as_list(config["SECRET_KEY_FALLBACKS"])
    config["SCHEDULE_GRACE"] = _seconds("RSVP_SCHEDULE_GRACE", config["SCHEDULE_GRACE"])
    # Connections are tested after an idle spell only (rsvp.extensions.ping_after_idle).
    engine_options: dict[str, object] = {}
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # How long a writer waits for SQLite's lock before the page says "try again".
        engine_options["connect_args"] = {"timeout": float(config["DATABASE_BUSY_TIMEOUT"])}
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options)
    production = config["ENV"] == "production"
    if production:
        config["SESSION_COOKIE_SECURE"] = True
    _check_secret_keys(app, production)
    _check_sender(config["MAIL_DEFAULT_SENDER"])


def _check_secret_keys(app: Flask, production: bool) -> None:
    """Refuse, in production, a missing, well-known or guessable key or fallback."""
    config = app.config
    if not config["SECRET_KEY"]:
        if production:
            raise ConfigurationError("RSVP_SECRET_KEY must be set in production")
        config["SECRET_KEY"] = _development_secret_key(Path(app.instance_path))
        return
    # RSVP_SECRET_KEY=12345 arrives as a number (from_prefixed_env reads JSON).
    config["SECRET_KEY"] = str(config["SECRET_KEY"])
    if not production:
        return
    if config["SECRET_KEY"] in WEAK_SECRET_KEYS:
        raise ConfigurationError("RSVP_SECRET_KEY is a well-known value: choose a random one")
    # A fallback still verifies links and cookies as the key does: a weak one is as forgeable.
    for name, key in [("RSVP_SECRET_KEY", config["SECRET_KEY"]),
                      *(("RSVP_SECRET_KEY_FALLBACKS", k) for k in config["SECRET_KEY_FALLBACKS"])]:
        if reason := weak_key_reason(key):
            raise ConfigurationError(f"{name} {reason}: a short or guessable key can be found "
                                     f"offline from one mailed link. Make one with: {MAKE_KEY}")


def _check_sender(configured: object) -> None:
    """Refuse a sender that would inject headers or has no single valid address."""
    try:
        check_sender(configured)
    except InvalidSender as exc:
        raise ConfigurationError(f"RSVP_MAIL_DEFAULT_SENDER {exc}: give one address, such as "
                                 "'Konferenzbüro <einladung@example.org>'") from None


def _database_url(app: Flask) -> str:
    url = app.config.get("DATABASE_URL")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{Path(app.instance_path) / 'rsvp.sqlite3'}"
    # Heroku-style URLs and the bare scheme both mean psycopg 3 here.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _seconds(name: str, value: object) -> float:
    """A duration setting ("6h", "90m", 3600) in seconds; refuses what is none."""
    try:
        return parse_duration(value).total_seconds()
    except InvalidDuration:
        raise ConfigurationError(f"{name}: not a duration such as 6h, 30m or 3600: "
                                 f"{value!r}") from None


def _as_list(value: object) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value]  # type: ignore[union-attr]


def _development_secret_key(instance: Path) -> str:
    """A random key kept in the instance folder, so development links survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()
