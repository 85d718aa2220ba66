"""rsvp: email invitations with signed RSVP links."""

# Imports live in the functions that use them: `rsvp --help` imports this package and should
# not pay for SQLAlchemy, the extensions and the views (see rsvp/cli.py).
import os
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flask import Flask, has_request_context, request

from rsvp.config import ConfigurationError, load_config
from rsvp.paths import TEMPLATES_DIR

__all__ = ["ConfigurationError", "RsvpApp", "create_app"]


class RsvpApp(Flask):
    """Flask, asking once per function whether it is a coroutine function.

    Flask asks ``inspect`` again for every hook, context processor and view on every request
    (ten times for the invitee page; bench/README.md); a function stays what it is.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._made_sync = lru_cache(maxsize=512)(super().ensure_sync)
        self._static_url = lru_cache(maxsize=256)(self._build_static_url)

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        return self._made_sync(func)

    def url_for(self, endpoint: str, **values: Any) -> str:
        """As Flask's, with a static file's address built once per script root: every page
        asks for its style sheet, and building a URL is dear (bench/README.md). Only a plain
        one is kept, with no other values (external, anchor, scheme)."""
        if (endpoint == "static" and values.keys() == {"filename"} and has_request_context()
                and not self.url_default_functions.get(None)):
            return self._static_url(request.script_root, values["filename"])
        return super().url_for(endpoint, **values)

    def _build_static_url(self, script_root: str, filename: str) -> str:
        # The address depends on nothing else of the request: it is not external.
        return super().url_for("static", filename=filename)


def create_app(config: dict[str, Any] | None = None, *, pages: bool = True) -> Flask:
    """Build the application: configuration, extensions, blueprints and commands.

    ``pages=False`` builds the app an `rsvp` command runs in: the same configuration,
    database, mail, translations and Celery, without the pages (blueprints, error pages,
    headers, CSRF, login, rate limits) and the migrations (`rsvp db` builds the whole app).
    """
    app = RsvpApp(
        __name__,
        template_folder=str(TEMPLATES_DIR),
        instance_path=os.environ.get("RSVP_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    load_config(app, config)
    if hops := int(app.config["PROXY_FIX_HOPS"] or 0):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only hops we were told about: a forged X-Forwarded-For must not pick the client.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_extensions(app)
    if pages:
        _init_migrations(app)
        _init_pages(app)
    from rsvp.cli import register_commands

    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    import rsvp.models  # noqa: F401  (every model mapped before the first query)
    from rsvp.extensions import add_read_engine, db, mail, ping_after_idle
    from rsvp.i18n_web import init_babel

    db.init_app(app)
    ping_seconds = float(app.config["DATABASE_PING_AFTER_IDLE"])
    with app.app_context():
        for engine in db.engines.values():
            ping_after_idle(engine, ping_seconds)
            add_read_engine(engine, app.config["SQLALCHEMY_ENGINE_OPTIONS"], ping_seconds)
    mail.init_app(app)
    init_babel(app)
    if app.config.get("CELERY_BROKER_URL"):
        # Only with a broker: the app without one never imports Celery.
        from rsvp.celery_app import celery_init_app

        celery_init_app(app)


def _init_migrations(app: Flask) -> None:
    from flask_migrate import Migrate

    from rsvp.extensions import db
    from rsvp.paths import MIGRATIONS_DIR

    Migrate(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)


def _init_pages(app: Flask) -> None:
    from flask_login import current_user

    from rsvp.converters import register_converters
    from rsvp.errors import register_error_handlers
    from rsvp.extensions import csrf, limiter, login_manager
    from rsvp.security import (
        check_csrf_by_method,
        check_rate_limits_where_set,
        init_security_headers,
    )

    csrf.init_app(app)
    check_csrf_by_method(app, csrf)
    # Flask-Login's context processor loads the user for every template, the invitee's page
    # too; its proxy in the templates' globals loads the user only where a template asks.
    login_manager.init_app(app, add_context_processor=False)
    app.jinja_env.globals["current_user"] = current_user
    limiter.init_app(app)
    check_rate_limits_where_set(app, limiter)
    register_converters(app)
    _register_blueprints(app)
    register_error_handlers(app)
    init_security_headers(app)


def _register_blueprints(app: Flask) -> None:
    from rsvp.auth.views import bp as auth_bp
    from rsvp.dashboard.views import bp as dashboard_bp
    from rsvp.main.views import bp as main_bp
    from rsvp.responses.views import bp as responses_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(responses_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
