"""The web interface's language: the invitee's on invitee pages, else the browser's choice."""

from babel.support import NullTranslations
from flask import Flask, g, has_request_context, request
from flask_babel import Babel, get_locale, get_translations
from flask_babel import _get_current_context as _babel_context

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
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)


def _translations() -> NullTranslations:
    """The request's translations for the templates, looked up once per locale.

    Flask-Babel's own callables look the domain, the locale and the translations up anew for
    every string (three walks through ``g`` and a locale's name built each time): a tenth of
    an invitee page. They are kept beside the locale they were found for, so a
    ``force_locale`` or ``refresh`` (which replace the locale object) finds them anew.
    """
    context = _babel_context()
    kept = getattr(context, "rsvp_translations", None)
    if kept is not None and kept[0] is getattr(context, "locale", None):
        return kept[1]
    translations = get_translations()
    context = _babel_context()
    if context is not None:
        context.rsvp_translations = (getattr(context, "locale", None), translations)
    return translations
