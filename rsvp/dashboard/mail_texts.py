"""The event's own mail texts: subject and bodies per kind and language, checked when saved."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.exceptions import NotFound
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.dashboard.render_failures import preview
from rsvp.dashboard.submissions import once
from rsvp.events.models import LANGUAGES
from rsvp.extensions import db
from rsvp.forms import Form
from rsvp.invitees.models import Invitee
from rsvp.mailing.content_models import OVERRIDABLE_KINDS
from rsvp.mailing.models import MessageKind
from rsvp.mailing.templates_custom import (
    PLACEHOLDERS,
    TemplateOverrideError,
    delete_template_override,
    get_template_override,
    list_template_overrides,
    save_template_override,
)


class MailTextForm(Form):
    # Empty by default: a post without a field must not hand None to the template check.
    subject = StringField(_l("Subject"), default="", validators=[Length(max=300)])
    text = TextAreaField(_l("Text body"), default="", validators=[Length(max=20000)])
    html = TextAreaField(_l("HTML body (optional; made from the text if empty)"), default="",
                         validators=[Length(max=50000)])


def _check(kind: str, language: str) -> None:
    if kind not in OVERRIDABLE_KINDS or language not in LANGUAGES:
        raise NotFound()


@bp.get("/events/<slug>/texts")
def mail_texts(slug: str) -> str:
    """Which kinds and languages have the event's own texts."""
    event = load_event(slug)
    own = {(o.kind, o.language) for o in list_template_overrides(db.session, event)}
    kinds = [MessageKind(kind) for kind in OVERRIDABLE_KINDS]
    return render_template("dashboard/mail_texts.html", event=event, kinds=kinds,
                           languages=LANGUAGES, own=own)


@bp.route("/events/<slug>/texts/<kind>/<language>", methods=["GET", "POST"])
@once
def mail_text(slug: str, kind: str, language: str):  # type: ignore[no-untyped-def]
    """Edit one kind's text in one language; errors are shown with their line at save time."""
    event = load_event(slug, needs=Permission.EDIT)
    _check(kind, language)
    override = get_template_override(db.session, event, kind, language)
    form = MailTextForm(data=None if override is None else {
        "subject": override.subject, "text": override.body_text, "html": override.body_html})
    status = 200
    if form.validate_on_submit():
        try:
            save_template_override(db.session, event, kind, language, subject=form.subject.data,
                                   text=form.text.data, html=form.html.data)
        except TemplateOverrideError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
            status = 400
        else:
            audit(AuditAction.TEXT_SAVED, event, kind=kind, language=language)
            db.session.commit()
            flash(_("The text has been saved."), "success")
            return redirect(url_for("dashboard.mail_text", slug=slug, kind=kind,
                                    language=language), 303)
    elif form.errors:
        status = 400
    sample = db.session.scalar(select(Invitee).where(Invitee.event_id == event.id)
                               .order_by(Invitee.id).limit(1))
    rendered, preview_error = None, ""
    if sample is not None and sample.effective_language() == language:
        rendered, preview_error = preview(sample, MessageKind(kind))
    return render_template("dashboard/mail_text.html", event=event, kind=kind,
                           message_kind=MessageKind(kind),
                           language=language, form=form, own=override is not None,
                           placeholders=PLACEHOLDERS, preview=rendered,
                           preview_error=preview_error, sample=sample,
                           reset_form=Form()), status


@bp.post("/events/<slug>/texts/<kind>/<language>/reset")
def mail_text_reset(slug: str, kind: str, language: str):  # type: ignore[no-untyped-def]
    """Go back to the standard text."""
    event = load_event(slug, needs=Permission.EDIT)
    _check(kind, language)
    if Form().validate_on_submit() and delete_template_override(
            db.session, event, kind, language):
        audit(AuditAction.TEXT_RESET, event, kind=kind, language=language)
        db.session.commit()
        flash(_("The standard text is used again."), "success")
    return redirect(url_for("dashboard.mail_texts", slug=slug), 303)
