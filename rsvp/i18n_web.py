"""The web interface's language: the invitee's on invitee pages, else the browser's choice."""

from flask import Flask, g, has_request_context, request
from flask_babel import Babel, get_locale

from rsvp.events.models import LANGUAGES
from rsvp.paths import PACKAGE_DIR

babel = Babel()


def select_locale() -> str | None:
    forced = getattr(g, "language", None)
    if forced in LANGUAGES:
        return forced
    if not has_request_context():
        # A CLI command or a task putting a service's message into words: the default (English).
        return None
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "de"


def init_babel(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PACKAGE_DIR / "translations"))
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
