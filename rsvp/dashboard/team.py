"""The event's team page (owners only): who has which role, adding, changing, removing."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse
from wtforms import EmailField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Length

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.auth.models import Organiser
from rsvp.auth.services import AccountError
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.dashboard.submissions import once
from rsvp.events.models import Event, EventMember
from rsvp.events.operations import change_member_role, share_event, unshare_event
from rsvp.events.team import ROLE_LABELS, ROLES, TeamError, team_of
from rsvp.extensions import db
from rsvp.forms import Form
from rsvp.mailing.dispatch import dispatch
from rsvp.outcome import Agent


def _role_field() -> SelectField:
    return SelectField(_l("Role"), choices=[SelectChoice(role, ROLE_LABELS[role])
                                            for role in ROLES], default="editor")


class AddMemberForm(Form):
    """Someone to put on the team: an address and a role; the rules are the team's own."""

    email = EmailField(_l("Email address"), validators=[
        InputRequired(message=_l("Please enter an email address.")), Length(max=320)])
    role = _role_field()


class RoleForm(Form):
    role = _role_field()


def _member(event: Event, member_id: int) -> EventMember:
    member = db.session.get(EventMember, member_id)
    if member is None or member.event_id != event.id:
        abort(404)
    return member


@bp.get("/events/<slug>/team")
def team(slug: str, form: AddMemberForm | None = None) -> str:
    """The team: each member's role with forms to change or remove it, and one to add."""
    event = load_event(slug, needs=Permission.TEAM)
    return render_template("dashboard/team.html", event=event, form=form or AddMemberForm(),
                           members=team_of(db.session, event), roles=ROLES,
                           role_labels=ROLE_LABELS, action_form=Form())


@bp.post("/events/<slug>/team")
@once
def team_add(slug: str) -> BaseResponse | tuple[str, int]:
    """Add someone by address; without an account they are invited to make one."""
    event = load_event(slug, needs=Permission.TEAM)
    form = AddMemberForm()
    if not form.validate_on_submit():
        return team(slug, form), 400
    try:
        outcome = share_event(db.session, event, form.email.data or "", form.role.data or "",
                              by=Agent.organiser(current_user.id))
    except (TeamError, AccountError) as exc:
        db.session.rollback()
        form.email.errors = [str(exc)]
        return team(slug, form), 400
    audit(AuditAction.MEMBER_ADDED, event, member=form.email.data, role=form.role.data)
    db.session.commit()
    dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
    flash(_("%(email)s is on the team now and has been told by mail.",
            email=form.email.data), "success")
    return redirect(url_for("dashboard.team", slug=event.slug), 303)


@bp.post("/events/<slug>/team/<id:member_id>/role")
@once
def team_role(slug: str, member_id: int) -> BaseResponse:
    """Give a member another role."""
    event = load_event(slug, needs=Permission.TEAM)
    member = _member(event, member_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    return _team_change(event, lambda: change_member_role(
        db.session, event, member, form.role.data or "", by=Agent.organiser(current_user.id)),
        _("The role has been changed."), AuditAction.MEMBER_ROLE_CHANGED,
        member=_email_of(member), role=form.role.data)


@bp.post("/events/<slug>/team/<id:member_id>/remove")
@once
def team_remove(slug: str, member_id: int) -> BaseResponse:
    """Take a member off the team."""
    event = load_event(slug, needs=Permission.TEAM)
    member = _member(event, member_id)
    if not Form().validate_on_submit():
        abort(400)
    return _team_change(event, lambda: unshare_event(
        db.session, event, member, by=Agent.organiser(current_user.id)),
        _("The member has been removed from the team."), AuditAction.MEMBER_REMOVED,
        member=_email_of(member))


def _email_of(member: EventMember) -> str:
    organiser = db.session.get(Organiser, member.organiser_id)
    return organiser.email if organiser else ""


def _team_change(event: Event, change, done: str,  # type: ignore[no-untyped-def]
                 action: AuditAction, **details: object) -> BaseResponse:
    """Run a change of the team; the last owner's refusal is shown, not raised."""
    try:
        change()
    except TeamError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        audit(action, event, **details)
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("dashboard.team", slug=event.slug), 303)
