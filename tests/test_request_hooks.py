"""The hooks every request runs: the rate limiter's check only where limits can apply, and
the security headers leaving alone those a view set; the app telling coroutines from
plain functions, and keeping static files' addresses."""

import pytest
from flask import Flask, Response, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from rsvp import RsvpApp
from rsvp.security import SecuredResponse, add_security_headers, check_rate_limits_where_set


def _limited_app(**limiter_options: object) -> tuple[Flask, Limiter]:
    app = Flask(__name__)
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    limiter = Limiter(get_remote_address, app=app, **limiter_options)  # type: ignore[arg-type]
    check_rate_limits_where_set(app, limiter)
    app.add_url_rule("/open", "open", lambda: "ok")
    return app, limiter


def test_default_limits_still_apply_to_every_page_behind_the_gated_check():
    app, _ = _limited_app(default_limits=["2 per minute"])
    client = app.test_client()
    assert [client.get("/open").status_code for _ in range(3)] == [200, 200, 429]


def test_application_limits_still_apply_behind_the_gated_check():
    app, _ = _limited_app(application_limits=["2 per minute"])
    client = app.test_client()
    assert [client.get("/open").status_code for _ in range(3)] == [200, 200, 429]


def test_a_limited_view_keeps_its_limit_and_an_open_page_stays_open():
    app, limiter = _limited_app()
    app.add_url_rule("/limited", "limited", limiter.limit("2 per minute")(lambda: "ok"))
    client = app.test_client()
    assert [client.get("/limited").status_code for _ in range(3)] == [200, 200, 429]
    assert [client.get("/open").status_code for _ in range(5)] == [200] * 5


@pytest.mark.parametrize("response_class", [Response, SecuredResponse])
@pytest.mark.parametrize("header", ["Content-Security-Policy", "X-Frame-Options"])
def test_a_header_the_view_set_is_kept(header, response_class):
    app = Flask(__name__)
    app.config["ENV"] = "development"
    app.after_request(add_security_headers)
    app.add_url_rule("/own", "own",
                     lambda: response_class("ok", headers={header: "the view's"}))
    headers = app.test_client().get("/own").headers
    assert headers.getlist(header) == ["the view's"]
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("response_class", [Response, SecuredResponse])
def test_a_header_always_set_replaces_the_views_own(response_class):
    app = Flask(__name__)
    app.config["ENV"] = "development"
    app.after_request(add_security_headers)
    # An organiser's page (its endpoint in the dashboard's blueprint): never kept in a cache.
    app.add_url_rule("/d/own", "dashboard.own",
                     lambda: response_class("ok", headers={"Cache-Control": "max-age=60"}))
    headers = app.test_client().get("/d/own").headers
    assert headers.getlist("Cache-Control") == ["no-store"]


@pytest.mark.parametrize("path", ["/login", "/healthz", "/r/not-a-link"])
def test_every_security_header_arrives_once(client, path):
    headers = client.get(path).headers
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
                 "Permissions-Policy", "Referrer-Policy"):
        assert len(headers.getlist(name)) == 1, name


def test_the_app_tells_a_coroutine_from_a_plain_function_every_time():
    app = RsvpApp(__name__)

    def plain() -> str:
        return "ok"

    async def coroutine() -> str:
        return "ok"

    assert app.ensure_sync(plain) is plain
    assert app.ensure_sync(plain) is plain
    with pytest.raises(RuntimeError, match="async"):
        app.ensure_sync(coroutine)


def test_a_static_files_kept_address_follows_the_script_root(app):
    with app.test_request_context("/", base_url="http://rsvp.example.org/prefix"):
        assert url_for("static", filename="rsvp.css") == "/prefix/static/rsvp.css"
    with app.test_request_context("/"):
        assert url_for("static", filename="rsvp.css") == "/static/rsvp.css"


def test_an_external_static_address_is_built_with_its_host(app):
    with app.test_request_context("/"):
        url_for("static", filename="rsvp.css")
        assert url_for("static", filename="rsvp.css", _external=True) == (
            "http://localhost/static/rsvp.css")
