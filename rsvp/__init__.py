"""rsvp: email invitations with signed RSVP links."""

import os
from typing import Any

from flask import Flask
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from rsvp.config import ConfigurationError, load_config
from rsvp.converters import register_converters
from rsvp.extensions import csrf, db, limiter, login_manager, mail, migrate
from rsvp.paths import MIGRATIONS_DIR, TEMPLATES_DIR

__all__ = ["ConfigurationError", "create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints and commands."""
    app = Flask(
        __name__,
        template_folder=str(TEMPLATES_DIR),
        instance_path=os.environ.get("RSVP_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    load_config(app, config)
    if hops := int(app.config["PROXY_FIX_HOPS"] or 0):
        # Only hops we were told about: a forged X-Forwarded-For must not pick the client.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_extensions(app)
    register_converters(app)
    _register_blueprints(app)
    from rsvp.cli import register_commands
    from rsvp.errors import register_error_handlers
    from rsvp.security import init_security_headers

    register_error_handlers(app)
    init_security_headers(app)
    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    import rsvp.models  # noqa: F401  (every model mapped before the first query)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    mail.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    from rsvp.i18n_web import init_babel

    init_babel(app)
    if app.config.get("CELERY_BROKER_URL"):
        # Only with a broker: the app without one never imports Celery.
        from rsvp.celery_app import celery_init_app

        celery_init_app(app)


def _register_blueprints(app: Flask) -> None:
    from rsvp.auth.views import bp as auth_bp
    from rsvp.dashboard.views import bp as dashboard_bp
    from rsvp.main.views import bp as main_bp
    from rsvp.responses.views import bp as responses_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(responses_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)


@sa_event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Foreign keys on, and WAL so readers never wait for the sender."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
