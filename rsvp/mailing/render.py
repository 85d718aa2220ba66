"""Turning a template and an invitee into the subject, text and HTML of one email."""

import re
from dataclasses import dataclass

from flask import current_app, render_template

from rsvp.i18n import format_event_when, format_local_date, format_local_datetime, salutation
from rsvp.invitees.models import Invitee
from rsvp.mailing.models import MessageKind
from rsvp.tokens import rsvp_url

#: Kinds whose messages carry the RSVP link.
LINKED_KINDS = {MessageKind.INVITATION, MessageKind.REMINDER, MessageKind.CONFIRMATION,
                MessageKind.UPDATE}


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def mail_context(invitee: Invitee, kind: MessageKind) -> dict[str, object]:
    """What a mail template may use, already formatted for the invitee's language."""
    event = invitee.event
    language = invitee.effective_language()
    return {
        "event": event,
        "invitee": invitee,
        "language": language,
        "kind": kind,
        "salutation": salutation(
            salutation_code=invitee.salutation, title=invitee.academic_title,
            first_name=invitee.first_name, last_name=invitee.last_name, language=language,
        ),
        "when": format_event_when(event, language),
        "deadline": (format_local_datetime(event.rsvp_deadline, event, language)
                     if event.rsvp_deadline else ""),
        "deadline_date": (format_local_date(event.rsvp_deadline, event, language)
                          if event.rsvp_deadline else ""),
        "rsvp_url": rsvp_url(invitee) if kind in LINKED_KINDS else "",
        "response": invitee.response,
    }


def render_mail(invitee: Invitee, kind: MessageKind) -> RenderedMail:
    """Render the default templates of ``kind`` in the invitee's language."""
    context = mail_context(invitee, kind)
    folder = f"mail/{kind.value}"
    language = context["language"]
    env = current_app.jinja_env
    text_template = env.get_template(f"{folder}/{language}.txt")
    module = text_template.make_module(context)
    subject = one_line(str(getattr(module, "subject", "")))
    text = str(module).strip() + "\n"
    html = render_template(f"{folder}/{language}.html", subject=subject, **context)
    return RenderedMail(subject=subject, text=text, html=html)


def one_line(value: str) -> str:
    """Fold whitespace, newlines included, so user data can never start a new header."""
    return re.sub(r"\s+", " ", value).strip()
