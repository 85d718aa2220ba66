"""Update rounds: a free message to a chosen group, sendable again and again."""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from rsvp.converters import is_id
from rsvp.events.models import LANGUAGES, Event
from rsvp.mailing.content_models import UpdateRound, UpdateRoundTranslation
from rsvp.mailing.models import Message
from rsvp.mailing.templates_custom import TemplateOverrideError, check_template


def create_update_round(session: Session, event: Event, *, subject: str, body: str,
                        audience: str, tag: str | None = None,
                        translations: Mapping[str, tuple[str, str]] | None = None,
                        ) -> UpdateRound:
    """Check an organiser's subject and text and record them as a new round.

    ``translations`` gives the subject and text for invitees of other languages (a pair left
    empty is no translation: those invitees get the main text). Subject and body may use
    the documented placeholders; errors name the part, its language and the line.
    """
    subject, body = _checked(subject, body, "")
    update = UpdateRound(event_id=event.id, subject=subject, body=body, audience=audience,
                         tag=tag or "")
    for language, (other_subject, other_body) in (translations or {}).items():
        if language not in LANGUAGES or language == event.language:
            raise TemplateOverrideError("language", None,
                                        _l("no translation into %(language)s for this event",
                                           language=repr(language)))
        if not (other_subject.strip() or other_body.strip()):
            continue
        other_subject, other_body = _checked(other_subject, other_body, language)
        update.translations.append(UpdateRoundTranslation(
            language=language, subject=other_subject, body=other_body))
    session.add(update)
    session.flush()
    return update


def _checked(subject: str, body: str, language: str) -> tuple[str, str]:
    suffix = f" ({language})" if language else ""
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise TemplateOverrideError("subject" + suffix, None, _l("an update needs a subject"))
    if "\n" in subject:
        raise TemplateOverrideError("subject" + suffix, None, _l("the subject must be one line"))
    if not body:
        raise TemplateOverrideError("body" + suffix, None, _l("an update needs a text"))
    languages = (language,) if language else LANGUAGES
    check_template(subject, "subject" + suffix, languages=languages)
    check_template(body, "body" + suffix, languages=languages)
    return subject, body


def discard_draft(session: Session, event: Event, round_id: object) -> None:
    """Delete the event's round ``round_id`` if nothing was ever queued of it: a previewed
    draft the organiser has since rewritten. Anything else is left as it is."""
    if not is_id(round_id):
        return
    update = session.get(UpdateRound, int(str(round_id)))
    sent = session.scalar(select(Message.id).where(Message.update_round_id == update.id)
                          .limit(1)) if update is not None else None
    if update is not None and update.event_id == event.id and sent is None:
        session.delete(update)
        session.flush()
