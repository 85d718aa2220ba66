"""Update rounds: a free message to a chosen group, sendable again and again."""

from sqlalchemy.orm import Session

from rsvp.events.models import Event
from rsvp.mailing.content_models import UpdateRound
from rsvp.mailing.templates_custom import TemplateOverrideError, check_template


def create_update_round(session: Session, event: Event, *, subject: str, body: str,
                        audience: str, tag: str | None = None) -> UpdateRound:
    """Check an organiser's subject and text and record them as a new round.

    Subject and body may use the documented placeholders; errors name their line.
    """
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise TemplateOverrideError("subject", None, "an update needs a subject")
    if "\n" in subject:
        raise TemplateOverrideError("subject", None, "the subject must be one line")
    if not body:
        raise TemplateOverrideError("body", None, "an update needs a text")
    check_template(subject, "subject")
    check_template(body, "body")
    update = UpdateRound(event_id=event.id, subject=subject, body=body, audience=audience,
                         tag=tag or "")
    session.add(update)
    session.flush()
    return update
