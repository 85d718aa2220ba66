"""The invitee's pages, reached through the signed link in their email."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rsvp.calendar import event_ics
from rsvp.extensions import csrf, db, limiter
from rsvp.i18n import salutation
from rsvp.i18n_web import language_environment
from rsvp.invitees.models import Invitee
from rsvp.mailing.dispatch import dispatch
from rsvp.mailing.sqlite_write_lock import write_turn
from rsvp.qrcodes import qr_svg
from rsvp.questions.queries import form_values, full_options, questions_of
from rsvp.questions.rules import field_name
from rsvp.responses.event_parts import event_parts
from rsvp.responses.forms import ANSWER_FIELDS, AnswerForm, question_fields
from rsvp.responses.models import Answer
from rsvp.responses.operations import answer_by_link
from rsvp.responses.page_query import PageInvitee, ShownAnswer, ShownInvitee
from rsvp.responses.services import (
    AnswerError,
    DeadlinePassed,
    NoRoomForGuests,
    Substitute,
)
from rsvp.responses.waitlist import waitlist_position
from rsvp.tokens import (
    answer_form_token,
    checkin_code,
    invitee_for_token,
    page_invitee_for_token,
    valid_answer_form_token,
)

bp = Blueprint("responses", __name__)
#: Set by a recorded answer for the page it redirects to, which says "saved" and removes it.
#: A cookie of its own, not a flash in the session: the page needs nothing else from a
#: session, and every answer paid for serialising and signing one (bench/README.md). It
#: says nothing but that: forged, it only shows its own browser the notice.
SAVED_COOKIE = "rsvp_saved"
#: The link's invitee as ``_load`` finds it: plain rows on GET, the model for an answer.
_Found = TypeVar("_Found", Invitee, PageInvitee)


@bp.before_request
def check_answer_form_token() -> None:
    """An answer carries its link's form token (rsvp.tokens.answer_form_token): checked
    before anything else runs, where Flask-WTF's check of a session's token would be, so a
    post without it is refused before it counts against the rate limits."""
    if request.method == "POST" and request.endpoint == "responses.answer":
        token = str((request.view_args or {}).get("token", ""))
        if not valid_answer_form_token(token, request.form.get("csrf_token", "")):
            raise CSRFError("The form's token is missing or not this link's.")


def _load(token: str, find: Callable[[Session, str], _Found] = invitee_for_token) -> _Found:
    """The link's invitee (``find``: the model, or the page's plain rows), whose language the
    page is in."""
    invitee = find(db.session, token)
    g.language = invitee.effective_language()
    return invitee


@dataclass(frozen=True)
class AnswerFields:
    """What the answer form's own fields show (as stored, or as typed when sent back), the
    errors at them, and the form's CSRF token."""

    values: dict[str, str]
    errors: dict[str, list[str]]
    csrf_token: str


def _render(invitee: ShownInvitee, token: str, fields: AnswerFields, status: int = 200,
            values: dict[str, list[str]] | None = None,
            errors: dict[str, list[str]] | None = None, saved: bool = False) -> tuple[str, int]:
    event = invitee.event
    language = g.language
    parts = event_parts(db.session, event, language)
    page = render_template(
        # Its fixed texts compiled in the invitee's language (rsvp.i18n_web).
        language_environment(language).get_template("invitee/page.html"),
        invitee=invitee, event=event, parts=parts, answer=fields, token=token, saved=saved,
        **_questions(invitee, values, errors or {}),
        closed=event.deadline_passed() or event.cancelled,
        position=waitlist_position(db.session, invitee.response) if invitee.response else None,
        door=_door_code(invitee),
        greeting=salutation(salutation_code=invitee.salutation, title=invitee.academic_title,
                            first_name=invitee.first_name, last_name=invitee.last_name,
                            language=language),
    )
    return page, status


def _questions(invitee: ShownInvitee, values: dict[str, list[str]] | None,
               errors: dict[str, list[str]]) -> dict[str, object]:
    """The questions to show, what their fields hold (as typed, else as stored), their errors
    and the options without places left; ``asks``: whether there is anything to ask."""
    event = invitee.event
    questions = questions_of(db.session, event)
    asks = bool(questions) or event.guest_names
    if values is None:
        values = form_values(db.session, invitee) if asks else {}
    return {"questions": questions, "values": values, "question_errors": errors,
            "full_options": full_options(db.session, questions, invitee) if asks else set(),
            "field_name": field_name, "language": g.language, "asks": asks}


def _door_code(invitee: ShownInvitee) -> tuple[str, Markup] | None:
    """The check-in code and its QR image, for who has a place at an event still on."""
    response = invitee.response
    if invitee.event.cancelled or response is None or response.answer is not Answer.ACCEPTED:
        return None
    code = checkin_code(invitee)
    # segno writes the SVG from the code's modules alone: nothing in it comes from a user.
    return code, Markup(qr_svg(code))


@bp.get("/r/<token>")
def page(token: str) -> Response:
    """Show the event and the invitee's answer. GET must not change state: scanners follow links.

    No form object is made: the page writes the fields itself, and their values are the
    stored answer's. Nothing goes into the session either (the CSRF token is the link's).
    """
    invitee = _load(token, page_invitee_for_token)
    current = invitee.response
    stored = {"response": _shown_answer(current) or "",
              "guests": str(current.guests if current else 0),
              "comment": current.comment if current else "",
              "substitute_name": current.substitute_name if current else "",
              "substitute_email": current.substitute_email if current else ""}
    saved = SAVED_COOKIE in request.cookies
    response = make_response(_render(invitee, token, AnswerFields(
        stored, {}, answer_form_token(token)), saved=saved))
    if saved:
        response.delete_cookie(SAVED_COOKIE, path=url_for("responses.page", token=token),
                               secure=current_app.config["SESSION_COOKIE_SECURE"],
                               httponly=True, samesite="Lax")
    return response


def _as_typed(form: AnswerForm, token: str) -> AnswerFields:
    """The sent form's fields as typed, with their errors, to show it again."""
    values = {name: str(form.response.data or "") if name == "response" else form[name]._value()
              for name in ANSWER_FIELDS}
    return AnswerFields(values, dict(form.errors), answer_form_token(token))


def _shown_answer(current: ShownAnswer | None) -> str | None:
    """The radio button to tick: someone on the waiting list has said yes."""
    if current is None:
        return None
    return "accepted" if current.answer is Answer.WAITLISTED else current.answer.value


def _link_key() -> str:
    return "answer-link:" + str((request.view_args or {}).get("token", ""))[:300]


# Its form token is the link's, checked by check_answer_form_token instead of Flask-WTF's.
@csrf.exempt
@bp.post("/r/<token>")
@limiter.limit(lambda: current_app.config["ANSWER_RATE_LIMIT_PER_LINK"], key_func=_link_key)
@limiter.limit(lambda: current_app.config["ANSWER_RATE_LIMIT_PER_ADDRESS"])
def answer(token: str):  # type: ignore[no-untyped-def]
    """Record the invitee's answer and queue its confirmation for a background sender."""
    invitee = _load(token)
    form = AnswerForm()
    values = question_fields(request.form)
    if invitee.event.deadline_passed() or invitee.event.cancelled:
        return _render(invitee, token, _as_typed(form, token), 403, values)
    if not form.validate():
        return _render(invitee, token, _as_typed(form, token), 400, values)
    try:
        with write_turn(db.session):
            outcome = answer_by_link(db.session, invitee, form.response.data or "",
                                     guests=form.guests.data or 0, comment=form.comment.data or "",
                                     substitute=_substitute(invitee, form), questions=values)
            committed = _committed()
    except DeadlinePassed:
        return _render(invitee, token, _as_typed(form, token), 403, values)
    except AnswerError as exc:
        full = isinstance(exc, NoRoomForGuests) or exc.code == "option_full"
        errors = _place_errors(invitee, form, exc)
        return _render(invitee, token, _as_typed(form, token), 409 if full else 400, values,
                       errors)
    if committed:
        dispatch(current_app._get_current_object(), outcome)  # type: ignore[attr-defined]
    # The form posts to the page's own address: no URL to build.
    page_url = request.script_root + request.path
    response = redirect(page_url, 303)
    response.set_cookie(SAVED_COOKIE, "1", max_age=60, path=page_url,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True,
                        samesite="Lax")
    return response


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
