"""The German dashboard is German: no English words, codes or ISO times on its main pages."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from rsvp.extensions import db
from rsvp.invitees.models import InviteeTag
from rsvp.mailing.models import Message, MessageKind, MessageStatus
from rsvp.responses.services import record_answer

#: Words and codes that would be English (or a code) on a German page; names and addresses
#: of the test data contain none of them.
ENGLISH = re.compile(
    r"\b(the|and|with|guests?|answers?|invitations?|reminder|sent|queued|sending|failed|"
    r"declined|accepted|waitlisted|pending|no-response|before_deadline|before_start|"
    r"after_end|not sent|yes|you|your|file|line)\b"
    r"|Begleitperson\(en\)|Kommandozeile|rsvp (send|purge|import|export|run|tick)"
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d", re.IGNORECASE)
#: German usage (a loanword), and the values an answers file may hold, quoted as such.
ALLOWED = ("Save-the-Date", "Save the Date", "yes/no")
#: Attributes people read too (screen readers, tooltips, empty fields).
READ_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')


def visible(html: str) -> str:
    """The page's text and read attributes, without scripts, styles and code examples."""
    html = re.sub(r"(?s)<(script|style|code|pre|textarea)\b.*?</\1>", " ", html)
    attributes = " ".join(READ_ATTRIBUTES.findall(html))
    text = re.sub(r"(?s)<[^>]+>", " ", html) + " " + attributes
    for phrase in ALLOWED:
        text = text.replace(phrase, " ")
    return " ".join(text.split())


@pytest.fixture
def busy_event(create_event, create_invitee, organiser, runner):  # type: ignore[no-untyped-def]
    """An event with answers, a sent invitation, a waiting list and a planned reminder."""
    start = datetime(2027, 11, 22, 11, 0, tzinfo=UTC)
    event = create_event(starts_at=start, ends_at=start + timedelta(hours=4), capacity=1,
                         rsvp_deadline=start - timedelta(days=14), max_guests=2)
    event.owner_id = organiser.id
    first = create_invitee(event, email="anna@example.org", last_name="Potz")
    first.tags = [InviteeTag(tag="Presse")]
    db.session.add(Message(event_id=event.id, invitee_id=first.id, kind=MessageKind.INVITATION,
                           dedup_key="invitation", status=MessageStatus.SENT,
                           sent_at=datetime(2027, 10, 1, 8, 30, tzinfo=UTC)))
    record_answer(db.session, first, "accepted", guests=1)
    record_answer(db.session, create_invitee(event, email="bernd@example.org"), "accepted")
    record_answer(db.session, create_invitee(event, email="clara@example.org"), "declined")
    create_event(title="Gemeinsame Tagung")  # no owner: shared, set up on the server
    db.session.commit()
    runner.invoke(args=["schedule", "add", event.slug, "--kind", "reminder",
                        "--before-deadline", "7d"])
    return event, first


PAGES = ["/events/", "/events/{slug}/", "/events/{slug}/invitees", "/events/{slug}/invitees/{id}",
         "/events/{slug}/invitees/{id}/edit", "/events/{slug}/invitees/new",
         "/events/{slug}/import", "/events/{slug}/answers/import", "/events/{slug}/edit",
         "/events/{slug}/schedule", "/events/{slug}/texts", "/events/{slug}/texts/invitation/de",
         "/events/{slug}/send", "/events/{slug}/checkin", "/events/{slug}/messages/{message}"]


@pytest.mark.parametrize("page", PAGES)
def test_a_main_dashboard_page_in_german_has_no_english_words_or_iso_times(
        organiser_client, busy_event, page):
    event, person = busy_event
    message = db.session.scalar(select(Message.id).where(Message.invitee_id == person.id))
    url = page.format(slug=event.slug, id=person.id, message=message)
    response = organiser_client.get(url, headers={"Accept-Language": "de"})
    assert response.status_code == 200
    found = sorted({m.group(0) for m in ENGLISH.finditer(visible(response.text))})
    assert found == [], url
