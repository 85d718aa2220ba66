"""A mail's HTML part in the dashboard exactly as it goes out, framed under its own policy.

The dashboard's pages allow no inline style; a mail is nothing but inline styles. Drawn from
``srcdoc`` the frame inherited the page's policy and showed an unstyled mail. Served from a
URL of its own, with a policy that lets styles (and nothing else) through, it looks as sent.
"""

from flask import Response, abort, request

from rsvp.dashboard.blueprint import bp, load_event, load_invitee, load_message
from rsvp.dashboard.render_failures import preview
from rsvp.dashboard.sending import COMPOSED_KINDS, kind_or_404

#: Inline styles and data: images, nothing else: no script, no form, no request elsewhere.
MAIL_FRAME_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                     "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")


def framed(html: str) -> Response:
    """The HTML for a same-origin, script-less frame of a dashboard page."""
    return Response(html, mimetype="text/html", headers={
        "Content-Security-Policy": MAIL_FRAME_POLICY, "X-Frame-Options": "SAMEORIGIN",
        "Cache-Control": "no-store"})


@bp.get("/events/<slug>/send/preview/<id:invitee_id>.html")
def preview_html(slug: str, invitee_id: int) -> Response:
    """The HTML part the invitee would get of the kind in ``?kind=``."""
    event = load_event(slug)
    sample = load_invitee(event, invitee_id)
    rendered, _error = preview(sample, kind_or_404(request.args.get("kind"), COMPOSED_KINDS))
    if rendered is None:
        abort(404)
    return framed(rendered.html)


@bp.get("/events/<slug>/messages/<id:message_id>/body.html")
def message_html(slug: str, message_id: int) -> Response:
    """The HTML part of one logged message, as it went out."""
    return framed(load_message(load_event(slug), message_id).body_html)
