"""The invitee list with delivery state and answers, as CSV rows, streamed."""

import csv
import io
from collections.abc import Iterator

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import Session, aliased

from rsvp.events.models import Event
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.responses.models import Response

HEADER = ["email", "salutation", "title", "first_name", "last_name", "organisation", "language",
          "invitation", "invitation_sent_at", "answer", "guests", "comment", "answered_at",
          "substitute_name", "substitute_email", "last_delivery_error", "last_delivery_at"]
#: Spreadsheet programs run cells starting with these as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Make a cell inert in Excel and LibreOffice: a leading quote stops formula injection."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def export_rows(session: Session, event: Event, *, chunk: int = 2000) -> Iterator[list[str]]:
    """Yield the header and one row per invitee, fetching in chunks to keep memory flat."""
    yield HEADER
    invitation, latest = aliased(Message), aliased(Message)
    query = (
        select(Invitee.email, Invitee.salutation, Invitee.academic_title, Invitee.first_name,
               Invitee.last_name, Invitee.organisation, Invitee.language,
               invitation.status, invitation.sent_at,
               Response.answer, Response.guests, Response.comment, Response.answered_at,
               Response.substitute_name, Response.substitute_email,
               *_last_delivery(latest))
        .outerjoin(invitation, (invitation.invitee_id == Invitee.id)
                   & (invitation.dedup_key == MessageKind.INVITATION.value))
        .outerjoin(latest, latest.id == _latest_finished_message())
        .outerjoin(Response, Response.invitee_id == Invitee.id)
        .where(Invitee.event_id == event.id)
        .order_by(Invitee.id)
        .execution_options(yield_per=chunk)
    )
    for row in session.execute(query):
        (email, salutation, title, first, last, organisation, language,
         status, sent_at, answer, guests, comment, answered_at, substitute_name,
         substitute_email, delivery_error, delivery_at) = row
        yield [neutralise(v) for v in (
            email, salutation or "", title, first, last, organisation, language or "",
            status.value if status else "not sent",
            sent_at.isoformat(timespec="seconds") if sent_at else "",
            answer.value if answer else "", "" if guests is None else guests, comment or "",
            answered_at.isoformat(timespec="seconds") if answered_at else "",
            substitute_name or "", substitute_email or "", delivery_error or "",
            delivery_at.isoformat(timespec="seconds") if delivery_at else "",
        )]


def _latest_finished_message() -> ColumnElement[int]:
    """The id of the invitee's message whose delivery ended last (sent or failed)."""
    return (select(Message.id)
            .where(Message.invitee_id == Invitee.id,
                   Message.status.in_([MessageStatus.SENT, MessageStatus.FAILED]))
            .order_by(Message.updated_at.desc(), Message.id.desc()).limit(1)
            .correlate(Invitee).scalar_subquery())


def _last_delivery(latest: type[Message]) -> tuple[ColumnElement, ColumnElement]:
    """The server's reply and its time: the undeliverable mark's if the address has one (a
    refusal or a bounce), else the latest finished message's ("" when it was sent)."""
    marked = Invitee.bounced_at.is_not(None)
    error = case((marked, Invitee.bounce_reason),
                 (latest.status == MessageStatus.FAILED, latest.last_error), else_="")
    at = case((marked, Invitee.bounced_at), else_=latest.updated_at)
    return error, at


def csv_lines(
    rows: Iterator[list[str]], *, delimiter: str = ",", bom: bool = True
) -> Iterator[str]:
    """Turn rows into CSV text line by line; a BOM tells Excel it is UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if bom:
        yield "\ufeff"
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
