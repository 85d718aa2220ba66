"""The dashboard blueprint and what all its views share: login, and which events one may see."""

from datetime import date, datetime
from enum import Enum

from flask import Blueprint, abort
from flask_babel import get_locale
from flask_login import current_user, login_required
from sqlalchemy import select

from rsvp.converters import is_id
from rsvp.dashboard.queries import visible_to
from rsvp.events.models import Event, EventMember
from rsvp.events.services import SLUG_PATTERN
from rsvp.extensions import db
from rsvp.i18n import format_axis_day, format_short_date, format_short_datetime
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message

bp = Blueprint("dashboard", __name__)


@bp.before_request
@login_required
def require_login() -> None:
    """Every organiser page needs a logged-in organiser."""


@bp.app_template_filter("local_datetime")
def local_datetime(moment: datetime | None, event: Event) -> str:
    """An instant as the organiser reads it: in the event's zone and the page's language."""
    return format_short_datetime(moment, event, str(get_locale())) if moment else "–"


@bp.app_template_filter("local_date")
def local_date(day: date) -> str:
    return format_short_date(day, str(get_locale()))


@bp.app_template_filter("axis_date")
def axis_date(day: date) -> str:
    """A day on a chart's time axis in the page's language: '22.11.' / '22 Nov'."""
    return format_axis_day(day, str(get_locale()))


class Permission(Enum):
    """What a dashboard route does to an event; PERMISSIONS says which roles may."""

    VIEW = "view"
    CHECKIN = "checkin"
    EDIT = "edit"
    SEND = "send"
    EXPORT = "export"
    ERASE = "erase"
    TEAM = "team"
    AUDIT = "audit"


#: The one table of who may do what: a route names its Permission in load_event.
PERMISSIONS: dict[Permission, frozenset[str]] = {
    Permission.VIEW: frozenset({"owner", "editor", "viewer"}),
    Permission.CHECKIN: frozenset({"owner", "editor", "checkin"}),
    Permission.EDIT: frozenset({"owner", "editor"}),
    Permission.SEND: frozenset({"owner", "editor"}),
    Permission.EXPORT: frozenset({"owner", "editor"}),
    Permission.ERASE: frozenset({"owner", "editor"}),
    Permission.TEAM: frozenset({"owner"}),
    Permission.AUDIT: frozenset({"owner", "editor"}),
}


def role_on(event: Event, organiser_id: int) -> str | None:
    """The organiser's role on the event, from its team; an event without one has no roles
    (admins alone see it)."""
    return db.session.scalar(select(EventMember.role).where(
        EventMember.event_id == event.id, EventMember.organiser_id == organiser_id))


@bp.app_template_global()
def may(event: Event, permission: str) -> bool:
    """Whether the logged-in organiser may do ``permission`` on the event (for links)."""
    if getattr(current_user, "is_admin", False):
        return True
    return role_on(event, current_user.id) in PERMISSIONS[Permission(permission)]


def load_event(slug: str, needs: Permission = Permission.VIEW) -> Event:
    """The event if the organiser may do ``needs``: 404 for strangers, 403 for a lesser role."""
    event = _visible_event(slug)
    if getattr(current_user, "is_admin", False):
        return event
    role = role_on(event, current_user.id)
    if role is None:
        abort(404)
    if role not in PERMISSIONS[needs]:
        abort(403)
    return event


def _visible_event(slug: str) -> Event:
    """The event with this slug if the organiser may see it; 404 otherwise, not 403."""
    if not SLUG_PATTERN.match(slug):
        # No event has such a name; and PostgreSQL refuses some characters (NUL) in a query.
        abort(404)
    query = select(Event).where(Event.slug == slug)
    if not getattr(current_user, "is_admin", False):
        query = query.where(visible_to(current_user.id))
    event = db.session.scalar(query)
    if event is None:
        abort(404)
    return event


def load_invitee(event: Event, invitee_id: int) -> Invitee:
    """One of the event's invitees, or 404; an id no column can hold is none of them."""
    invitee = db.session.get(Invitee, invitee_id) if is_id(invitee_id) else None
    if invitee is None or invitee.event_id != event.id:
        abort(404)
    return invitee


def load_message(event: Event, message_id: int) -> Message:
    """One of the event's logged emails, or 404."""
    mail = db.session.get(Message, message_id)
    if mail is None or mail.event_id != event.id:
        abort(404)
    return mail
