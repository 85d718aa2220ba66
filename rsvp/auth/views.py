"""Logging organisers in and out."""

import time
import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
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
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit, audit_failed_login
from rsvp.auth.brake import is_braked, record_failure
from rsvp.auth.forms import (
    ActionForm,
    ChangePasswordForm,
    CodeForm,
    CreateAccountForm,
    DisableTwoFactorForm,
    ForgotPasswordForm,
    LoginForm,
    SetPasswordForm,
)
from rsvp.auth.links import AccountLink, InvalidAccountLink, organiser_for_link
from rsvp.auth.models import Organiser
from rsvp.auth.operations import create_account, request_password_reset, send_reset_link
from rsvp.auth.services import (
    AccountError,
    authenticate,
    change_password,
    deactivate,
    login_address,
    reactivate,
)
from rsvp.auth.twofactor import disable, enable, new_secret, provisioning_uri, use_second_factor
from rsvp.events.models import LANGUAGES
from rsvp.extensions import db, limiter, login_manager
from rsvp.mailing.dispatch import dispatch
from rsvp.outcome import Agent
from rsvp.qrcodes import qr_svg
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
        audit_failed_login(address)
        db.session.commit()
        # One message for a wrong password and an unknown address: no account discovery.
        error = _("Email address or password is wrong.")
        return render_template("auth/login.html", form=form, error=error), 401
    target = safe_next(request.args.get("next"))
    session.clear()
    if organiser.totp_secret is not None:
        return start_second_step(organiser, target)
    audit(AuditAction.LOGIN, actor=organiser)
    db.session.commit()
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
    audit(AuditAction.LOGOUT)
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


# --- The second step of a login: a TOTP or recovery code

#: How long a password once given waits for its code (seconds).
SECOND_STEP_AGE = 300


def start_second_step(organiser: Organiser, target: str) -> Response:
    """Password right, code still to come: the signed session holds who, which version, since
    when; nobody is logged in until the code is right."""
    session["second_step"] = [organiser.id, organiser.session_version, int(time.time()), target]
    return redirect(url_for("auth.login_code"), 303)


def _pending_organiser() -> tuple[Organiser, str] | None:
    """The organiser waiting for their code, and where to go after it; None when none waits."""
    match session.get("second_step"):
        case [int() as organiser_id, int() as version, int() as since, str() as target]:
            pass
        case _:
            return None
    organiser = db.session.get(Organiser, organiser_id)
    if (organiser is None or not organiser.is_active or organiser.session_version != version
            or time.time() - since > SECOND_STEP_AGE or organiser.totp_secret is None):
        return None
    return organiser, target


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():  # type: ignore[no-untyped-def]
    """Ask the code of the authenticator app (or a recovery code) after the password."""
    pending = _pending_organiser()
    if pending is None:
        session.pop("second_step", None)
        return redirect(url_for("auth.login"), 303)
    organiser, target = pending
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("auth/code.html", form=form), 400 if form.is_submitted() else 200
    client = request.remote_addr or ""
    if is_braked(db.session, organiser.email, client):
        return render_template("auth/code.html", form=CodeForm(formdata=None),
                               error=_("Too many failed attempts. Please wait a few minutes "
                                       "and try again.")), 429
    if not use_second_factor(db.session, organiser, form.code.data or ""):
        record_failure(db.session, organiser.email, client)
        audit_failed_login(organiser.email, step="code")
        db.session.commit()
        return render_template("auth/code.html", form=form,
                               error=_("The code is wrong or was used already.")), 401
    audit(AuditAction.LOGIN, actor=organiser, two_factor=True)
    db.session.commit()
    session.clear()
    login_user(organiser)
    return redirect(target, 303)


#: Endpoints an organiser who must set up two-factor login may still reach.
ENROLMENT_ENDPOINTS = {"auth.two_factor", "auth.logout", "auth.language", "static"}


@bp.before_app_request
def require_two_factor() -> Response | None:
    """With RSVP_REQUIRE_2FA, nothing but the enrolment until two-factor login is set up."""
    if (not current_app.config.get("REQUIRE_2FA") or request.blueprint in TOKEN_BLUEPRINTS
            or request.endpoint in ENROLMENT_ENDPOINTS or request.endpoint is None):
        return None
    if current_user.is_authenticated and current_user.totp_secret is None:
        flash(_("Please set up two-factor login first."), "info")
        return redirect(url_for("auth.two_factor"), 303)
    return None


# --- The account page: password and two-factor login --------------------------------------------

@bp.get("/account")
@login_required
def account() -> str:
    """The organiser's own account: change the password, two-factor login."""
    return render_template("auth/account.html", form=ChangePasswordForm(),
                           disable_form=DisableTwoFactorForm())


@bp.post("/account/password")
@login_required
def change_own_password():  # type: ignore[no-untyped-def]
    """Change the password (the current one first); every other session ends."""
    form = ChangePasswordForm()
    if form.validate_on_submit() and not current_user.check_password(form.current.data or ""):
        form.current.errors = [_("The current password is wrong.")]
    elif form.validate_on_submit():
        try:
            change_password(current_user, form.password.data or "")
        except AccountError as exc:
            form.password.errors = [str(exc)]
        else:
            audit(AuditAction.PASSWORD_CHANGED)
            db.session.commit()
            login_user(current_user)  # this session goes on under the new version
            flash(_("Your password has been changed. Other sessions have ended."), "success")
            return redirect(url_for("auth.account"), 303)
    return render_template("auth/account.html", form=form,
                           disable_form=DisableTwoFactorForm()), 400


def _setup_secret() -> str:
    """The secret being set up, kept in the signed session until its first code confirms it."""
    secret = session.get("totp_setup")
    if not isinstance(secret, str):
        secret = session["totp_setup"] = new_secret()
    return secret


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():  # type: ignore[no-untyped-def]
    """Set up two-factor login: scan the QR code, confirm with the app's first code."""
    if current_user.totp_secret is not None:
        return redirect(url_for("auth.account"))
    form, secret = CodeForm(), _setup_secret()
    codes = None
    if form.validate_on_submit():
        codes = enable(db.session, current_user, secret, form.code.data or "")
        if codes is None:
            form.code.errors = [_("The code is wrong. Please try the current one.")]
    if codes is None:
        uri = provisioning_uri(current_user, secret)
        return render_template("auth/two_factor.html", form=form, secret=secret,
                               qr=Markup(qr_svg(uri))), 400 if form.is_submitted() else 200
    audit(AuditAction.TWO_FACTOR_ON)
    db.session.commit()
    session.pop("totp_setup", None)
    # Shown this once: only their hashes are kept.
    return render_template("auth/recovery_codes.html", codes=codes)


@bp.post("/account/two-factor/disable")
@login_required
def disable_two_factor():  # type: ignore[no-untyped-def]
    """Turn two-factor login off: the password and a current code (or a recovery code)."""
    form = DisableTwoFactorForm()
    if (form.validate_on_submit() and current_user.check_password(form.password.data or "")
            and use_second_factor(db.session, current_user, form.code.data or "")):
        disable(db.session, current_user)
        audit(AuditAction.TWO_FACTOR_OFF)
        db.session.commit()
        flash(_("Two-factor login is off."), "success")
        return redirect(url_for("auth.account"), 303)
    db.session.rollback()
    form.code.errors = [_("The password or the code is wrong.")]
    return render_template("auth/account.html", form=ChangePasswordForm(formdata=None),
                           disable_form=form), 400


# --- Forgotten passwords and account links

def _forgot_limit() -> str:
    return str(current_app.config["FORGOT_PASSWORD_RATE_LIMIT"])


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_forgot_limit, methods=["POST"])
def forgot_password():  # type: ignore[no-untyped-def]
    """Ask for a reset link; the answer is the same whether the address has an account."""
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form), 400 if form.is_submitted() else 200
    outcome = request_password_reset(db.session, form.email.data or "")
    audit(AuditAction.PASSWORD_RESET_REQUESTED, actor=outcome.organiser_id, label="?")
    db.session.commit()
    dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
    return render_template("auth/forgot_sent.html")


def _link_page(token: str, purpose: AccountLink):  # type: ignore[no-untyped-def]
    """Set a password through a link: its form, or a friendly page for a used or old link."""
    try:
        organiser = organiser_for_link(db.session, token, purpose)
    except InvalidAccountLink:
        return render_template("auth/link_invalid.html"), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            change_password(organiser, form.password.data or "")
        except AccountError as exc:
            form.password.errors = [str(exc)]
        else:
            audit(AuditAction.PASSWORD_SET, actor=organiser, link=purpose.name.lower())
            db.session.commit()
            flash(_("Your password has been set. Please log in."), "success")
            return redirect(url_for("auth.login"), 303)
    return render_template("auth/set_password.html", form=form, purpose=purpose.name,
                           email=organiser.email), 400 if form.is_submitted() else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):  # type: ignore[no-untyped-def]
    """Choose a new password through a reset link (one hour, once)."""
    return _link_page(token, AccountLink.RESET_PASSWORD)


@bp.route("/password/set/<token>", methods=["GET", "POST"])
def set_password(token: str):  # type: ignore[no-untyped-def]
    """Choose the first password of an account an admin created (72 hours, once)."""
    return _link_page(token, AccountLink.SET_PASSWORD)


# --- Admins manage the accounts

def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Logged in and an admin, else 403."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def _accounts_page(form: CreateAccountForm, status: int = 200):  # type: ignore[no-untyped-def]
    organisers = db.session.scalars(select(Organiser).order_by(Organiser.email)).all()
    return render_template("auth/accounts.html", organisers=organisers, form=form,
                           action_form=ActionForm()), status


@bp.get("/admin/accounts")
@admin_required
def accounts():  # type: ignore[no-untyped-def]
    """Every organiser account, and a form to create one."""
    return _accounts_page(CreateAccountForm(formdata=None))


@bp.post("/admin/accounts")
@admin_required
def create_account_view():  # type: ignore[no-untyped-def]
    """Create an account; its holder gets a mail with a link to choose a password."""
    form = CreateAccountForm()
    if not form.validate_on_submit():
        return _accounts_page(form, 400)
    try:
        outcome = create_account(db.session, form.email.data or "", name=form.name.data or "",
                                 is_admin=form.is_admin.data, by=Agent.organiser(current_user.id))
    except AccountError as exc:
        db.session.rollback()
        form.email.errors = [str(exc)]
        return _accounts_page(form, 400)
    audit(AuditAction.ACCOUNT_CREATED, account=form.email.data, admin=form.is_admin.data)
    db.session.commit()
    dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
    flash(_("The account was created; a mail with a link to choose a password is on its way."),
          "success")
    return redirect(url_for("auth.accounts"), 303)


def _other_account(organiser_id: int) -> Organiser:
    """The account an admin acts on: 404 for none, 400 for their own (no locking oneself out)."""
    organiser = db.session.get(Organiser, organiser_id)
    if organiser is None:
        abort(404)
    if organiser.id == current_user.id:
        abort(400)
    return organiser


@bp.post("/admin/accounts/<int:organiser_id>/deactivate")
@admin_required
def deactivate_account(organiser_id: int) -> Response:
    """Deactivate an account: its sessions end at once."""
    if ActionForm().validate_on_submit():
        deactivate(_other_account(organiser_id))
        audit(AuditAction.ACCOUNT_DEACTIVATED, account=_other_account(organiser_id).email)
        db.session.commit()
        flash(_("The account was deactivated."), "success")
    return redirect(url_for("auth.accounts"), 303)


@bp.post("/admin/accounts/<int:organiser_id>/reactivate")
@admin_required
def reactivate_account(organiser_id: int) -> Response:
    """Let a deactivated account log in again."""
    if ActionForm().validate_on_submit():
        reactivate(_other_account(organiser_id))
        audit(AuditAction.ACCOUNT_REACTIVATED, account=_other_account(organiser_id).email)
        db.session.commit()
        flash(_("The account was reactivated."), "success")
    return redirect(url_for("auth.accounts"), 303)


@bp.post("/admin/accounts/<int:organiser_id>/reset")
@admin_required
def reset_account(organiser_id: int) -> Response:
    """Mail the organiser a reset link."""
    if ActionForm().validate_on_submit():
        outcome = send_reset_link(db.session, _other_account(organiser_id),
                                  by=Agent.organiser(current_user.id))
        audit(AuditAction.ACCOUNT_RESET_SENT, account=_other_account(organiser_id).email)
        db.session.commit()
        dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
        flash(_("A reset link is on its way."), "success")
    return redirect(url_for("auth.accounts"), 303)
