"""Every route, with whatever its URL and forms may carry, answers without a server error.

The routes come from the app's URL map, so a new route is walked without being listed here.
"""


import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from rsvp.extensions import db
from rsvp.mailing.models import MessageKind
from rsvp.mailing.services import queue_messages
from rsvp.questions.services import add_questions, questions_from_file
from rsvp.responses.services import record_answer
from rsvp.tokens import make_token
from tests.dashboard.conftest import (  # noqa: F401  (a fresh g per request, as in a server)
    PASSWORD,
    SOME_QUESTION,
    event_member_id,
    fill_url,
    fresh_g_per_request,
    log_in,
)

#: What a converter argument is filled with: ids no column holds, overlong numbers, odd text.
ODD_VALUES = ["2147483647", "2147483648", "4294967296", "9223372036854775807",
              "9223372036854775808", "18446744073709551616", "-1", "0",
              "9" * 400, "1e3", "²", "٣", "%00", "a%00b", "%C3%A4", "x" * 3000, "..", "%20",
              "%FF", "null"]
LONG_NUMBER = "9" * 400
#: Every field name a form of the app has, each given an overlong number.
FORM_FIELDS = ["guests", "capacity", "max_guests", "retention_days", "invitee", "kind",
               "response", "comment", "channel", "audience", "subject", "body",
               "translated_subject", "translated_body", "upload", "slug", "title", "starts_at",
               "ends_at", "rsvp_deadline", "registration_opens", "timezone", "language",
               "link_policy", "contact_email", "email", "salutation", "first_name", "last_name",
               "text", "html", "substitute_name", "substitute_email", "page", "lang", "password",
               "key", "type", "label_de", "options", "minimum", "maximum", "max_length",
               "direction", "hidden", "q_diet", "guest_1_name"]
#: A question on the walked event, for the question editor's routes.
#: Walked last: logging out ends the walk's session.
LAST = {"auth.logout"}


@pytest.fixture
def app_config(app_config):
    # CSRF is tested on its own (tests/test_security.py); here it would only hide the views.
    return {**app_config, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}


@pytest.fixture
def walker(client: FlaskClient, create_organiser, create_event, create_invitee):
    """A logged-in organiser owning an event with an invitee who answered and was mailed."""
    organiser = create_organiser("buero@example.org", PASSWORD)
    event = create_event(owner=organiser.email)
    person = create_invitee(event, email="gast@example.org")
    record_answer(db.session, person, "accepted")
    question = add_questions(db.session, event, questions_from_file([SOME_QUESTION]))[0]
    queue_messages(db.session, event, MessageKind.INVITATION)
    db.session.commit()
    assert log_in(client, organiser.email).status_code == 303
    good = {"slug": event.slug, "invitee_id": str(person.id), "message_id": "1",
            "kind": "invitation", "language": "de", "token": make_token(person),
            "filename": "style.css", "plan_id": "1", "organiser_id": str(organiser.id),
            "member_id": str(event_member_id(event.id)),
            "question_id": str(question.id), "round_id": "1"}
    return client, good


def routes(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in LAST, r.rule))


def request_status(client: FlaskClient, method: str, url: str, data: dict[str, str]) -> str:
    """The status, or the exception a view let escape (the test app propagates them)."""
    try:
        response = client.open(url, method=method, data=data if method == "POST" else None)
    except Exception as exc:  # any escape is the failure looked for
        return f"{type(exc).__name__}: {exc}"[:200]
    return str(response.status_code)


def walk(app: Flask, client: FlaskClient, good: dict[str, str]) -> tuple[list[str], int]:
    """Every route with odd arguments, then with good ones; the failures and the pages shown."""
    failures, shown = [], 0
    overlong = dict.fromkeys(FORM_FIELDS, LONG_NUMBER)
    for rule in routes(app):
        methods = sorted((rule.methods or set()) & {"GET", "POST"})
        cases = [(name, odd) for name in rule.arguments for odd in ODD_VALUES]
        for method in methods:
            for name, odd in [*cases, ("", "")]:
                url = fill_url(rule.rule, {**good, name: odd} if name else good)
                for data in ({}, overlong) if method == "POST" else ({},):
                    status = request_status(client, method, url, data)
                    shown += status == "200"
                    if not status.isdigit() or int(status) >= 500:
                        failures.append(f"{method} {url[:120]} {bool(data)}: {status}")
    return failures, shown


def test_no_route_answers_an_odd_url_or_form_with_a_server_error(app, walker):
    client, good = walker
    assert len(list(app.url_map.iter_rules())) > 30
    failures, shown = walk(app, client, good)
    assert failures == []
    # The walk was logged in: the dashboard's pages were shown, not the login form instead.
    assert shown > 15


def test_an_id_beyond_what_a_column_holds_is_not_found(app, walker):
    client, good = walker
    slug = good["slug"]
    for url in (f"/events/{slug}/invitees/9223372036854775808",
                f"/events/{slug}/invitees/2147483648",
                f"/events/{slug}/invitees/18446744073709551616/data.json",
                f"/events/{slug}/messages/9223372036854775808"):
        assert client.get(url).status_code == 404, url
    for action in ("resend", "revoke", "delete", "answer"):
        url = f"/events/{slug}/invitees/9223372036854775808/{action}"
        assert client.post(url, data={"confirm": "yes"}).status_code == 404, url
    promote = f"/events/{slug}/waitlist/9223372036854775808/promote"
    assert client.post(promote).status_code == 404


def test_a_test_send_for_an_id_beyond_what_a_column_holds_is_refused(app, walker):
    client, good = walker
    for invitee in ("9223372036854775808", "²", "9" * 400):
        result = client.post(f"/events/{good['slug']}/send/test",
                             data={"kind": "invitation", "invitee": invitee})
        assert result.status_code == 400, invitee
