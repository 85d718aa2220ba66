"""The dashboard blueprint and what all its views share: login, and which events one may see."""

from datetime import date, datetime

from flask import Blueprint, abort
from flask_babel import get_locale
from flask_login import current_user, login_required
from sqlalchemy import select

from rsvp.converters import is_id
from rsvp.dashboard.queries import visible_to
from rsvp.events.models import Event
from rsvp.events.services import SLUG_PATTERN
from rsvp.extensions import db
from rsvp.i18n import format_short_date, format_short_datetime
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


def load_event(slug: str) -> Event:
    """The event with this slug if the organiser may see it; 404 otherwise, not 403."""
    if not SLUG_PATTERN.match(slug):
        # No event has such a name; and PostgreSQL refuses some characters (NUL) in a query.
        abort(404)
    event = db.session.scalar(
        select(Event).where(Event.slug == slug, visible_to(current_user.id)))
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
