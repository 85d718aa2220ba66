"""The waiting list of a full event: moving someone up by hand."""

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from rsvp.dashboard.blueprint import bp, load_event
from rsvp.dashboard.submissions import once
from rsvp.extensions import db
from rsvp.mailing.background import start_delivery
from rsvp.mailing.models import MessageKind
from rsvp.mailing.services import queue_promotions
from rsvp.responses.waitlist import NotWaiting, promote_by_hand


@bp.post("/events/<slug>/waitlist/<id:invitee_id>/promote")
@once
def waitlist_promote(slug: str, invitee_id: int):  # type: ignore[no-untyped-def]
    """Give a waiting invitee a place now and tell them by email."""
    event = load_event(slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        change = promote_by_hand(db.session, event, invitee_id, current_user.id)
    except NotWaiting:
        db.session.rollback()
        flash(_("This person is no longer on the waiting list."), "error")
    else:
        queue_promotions(db.session, [change])
        db.session.commit()
        start_delivery(current_app._get_current_object(),  # type: ignore[attr-defined]
                       event.id, MessageKind.PROMOTED)
        flash(_("The invitee has been given a place and is being told by email."), "success")
    return redirect(url_for("dashboard.event", slug=event.slug) + "#waitlist-title", 303)
