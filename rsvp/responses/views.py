"""The invitee's pages, reached through the signed link in their email."""

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from rsvp.calendar import event_ics
from rsvp.extensions import db, limiter
from rsvp.i18n import format_event_when, format_local_datetime, salutation
from rsvp.invitees.models import Invitee
from rsvp.mailing.background import deliver_soon
from rsvp.mailing.services import queue_answer_mails
from rsvp.responses.forms import AnswerForm
from rsvp.responses.services import DeadlinePassed, NoRoomForGuests, record_answer
from rsvp.responses.waitlist import waitlist_position
from rsvp.tokens import invitee_for_token

bp = Blueprint("responses", __name__)


def _load(token: str) -> Invitee:
    invitee = invitee_for_token(db.session, token)
    g.language = invitee.effective_language()
    return invitee


def _render(invitee: Invitee, form: AnswerForm, status: int = 200) -> tuple[str, int]:
    event = invitee.event
    language = g.language
    page = render_template(
        "invitee/page.html", invitee=invitee, event=event, form=form, token=form.token,
        when=format_event_when(event, language),
        deadline=(format_local_datetime(event.rsvp_deadline, event, language)
                  if event.rsvp_deadline else None),
        closed=event.deadline_passed() or event.cancelled,
        position=waitlist_position(db.session, invitee.response) if invitee.response else None,
        greeting=salutation(salutation_code=invitee.salutation, title=invitee.academic_title,
                            first_name=invitee.first_name, last_name=invitee.last_name,
                            language=language),
    )
    return page, status


@bp.get("/r/<token>")
def page(token: str) -> tuple[str, int]:
    """Show the event and the invitee's answer. GET must not change state: scanners follow links."""
    invitee = _load(token)
    current = invitee.response
    form = AnswerForm(
        max_guests=invitee.event.max_guests,
        data={"response": current.answer.value if current else None,
              "guests": current.guests if current else 0,
              "comment": current.comment if current else ""},
    )
    form.token = token
    return _render(invitee, form)


def _link_key() -> str:
    return "answer-link:" + str((request.view_args or {}).get("token", ""))[:300]


@bp.post("/r/<token>")
@limiter.limit(lambda: current_app.config["ANSWER_RATE_LIMIT_PER_LINK"], key_func=_link_key)
@limiter.limit(lambda: current_app.config["ANSWER_RATE_LIMIT_PER_ADDRESS"])
def answer(token: str):  # type: ignore[no-untyped-def]
    """Record the invitee's answer and queue its confirmation for a background sender."""
    invitee = _load(token)
    form = AnswerForm(max_guests=invitee.event.max_guests)
    form.token = token
    if invitee.event.deadline_passed() or invitee.event.cancelled:
        return _render(invitee, form, 403)
    if not form.validate():
        return _render(invitee, form, 400)
    try:
        result = record_answer(db.session, invitee, form.response.data,
                               guests=form.guests.data or 0, comment=form.comment.data or "")
    except DeadlinePassed:
        return _render(invitee, form, 403)
    except NoRoomForGuests as exc:
        db.session.rollback()
        form.guests.errors = [_("The event is full: at most %(n)d more guests can come along.",
                                n=exc.free)]
        return _render(invitee, form, 409)
    message_ids = queue_answer_mails(db.session, invitee, result)
    try:
        db.session.commit()
    except IntegrityError:
        # A second tab answered at the same instant; its answer stands and is shown.
        db.session.rollback()
        message_ids = []
    # Committed above, so never lost; sent by a background sender, not while the invitee waits.
    deliver_soon(current_app._get_current_object(),  # type: ignore[attr-defined]
                 invitee.event_id, message_ids)
    flash("saved")
    return redirect(url_for("responses.page", token=token), 303)


@bp.get("/r/<token>/event.ics")
def calendar_file(token: str) -> Response:
    """The event as an iCalendar file for the invitee's calendar."""
    invitee = _load(token)
    return Response(
        event_ics(invitee.event, invitee=invitee),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{invitee.event.slug}.ics"'},
    )
