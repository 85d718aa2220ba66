"""Security headers on every response, stricter on the invitee's pages; the CSRF check on the
methods it guards, and the rate limiter's per-request check where limits can apply."""

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

if TYPE_CHECKING:
    from flask_limiter import Limiter
    from flask_wtf.csrf import CSRFProtect

#: No inline script or style anywhere: everything the pages need comes from /static.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])
#: Blueprints whose URLs carry the invitee's token.
TOKEN_BLUEPRINTS = {"responses"}
#: Blueprints of the organiser's pages: lists of people, exports, the login.
PERSONAL_BLUEPRINTS = {"dashboard", "auth"}
#: A year, subdomains included: in production every page is HTTPS only.
HSTS = "max-age=31536000; includeSubDomains"


def init_security_headers(app: Flask) -> None:
    app.response_class = SecuredResponse
    app.after_request(add_security_headers)
    app.session_interface = KeptSerializerSessionInterface()


class SecuredResponse(Response):
    """Flask's response, with the security headers ``add_security_headers`` chose for it
    joined to its own as it starts.

    Their texts are fixed and were checked once; in the response's ``Headers`` werkzeug checks
    every value again, once when it is added and once when the response starts, the long
    policy too, on every page (bench/README.md).
    """

    security_headers: tuple[tuple[str, str], ...] = ()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        added = self.security_headers
        if not added:
            return super().__call__(environ, start_response)

        def start_with_security_headers(status: str, headers: list[tuple[str, str]],
                                        exc_info: Any = None) -> Any:
            return start_response(status, [*headers, *added], exc_info)
        return super().__call__(environ, start_with_security_headers)


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed session cookie, its serializer made once per set of keys.

    Flask builds a new serializer for every request, cookie or not, and building one tries
    its JSON encoder out: about a tenth of what /healthz costs. The keys, salt and digest
    are the same, so the cookie is signed and checked exactly as before.
    """

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        # itsdangerous signs with the last key and accepts all, as in Flask.
        return _session_serializer((*app.config["SECRET_KEY_FALLBACKS"], app.secret_key),
                                   self.salt, self.serializer, self.key_derivation,
                                   self.digest_method)


@lru_cache(maxsize=8)
def _session_serializer(keys: tuple[str | bytes, ...], salt: str, serializer: Any,
                        key_derivation: str, digest_method: Any) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(list(keys), salt=salt, serializer=serializer, signer_kwargs={
        "key_derivation": key_derivation, "digest_method": digest_method})


def add_security_headers(response: Response) -> Response:
    """The headers of ``_headers_for`` this kind of page, leaving alone any the view set."""
    blueprint = request.blueprint
    defaults, forced = _headers_for(blueprint in TOKEN_BLUEPRINTS,
                                    blueprint in PERSONAL_BLUEPRINTS,
                                    current_app.config["ENV"] == "production")
    headers = response.headers
    # One pass over the response's few headers instead of a search per header we add, and
    # a forced one replaces only where the view set it (a replacement searches them all).
    present = {key.lower() for key, _ in headers.items()}
    added = tuple((key, value) for lower, key, value in (*defaults, *forced)
                  if lower not in present)
    if isinstance(response, SecuredResponse):
        response.security_headers = added
    else:  # werkzeug's own, such as an HTTP error's page without a handler
        headers.extend(added)
    for lower, key, value in forced:
        if lower in present:
            headers[key] = value
    return response


@lru_cache(maxsize=8)
def _headers_for(token_page: bool, personal: bool, production: bool) -> tuple[
        tuple[tuple[str, str, str], ...], tuple[tuple[str, str, str], ...]]:
    """The headers a kind of page gets (lowercase name, name, value): those added unless the
    view set its own, and those always set."""
    defaults = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    forced = []
    if token_page:
        # The token is in the URL: it must not leak to other sites nor stay in caches.
        forced += [("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store")]
    else:
        defaults.append(("Referrer-Policy", "same-origin"))
    if personal:
        # Names and addresses must not stay in a shared or the browser's disk cache.
        forced.append(("Cache-Control", "no-store"))
    if production:
        defaults.append(("Strict-Transport-Security", HSTS))
    return (tuple((key.lower(), key, value) for key, value in defaults),
            tuple((key.lower(), key, value) for key, value in dict(forced).items()))


def check_csrf_by_method(app: Flask, csrf: "CSRFProtect") -> None:
    """Flask-WTF's CSRF check of every POST, PUT, PATCH and DELETE, asked for the method first.

    Its own before-request hook (off: ``WTF_CSRF_CHECK_DEFAULT``) works out whether the view
    is exempt before it looks at the method, on every GET too (bench/README.md). Registered
    where Flask-WTF registers its own, so it still runs before the limits.
    """
    config = app.config

    def check_csrf_token() -> None:
        if request.method in config["WTF_CSRF_METHODS"] and config["WTF_CSRF_ENABLED"]:
            csrf.protect(apply_exemptions=True)
    app.before_request(check_csrf_token)


def check_rate_limits_where_set(app: Flask, limiter: "Limiter") -> None:
    """Run the limiter's before-request check only while limits beyond the views' exist.

    Our limits sit on views (``@limiter.limit``), and a decorated view checks its own limits
    when it is called. The before-request check is for application, default, blueprint and
    meta limits and the in-memory fallback's: with none set it finds nothing, at about a fifth
    of what /healthz costs (Flask-Limiter resolves and filters the empty set on every
    request). As soon as any of them is set (config or code), every request is checked again.
    """
    hooks = app.before_request_funcs.get(None, [])
    check = limiter._check_request_limit
    if check not in hooks:
        return  # limits off (RATELIMIT_ENABLED=false): no hook to gate

    def check_request_limit() -> None:
        if _limits_beyond_views(limiter):
            check()
    hooks[hooks.index(check)] = check_request_limit


def _limits_beyond_views(limiter: "Limiter") -> bool:
    """Whether any limit applies outside the decorated views; True when unsure (another
    Flask-Limiter whose attributes differ)."""
    manager = getattr(limiter, "limit_manager", None)
    try:
        return bool(manager._application_limits or manager._default_limits  # type: ignore[union-attr]
                    or manager._blueprint_limits or limiter._meta_limits  # type: ignore[union-attr]
                    or limiter._in_memory_fallback)
    except AttributeError:
        return True
