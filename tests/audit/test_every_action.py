"""Every POST of the dashboard and the account pages writes an audit row when it succeeds.

The POST routes come from the app's URL map: a new route without a recipe here (or an
exemption with its reason) fails the first test, so no action can go unrecorded.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from rsvp.audit.models import AuditAction, AuditEntry
from rsvp.auth.links import AccountLink, account_link_token
from rsvp.auth.models import Organiser
from rsvp.auth.twofactor import enable
from rsvp.checkin.operations import check_in
from rsvp.dashboard.uploads import store_upload
from rsvp.events.models import Event, EventMember
from rsvp.extensions import db
from rsvp.invitees.models import Invitee
from rsvp.mailing.templates_custom import save_template_override
from rsvp.outcome import SYSTEM, Agent
from rsvp.questions.services import add_questions, questions_from_file
from rsvp.responses.services import record_answer
from rsvp.schedule.operations import plan_send
from rsvp.schedule.services import plan_spec
from rsvp.tokens import checkin_code
from tests.dashboard.conftest import PASSWORD

NEW_PASSWORD = "ein-ganz-neues-passwort"

#: POST routes that write no audit row, and why.
EXEMPT = {
    "auth.language": "sets the language cookie; no data changes",
    "dashboard.import_preview": "a dry run that writes nothing; the confirmed import is recorded",
    "dashboard.answers_preview": "a dry run that writes nothing; the confirmed import is recorded",
}


@pytest.fixture
def app_config(app_config):
    # CSRF has its own tests; here it would only add a page load before every post.
    return {**app_config, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}


@dataclass
class World:
    """An admin's browser, their event with an accepted invitee, and a colleague's account."""

    app: Flask
    client: FlaskClient
    organiser: Organiser
    colleague: Organiser
    event: Event
    guest: Invitee

    @property
    def base(self) -> str:
        return f"/events/{self.event.slug}"

    def fresh_client(self) -> FlaskClient:
        return self.app.test_client()

    def two_factor(self, organiser: Organiser) -> str:
        secret = pyotp.random_base32()
        enable(db.session, organiser, secret, pyotp.TOTP(secret).at(time.time() - 30))
        db.session.commit()
        return secret


@pytest.fixture
def world(app, organiser, organiser_client, create_event, create_invitee, create_organiser):
    organiser.is_admin = True
    event = create_event(capacity=2)
    event.owner_id = organiser.id
    guest = create_invitee(event, email="gast@example.org")
    record_answer(db.session, guest, "accepted", guests=1)
    colleague = create_organiser("kollegin@example.org", PASSWORD)
    db.session.commit()
    return World(app, organiser_client, organiser, colleague, event, guest)


def _login(w: World):  # type: ignore[no-untyped-def]
    return w.fresh_client().post("/login", data={"email": w.colleague.email,
                                                  "password": PASSWORD})


def _login_code(w: World):  # type: ignore[no-untyped-def]
    secret = w.two_factor(w.colleague)
    client = w.fresh_client()
    client.post("/login", data={"email": w.colleague.email, "password": PASSWORD})
    return client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})


def _two_factor(w: World):  # type: ignore[no-untyped-def]
    w.client.get("/account/two-factor")
    with w.client.session_transaction() as session:
        secret = session["totp_setup"]
    return w.client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})


def _disable_two_factor(w: World):  # type: ignore[no-untyped-def]
    secret = w.two_factor(w.organiser)
    return w.client.post("/account/two-factor/disable",
                         data={"password": PASSWORD, "code": pyotp.TOTP(secret).now()})


def _link(purpose: AccountLink, path: str) -> Callable[[World], object]:
    def post(w: World):  # type: ignore[no-untyped-def]
        token = account_link_token(w.colleague, purpose)
        return w.fresh_client().post(f"{path}{token}", data={
            "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    return post


def _mail_text_reset(w: World):  # type: ignore[no-untyped-def]
    save_template_override(db.session, w.event, "invitation", "de", subject="Hallo", text="",
                           html="")
    db.session.commit()
    return w.client.post(f"{w.base}/texts/invitation/de/reset")


def _import_confirm(w: World):  # type: ignore[no-untyped-def]
    upload = store_upload(w.event.id, b"email\nneu@example.org\n")
    return w.client.post(f"{w.base}/import/confirm", data={"upload": upload})


def _schedule_remove(w: World):  # type: ignore[no-untyped-def]
    plan = plan_send(db.session, w.event, plan_spec(
        {"kind": "reminder", "before_deadline": "2d"}, w.event.zone),
        by=Agent.organiser(w.organiser.id))
    db.session.commit()
    return w.client.post(f"{w.base}/schedule/{plan.id}/remove")


def _waitlist_promote(w: World):  # type: ignore[no-untyped-def]
    waiting = Invitee(event_id=w.event.id, email="warte@example.org", first_name="W",
                      last_name="Liste")
    db.session.add(waiting)
    db.session.flush()
    record_answer(db.session, waiting, "accepted")
    db.session.commit()
    return w.client.post(f"{w.base}/waitlist/{waiting.id}/promote")


def _checked_in(w: World, path: str):  # type: ignore[no-untyped-def]
    check_in(db.session, SYSTEM, w.guest, guests=0)
    db.session.commit()
    return w.client.post(f"{w.base}/checkin/{w.guest.id}/{path}")


def _answers_import(w: World):  # type: ignore[no-untyped-def]
    upload = store_upload(w.event.id, b"email,answer\ngast@example.org,declined\n")
    return w.client.post(f"{w.base}/answers/import/confirm", data={"upload": upload})


def _colleague_on_team(w: World) -> int:
    member = EventMember(event_id=w.event.id, organiser_id=w.colleague.id, role="viewer")
    db.session.add(member)
    db.session.commit()
    return member.id


def _team_role(w: World):  # type: ignore[no-untyped-def]
    member_id = _colleague_on_team(w)
    return w.client.post(f"{w.base}/team/{member_id}/role", data={"role": "editor"})


def _team_remove(w: World):  # type: ignore[no-untyped-def]
    member_id = _colleague_on_team(w)
    return w.client.post(f"{w.base}/team/{member_id}/remove")


def _question(w: World) -> int:
    from tests.dashboard.conftest import SOME_QUESTION

    question = add_questions(db.session, w.event, questions_from_file([SOME_QUESTION]))[0]
    db.session.commit()
    return question.id


def _question_post(w: World, action: str, **data: str):  # type: ignore[no-untyped-def]
    return w.client.post(f"{w.base}/questions/{_question(w)}/{action}", data=data)


QUESTION_FIELDS = {"key": "diet", "type": "choice", "label_de": "Verpflegung",
                   "options": "vegan | Vegan | Vegan", "ask": "accepted",
                   "show_if_question": ""}


def _draft(w: World) -> str:
    """A message to the accepted, previewed and not sent: its draft page's address."""
    written = w.client.post(f"{w.base}/announce", data={
        "audience": "accepted", "subject": "Programm", "body": "Es ist online."})
    return written.headers["Location"].split("?")[0]


def _account(w: World, action: str):  # type: ignore[no-untyped-def]
    return w.client.post(f"/admin/accounts/{w.colleague.id}/{action}")


EVENT_FIELDS = {
    "title": "Jahrestagung 2027", "starts_at": "2027-11-22T12:00", "ends_at": "2027-11-22T17:00",
    "timezone": "Europe/Berlin", "rsvp_deadline": "2027-11-08T23:59", "capacity": "150",
    "max_guests": "1", "language": "de", "retention_days": "183", "link_policy": "personal"}

#: For each POST route: how to make it succeed, and the entry it must leave.
RECIPES: dict[str, tuple[Callable[[World], object], AuditAction]] = {
    "auth.login": (_login, AuditAction.LOGIN),
    "auth.login_code": (_login_code, AuditAction.LOGIN),
    "auth.logout": (lambda w: w.client.post("/logout"), AuditAction.LOGOUT),
    "auth.change_own_password": (lambda w: w.client.post("/account/password", data={
        "current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}),
        AuditAction.PASSWORD_CHANGED),
    "auth.two_factor": (_two_factor, AuditAction.TWO_FACTOR_ON),
    "auth.disable_two_factor": (_disable_two_factor, AuditAction.TWO_FACTOR_OFF),
    "auth.forgot_password": (lambda w: w.fresh_client().post("/password/forgot", data={
        "email": w.colleague.email}), AuditAction.PASSWORD_RESET_REQUESTED),
    "auth.reset_password": (_link(AccountLink.RESET_PASSWORD, "/password/reset/"),
                            AuditAction.PASSWORD_SET),
    "auth.set_password": (_link(AccountLink.SET_PASSWORD, "/password/set/"),
                          AuditAction.PASSWORD_SET),
    "auth.create_account_view": (lambda w: w.client.post("/admin/accounts", data={
        "email": "neu@example.org", "name": "Neu"}), AuditAction.ACCOUNT_CREATED),
    "auth.deactivate_account": (lambda w: _account(w, "deactivate"),
                                AuditAction.ACCOUNT_DEACTIVATED),
    "auth.reactivate_account": (lambda w: _account(w, "reactivate"),
                                AuditAction.ACCOUNT_REACTIVATED),
    "auth.reset_account": (lambda w: _account(w, "reset"), AuditAction.ACCOUNT_RESET_SENT),
    "dashboard.event_new": (lambda w: w.client.post("/events/new", data={
        **EVENT_FIELDS, "slug": "jahrestagung-2027"}), AuditAction.EVENT_CREATED),
    "dashboard.event_edit": (lambda w: w.client.post(f"{w.base}/edit", data={
        **EVENT_FIELDS, "slug": w.event.slug}), AuditAction.EVENT_EDITED),
    "dashboard.event_cancel": (lambda w: w.client.post(f"{w.base}/cancel", data={
        "confirm": "yes"}), AuditAction.EVENT_CANCELLED),
    "dashboard.announce_send": (lambda w: w.client.post(f"{w.base}/announce", data={
        "audience": "accepted", "subject": "Programm", "body": "Es ist online."}),
        AuditAction.GROUP_MESSAGE_DRAFTED),
    "dashboard.announce_test": (lambda w: w.client.post(
        f"{_draft(w)}/test", data={"kind": "update", "invitee": str(w.guest.id)}),
        AuditAction.TEST_SENT),
    "dashboard.announce_round_send": (lambda w: w.client.post(
        f"{_draft(w)}/send", data={"kind": "update", "expected": "1"}),
        AuditAction.GROUP_MESSAGE_SENT),
    "dashboard.invitee_new": (lambda w: w.client.post(f"{w.base}/invitees/new", data={
        "email": "neu@example.org", "last_name": "Neu"}), AuditAction.INVITEE_ADDED),
    "dashboard.invitee_edit": (lambda w: w.client.post(
        f"{w.base}/invitees/{w.guest.id}/edit", data={"email": "gast@example.org",
                                                     "last_name": "Gast"}),
        AuditAction.INVITEE_EDITED),
    "dashboard.invitee_delete": (lambda w: w.client.post(
        f"{w.base}/invitees/{w.guest.id}/delete", data={"confirm": "yes"}),
        AuditAction.INVITEE_ERASED),
    "dashboard.invitee_resend": (lambda w: w.client.post(
        f"{w.base}/invitees/{w.guest.id}/resend"), AuditAction.INVITATION_RESENT),
    "dashboard.invitee_revoke": (lambda w: w.client.post(
        f"{w.base}/invitees/{w.guest.id}/revoke"), AuditAction.LINK_REVOKED),
    "dashboard.invitee_answer": (lambda w: w.client.post(
        f"{w.base}/invitees/{w.guest.id}/answer", data={"response": "declined",
                                                       "channel": "phone", "guests": "0"}),
        AuditAction.ANSWER_RECORDED),
    "dashboard.import_confirm": (_import_confirm, AuditAction.INVITEES_IMPORTED),
    "dashboard.answers_import": (_answers_import, AuditAction.ANSWERS_IMPORTED),
    "dashboard.send": (lambda w: w.client.post(f"{w.base}/send", data={
        "kind": "invitation"}), AuditAction.MAIL_SENT),
    "dashboard.send_test": (lambda w: w.client.post(f"{w.base}/send/test", data={
        "kind": "invitation", "invitee": str(w.guest.id)}), AuditAction.TEST_SENT),
    "dashboard.retry_failed": (lambda w: w.client.post(f"{w.base}/send/retry-failed", data={
        "kind": "invitation"}), AuditAction.FAILED_RESENT),
    "dashboard.schedule_add": (lambda w: w.client.post(f"{w.base}/schedule", data={
        "kind": "reminder", "when": "before_deadline", "value": "2d", "audience": ""}),
        AuditAction.SEND_PLANNED),
    "dashboard.schedule_remove": (_schedule_remove, AuditAction.SEND_UNPLANNED),
    "dashboard.waitlist_promote": (_waitlist_promote, AuditAction.PLACE_GIVEN),
    "dashboard.mail_text": (lambda w: w.client.post(f"{w.base}/texts/invitation/de", data={
        "subject": "Einladung", "text": "Hallo {{ salutation }}"}), AuditAction.TEXT_SAVED),
    "dashboard.mail_text_reset": (_mail_text_reset, AuditAction.TEXT_RESET),
    "dashboard.checkin_in": (lambda w: w.client.post(f"{w.base}/checkin/{w.guest.id}/in"),
                             AuditAction.CHECKED_IN),
    "dashboard.checkin_guest": (lambda w: _checked_in(w, "guest"),
                                AuditAction.GUEST_CHECKED_IN),
    "dashboard.checkin_undo": (lambda w: _checked_in(w, "undo"), AuditAction.CHECK_IN_UNDONE),
    "dashboard.checkin_code_form": (lambda w: w.client.post(f"{w.base}/checkin/code", data={
        "code": checkin_code(w.guest)}), AuditAction.CHECKED_IN),
    "dashboard.checkin_scan": (lambda w: w.client.post(f"{w.base}/checkin/scan", json={
        "code": checkin_code(w.guest)}), AuditAction.CHECKED_IN),
    "dashboard.question_new": (lambda w: w.client.post(f"{w.base}/questions/new",
                                                       data=QUESTION_FIELDS),
                               AuditAction.QUESTION_SAVED),
    "dashboard.question_edit": (lambda w: _question_post(w, "edit", **QUESTION_FIELDS),
                                AuditAction.QUESTION_SAVED),
    "dashboard.question_move": (lambda w: _question_post(w, "move", direction="up"),
                                AuditAction.QUESTION_MOVED),
    "dashboard.question_hide": (lambda w: _question_post(w, "hide"),
                                AuditAction.QUESTION_HIDDEN),
    "dashboard.question_remove": (lambda w: _question_post(w, "remove"),
                                  AuditAction.QUESTION_REMOVED),
    "dashboard.team_add": (lambda w: w.client.post(f"{w.base}/team", data={
        "email": "mitglied@example.org", "role": "editor"}), AuditAction.MEMBER_ADDED),
    "dashboard.team_role": (_team_role, AuditAction.MEMBER_ROLE_CHANGED),
    "dashboard.team_remove": (_team_remove, AuditAction.MEMBER_REMOVED),
}


def post_endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()
            if "POST" in (rule.methods or ()) and rule.endpoint.split(".")[0]
            in ("dashboard", "auth")}


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_every_post_route_has_a_recipe_or_a_reason(app):
    assert post_endpoints(app) - RECIPES.keys() - EXEMPT.keys() == set()
    assert (RECIPES.keys() | EXEMPT.keys()) - post_endpoints(app) == set()


@pytest.mark.parametrize("endpoint", sorted(RECIPES))
def test_a_successful_post_writes_its_audit_row(world, endpoint):
    recipe, action = RECIPES[endpoint]
    before = len(_actions())
    response = recipe(world)
    assert response.status_code < 400, re.findall(r"field-error[^>]*>([^<]*)", response.text)
    db.session.expire_all()
    assert action.value in _actions()[before:], _actions()
