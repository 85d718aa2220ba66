"""Fixtures for the mail tests: a conference like the real one, and readers for what arrives."""

import os
import re
from datetime import datetime
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest
from icalendar import Calendar
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.mailing.models import Message, MessageKind
from rsvp.mailing.services import queue_messages

DESCRIPTION = (
    "Welche Möglichkeiten haben Kommunen und Quartiere, um Gemeinwesenarbeit strukturell zu "
    "verankern? Zusammen mit Ihnen wollen wir die Ergebnisse der Studie diskutieren.\n\n"
    "Für Ihre Terminplanung: Am Folgetag bietet der Bundeskongress in Berlin die Gelegenheit, "
    "Bilanz zu ziehen."
)


@pytest.fixture
def sender_env(app_config, smtp_server, tmp_path) -> dict[str, str]:
    """The environment of an `rsvp send` subprocess on the test's database and SMTP server.

    A restarted sender takes over a dead one's claims at once (claim timeout 0).
    """
    return {**os.environ,
            "RSVP_DATABASE_URL": str(app_config["DATABASE_URL"]),
            "RSVP_SECRET_KEY": str(app_config["SECRET_KEY"]),
            "RSVP_BASE_URL": "http://rsvp.test",
            "RSVP_MAIL_PORT": str(smtp_server.port),
            "RSVP_MAIL_DEFAULT_SENDER": "einladung@rsvp.test",
            "RSVP_MAIL_CLAIM_TIMEOUT": "0",
            "RSVP_INSTANCE_PATH": str(tmp_path / "instance")}


@pytest.fixture
def conference(create_event):
    """A federal conference on a Monday in Berlin, 12 to 17 o'clock, replies by 8 November."""
    return create_event(
        title="Bundeskonferenz „Gemeinwesenarbeit in der sozialen Stadt“",
        starts_at=datetime(2027, 11, 22, 12, 0), ends_at=datetime(2027, 11, 22, 17, 0),
        rsvp_deadline=datetime(2027, 11, 8, 23, 59), description=DESCRIPTION,
        organiser="Bundesinstitut für Bau-, Stadt- und Raumforschung (BBSR)",
    )


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def calendars_in(message: EmailMessage) -> list[Calendar]:
    return [Calendar.from_ical(part.get_content())
            for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title", "head"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "title", "head"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    """What a reader sees of an HTML part, whitespace folded."""
    parser = _Visible()
    parser.feed(html)
    return fold(" ".join(parser.chunks))


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def queued_event(create_event, invitees: int):
    """An event with ``invitees`` invitees whose invitations are queued, not yet sent."""
    event = create_event(invitees=invitees)
    queue_messages(db.session, event, MessageKind.INVITATION)
    db.session.commit()
    return event


def message_to(address: str) -> Message:
    """The logged message to one address."""
    return db.session.scalar(select(Message).where(Message.recipient == address))
