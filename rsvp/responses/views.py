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
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from rsvp.calendar import event_ics
from rsvp.extensions import db, limiter
from rsvp.i18n import format_event_when, format_local_datetime, salutation
from rsvp.invitees.models import Invitee
from rsvp.mailing.dispatch import dispatch
from rsvp.qrcodes import qr_svg
from rsvp.questions.queries import form_values, full_options, questions_of
from rsvp.questions.rules import field_name
from rsvp.responses.forms import AnswerForm, question_fields
from rsvp.responses.models import Answer
from rsvp.responses.models import Response as AnswerResponse
from rsvp.responses.operations import answer_by_link
from rsvp.responses.services import (
    AnswerError,
    DeadlinePassed,
    NoRoomForGuests,
    Substitute,
)
from rsvp.responses.waitlist import waitlist_position
from rsvp.tokens import checkin_code, invitee_for_token

bp = Blueprint("responses", __name__)


def _load(token: str) -> Invitee:
    invitee = invitee_for_token(db.session, token)
    g.language = invitee.effective_language()
    return invitee


def _render(invitee: Invitee, form: AnswerForm, status: int = 200,
            values: dict[str, list[str]] | None = None,
            errors: dict[str, list[str]] | None = None) -> tuple[str, int]:
    event = invitee.event
    language = g.language
    page = render_template(
        "invitee/page.html", invitee=invitee, event=event.in_language(language), form=form,
        token=form.token, **_questions(invitee, values, errors or {}),
        when=format_event_when(event, language),
        deadline=(format_local_datetime(event.rsvp_deadline, event, language)
                  if event.rsvp_deadline else None),
        closed=event.deadline_passed() or event.cancelled,
        position=waitlist_position(db.session, invitee.response) if invitee.response else None,
        door=_door_code(invitee),
        greeting=salutation(salutation_code=invitee.salutation, title=invitee.academic_title,
                            first_name=invitee.first_name, last_name=invitee.last_name,
                            language=language),
    )
    return page, status


def _questions(invitee: Invitee, values: dict[str, list[str]] | None,
               errors: dict[str, list[str]]) -> dict[str, object]:
    """The questions to show, what their fields hold (as typed, else as stored), their errors
    and the options without places left."""
    questions = questions_of(db.session, invitee.event)
    asks = bool(questions) or invitee.event.guest_names
    if values is None:
        values = form_values(db.session, invitee) if asks else {}
    return {"questions": questions, "values": values, "question_errors": errors,
            "full_options": full_options(db.session, questions, invitee) if asks else set(),
            "field_name": field_name, "language": g.language}


def _door_code(invitee: Invitee) -> tuple[str, Markup] | None:
    """The check-in code and its QR image, for who has a place at an event still on."""
    response = invitee.response
    if invitee.event.cancelled or response is None or response.answer is not Answer.ACCEPTED:
        return None
    code = checkin_code(invitee)
    # segno writes the SVG from the code's modules alone: nothing in it comes from a user.
    return code, Markup(qr_svg(code))


@bp.get("/r/<token>")
def page(token: str) -> tuple[str, int]:
    """Show the event and the invitee's answer. GET must not change state: scanners follow links."""
    invitee = _load(token)
    current = invitee.response
    form = AnswerForm(
        data={"response": _shown_answer(current),
              "guests": current.guests if current else 0,
              "comment": current.comment if current else "",
              "substitute_name": current.substitute_name if current else "",
              "substitute_email": current.substitute_email if current else ""},
    )
    form.token = token
    return _render(invitee, form)


def _shown_answer(current: AnswerResponse | None) -> str | None:
    """The radio button to tick: someone on the waiting list has said yes."""
    if current is None:
        return None
    return "accepted" if current.answer is Answer.WAITLISTED else current.answer.value


def _link_key() -> str:
    return "answer-link:" + str((request.view_args or {}).get("token", ""))[:300]


@bp.post("/r/<token>")
@limiter.limit(lambda: current_app.config["ANSWER_RATE_LIMIT_PER_LINK"], key_func=_link_key)
@limiter.limit(lambda: current_app.config["ANSWER_RATE_LIMIT_PER_ADDRESS"])
def answer(token: str):  # type: ignore[no-untyped-def]
    """Record the invitee's answer and queue its confirmation for a background sender."""
    invitee = _load(token)
    form = AnswerForm()
    form.token = token
    values = question_fields(request.form)
    if invitee.event.deadline_passed() or invitee.event.cancelled:
        return _render(invitee, form, 403, values)
    if not form.validate():
        return _render(invitee, form, 400, values)
    try:
        outcome = answer_by_link(db.session, invitee, form.response.data or "",
                                 guests=form.guests.data or 0, comment=form.comment.data or "",
                                 substitute=_substitute(invitee, form), questions=values)
    except DeadlinePassed:
        return _render(invitee, form, 403, values)
    except AnswerError as exc:
        db.session.rollback()
        full = isinstance(exc, NoRoomForGuests) or exc.code == "option_full"
        return _render(invitee, form, 409 if full else 400, values,
                       _place_errors(invitee, form, exc))
    if _committed():
        dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
    flash("saved")
    return redirect(url_for("responses.page", token=token), 303)


def _place_errors(invitee: Invitee, form: AnswerForm,
                  exc: AnswerError) -> dict[str, list[str]]:
    """Put each rule's words at its field: the form's own, else a question's (returned)."""
    errors: dict[str, list[str]] = {}
    for error in getattr(exc, "errors", [exc]):
        name = error.field
        if name == "guests" and invitee.event.guest_names:
            name = "guest_1_name"
        if name in form:
            form[name].errors = [error.for_invitee]
        else:
            errors.setdefault(name, []).append(str(error.for_invitee))
    return errors


def _committed() -> bool:
    """Commit; False when a second tab answered at the same instant (its answer stands)."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _substitute(invitee: Invitee, form: AnswerForm) -> Substitute | None:
    """The reader's own name and address, taken only where links are transferable."""
    if not invitee.event.transferable:
        return None
    return Substitute(form.substitute_name.data or "", form.substitute_email.data or "")


@bp.get("/r/<token>/event.ics")
def calendar_file(token: str) -> Response:
    """The event as an iCalendar file for the invitee's calendar."""
    invitee = _load(token)
    return Response(
        event_ics(invitee.event, invitee=invitee),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{invitee.event.slug}.ics"'},
    )
