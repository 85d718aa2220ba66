"""The door: find a person or scan their code, let them and their guests in, undo.

Every change is a POST through rsvp.checkin.operations; the scanner's JSON endpoint is
protected like the forms, by the CSRF token (sent in the X-CSRFToken header).
"""

from flask import abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from rsvp.audit.models import AuditAction
from rsvp.audit.web import audit
from rsvp.checkin.models import CheckIn
from rsvp.checkin.operations import (
    CheckInOutcome,
    add_guests,
    check_in,
    check_in_by_code,
    undo_check_in,
)
from rsvp.checkin.queries import arrivals, door_search
from rsvp.checkin.rules import (
    Refusal,
    admission_refusal,
    checked_in_by,
    door_answers_of,
    expected_guests,
    standing_check_in,
)
from rsvp.dashboard.blueprint import Permission, bp, load_event, load_invitee
from rsvp.events.models import Event
from rsvp.extensions import db
from rsvp.forms import Form
from rsvp.i18n import format_local_time
from rsvp.invitees.models import Invitee
from rsvp.outcome import Agent

REASONS = {
    Refusal.UNKNOWN_CODE: _l("Unknown code: this is not a check-in code of this event."),
    Refusal.REVOKED_CODE: _l("This code is no longer valid: the invitation link was renewed."),
    Refusal.NOT_ANSWERED: _l("This person has not registered."),
    Refusal.DECLINED: _l("This person has declined."),
    Refusal.WAITLISTED: _l("This person is on the waiting list and has no place."),
    Refusal.NOT_CHECKED_IN: _l("This person is not checked in."),
    Refusal.TOO_MANY_GUESTS: _l("More guests than registered."),
}


def refusal_text(event: Event, refusal: Refusal, row: CheckIn | None) -> str:
    """Why the door says no, in the page's language."""
    if refusal is Refusal.ALREADY_CHECKED_IN and row is not None:
        return _("Already checked in at %(time)s by %(who)s.",
                 time=format_local_time(row.checked_in_at, event, str(get_locale())),
                 who=checked_in_by(row) or _("the system administration"))
    return str(REASONS.get(refusal, _("Refused.")))


def _door(template: str, **context: object) -> BaseResponse:
    response = make_response(render_template(template, **context))
    # The scanner needs the camera on this page alone; every other page keeps it off.
    response.headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=()"
    return response


@bp.get("/events/<slug>/checkin")
def checkin(slug: str) -> BaseResponse:
    """The door page: search by name or organisation, and the camera scanner."""
    event = load_event(slug, needs=Permission.CHECKIN)
    q = request.args.get("q", "").strip()[:200]
    return _door("dashboard/checkin.html", event=event, q=q,
                 rows=door_search(db.session, event.id, q) if q else [],
                 arrivals=arrivals(db.session, event.id), form=Form())


@bp.get("/events/<slug>/checkin/<id:invitee_id>")
def checkin_person(slug: str, invitee_id: int) -> BaseResponse:
    """One person at the door: guests, the answers for the door, check in or undo."""
    event = load_event(slug, needs=Permission.CHECKIN)
    invitee = load_invitee(event, invitee_id)
    refusal = admission_refusal(invitee)
    return _door("dashboard/checkin_person.html", event=event, invitee=invitee,
                 standing=standing_check_in(db.session, invitee.id),
                 refusal=refusal and refusal_text(event, refusal, None),
                 expected=expected_guests(invitee), form=Form(),
                 door_answers=door_answers_of(db.session, invitee),
                 checked_in_by=checked_in_by)


def _person_post(slug: str, invitee_id: int) -> tuple[Event, Invitee]:
    event = load_event(slug, needs=Permission.CHECKIN)
    invitee = load_invitee(event, invitee_id)
    if not Form().validate_on_submit():
        abort(400)
    return event, invitee


def _audit(action: AuditAction, event: Event, outcome: CheckInOutcome, by: str = "") -> None:
    """The door's action in the log, a refused one too (with why)."""
    audit(action, event, outcome.invitee, ok=outcome.ok, by=by or "person",
          guests=outcome.check_in.guests if outcome.check_in else 0, refusal=outcome.refusal)


def _after(event: Event, outcome: CheckInOutcome, done: str) -> BaseResponse:
    db.session.commit()
    if outcome.ok:
        flash(done, "success")
    elif outcome.refusal is not None:
        flash(refusal_text(event, outcome.refusal, outcome.check_in), "error")
    assert outcome.invitee is not None
    return redirect(url_for(".checkin_person", slug=event.slug,
                            invitee_id=outcome.invitee.id), 303)


@bp.post("/events/<slug>/checkin/<id:invitee_id>/in")
def checkin_in(slug: str, invitee_id: int) -> BaseResponse:
    """Check the person in, with all their guests or the number given."""
    event, invitee = _person_post(slug, invitee_id)
    guests = request.form.get("guests", type=int)
    outcome = check_in(db.session, Agent.organiser(current_user.id), invitee, guests=guests)
    _audit(AuditAction.CHECKED_IN, event, outcome)
    return _after(event, outcome, _("Checked in."))


@bp.post("/events/<slug>/checkin/<id:invitee_id>/guest")
def checkin_guest(slug: str, invitee_id: int) -> BaseResponse:
    """One more of the person's guests has arrived."""
    event, invitee = _person_post(slug, invitee_id)
    outcome = add_guests(db.session, Agent.organiser(current_user.id), invitee)
    _audit(AuditAction.GUEST_CHECKED_IN, event, outcome)
    return _after(event, outcome, _("Guest checked in."))


@bp.post("/events/<slug>/checkin/<id:invitee_id>/undo")
def checkin_undo(slug: str, invitee_id: int) -> BaseResponse:
    """Take the person's check-in back (kept in the history as undone)."""
    event, invitee = _person_post(slug, invitee_id)
    outcome = undo_check_in(db.session, Agent.organiser(current_user.id), invitee)
    _audit(AuditAction.CHECK_IN_UNDONE, event, outcome)
    return _after(event, outcome, _("Check-in undone."))


@bp.post("/events/<slug>/checkin/code")
def checkin_code_form(slug: str) -> BaseResponse:
    """A code typed in (the text under the QR code): check its person in."""
    event = load_event(slug, needs=Permission.CHECKIN)
    if not Form().validate_on_submit():
        abort(400)
    outcome = check_in_by_code(db.session, Agent.organiser(current_user.id), event,
                               request.form.get("code", "")[:500])
    if outcome.invitee is None:
        db.session.rollback()
        flash(refusal_text(event, outcome.refusal or Refusal.UNKNOWN_CODE, None), "error")
        return redirect(url_for(".checkin", slug=event.slug), 303)
    _audit(AuditAction.CHECKED_IN, event, outcome, by="code")
    return _after(event, outcome, _("Checked in."))


@bp.post("/events/<slug>/checkin/scan")
def checkin_scan(slug: str) -> BaseResponse:
    """The scanner's request: check in whoever the code belongs to; the result as JSON."""
    event = load_event(slug, needs=Permission.CHECKIN)
    data = request.get_json(silent=True)
    code = data.get("code") if isinstance(data, dict) else None
    if not isinstance(code, str):
        abort(400)
    outcome = check_in_by_code(db.session, Agent.organiser(current_user.id), event, code[:500])
    _audit(AuditAction.CHECKED_IN, event, outcome, by="scan")
    db.session.commit()
    return jsonify(_scan_result(event, outcome))


def _scan_result(event: Event, outcome: CheckInOutcome) -> dict[str, object]:
    """What the scanner's green or red screen shows."""
    invitee, row = outcome.invitee, outcome.check_in
    result: dict[str, object] = {
        "ok": outcome.ok,
        "reason": "" if outcome.refusal is None else refusal_text(event, outcome.refusal, row),
    }
    if invitee is not None:
        result |= {"name": " ".join(p for p in (invitee.academic_title, invitee.full_name) if p),
                   "organisation": invitee.organisation,
                   "guests": row.guests if row else 0, "expected": expected_guests(invitee),
                   "url": url_for(".checkin_person", slug=event.slug, invitee_id=invitee.id)}
    return result


@bp.get("/events/<slug>/checkin/arrivals.json")
def checkin_arrivals(slug: str) -> BaseResponse:
    """Arrivals so far, for the event page's live figures."""
    event = load_event(slug)
    now = arrivals(db.session, event.id)
    return jsonify({
        "arrived": now.arrived, "expected": now.expected,
        "label": _("Arrived: %(arrived)d of %(expected)d", arrived=now.arrived,
                   expected=now.expected),
        "slots": [[start.strftime("%H:%M"), people, total]
                  for start, people, total in now.by_quarter_hour(event.zone)],
    })
