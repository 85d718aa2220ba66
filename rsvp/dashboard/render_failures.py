"""Texts that cannot be rendered for some invitee: the preview says why, the failed messages
are listed with the reason, and the organiser sends them again once the text is fixed."""

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.dashboard.forms import SendForm
from rsvp.dashboard.submissions import once
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.content_models import UpdateRound
from rsvp.mailing.dispatch import dispatch
from rsvp.mailing.models import MessageKind
from rsvp.mailing.operations import resend_render_failures
from rsvp.mailing.render import RenderedMail, render_mail
from rsvp.mailing.render_failures import RenderFailure, read_failure
from rsvp.mailing.templates_custom import TemplateOverrideError
from rsvp.outcome import Agent

KIND_NAMES = {
    MessageKind.INVITATION: _l("Invitation"), MessageKind.REMINDER: _l("Reminder"),
    MessageKind.SAVE_THE_DATE: _l("Save the date"), MessageKind.CONFIRMATION: _l("Confirmation"),
    MessageKind.UPDATE: _l("Message to a group"), MessageKind.CANCELLATION: _l("Cancellation"),
    MessageKind.WAITLISTED: _l("On the waiting list"),
    MessageKind.PROMOTED: _l("Place on the guest list"),
}
PART_NAMES = {"subject": _l("Subject"), "text": _l("Text"), "body": _l("Text"),
              "html": _l("HTML part")}


def describe_failure(failure: RenderFailure) -> str:
    """Why a text could not be rendered, in the organiser's language."""
    values = {"kind": KIND_NAMES.get(failure.kind, failure.kind.value),
              "language": failure.language, "part": PART_NAMES.get(failure.part, failure.part),
              "error": failure.error}
    if failure.line:
        return _("The text could not be rendered: %(kind)s (%(language)s), %(part)s, "
                 "line %(line)d: %(error)s", line=failure.line, **values)
    return _("The text could not be rendered: %(kind)s (%(language)s), %(part)s: %(error)s",
             **values)


@bp.app_template_filter("mail_error")
def mail_error(last_error: str) -> str:
    """A message's ``last_error``: a render failure in the organiser's words, else as it is."""
    failure = read_failure(last_error)
    return last_error if failure is None else describe_failure(failure)


def preview(invitee: Invitee, kind: MessageKind,
            update_round: UpdateRound | None = None) -> tuple[RenderedMail | None, str]:
    """The mail ``invitee`` would get (of ``update_round``, for an update), or None and why it
    cannot be rendered."""
    try:
        return render_mail(invitee, kind, update_round=update_round), ""
    except TemplateOverrideError as exc:
        return None, describe_failure(RenderFailure.of(exc, kind, invitee.effective_language()))


@bp.post("/events/<slug>/send/retry-failed")
@once
def retry_failed(slug: str):  # type: ignore[no-untyped-def]
    """Queue again, and send, the messages of a kind whose text could not be rendered."""
    event = load_event(slug, needs=Permission.SEND)
    form = SendForm()
    if not form.validate_on_submit() or form.kind.data not in MessageKind._value2member_map_:
        abort(400)
    kind = MessageKind(form.kind.data)
    outcome = resend_render_failures(db.session, event, kind,
                                     by=Agent.organiser(current_user.id))
    audit(AuditAction.FAILED_RESENT, event, kind=kind.value, queued=outcome.queued)
    db.session.commit()
    dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
    flash(ngettext("%(num)d message queued again.", "%(num)d messages queued again.",
                   outcome.queued), "success")
    return redirect(url_for("dashboard.compose", slug=slug), 303)
