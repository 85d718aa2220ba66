"""The app's forms' base: Flask-WTF's, with WTForms' own messages in the page's language.

Its own module, so that what imports the web interface's language (the CLI among them)
does not import WTForms.
"""

from babel.support import NullTranslations, Translations
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path

#: WTForms' own messages ("Field cannot be longer than ...") by language, loaded once.
_WTFORMS_TRANSLATIONS: dict[str, NullTranslations] = {}


def wtforms_translations() -> NullTranslations:
    """WTForms' messages in the page's language, for a form's ``Meta.get_translations``.

    Flask-WTF reads WTForms' catalogue from disk again for every request that makes a form
    (a quarter of an answer's CPU); the catalogue of a release never changes while it runs.
    """
    language = str(get_locale() or "en")
    kept = _WTFORMS_TRANSLATIONS.get(language)
    if kept is None:
        kept = Translations.load(messages_path(), [language], domain="wtforms")
        _WTFORMS_TRANSLATIONS[language] = kept
    return kept


class Form(FlaskForm):
    """The app's forms: Flask-WTF's, with WTForms' own messages from the kept catalogues."""

    class Meta:
        def get_translations(self, form: FlaskForm) -> NullTranslations | None:
            # Flask-WTF's own switch, as its Meta honours it.
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)  # type: ignore[misc]
            return wtforms_translations()
