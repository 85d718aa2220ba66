"""Free messages to a group ("the programme is online") and calling an event off."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.dashboard.submissions import once
from rsvp.events.models import LANGUAGES, Event
from rsvp.events.operations import cancel_event
from rsvp.events.services import EventError
from rsvp.extensions import db
from rsvp.mailing.dispatch import dispatch
from rsvp.mailing.models import MessageKind
from rsvp.mailing.operations import send_group_message
from rsvp.mailing.services import Audience
from rsvp.mailing.templates_custom import PLACEHOLDERS, TemplateOverrideError
from rsvp.outcome import Agent, Outcome

AUDIENCE_CHOICES = [
    SelectChoice(Audience.ACCEPTED.value, _l("Everyone who accepted")),
    SelectChoice(Audience.DECLINED.value, _l("Everyone who declined")),
    SelectChoice(Audience.PENDING.value, _l("Everyone who has not answered")),
    SelectChoice(Audience.ALL.value, _l("All invitees")),
]


class AnnouncementForm(FlaskForm):
    audience = SelectField(_l("To"), choices=AUDIENCE_CHOICES, default=Audience.ACCEPTED.value)
    subject = StringField(_l("Subject"), validators=[
        InputRequired(message=_l("Please fill in this field.")), Length(max=300)])
    body = TextAreaField(_l("Text"), validators=[
        InputRequired(message=_l("Please fill in this field.")), Length(max=20000)])
    #: The same message for invitees of the event's other language; optional.
    translated_subject = StringField(_l("Subject"), validators=[Length(max=300)])
    translated_body = TextAreaField(_l("Text"), validators=[Length(max=20000)])


def other_language(event: Event) -> str:
    """The language a translation of an event's messages is for."""
    return next(language for language in LANGUAGES if language != event.language)


def _page(event, form: AnnouncementForm, status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("dashboard/announce.html", event=event, form=form,
                           other_language=other_language(event),
                           placeholders=PLACEHOLDERS, cancel_form=FlaskForm()), status


@bp.get("/events/<slug>/announce")
def announce(slug: str):  # type: ignore[no-untyped-def]
    """Write a message to a group of invitees."""
    return _page(load_event(slug), AnnouncementForm())


@bp.post("/events/<slug>/announce")
@once
def announce_send(slug: str):  # type: ignore[no-untyped-def]
    """Check the message in the sandbox, then queue it for the group and send it."""
    event = load_event(slug, needs=Permission.SEND)
    form = AnnouncementForm()
    if not form.validate_on_submit():
        return _page(event, form, 400)
    try:
        outcome = send_group_message(
            db.session, event, by=_organiser(), subject=form.subject.data, body=form.body.data,
            audience=Audience(form.audience.data), translations={other_language(event): (
                form.translated_subject.data or "", form.translated_body.data or "")})
    except TemplateOverrideError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return _page(event, form, 400)
    audit(AuditAction.GROUP_MESSAGE_SENT, event, audience=form.audience.data,
          queued=outcome.queued)
    _commit_and_deliver(outcome)
    return redirect(url_for("dashboard.progress", slug=slug, kind=MessageKind.UPDATE.value), 303)


@bp.post("/events/<slug>/cancel")
@once
def event_cancel(slug: str):  # type: ignore[no-untyped-def]
    """Call the event off: answers close, everyone who heard of it gets a cancellation."""
    event = load_event(slug, needs=Permission.SEND)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "yes":
        flash(_("Please tick the box to confirm the cancellation."), "error")
        return redirect(url_for("dashboard.announce", slug=slug), 303)
    try:
        outcome = cancel_event(db.session, event, by=_organiser())
    except EventError:
        db.session.rollback()
        flash(_("This event was cancelled already."), "error")
        return redirect(url_for("dashboard.event", slug=slug), 303)
    audit(AuditAction.EVENT_CANCELLED, event, queued=outcome.queued)
    _commit_and_deliver(outcome)
    return redirect(url_for("dashboard.progress", slug=slug,
                            kind=MessageKind.CANCELLATION.value), 303)


def _organiser() -> Agent:
    return Agent.organiser(current_user.id)


def _commit_and_deliver(outcome: Outcome) -> None:
    db.session.commit()
    dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
    flash(ngettext("%(num)d message queued.", "%(num)d messages queued.", outcome.queued),
          "success")
