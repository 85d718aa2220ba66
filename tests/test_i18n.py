"""Salutations and dates as a German or British office writes them."""

from datetime import datetime

import pytest

from rsvp.i18n import format_event_when, format_local_datetime, salutation


@pytest.mark.parametrize(("code", "title", "first", "last", "language", "expected"), [
    ("ms", "Dr.", "Petra", "Potz", "de", "Sehr geehrte Frau Dr. Potz"),
    ("mr", "", "Hans", "Müller", "de", "Sehr geehrter Herr Müller"),
    ("ms", "Prof. Dr.", "Johanna", "Weber", "de", "Sehr geehrte Frau Prof. Dr. Weber"),
    (None, "", "Alex", "Schmidt", "de", "Guten Tag Alex Schmidt"),
    (None, "", "", "", "de", "Guten Tag"),
    ("ms", "Dr.", "Petra", "Potz", "en", "Dear Dr Potz"),
    ("ms", "Prof. Dr.", "Johanna", "Weber", "en", "Dear Professor Weber"),
    ("mr", "", "Sam", "Taylor", "en", "Dear Mr Taylor"),
    (None, "", "Alex", "Schmidt", "en", "Dear Alex Schmidt"),
    (None, "", "", "", "en", "Dear Sir or Madam"),
])
def test_salutations_follow_each_languages_usage(code, title, first, last, language, expected):
    assert salutation(salutation_code=code, title=title, first_name=first, last_name=last,
                      language=language) == expected


def test_a_one_day_event_reads_like_the_real_invitation(create_event):
    event = create_event(starts_at=datetime(2019, 11, 25, 12), ends_at=datetime(2019, 11, 25, 17),
                         rsvp_deadline=datetime(2019, 11, 1))
    assert format_event_when(event, "de") == "Montag, 25. November 2019, 12:00–17:00 Uhr"
    assert format_event_when(event, "en") == "Monday, 25 November 2019, 12:00–17:00"


def test_times_are_shown_in_the_events_zone_not_in_utc(create_event):
    event = create_event(starts_at=datetime(2027, 7, 1, 9), ends_at=datetime(2027, 7, 2, 16),
                         timezone="America/New_York", rsvp_deadline=None)
    assert format_event_when(event, "en") == (
        "Thursday, 1 July 2027, 09:00 – Friday, 2 July 2027, 16:00")
    assert format_local_datetime(event.starts_at, event, "de") == (
        "Donnerstag, 1. Juli 2027, 09:00 Uhr")


def test_a_template_follows_a_language_switched_within_the_request(app):
    from flask import render_template_string
    from flask_babel import force_locale

    page = "{{ _('Yes, I will attend') }}"
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        assert render_template_string(page) == "Ja, ich nehme teil"
        with force_locale("en"):
            assert render_template_string(page) == "Yes, I will attend"
        assert render_template_string(page) == "Ja, ich nehme teil"


def test_a_language_environment_compiles_fixed_texts_already_translated(app):
    from rsvp.i18n_web import language_environment

    with app.test_request_context("/"):
        code = language_environment("de").compile("{{ _('Your reply') }}", raw=True)
    assert "Ihre Antwort" in code
    assert "gettext" not in code and "'_'" not in code


def test_a_language_environment_formats_a_text_with_names_without_a_call(app):
    from rsvp.i18n_web import language_environment

    with app.test_request_context("/"):
        code = language_environment("de").compile(
            "{{ _('Invitation for %(name)s', name=guest) }}", raw=True)
    assert "Einladung für %(name)s" in code
    assert "context.call" not in code


def test_a_language_environment_writes_each_language_into_its_own_templates(app):
    from rsvp.i18n_web import language_environment

    page = "<h2>{{ _('Your reply') }}</h2>"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        german = language_environment("de").from_string(page).render()
        english = language_environment("en").from_string(page).render()
    assert (german, english) == ("<h2>Ihre Antwort</h2>", "<h2>Your reply</h2>")


@pytest.mark.parametrize("page", [
    "{{ _('At most %(n)d.', n=3) }}",
    "{{ _('Invitation for %(name)s', name='<b>Ada</b>') }}",
    "{{ _('Fully 100%% booked') }}",
    "{{ _('At most %(n)d.', n=(0 or 2),) }}",
    "{{ _('Invitation for %(name)s', name={'a': ['<b>Ada</b>']}['a'][0]) }}",
    '<html lang="{{ get_locale() }}">',
    "{{ ngettext('%(num)d guest', '%(num)d guests', 2) }}",
    "{{ _('Your reply') ~ '<i>' }}",
])
def test_a_language_environment_renders_what_the_runtime_translation_does(app, page):
    from flask import render_template_string

    from rsvp.i18n_web import language_environment

    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        runtime = render_template_string(page)
        compiled = language_environment("de").from_string(page).render()
    assert compiled == runtime
