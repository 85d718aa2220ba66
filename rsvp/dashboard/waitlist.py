"""The waiting list of a full event: moving someone up by hand."""

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.dashboard.blueprint import Permission, bp, load_event, load_invitee
from rsvp.dashboard.submissions import once
from rsvp.extensions import db
from rsvp.forms import Form
from rsvp.mailing.dispatch import dispatch
from rsvp.outcome import Agent
from rsvp.responses.operations import give_place
from rsvp.responses.waitlist import NotWaiting


@bp.post("/events/<slug>/waitlist/<id:invitee_id>/promote")
@once
def waitlist_promote(slug: str, invitee_id: int):  # type: ignore[no-untyped-def]
    """Give a waiting invitee a place now and tell them by email."""
    event = load_event(slug, needs=Permission.EDIT)
    if not Form().validate_on_submit():
        abort(400)
    try:
        outcome = give_place(db.session, event, invitee_id, by=Agent.organiser(current_user.id))
    except NotWaiting:
        db.session.rollback()
        flash(_("This person is no longer on the waiting list."), "error")
    else:
        audit(AuditAction.PLACE_GIVEN, event, load_invitee(event, invitee_id))
        db.session.commit()
        dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
        flash(_("The invitee has been given a place and is being told by email."), "success")
    return redirect(url_for("dashboard.event", slug=event.slug) + "#waitlist-title", 303)
