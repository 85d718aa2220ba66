"""Security headers on every response, stricter on the invitee's pages."""

from flask import Flask, Response, current_app, request

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
