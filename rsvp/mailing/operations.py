"""Mail as use cases: a bulk kind for an audience, a message to a group, a test to oneself,
and an answer's messages that no sender took, handed out again.

The send page, the announcement page, `rsvp send` and the tick call these, commit, and hand
the Outcome to rsvp.mailing.dispatch; none of them queues mail itself.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from rsvp.dbtypes import utcnow
from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.mailing.content_models import UpdateRound
from rsvp.mailing.mime import build_outgoing
from rsvp.mailing.models import Message, MessageKind, MessageStatus, SentTest
from rsvp.mailing.render import render_mail
from rsvp.mailing.render_failures import requeue_render_failures
from rsvp.mailing.services import Audience, queue_messages
from rsvp.mailing.smtp import DeliveryError, SmtpUnavailable, send_now
from rsvp.mailing.update_rounds import create_update_round
from rsvp.outcome import Agent, Outcome


def send_kind(session: Session, event: Event, kind: MessageKind, *, by: Agent,
              audience: Audience | None = None, tag: str | None = None,
              limit: int | None = None, update_round_id: int | None = None) -> Outcome:
    """Queue ``kind`` for everyone in the audience who has not had it (raises AudienceError)."""
    queued = queue_messages(session, event, kind, limit, audience=audience, tag=tag,
                            update_round_id=update_round_id)
    return Outcome(event.id, kind=kind, bulk=queued)


@dataclass
class GroupMessageOutcome(Outcome):
    """The update round recorded, and its messages queued."""

    update: UpdateRound | None = None


def send_group_message(session: Session, event: Event, *, by: Agent, subject: str, body: str,
                       audience: Audience, tag: str | None = None,
                       translations: Mapping[str, tuple[str, str]] | None = None,
                       limit: int | None = None) -> GroupMessageOutcome:
    """Check and record a free message as a new update round, and queue it for the group.

    Raises TemplateOverrideError naming the part at fault.
    """
    update = create_update_round(session, event, subject=subject, body=body,
                                 audience=audience.value, tag=tag, translations=translations)
    return send_update_round(session, event, update, by=by, limit=limit)


def send_update_round(session: Session, event: Event, update: UpdateRound, *, by: Agent,
                      limit: int | None = None) -> GroupMessageOutcome:
    """Queue a recorded round (the announce page's previewed draft) for its group."""
    queued = send_kind(session, event, MessageKind.UPDATE, by=by,
                       audience=Audience(update.audience), tag=update.tag or None,
                       limit=limit, update_round_id=update.id)
    return GroupMessageOutcome(event.id, kind=queued.kind, bulk=queued.bulk, update=update)


def resend_render_failures(session: Session, event: Event, kind: MessageKind, *,
                           by: Agent) -> Outcome:
    """Queue again the messages of ``kind`` whose text could not be rendered, once it is fixed."""
    return Outcome(event.id, kind=kind, bulk=requeue_render_failures(session, event, kind))


def send_test(session: Session, invitee: Invitee, kind: MessageKind, *, by: Agent,
              to: str, update_round: UpdateRound | None = None) -> SentTest:
    """Send ``invitee``'s mail of ``kind`` to the organiser's address ``to``, now; kept as a test.

    The very bytes an invitee gets, but for the subject and the address. It never counts as
    sent to the invitee; a failure is kept on the row (``error``), not raised. An update is
    the one of ``update_round``.
    """
    rendered = render_mail(invitee, kind, update_round=update_round)
    test = replace(rendered, subject=f"[Test] {rendered.subject}")
    outgoing = build_outgoing(invitee, test, ("", to))
    try:
        send_now(outgoing)
    except (SmtpUnavailable, DeliveryError) as exc:
        error = str(exc)
    else:
        error = ""
    sent = SentTest(event_id=invitee.event_id, invitee_id=invitee.id,
                    organiser_id=by.organiser_id, kind=kind, recipient=outgoing.address,
                    subject=test.subject, message_id=outgoing.message_id, error=error[:2000])
    session.add(sent)
    session.flush()
    return sent


def stranded_answer_messages(session: Session, now: datetime | None = None) -> list[Outcome]:
    """An answer's messages (its confirmation, the waiting list, moving up) that no sender
    took: queued more than MAIL_STRANDED_AFTER seconds ago and never claimed nor tried. Their
    process ended between the answer's commit and its sender's run (killed while its threads
    gathered, or its broker away); one Outcome per event, for the tick to hand out again.
    """
    now = now or utcnow()
    queued_before = now - timedelta(seconds=float(current_app.config["MAIL_STRANDED_AFTER"]))
    rows = session.execute(
        select(Message.event_id, Message.id)
        .where(Message.status == MessageStatus.QUEUED, Message.response_change_id.is_not(None),
               Message.claimed_at.is_(None), Message.attempts == 0,
               Message.queued_at < queued_before)
        .order_by(Message.event_id, Message.id)).all()
    outcomes: dict[int, Outcome] = {}
    for event_id, message_id in rows:
        outcomes.setdefault(event_id, Outcome(event_id)).add([message_id])
    return list(outcomes.values())
