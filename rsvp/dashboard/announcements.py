"""Free messages to a group ("the programme is online") and calling an event off.

A message is written, then previewed as a draft round (nothing sent): the mail as one of the
group gets it, a test to oneself, and "send to N", as on the send page and with its parts.
"""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.dashboard.blueprint import Permission, bp, load_event, load_invitee
from rsvp.dashboard.forms import SendForm
from rsvp.dashboard.previews import framed
from rsvp.dashboard.queries import due_count, recent_tests
from rsvp.dashboard.render_failures import preview
from rsvp.dashboard.sending import sample_invitee, send_test_to_self
from rsvp.dashboard.submissions import once
from rsvp.events.models import LANGUAGES, Event
from rsvp.events.operations import cancel_event
from rsvp.events.services import EventError
from rsvp.extensions import db
from rsvp.forms import Form
from rsvp.mailing.content_models import UpdateRound
from rsvp.mailing.dispatch import dispatch
from rsvp.mailing.models import MessageKind
from rsvp.mailing.operations import send_update_round
from rsvp.mailing.services import Audience, due_condition
from rsvp.mailing.templates_custom import PLACEHOLDERS, TemplateOverrideError
from rsvp.mailing.update_rounds import create_update_round, discard_draft
from rsvp.outcome import Agent, Outcome

AUDIENCE_CHOICES = [
    SelectChoice(Audience.ACCEPTED.value, _l("Everyone who accepted")),
    SelectChoice(Audience.DECLINED.value, _l("Everyone who declined")),
    SelectChoice(Audience.PENDING.value, _l("Everyone who has not answered")),
    SelectChoice(Audience.ALL.value, _l("All invitees")),
]


class AnnouncementForm(Form):
    audience = SelectField(_l("To"), choices=AUDIENCE_CHOICES, default=Audience.ACCEPTED.value)
    subject = StringField(_l("Subject"), validators=[
        InputRequired(message=_l("Please fill in this field.")), Length(max=300)])
    body = TextAreaField(_l("Text"), validators=[
        InputRequired(message=_l("Please fill in this field.")), Length(max=20000)])
    #: The same message for invitees of the event's other language; optional.
    translated_subject = StringField(_l("Subject"), validators=[Length(max=300)])
    translated_body = TextAreaField(_l("Text"), validators=[Length(max=20000)])
    #: The draft previewed before: a new preview replaces it if it was never sent.
    draft = HiddenField()


def other_language(event: Event) -> str:
    """The language a translation of an event's messages is for."""
    return next(language for language in LANGUAGES if language != event.language)


def _page(event, form: AnnouncementForm, status: int = 200,  # type: ignore[no-untyped-def]
          **draft: object):
    return render_template("dashboard/announce.html", event=event, form=form,
                           other_language=other_language(event),
                           placeholders=PLACEHOLDERS, cancel_form=Form(), **draft), status


def _load_round(event: Event, round_id: int) -> UpdateRound:
    """One of the event's messages to a group, else 404."""
    update = db.session.get(UpdateRound, round_id)
    if update is None or update.event_id != event.id:
        abort(404)
    return update


def _form_of(event: Event, update: UpdateRound) -> AnnouncementForm:
    """The write form filled with a recorded round, to change it and preview again."""
    other = other_language(event)
    subject, body = update.text_for(other) if any(
        t.language == other for t in update.translations) else ("", "")
    return AnnouncementForm(data={
        "audience": update.audience, "subject": update.subject, "body": update.body,
        "translated_subject": subject, "translated_body": body, "draft": update.id})


@bp.get("/events/<slug>/announce")
def announce(slug: str):  # type: ignore[no-untyped-def]
    """Write a message to a group of invitees."""
    return _page(load_event(slug), AnnouncementForm())


@bp.post("/events/<slug>/announce")
@once
def announce_send(slug: str):  # type: ignore[no-untyped-def]
    """Check the message in the sandbox and keep it as a draft to preview; nothing is sent."""
    event = load_event(slug, needs=Permission.SEND)
    form = AnnouncementForm()
    if not form.validate_on_submit():
        return _page(event, form, 400)
    try:
        update = create_update_round(
            db.session, event, subject=form.subject.data or "", body=form.body.data or "",
            audience=form.audience.data or "", translations={other_language(event): (
                form.translated_subject.data or "", form.translated_body.data or "")})
    except TemplateOverrideError as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
        return _page(event, form, 400)
    discard_draft(db.session, event, form.draft.data)
    audit(AuditAction.GROUP_MESSAGE_DRAFTED, event, audience=update.audience)
    db.session.commit()
    return redirect(url_for("dashboard.announce_draft", slug=slug, round_id=update.id), 303)


@bp.get("/events/<slug>/announce/<id:round_id>")
def announce_draft(slug: str, round_id: int):  # type: ignore[no-untyped-def]
    """The message as one of the group gets it, how many get it, a test, and the send."""
    event = load_event(slug)
    update = _load_round(event, round_id)
    due = due_condition(MessageKind.UPDATE, Audience(update.audience), update.tag or None,
                        update.id)
    email = request.args.get("invitee", "").strip()[:320]
    sample = sample_invitee(event, email, due)
    rendered, preview_error = (preview(sample, MessageKind.UPDATE, update) if sample
                               else (None, ""))
    return _page(event, _form_of(event, update), update=update, sample=sample, email=email,
                 rendered=rendered, preview_error=preview_error,
                 due=due_count(db.session, event, MessageKind.UPDATE, update),
                 tests=recent_tests(db.session, event),
                 send_form=SendForm(formdata=None, kind=MessageKind.UPDATE.value,
                                    invitee=sample.id if sample else ""))


@bp.get("/events/<slug>/announce/<id:round_id>/preview/<id:invitee_id>.html")
def announce_preview_html(slug: str, round_id: int, invitee_id: int) -> Response:
    """The HTML part of the draft as this invitee would get it."""
    event = load_event(slug)
    rendered, _error = preview(load_invitee(event, invitee_id), MessageKind.UPDATE,
                               _load_round(event, round_id))
    if rendered is None:
        abort(404)
    return framed(rendered.html)


@bp.post("/events/<slug>/announce/<id:round_id>/test")
@once
def announce_test(slug: str, round_id: int):  # type: ignore[no-untyped-def]
    """Send the previewed message to the organiser's own address; kept as a test."""
    event = load_event(slug, needs=Permission.SEND)
    update = _load_round(event, round_id)
    form = SendForm()
    if not form.validate_on_submit() or not (form.invitee.data or "").isdigit():
        abort(400)
    sample = load_invitee(event, int(form.invitee.data or 0))
    send_test_to_self(sample, MessageKind.UPDATE, update)
    return redirect(url_for("dashboard.announce_draft", slug=slug, round_id=round_id,
                            invitee=sample.email), 303)


@bp.post("/events/<slug>/announce/<id:round_id>/send")
@once
def announce_round_send(slug: str, round_id: int):  # type: ignore[no-untyped-def]
    """Queue the previewed message for the group and send it, if the group is still as shown."""
    event = load_event(slug, needs=Permission.SEND)
    update = _load_round(event, round_id)
    if not SendForm().validate_on_submit():
        abort(400)
    due = due_count(db.session, event, MessageKind.UPDATE, update)
    if request.form.get("expected") != str(due):
        flash(ngettext("The group has changed: the message now goes to %(num)d person.",
                       "The group has changed: the message now goes to %(num)d people.", due),
              "error")
        return redirect(url_for("dashboard.announce_draft", slug=slug, round_id=round_id), 303)
    outcome = send_update_round(db.session, event, update, by=_organiser())
    audit(AuditAction.GROUP_MESSAGE_SENT, event, audience=update.audience,
          queued=outcome.queued)
    _commit_and_deliver(outcome)
    return redirect(url_for("dashboard.progress", slug=slug, kind=MessageKind.UPDATE.value), 303)


@bp.post("/events/<slug>/cancel")
@once
def event_cancel(slug: str):  # type: ignore[no-untyped-def]
    """Call the event off: answers close, everyone who heard of it gets a cancellation."""
    event = load_event(slug, needs=Permission.SEND)
    if not Form().validate_on_submit():
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
