"""The dashboard's forms that send mail or create something are done once per rendered form.

A view gets ``@once``; its template puts ``{{ submission_key() }}`` into the form. A repeated
POST with the same key (a double click, a resubmitted page) does nothing and is sent where the
first one led, with a note saying so. See rsvp.submissions for how the key is taken.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from rsvp.dashboard.blueprint import bp
from rsvp.extensions import db
from rsvp.submissions import FIELD, KEY_PATTERN, claim, new_key, remember_result, result_of


@bp.app_template_global()
def submission_key() -> Markup:
    """The hidden field with a fresh key, for a form whose POST must be done only once."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, new_key())


def once(view: Callable[..., Any]) -> Callable[..., Any]:
    """Do a POST's work once per submission key; a form without a key is done as before."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.form.get(FIELD, "") if request.method == "POST" else ""
        if not key:
            return view(*args, **kwargs)
        if not KEY_PATTERN.fullmatch(key):
            abort(400)
        if not claim(db.session, key, current_user.id):
            return _already_done(key)
        response = make_response(view(*args, **kwargs))
        remember_result(db.session, key, response.location if response.status_code in
                        (301, 302, 303, 307, 308) and response.location else "")
        return response

    return wrapper


def _already_done(key: str) -> Response:
    """Where the first request led, or the event's page, with a note that nothing was repeated."""
    flash(_("This form had been sent already; it was carried out only once."), "success")
    slug = (request.view_args or {}).get("slug")
    fallback = url_for("dashboard.event", slug=slug) if slug else url_for("dashboard.events")
    return redirect(result_of(db.session, key) or fallback, 303)
