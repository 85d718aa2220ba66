"""The parts of the invitee page that are the same for every invitee of an event in one
language (its facts, its description, the contact), rendered once per revision of the event
and kept in the worker.

After a mailing most invitees open their page within the hour, and each page would render the
event's texts and dates anew: the same markup for all of them. What is kept is keyed by the
event's revision (rsvp.events.models: raised by every change of the event, its texts and its
questions) and read with the invitee in the token's one query, so every worker shows a change
from the next request on.
"""

import threading
from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from markupsafe import Markup
from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.i18n import format_event_when, format_local_datetime
from rsvp.responses.page_query import ShownEvent

#: Events times languages a worker keeps; beyond it the oldest parts are dropped.
KEPT_PARTS = 256


@dataclass(frozen=True)
class EventParts:
    """The event's markup for the page in one language."""

    title: str
    facts: Markup
    about: Markup
    contact: Markup


def event_parts(session: Session, event: ShownEvent, language: str) -> EventParts:
    """The event's parts in ``language`` at its current revision, rendered when not kept."""
    kept = _kept_parts()
    # created_at as well: a new database (tests, a re-created instance) reuses ids.
    key = (event.id, event.created_at, event.revision, language)
    parts = kept.get(key)
    if parts is None:
        parts = _render(session, event, language)
        kept.put(key, parts)
    return parts


def _render(session: Session, page_event: ShownEvent, language: str) -> EventParts:
    # The page reads only some of the event's columns (rsvp.responses.page_query): the
    # whole event here, in one statement.
    event = session.get_one(Event, page_event.id, populate_existing=True)
    shown = event.in_language(language)
    deadline = (format_local_datetime(event.rsvp_deadline, event, language)
                if event.rsvp_deadline else None)
    return EventParts(
        title=shown.title,
        facts=Markup(render_template("invitee/_event.html", event=shown, deadline=deadline,
                                     when=format_event_when(event, language))),
        about=Markup(render_template("invitee/_about.html", event=shown)),
        contact=Markup(render_template("invitee/_contact.html", event=shown)),
    )


class _KeptParts:
    """A small thread-safe mapping that forgets its oldest entries beyond KEPT_PARTS."""

    def __init__(self) -> None:
        self._parts: dict[tuple[int, datetime, int, str], EventParts] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[int, datetime, int, str]) -> EventParts | None:
        return self._parts.get(key)

    def put(self, key: tuple[int, datetime, int, str], parts: EventParts) -> None:
        with self._lock:
            # Older revisions of the same event are never asked for again.
            for old in [k for k in self._parts if k[0] == key[0] and k[2] < key[2]]:
                del self._parts[old]
            while len(self._parts) >= KEPT_PARTS:
                del self._parts[next(iter(self._parts))]
            self._parts[key] = parts


def _kept_parts() -> _KeptParts:
    kept = current_app.extensions.get("rsvp.event_parts")
    if kept is None:
        # setdefault: two threads of a new worker may get here at once; one mapping wins.
        kept = current_app.extensions.setdefault("rsvp.event_parts", _KeptParts())
    return kept
