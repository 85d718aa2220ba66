"""Logging organisers in and out."""

import unicodedata
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from rsvp.auth.brake import is_braked, record_failure
from rsvp.auth.forms import LoginForm
from rsvp.auth.services import authenticate, login_address
from rsvp.events.models import LANGUAGES
from rsvp.extensions import db, login_manager
from rsvp.security import TOKEN_BLUEPRINTS

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"

#: Control characters (CR, LF, NUL...) and line separators: never part of a path to return to.
UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


@login_manager.user_loader
def load_organiser(login_id: str):  # type: ignore[no-untyped-def]
    """The organiser of the session, or None when the account is gone or the session ended."""
    from rsvp.auth.models import Organiser

    if request.blueprint in TOKEN_BLUEPRINTS:
        # Invitee pages serve the link's holder, never an organiser: no query for one there
        # (Flask-Login's template context would otherwise load the user on every page).
        return None
    organiser_id, _, version = login_id.partition(":")
    if not all(part.isascii() and part.isdigit() for part in (organiser_id, version)):
        return None  # also a cookie from before session versions: log in again
    organiser = db.session.get(Organiser, int(organiser_id))
    if organiser is None or not organiser.is_active:
        return None
    return organiser if organiser.session_version == int(version) else None


def safe_next(target: str | None) -> str:
    """A local path to return to after logging in; anything else goes to the event list."""
    if target and not any(unicodedata.category(c) in UNSAFE_CATEGORIES for c in target):
        parts = urlsplit(target)
        if (not parts.scheme and not parts.netloc and target.startswith("/")
                and not target.startswith("//") and "\\" not in target):
            return target
    return url_for("dashboard.events")


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    """Show the login form and log the organiser in."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.events"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200
    # The brake counts the address login looks up, so no spelling of it escapes the count.
    address, client = login_address(form.email.data or ""), request.remote_addr or ""
    if is_braked(db.session, address, client):
        return too_many_attempts()
    organiser = authenticate(db.session, form.email.data or "", form.password.data or "")
    if organiser is None:
        record_failure(db.session, address, client)
        db.session.commit()
        # One message for a wrong password and an unknown address: no account discovery.
        error = _("Email address or password is wrong.")
        return render_template("auth/login.html", form=form, error=error), 401
    target = safe_next(request.args.get("next"))
    session.clear()
    login_user(organiser)
    return redirect(target, 303)


def too_many_attempts() -> tuple[str, int]:
    """Too many failed logins: say so on the login page, without telling whether one was right."""
    form = LoginForm(formdata=None)
    error = _("Too many failed attempts. Please wait a few minutes and try again.")
    return render_template("auth/login.html", form=form, error=error), 429


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Log out (POST only: a GET must not change state), ending copies of the session too."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"), 303)


#: A year: the choice of language outlives the session.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


@bp.post("/language")
def language() -> Response:
    """Remember the interface language in a cookie and go back to the page."""
    chosen = request.form.get("lang", "")
    response = redirect(safe_next(request.form.get("next")), 303)
    if chosen in LANGUAGES:
        response.set_cookie("lang", chosen, max_age=LANGUAGE_COOKIE_AGE, httponly=True,
                            samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response
