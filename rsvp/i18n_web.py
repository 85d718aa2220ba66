"""The web interface's language: the invitee's on invitee pages, else the browser's choice."""

from collections.abc import Iterator
from typing import Any

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, get_translations
from flask_babel import _get_current_context as _babel_context
from jinja2 import Environment, pass_eval_context
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.nodes import EvalContext
from markupsafe import Markup

from rsvp.events.models import LANGUAGES
from rsvp.paths import PACKAGE_DIR

babel = Babel()
#: One Locale per language of the pages, parsed once.
_LOCALES = {code: Locale.parse(code) for code in LANGUAGES}


def select_locale() -> Locale | None:
    """The page's language, as one of the kept ``Locale`` objects (Flask-Babel takes a Locale
    as it is instead of parsing the name again on every request)."""
    forced = getattr(g, "language", None)
    if forced in LANGUAGES:
        return _LOCALES[forced]
    if not has_request_context():
        # A CLI command or a task putting a service's message into words: the default (English).
        return None
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return _LOCALES[chosen]
    return _LOCALES[request.accept_languages.best_match(LANGUAGES) or "de"]


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
    # `_()`, `gettext()` and `ngettext()` straight to the kept translations: Jinja's alias and
    # newstyle wrappers made two calls through the template context per string (14 on the
    # invitee page), and a wrapper that takes the whole context makes a copy of it for each
    # call after a `{% set %}` in a block. These take only the evaluation context.
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"] = _gettext
    app.jinja_env.globals["ngettext"] = _ngettext


@pass_eval_context
def _gettext(eval_context: EvalContext, string: str, **variables: Any) -> str:
    """Jinja's newstyle ``gettext``: translated, marked safe under autoescape, then formatted
    with ``variables`` (always, as Jinja does, so a lone "%" is written "%%")."""
    return _formatted(eval_context, _translations().ugettext(string), variables)


@pass_eval_context
def _ngettext(eval_context: EvalContext, singular: str, plural: str, num: int,
              **variables: Any) -> str:
    """Jinja's newstyle ``ngettext``: as ``_gettext``, with ``num`` among the variables."""
    return _formatted(eval_context, _translations().ungettext(singular, plural, num),
                      {"num": num, **variables})


def _formatted(eval_context: EvalContext, text: str, variables: dict[str, Any]) -> str:
    if eval_context.autoescape:
        text = Markup(text)
    if not variables and "%" not in text:
        # What formatting would return, without Markup's escaping helper (half the call).
        return text
    return text % variables


def _translations() -> NullTranslations:
    """The request's translations for the templates, looked up once per locale.

    Flask-Babel's own callables look the domain, the locale and the translations up anew for
    every string (three walks through ``g`` and a locale's name built each time): a tenth of
    an invitee page. They are kept beside the locale they were found for (Flask-Babel's
    ``babel_locale``), so a ``force_locale`` or ``refresh`` (which replace or drop the locale
    object) finds them anew.
    """
    try:
        # Flask-Babel's namespace on ``g``, read once instead of through three proxy lookups.
        context = vars(g._get_current_object()).get("_flask_babel")
    except RuntimeError:  # outside an app context: Flask-Babel's own answer below
        context = None
    kept = getattr(context, "rsvp_translations", None)
    if kept is not None and kept[0] is getattr(context, "babel_locale", None):
        return kept[1]
    translations = get_translations()
    context = _babel_context()
    if context is not None:
        context.rsvp_translations = (getattr(context, "babel_locale", None), translations)
    return translations


def language_environment(language: str) -> Environment:
    """The app's template environment for pages in ``language``, whose templates are compiled
    with their fixed texts already translated (``ConstantTranslations``); made once per app.

    Its own template cache: a template compiled here holds one language's words."""
    environments = current_app.extensions.setdefault("rsvp_language_environments", {})
    environment = environments.get(language)
    if environment is None:
        environment = current_app.jinja_env.overlay(extensions=[ConstantTranslations])
        compiled = environment.extensions[ConstantTranslations.identifier]
        with force_locale(language):
            compiled.translations = get_translations()  # type: ignore[attr-defined]
        compiled.language = language  # type: ignore[attr-defined]
        environments[language] = environment
    return environment


class ConstantTranslations(Extension):
    """Writes each ``_("text")`` or ``gettext("text")`` of a template as its translation marked
    safe, ``("Übersetzung"|safe)``, which Jinja folds into the template's own text when it
    compiles it: the value ``_gettext`` would return, with no call left on the page. A call
    that names values, ``_("Für %(name)s", name=x)``, becomes the translation formatted with
    them, ``(("Für %(name)s"|safe) % {"name": x})``, as ``_gettext`` formats it (Markup
    escapes the values), and so does a text with ``%``, whose formatting turns ``%%`` into
    ``%``. ``get_locale()`` is the language's code. Only for HTML templates rendered with
    autoescape, where ``_gettext`` marks its result safe too."""

    translations: NullTranslations = NullTranslations()
    language: str = ""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        tokens = list(stream)
        index = 0
        while index < len(tokens):
            written = self._compiled_call(tokens, index)
            if written is None:
                yield tokens[index]
                index += 1
                continue
            replacement, index = written
            yield from replacement

    def _compiled_call(self, tokens: list[Token], index: int,
                       ) -> tuple[list[Token], int] | None:
        """What the call starting at ``tokens[index]`` is written as, and the index after
        it; None where it is not a call of ours or takes more than one text and names."""
        call = [token.type for token in tokens[index:index + 3]]
        if (tokens[index].type != "name" or call[1:2] != ["lparen"]
                or (index and tokens[index - 1].type == "dot")):
            return None
        lineno = tokens[index].lineno
        if tokens[index].value == "get_locale" and call[2:] == ["rparen"] and self.language:
            return [Token(lineno, "string", self.language)], index + 3
        if tokens[index].value not in ("_", "gettext") or call[2:] != ["string"]:
            return None
        named = _named_values(tokens, index + 3)
        if named is None:
            return None
        values, end = named
        translated = self.translations.ugettext(tokens[index + 2].value)
        text = list(_safe_string(lineno, translated))
        if not values and "%" not in translated:
            return text, end
        return [Token(lineno, "lparen", "("), *text, Token(lineno, "mod", "%"),
                Token(lineno, "lbrace", "{"), *values, Token(lineno, "rbrace", "}"),
                Token(lineno, "rparen", ")")], end


#: Tokens that open and close a nesting level in an expression.
_OPENING = {"lparen", "lbracket", "lbrace"}
_CLOSING = {"rparen", "rbracket", "rbrace"}


def _named_values(tokens: list[Token], index: int) -> tuple[list[Token], int] | None:
    """The ``, name=value`` arguments from ``tokens[index]`` to the call's closing parenthesis,
    written as a dict's items (``"name": value,``), and the index after the parenthesis;
    None where an argument is not named."""
    items: list[Token] = []
    depth = 0
    while index < len(tokens):
        token = tokens[index]
        if depth == 0 and token.type == "rparen":
            return items, index + 1
        if depth == 0 and token.type == "comma":
            following = [t.type for t in tokens[index + 1:index + 3]]
            if following[:1] == ["rparen"]:
                index += 1
                continue
            if following != ["name", "assign"]:
                return None
            name = tokens[index + 1]
            if items:
                items.append(Token(token.lineno, "comma", ","))
            items += [Token(name.lineno, "string", name.value), Token(name.lineno, "colon", ":")]
            index += 3
            continue
        if depth == 0 and not items:
            return None
        depth += (token.type in _OPENING) - (token.type in _CLOSING)
        items.append(token)
        index += 1
    return None


def _safe_string(lineno: int, text: str) -> Iterator[Token]:
    for kind, value in (("lparen", "("), ("string", text), ("pipe", "|"), ("name", "safe"),
                        ("rparen", ")")):
        yield Token(lineno, kind, value)
