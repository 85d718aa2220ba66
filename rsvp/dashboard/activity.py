"""The activity log: an event's for its owners and editors, every entry for admins."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import abort, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from rsvp.audit.models import AuditAction, AuditEntry
from rsvp.audit.services import activity
from rsvp.dashboard.blueprint import Permission, bp, load_event
from rsvp.events.models import Event
from rsvp.extensions import db

#: Where an entry without an event is shown in (an account's login, say).
DEFAULT_ZONE = ZoneInfo("Europe/Berlin")
#: Pages beyond this are none: an offset no database needs.
LAST_PAGE = 100_000

ACTION_LABELS = {
    AuditAction.LOGIN: _l("Logged in"),
    AuditAction.LOGIN_FAILED: _l("Failed login"),
    AuditAction.LOGOUT: _l("Logged out"),
    AuditAction.PASSWORD_CHANGED: _l("Changed their password"),
    AuditAction.PASSWORD_SET: _l("Set a password through a link"),
    AuditAction.PASSWORD_RESET_REQUESTED: _l("Asked for a password reset"),
    AuditAction.TWO_FACTOR_ON: _l("Turned two-factor login on"),
    AuditAction.TWO_FACTOR_OFF: _l("Turned two-factor login off"),
    AuditAction.ACCOUNT_CREATED: _l("Created an account"),
    AuditAction.ACCOUNT_DEACTIVATED: _l("Deactivated an account"),
    AuditAction.ACCOUNT_REACTIVATED: _l("Reactivated an account"),
    AuditAction.ACCOUNT_RESET_SENT: _l("Sent a reset link to an account"),
    AuditAction.EVENT_CREATED: _l("Created the event"),
    AuditAction.EVENT_EDITED: _l("Changed the event's details"),
    AuditAction.EVENT_CANCELLED: _l("Cancelled the event"),
    AuditAction.INVITEE_ADDED: _l("Added an invitee"),
    AuditAction.INVITEE_EDITED: _l("Changed an invitee"),
    AuditAction.INVITEE_ERASED: _l("Erased an invitee"),
    AuditAction.INVITATION_RESENT: _l("Sent an invitation again"),
    AuditAction.LINK_REVOKED: _l("Renewed an invitee's link"),
    AuditAction.ANSWER_RECORDED: _l("Recorded an answer"),
    AuditAction.PLACE_GIVEN: _l("Gave a place from the waiting list"),
    AuditAction.MEMBER_ADDED: _l("Added a team member"),
    AuditAction.MEMBER_ROLE_CHANGED: _l("Changed a team member's role"),
    AuditAction.MEMBER_REMOVED: _l("Removed a team member"),
    AuditAction.GROUP_MESSAGE_DRAFTED: _l("Wrote a message to a group (not sent yet)"),
    AuditAction.QUESTION_SAVED: _l("Saved a question"),
    AuditAction.QUESTION_MOVED: _l("Moved a question"),
    AuditAction.QUESTION_HIDDEN: _l("Hid or showed a question"),
    AuditAction.QUESTION_REMOVED: _l("Removed a question"),
    AuditAction.INVITEES_IMPORTED: _l("Imported invitees"),
    AuditAction.ANSWERS_IMPORTED: _l("Imported answers"),
    AuditAction.MAIL_SENT: _l("Sent mail"),
    AuditAction.TEST_SENT: _l("Sent a test"),
    AuditAction.GROUP_MESSAGE_SENT: _l("Sent a message to a group"),
    AuditAction.FAILED_RESENT: _l("Sent failed messages again"),
    AuditAction.SEND_PLANNED: _l("Planned a send"),
    AuditAction.SEND_UNPLANNED: _l("Removed a planned send"),
    AuditAction.TEXT_SAVED: _l("Saved a mail text"),
    AuditAction.TEXT_RESET: _l("Went back to a standard mail text"),
    AuditAction.CHECKED_IN: _l("Checked someone in"),
    AuditAction.GUEST_CHECKED_IN: _l("Checked a guest in"),
    AuditAction.CHECK_IN_UNDONE: _l("Undid a check-in"),
    AuditAction.EXPORTED: _l("Exported the invitee list"),
    AuditAction.INVITEE_DATA_EXPORTED: _l("Downloaded an invitee's data"),
    AuditAction.PURGED: _l("Removed personal data after the retention period"),
}
VIA_LABELS = {"web": _l("browser"), "cli": _l("command line")}
#: The detail keys as the page names them; others are shown as they are stored.
DETAIL_LABELS = {
    "kind": _l("Kind"), "queued": _l("queued"), "invitee": _l("Invitee"),
    "account": _l("Account"), "added": _l("added"), "updated": _l("updated"),
    "unchanged": _l("unchanged"), "rejected": _l("rejected"), "recorded": _l("recorded"),
    "audience": _l("To"), "response": _l("Answer"), "language": _l("Language"),
    "guests": _l("Guests"), "ok": _l("done"), "refusal": _l("refused because"),
    "invitees": _l("invitees"), "known": _l("known address"),
}


def _details(details: dict[str, object]) -> str:
    """An entry's details in the page's language: "Kind: invitation · queued: 12"."""
    def shown(value: object) -> str:
        if isinstance(value, bool):
            return str(_l("yes") if value else _l("no"))
        return "–" if value is None or value == "" else str(value)
    return " · ".join(f"{DETAIL_LABELS.get(key, key)}: {shown(value)}"
                      for key, value in sorted(details.items()))


def _page_number() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), LAST_PAGE)


def _when(moment: datetime, event: Event | None) -> str:
    """The entry's time where its event is, to the second, in the page's language."""
    zone = event.zone if event is not None else DEFAULT_ZONE
    return format_datetime(moment.astimezone(zone), "medium", locale=str(get_locale()))


def _rows(entries: list[AuditEntry]) -> list[dict[str, object]]:
    """What the table shows of each entry."""
    ids = {entry.event_id for entry in entries if entry.event_id is not None}
    events = {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(ids)))}
    return [{"when": _when(entry.at, events.get(entry.event_id or 0)),
             "who": entry.actor_label or "–", "entry": entry,
             "what": ACTION_LABELS.get(entry.action, entry.action),  # type: ignore[call-overload]
             "event": events.get(entry.event_id or 0),
             "details": _details(entry.details or {}),
             "via": VIA_LABELS.get(entry.via, entry.via)} for entry in entries]


@bp.get("/events/<slug>/activity")
def activity_log(slug: str) -> str:
    """Who did what to this event, newest first."""
    event = load_event(slug, needs=Permission.AUDIT)
    page = activity(db.session, event, page=_page_number())
    return render_template("dashboard/activity.html", event=event, page=page,
                           rows=_rows(page.entries))


@bp.get("/admin/activity")
def activity_all() -> str:
    """Every entry of the log, accounts and logins too: for admins."""
    if not current_user.is_admin:
        abort(403)
    page = activity(db.session, None, page=_page_number())
    return render_template("dashboard/activity.html", event=None, page=page,
                           rows=_rows(page.entries))
