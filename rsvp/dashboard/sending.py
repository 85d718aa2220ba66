"""Composing and sending: preview for any invitee, a test to oneself, then everyone due."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import ColumnElement, select

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.converters import is_id
from rsvp.dashboard.blueprint import Permission, bp, load_event, load_invitee
from rsvp.dashboard.forms import SendForm
from rsvp.dashboard.queries import (
    due_count,
    last_message_id,
    latest_round_id,
    message_counts,
    recent_tests,
)
from rsvp.dashboard.render_failures import preview
from rsvp.dashboard.submissions import once
from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.invitees.services import invitee_by_email
from rsvp.mailing.content_models import UpdateRound
from rsvp.mailing.dispatch import dispatch
from rsvp.mailing.models import MessageKind, MessageStatus
from rsvp.mailing.operations import send_kind
from rsvp.mailing.operations import send_test as send_test_mail
from rsvp.mailing.render_failures import render_failure_counts, render_failures
from rsvp.mailing.services import due_condition
from rsvp.outcome import Agent

#: What the send page composes from the standard texts (messages to a group have their own
#: page; confirmations go out by themselves). Not rsvp.mailing.services.BULK_KINDS.
COMPOSED_KINDS = (MessageKind.INVITATION, MessageKind.REMINDER, MessageKind.SAVE_THE_DATE)


#: Kinds whose sending can be followed on the progress page.
FOLLOWED_KINDS = (*COMPOSED_KINDS, MessageKind.UPDATE, MessageKind.CANCELLATION)


def kind_or_404(value: str | None,
                allowed: tuple[MessageKind, ...] = COMPOSED_KINDS) -> MessageKind:
    try:
        kind = MessageKind(value or MessageKind.INVITATION.value)
    except ValueError:
        abort(404)
    if kind not in allowed:
        abort(404)
    return kind


def sample_invitee(event: Event, email: str,
                   due: ColumnElement[bool]) -> Invitee | None:
    """The invitee to preview: the one asked for, else the first one ``due``, else the first."""
    if email:
        try:
            return invitee_by_email(db.session, event, email)
        except LookupError:
            flash(_("No invitee with the address %(email)s.", email=email), "error")
    base = select(Invitee).where(Invitee.event_id == event.id).order_by(Invitee.id).limit(1)
    return db.session.scalar(base.where(due)) or db.session.scalar(base)


def send_test_to_self(sample: Invitee, kind: MessageKind,
                 update_round: UpdateRound | None = None) -> None:
    """Send ``sample``'s mail to the organiser's own address, kept as a test; say how it went."""
    rendered, preview_error = preview(sample, kind, update_round)
    if rendered is None:
        flash(_("The test could not be sent: %(error)s", error=preview_error), "error")
        return
    test = send_test_mail(db.session, sample, kind, by=Agent.organiser(current_user.id),
                          to=current_user.email, update_round=update_round)
    audit(AuditAction.TEST_SENT, sample.event, sample, kind=kind.value, sent=not test.error)
    db.session.commit()
    if test.error:
        flash(_("The test could not be sent: %(error)s", error=test.error), "error")
    else:
        flash(_("A test has been sent to %(email)s.", email=current_user.email), "success")


@bp.get("/events/<slug>/send")
def compose(slug: str) -> str:
    """Pick a kind, see it rendered for an invitee, and how many would receive it."""
    event = load_event(slug)
    kind = kind_or_404(request.args.get("kind"))
    email = request.args.get("invitee", "").strip()[:320]
    sample = sample_invitee(event, email, due_condition(kind))
    rendered, preview_error = preview(sample, kind) if sample else (None, "")
    return render_template(
        "dashboard/compose.html", event=event, kind=kind, kinds=COMPOSED_KINDS, sample=sample,
        rendered=rendered, preview_error=preview_error, email=email,
        failures=render_failures(db.session, event),
        failure_counts=render_failure_counts(db.session, event),
        due=due_count(db.session, event, kind), counts=message_counts(db.session, event, kind),
        tests=recent_tests(db.session, event),
        form=SendForm(formdata=None, kind=kind.value, invitee=sample.id if sample else ""),
    )


@bp.post("/events/<slug>/send/test")
@once
def send_test(slug: str):  # type: ignore[no-untyped-def]
    """Send the preview to the organiser's own address; kept as a test, never as sent."""
    event = load_event(slug, needs=Permission.SEND)
    form = SendForm()
    if not form.validate_on_submit() or not (form.invitee.data or "").isdigit():
        abort(400)
    kind = kind_or_404(form.kind.data)
    sample = load_invitee(event, int(form.invitee.data or 0))
    send_test_to_self(sample, kind)
    return redirect(url_for("dashboard.compose", slug=event.slug, kind=kind.value,
                            invitee=sample.email), 303)


@bp.post("/events/<slug>/send")
@once
def send(slug: str):  # type: ignore[no-untyped-def]
    """Queue the kind for everyone due and send it in the background."""
    event = load_event(slug, needs=Permission.SEND)
    form = SendForm()
    if not form.validate_on_submit():
        abort(400)
    kind = kind_or_404(form.kind.data)
    # The progress page counts this send's messages alone, not those of earlier sends.
    since = last_message_id(db.session, event)
    outcome = send_kind(db.session, event, kind, by=Agent.organiser(current_user.id))
    audit(AuditAction.MAIL_SENT, event, kind=kind.value, queued=outcome.queued)
    db.session.commit()
    dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
    flash(ngettext("%(num)d message queued.", "%(num)d messages queued.", outcome.queued),
          "success")
    return redirect(url_for("dashboard.progress", slug=event.slug, kind=kind.value,
                            since=since), 303)


@bp.get("/events/<slug>/send/<kind>")
def progress(slug: str, kind: str) -> str:
    """How far the sending of a kind has got; refreshes itself while messages are pending."""
    event = load_event(slug)
    message_kind = kind_or_404(kind, FOLLOWED_KINDS)
    # A message to a group is followed round by round: earlier rounds are done and not counted.
    round_id = (latest_round_id(db.session, event) if message_kind is MessageKind.UPDATE
                else None)
    since = request.args.get("since", "")
    counts = message_counts(db.session, event, message_kind, update_round_id=round_id,
                            after_id=int(since) if since == "0" or is_id(since) else None)
    pending = counts[MessageStatus.QUEUED.value] + counts[MessageStatus.SENDING.value]
    return render_template("dashboard/progress.html", event=event, kind=message_kind,
                           counts=counts, pending=pending, total=sum(counts.values()))
