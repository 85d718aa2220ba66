"""The invitee list and each invitee's page with what an organiser can do there."""

import json

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
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.dashboard.blueprint import Permission, bp, load_event, load_invitee, load_message
from rsvp.dashboard.forms import InviteeForm, PhoneAnswerForm
from rsvp.dashboard.queries import (
    InviteeFilter,
    answer_changes,
    answer_history,
    counted_questions,
    event_tags,
    invitee_messages,
    invitee_page,
)
from rsvp.dashboard.submissions import once
from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.forms import Form
from rsvp.invitees.models import Invitee
from rsvp.invitees.operations import erase_invitee, resend_invitation, revoke_link
from rsvp.invitees.privacy import invitee_data
from rsvp.invitees.services import InviteeError, save_invitee
from rsvp.mailing.dispatch import dispatch
from rsvp.outcome import Agent
from rsvp.questions.queries import (
    form_values,
    full_options,
    guest_names_of,
    questions_of,
    restated_answers,
)
from rsvp.questions.rules import field_name
from rsvp.responses.forms import question_fields
from rsvp.responses.models import Answer
from rsvp.responses.operations import answer_for_invitee
from rsvp.responses.services import AnswerError
from rsvp.tokens import rsvp_url


@bp.get("/events/<slug>/invitees")
def invitees(slug: str) -> str:
    """Search, filter, sort and page through the event's invitees."""
    event = load_event(slug)
    flt = InviteeFilter.from_args(request.args)
    return render_template("dashboard/invitees.html", event=event, flt=flt,
                           page=invitee_page(db.session, event, flt),
                           tags=event_tags(db.session, event),
                           counted=counted_questions(db.session, event),
                           chosen=dict(flt.answers), language=get_locale().language)


@bp.route("/events/<slug>/invitees/new", methods=["GET", "POST"])
@once
def invitee_new(slug: str):  # type: ignore[no-untyped-def]
    """Add one invitee by hand."""
    event = load_event(slug, needs=Permission.EDIT)
    return _invitee_form(event, None, InviteeForm(), _("The invitee has been added."),
                         AuditAction.INVITEE_ADDED)


@bp.get("/events/<slug>/invitees/<id:invitee_id>")
def invitee(slug: str, invitee_id: int) -> str:
    """An invitee's details, answers, emails, answer history and actions."""
    event = load_event(slug)
    person = load_invitee(event, invitee_id)
    response = person.response
    # The form starts from the current answer, so changing one answer to a question is a
    # matter of changing that field.
    current = {} if response is None or response.answer is Answer.WAITLISTED else {
        "response": response.answer.value, "guests": response.guests,
        "comment": response.comment}
    return _invitee_page(event, person, PhoneAnswerForm(formdata=None, data=current or None))


def _invitee_page(event: Event, person: Invitee, answer_form: PhoneAnswerForm,
                  values: dict[str, list[str]] | None = None,
                  errors: dict[str, list[str]] | None = None) -> str:
    language = get_locale().language
    questions = questions_of(db.session, event)
    return render_template(
        "dashboard/invitee.html", event=event, invitee=person, link=rsvp_url(person),
        messages=invitee_messages(db.session, person),
        history=answer_history(db.session, person), answer_form=answer_form,
        action_form=Form(), questions=questions, language=language,
        values=form_values(db.session, person) if values is None else values,
        question_errors=errors or {}, field_name=field_name,
        full_options=full_options(db.session, questions, person),
        given=restated_answers(db.session, person, language),
        guest_names=guest_names_of(db.session, person),
        answer_changes=answer_changes(db.session, person),
    )


def _to_invitee(event: Event, person: Invitee):  # type: ignore[no-untyped-def]
    return redirect(url_for("dashboard.invitee", slug=event.slug, invitee_id=person.id), 303)


@bp.route("/events/<slug>/invitees/<id:invitee_id>/edit", methods=["GET", "POST"])
def invitee_edit(slug: str, invitee_id: int):  # type: ignore[no-untyped-def]
    """Change an invitee's details; the RSVP link stays the same."""
    event = load_event(slug, needs=Permission.EDIT)
    person = load_invitee(event, invitee_id)
    form = InviteeForm(data=None if request.method == "POST" else {
        "email": person.email, "salutation": person.salutation or "",
        "academic_title": person.academic_title, "first_name": person.first_name,
        "last_name": person.last_name, "organisation": person.organisation,
        "language": person.language or "", "tags": ", ".join(person.tag_names)})
    return _invitee_form(event, person, form, _("The changes have been saved."),
                         AuditAction.INVITEE_EDITED)


def _invitee_form(  # type: ignore[no-untyped-def]
    event: Event, person: Invitee | None, form: InviteeForm, saved: str, action: AuditAction
):
    """Save a valid form (a new invitee when ``person`` is None), else show it again."""
    if form.validate_on_submit():
        try:
            person = save_invitee(db.session, event, form.raw(), person)
        except InviteeError as exc:
            db.session.rollback()
            form.email.errors = [*form.email.errors, str(exc)]
        else:
            audit(action, event, person)
            db.session.commit()
            flash(saved, "success")
            return _to_invitee(event, person)
    return render_template("dashboard/invitee_form.html", event=event, form=form,
                           invitee=person), 400 if form.errors else 200


@bp.post("/events/<slug>/invitees/<id:invitee_id>/delete")
def invitee_delete(slug: str, invitee_id: int):  # type: ignore[no-untyped-def]
    """Erase an invitee's personal data; history and message log stay, without the person."""
    event = load_event(slug, needs=Permission.ERASE)
    person = load_invitee(event, invitee_id)
    if not Form().validate_on_submit() or request.form.get("confirm") != "yes":
        flash(_("Please tick the box to confirm the deletion."), "error")
        return _to_invitee(event, person)
    email = person.email
    outcome = erase_invitee(db.session, person, by=_organiser())
    audit(AuditAction.INVITEE_ERASED, event, erased=invitee_id, queued=outcome.queued)
    db.session.commit()
    dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
    flash(_("%(email)s has been deleted.", email=email), "success")
    return redirect(url_for("dashboard.invitees", slug=event.slug), 303)


def _organiser() -> Agent:
    """The logged-in organiser, as the history and the operations name them."""
    return Agent.organiser(current_user.id)


@bp.get("/events/<slug>/invitees/<id:invitee_id>/data.json")
def invitee_data_download(slug: str, invitee_id: int) -> Response:
    """Everything stored about one invitee, for a request for a copy of their data."""
    event = load_event(slug, needs=Permission.EXPORT)
    person = load_invitee(event, invitee_id)
    audit(AuditAction.INVITEE_DATA_EXPORTED, event, person)
    db.session.commit()  # the log entry is the one write of this GET: who took the data
    body = json.dumps(invitee_data(db.session, person), indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="invitee-{person.id}.json"',
        "Cache-Control": "no-store"})


@bp.post("/events/<slug>/invitees/<id:invitee_id>/resend")
@once
def invitee_resend(slug: str, invitee_id: int):  # type: ignore[no-untyped-def]
    """Send the invitation (again) to one invitee, in the background."""
    event = load_event(slug, needs=Permission.SEND)
    person = load_invitee(event, invitee_id)
    if not Form().validate_on_submit():
        abort(400)
    outcome = resend_invitation(db.session, person, by=_organiser())
    audit(AuditAction.INVITATION_RESENT, event, person, queued=outcome.queued)
    db.session.commit()
    dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
    flash(_("The invitation is on its way to %(email)s.", email=person.email), "success")
    return _to_invitee(event, person)


@bp.post("/events/<slug>/invitees/<id:invitee_id>/revoke")
def invitee_revoke(slug: str, invitee_id: int):  # type: ignore[no-untyped-def]
    """Make the invitee's link invalid and give them a new one."""
    event = load_event(slug, needs=Permission.EDIT)
    person = load_invitee(event, invitee_id)
    if not Form().validate_on_submit():
        abort(400)
    revoke_link(db.session, person, by=_organiser())
    audit(AuditAction.LINK_REVOKED, event, person)
    db.session.commit()
    flash(_("The old link no longer works. Send the new link to the invitee."), "success")
    return _to_invitee(event, person)


@bp.post("/events/<slug>/invitees/<id:invitee_id>/answer")
def invitee_answer(slug: str, invitee_id: int):  # type: ignore[no-untyped-def]
    """Record an answer received by phone, mail or letter; the history names the organiser."""
    event = load_event(slug, needs=Permission.EDIT)
    person = load_invitee(event, invitee_id)
    form = PhoneAnswerForm()
    values = _question_values(event)
    if not form.validate_on_submit():
        return _invitee_page(event, person, form, values), 400
    try:
        outcome = answer_for_invitee(
            db.session, person, form.response.data or "", by=_organiser(),
            channel=form.channel.data or "phone", guests=form.guests.data or 0,
            comment=form.comment.data or "", confirm=form.confirm.data, questions=values)
    except AnswerError as exc:
        db.session.rollback()
        return _invitee_page(event, person, form, values, _place_errors(event, form, exc)), 400
    audit(AuditAction.ANSWER_RECORDED, event, person, response=form.response.data,
          channel=form.channel.data, queued=outcome.queued)
    db.session.commit()
    dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
    flash(_("The answer has been recorded."), "success")
    return _to_invitee(event, person)


def _question_values(event: Event) -> dict[str, list[str]] | None:
    """The questions' fields posted with an answer; None where the event asks none."""
    if not event.guest_names and not questions_of(db.session, event):
        return None
    return question_fields(request.form)


def _place_errors(event: Event, form: PhoneAnswerForm, exc: AnswerError) -> dict[str, list[str]]:
    """Each rule's words at its field: the form's own, else a question's (returned)."""
    errors: dict[str, list[str]] = {}
    for error in getattr(exc, "errors", [exc]):
        name = error.field
        if name == "guests" and event.guest_names:
            name = "guest_1_name"
        if name in form:
            form[name].errors = [*form[name].errors, error.message]
        elif name.startswith(("q_", "guest_")):
            errors.setdefault(name, []).append(str(error.message))
        else:
            form.response.errors = [*form.response.errors, error.message]
    return errors


@bp.get("/events/<slug>/messages/<id:message_id>")
def message(slug: str, message_id: int) -> str:
    """One email as it went out: headers, text and HTML."""
    event = load_event(slug)
    return render_template("dashboard/message.html", event=event,
                           mail=load_message(event, message_id))
