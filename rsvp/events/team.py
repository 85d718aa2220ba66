"""An event's team: who has which role, and the one rule that an event keeps an owner.

The team page and `rsvp event share` / `unshare` reach these through
rsvp.events.operations; nothing else writes EventMember rows.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from rsvp.auth.models import Organiser
from rsvp.events.models import Event, EventMember

#: The roles, strongest first (the team page offers them in this order).
ROLES = ("owner", "editor", "viewer", "checkin")
#: How the pages and mails name each role.
ROLE_LABELS = {"owner": _l("Owner"), "editor": _l("Editor"), "viewer": _l("Viewer"),
               "checkin": _l("Check-in")}


class TeamError(ValueError):
    """The team cannot be changed as asked; the message says why, in the page's language."""


def team_of(session: Session, event: Event) -> list[tuple[EventMember, Organiser]]:
    """The event's members with their accounts, owners first, then by address."""
    order = {role: number for number, role in enumerate(ROLES)}
    rows = session.execute(
        select(EventMember, Organiser).join(Organiser, Organiser.id == EventMember.organiser_id)
        .where(EventMember.event_id == event.id).order_by(Organiser.email)).all()
    return sorted(((member, organiser) for member, organiser in rows),
                  key=lambda row: order[row[0].role])


def member_of(session: Session, event: Event, organiser_id: int) -> EventMember | None:
    return session.scalar(select(EventMember).where(
        EventMember.event_id == event.id, EventMember.organiser_id == organiser_id))


def _lock_team(session: Session, event: Event) -> None:
    """Serialise team changes per event, so two owners cannot demote each other at once."""
    session.execute(update(Event).where(Event.id == event.id).values(updated_at=Event.updated_at))


def check_role(role: str) -> str:
    if role not in ROLES:
        raise TeamError(_l("The role must be one of %(roles)s.", roles=", ".join(ROLES)))
    return role


def keep_an_owner(session: Session, event: Event, member: EventMember,
                  new_role: str | None) -> None:
    """The rule: the last owner can be neither removed (``new_role`` None) nor demoted.

    :raises TeamError: ``member`` is the event's only owner and would stop being one.
    """
    if member.role != "owner" or new_role == "owner":
        return
    owners = session.scalar(select(func.count()).select_from(EventMember).where(
        EventMember.event_id == event.id, EventMember.role == "owner"))
    if owners <= 1:
        raise TeamError(_l("The event's last owner cannot be removed or given another role."))


def add_member(session: Session, event: Event, organiser: Organiser, role: str) -> EventMember:
    """Put an organiser on the team; raises TeamError if they are on it already."""
    check_role(role)
    _lock_team(session, event)
    if member_of(session, event, organiser.id) is not None:
        raise TeamError(_l("%(email)s is on the team already.", email=organiser.email))
    member = EventMember(event_id=event.id, organiser_id=organiser.id, role=role)
    session.add(member)
    session.flush()
    return member


def set_role(session: Session, event: Event, member: EventMember, role: str) -> None:
    """Give a member another role, unless they are the last owner."""
    check_role(role)
    _lock_team(session, event)
    keep_an_owner(session, event, member, role)
    member.role = role
    session.flush()


def remove_member(session: Session, event: Event, member: EventMember) -> None:
    """Take a member off the team, unless they are the last owner."""
    _lock_team(session, event)
    keep_an_owner(session, event, member, None)
    session.delete(member)
    session.flush()
