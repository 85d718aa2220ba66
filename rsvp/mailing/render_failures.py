"""Messages whose organiser's text could not be rendered: marked failed, listed, sent again.

Such a message never reached a server, so after the organiser has fixed the text it can
simply be queued again. Its ``last_error`` says so in a fixed form that the dashboard reads
back (to say it in the organiser's language) and that tells it from a server's refusal.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, func, select, true, update
from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.mailing.templates_custom import TemplateOverrideError
from rsvp.responses.models import Response

#: How ``last_error`` of a message that could not be rendered begins.
PREFIX = "Not rendered: "
_REASON = re.compile(
    r"Not rendered: (?P<kind>[a-z-]+) \((?P<language>[a-z]{2})\), (?P<part>[a-z]+)"
    r"(?:, line (?P<line>\d+))?: (?P<error>.*)", re.DOTALL)
#: Kinds confirming one answer: sent again only while that answer is the latest.
_ANSWER_KINDS = (MessageKind.CONFIRMATION, MessageKind.WAITLISTED, MessageKind.PROMOTED)


@dataclass(frozen=True)
class RenderFailure:
    """Why one message could not be rendered, read back from its ``last_error``."""

    kind: MessageKind
    language: str
    part: str
    line: int | None
    error: str

    @classmethod
    def of(cls, error: TemplateOverrideError, kind: MessageKind,
           language: str) -> "RenderFailure":
        """The failure of ``kind`` in ``language`` that ``error`` reports."""
        return cls(kind, language, error.part.split(" ")[0], error.line, error.message)

    def __str__(self) -> str:
        line = f", line {self.line}" if self.line else ""
        return f"{PREFIX}{self.kind.value} ({self.language}), {self.part}{line}: {self.error}"


def failure_reason(message: Message, error: Exception) -> str:
    """The ``last_error`` of a message whose text raised ``error``: kind, language, part,
    line (any other error as it is)."""
    if not isinstance(error, TemplateOverrideError):
        return str(error)
    invitee = message.invitee
    language = invitee.effective_language() if invitee is not None else "de"
    return str(RenderFailure.of(error, message.kind, language))[:2000]


def read_failure(last_error: str) -> RenderFailure | None:
    """The render failure a ``last_error`` records, or None for any other error."""
    match = _REASON.fullmatch(last_error or "")
    if match is None or match["kind"] not in MessageKind._value2member_map_:
        return None
    return RenderFailure(MessageKind(match["kind"]), match["language"], match["part"],
                         int(match["line"]) if match["line"] else None, match["error"])


def _failed_to_render(event: Event, kind: MessageKind | None = None) -> list[ColumnElement[bool]]:
    return [Message.event_id == event.id, Message.status == MessageStatus.FAILED,
            Message.last_error.startswith(PREFIX),
            Message.kind == kind if kind is not None else true()]


def render_failures(session: Session, event: Event, limit: int = 50) -> Sequence[Message]:
    """The event's messages that could not be rendered, newest first (with their invitee)."""
    return session.scalars(
        select(Message).where(*_failed_to_render(event)).join(Message.invitee)
        .order_by(Message.updated_at.desc(), Message.id.desc()).limit(limit)).all()


def render_failure_counts(session: Session, event: Event) -> dict[MessageKind, int]:
    """How many messages of each kind could not be rendered."""
    rows = session.execute(select(Message.kind, func.count()).where(*_failed_to_render(event))
                           .group_by(Message.kind)).all()
    return {kind: count for kind, count in rows}


def requeue_render_failures(session: Session, event: Event, kind: MessageKind) -> int:
    """Queue again the messages of ``kind`` that could not be rendered; how many.

    Only those never handed to a server (no ``sent_at``), to invitees who still take mail, a
    reminder only while unanswered, a confirmation only of the latest answer.
    """
    ids = select(Message.id).join(Invitee, Invitee.id == Message.invitee_id).where(
        *_failed_to_render(event, kind), Message.sent_at.is_(None),
        Invitee.bounced_at.is_(None), _still_wanted(kind))
    result = session.execute(
        update(Message).where(Message.id.in_(ids.scalar_subquery()),
                              Message.status == MessageStatus.FAILED)
        .values(status=MessageStatus.QUEUED, last_error="", claimed_at=None,
                next_attempt_at=None)
        .execution_options(synchronize_session=False))
    session.flush()
    return result.rowcount or 0


def _still_wanted(kind: MessageKind) -> ColumnElement[bool]:
    if kind is MessageKind.REMINDER:
        return ~exists().where(Response.invitee_id == Invitee.id)
    if kind in _ANSWER_KINDS:
        # Imported here: services imports delivery, which imports this module.
        from rsvp.mailing.services import dedup_values

        latest = dedup_values(MessageKind.CONFIRMATION)["response_change_id"]
        return Message.response_change_id == latest
    return true()
