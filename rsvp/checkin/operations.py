"""Check-in as use cases: every caller (the door page, its scanner, `rsvp checkin`) goes
through these. They change rows and say what happened; none sends mail, so the outcome's
message list stays empty, but it is the Outcome every operation returns."""

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rsvp.checkin.models import VIA_PAGE, CheckIn
from rsvp.checkin.rules import Refusal, admission_refusal, expected_guests, standing_check_in
from rsvp.dbtypes import utcnow
from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.outcome import Agent, Outcome
from rsvp.tokens import InvalidToken, RevokedToken, invitee_for_checkin_code


@dataclass
class CheckInOutcome(Outcome):
    """The person, their check-in after the operation, and the reason if refused.

    On ALREADY_CHECKED_IN ``check_in`` is the earlier one: its time and organiser are what
    the door is told. On a code refusal ``invitee`` is None.
    """

    invitee: Invitee | None = None
    check_in: CheckIn | None = None
    refusal: Refusal | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


def check_in(session: Session, by: Agent, invitee: Invitee, *, guests: int | None = None,
             via: str = VIA_PAGE) -> CheckInOutcome:
    """Let the invitee in with ``guests`` of their guests (None: all their answer names)."""
    _lock_invitee(session, invitee)
    wanted = expected_guests(invitee) if guests is None else guests
    standing = standing_check_in(session, invitee.id)
    refusal = admission_refusal(invitee)
    if refusal is None and standing is not None:
        refusal = Refusal.ALREADY_CHECKED_IN
    if refusal is None and not 0 <= wanted <= expected_guests(invitee):
        refusal = Refusal.TOO_MANY_GUESTS
    if refusal is not None:
        return _refused(invitee, refusal, standing)
    row = _insert(session, CheckIn(invitee_id=invitee.id, event_id=invitee.event_id,
                                   guests=wanted, organiser_id=by.organiser_id, via=via))
    if row is None:
        # Another connection got in between (the lock makes this rare): theirs stands.
        return _refused(invitee, Refusal.ALREADY_CHECKED_IN,
                        standing_check_in(session, invitee.id))
    return CheckInOutcome(invitee.event_id, invitee=invitee, check_in=row)


def check_in_by_code(session: Session, by: Agent, event: Event, code: str, *,
                     guests: int | None = None, via: str = VIA_PAGE) -> CheckInOutcome:
    """Check in whoever the scanned or typed code belongs to, if it is of this event."""
    try:
        invitee = invitee_for_checkin_code(session, code)
    except RevokedToken:
        return CheckInOutcome(event.id, refusal=Refusal.REVOKED_CODE)
    except InvalidToken:
        return CheckInOutcome(event.id, refusal=Refusal.UNKNOWN_CODE)
    if invitee.event_id != event.id:
        # Another event's code is no code of this door; say nothing about that person.
        return CheckInOutcome(event.id, refusal=Refusal.UNKNOWN_CODE)
    return check_in(session, by, invitee, guests=guests, via=via)


def add_guests(session: Session, by: Agent, invitee: Invitee, *, count: int = 1) -> CheckInOutcome:
    """Guests arriving after the invitee: ``count`` more of them are in."""
    _lock_invitee(session, invitee)
    standing = standing_check_in(session, invitee.id)
    if standing is None:
        return _refused(invitee, Refusal.NOT_CHECKED_IN, None)
    if count < 1 or standing.guests + count > expected_guests(invitee):
        return _refused(invitee, Refusal.TOO_MANY_GUESTS, standing)
    standing.guests += count
    session.flush()
    return CheckInOutcome(invitee.event_id, invitee=invitee, check_in=standing)


def undo_check_in(session: Session, by: Agent, invitee: Invitee, *,
                  via: str = VIA_PAGE) -> CheckInOutcome:
    """Take the invitee's check-in back; the row stays, marked undone, as history."""
    _lock_invitee(session, invitee)
    standing = standing_check_in(session, invitee.id)
    if standing is None:
        return _refused(invitee, Refusal.NOT_CHECKED_IN, None)
    standing.undone_at = utcnow()
    standing.undone_by_id = by.organiser_id
    standing.undone_via = via
    session.flush()
    return CheckInOutcome(invitee.event_id, invitee=invitee, check_in=standing)


def _refused(invitee: Invitee, refusal: Refusal, standing: CheckIn | None) -> CheckInOutcome:
    return CheckInOutcome(invitee.event_id, invitee=invitee, check_in=standing, refusal=refusal)


def _lock_invitee(session: Session, invitee: Invitee) -> None:
    """Serialise the door per person: PostgreSQL locks the invitee's row until commit,
    SQLite takes its write lock. The second phone then reads the first one's check-in."""
    session.execute(
        update(Invitee).where(Invitee.id == invitee.id)
        .values(nonce=Invitee.nonce, updated_at=Invitee.updated_at)
        .execution_options(synchronize_session=False))


def _insert(session: Session, row: CheckIn) -> CheckIn | None:
    """Add the row, or None when the database refuses a second standing check-in."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row
