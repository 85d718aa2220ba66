"""Security headers on every response, stricter on the invitee's pages."""

from functools import lru_cache
from typing import Any

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

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
    app.after_request(add_security_headers)
    app.session_interface = KeptSerializerSessionInterface()


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
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.blueprint in TOKEN_BLUEPRINTS:
        # The token is in the URL: it must not leak to other sites nor stay in caches.
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cache-Control"] = "no-store"
    else:
        headers.setdefault("Referrer-Policy", "same-origin")
    if request.blueprint in PERSONAL_BLUEPRINTS:
        # Names and addresses must not stay in a shared or the browser's disk cache.
        headers["Cache-Control"] = "no-store"
    if current_app.config["ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response
