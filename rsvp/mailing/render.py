"""Turning a template and an invitee into the subject, text, HTML and attachments of one email.

Default templates live in templates/mail/<kind>/<lang>.{txt,html} and are trusted files. An
organiser's override is run in the sandbox with plain placeholder values only.
"""

import re
from dataclasses import dataclass, field

from babel.dates import format_date
from flask import current_app
from markupsafe import Markup, escape

from rsvp.calendar import (
    CANCEL,
    ICS_MIMETYPE,
    REQUEST,
    event_ics,
    event_location,
    personal_sequence,
)
from rsvp.extensions import db
from rsvp.i18n import (
    format_event_when,
    format_local_date,
    format_local_datetime,
    format_local_day,
    locale_for,
    mail_labels,
    salutation,
)
from rsvp.invitees.models import Invitee
from rsvp.mailing.content_models import OVERRIDABLE_KINDS, TemplateOverride, UpdateRound
from rsvp.mailing.css_inlining import inline_css
from rsvp.mailing.models import MessageKind
from rsvp.mailing.templates_custom import PLACEHOLDERS, get_template_override, render_custom
from rsvp.qrcodes import qr_png
from rsvp.questions.queries import guest_names_of, restated_answers
from rsvp.responses.models import Answer, Response, ResponseChange
from rsvp.responses.waitlist import waitlist_position
from rsvp.tokens import checkin_code, rsvp_url

#: Kinds whose messages carry the RSVP link; a save-the-date comes before registration opens.
LINKED_KINDS = {MessageKind.INVITATION, MessageKind.REMINDER, MessageKind.CONFIRMATION,
                MessageKind.UPDATE, MessageKind.WAITLISTED, MessageKind.PROMOTED}
#: Kinds that carry the event as a calendar file (confirmations only when accepted).
CALENDAR_KINDS = {MessageKind.SAVE_THE_DATE, MessageKind.INVITATION, MessageKind.CONFIRMATION,
                  MessageKind.PROMOTED}
#: Kinds about the invitee's own answer: their templates restate it.
ANSWER_KINDS = {MessageKind.CONFIRMATION, MessageKind.WAITLISTED, MessageKind.PROMOTED}
#: Kinds that give an accepted invitee their check-in code (QR image and text).
CHECKIN_KINDS = {MessageKind.CONFIRMATION, MessageKind.PROMOTED}
#: The Content-ID of the QR image in the HTML part's multipart/related (one image per mail).
CHECKIN_CID = "checkin-code@rsvp"

#: The placeholders that differ from one invitee to the next (for the CSS inliner's reuse).
PERSONAL = ("salutation", "title", "first_name", "last_name", "organisation", "rsvp_url",
            "calendar_url")

_URL = re.compile(r"https?://[^\s<>\"]+")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class InlineImage:
    """An image the HTML part shows by ``cid:`` (a related part, not an attachment)."""

    content_id: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    attachments: tuple[Attachment, ...] = field(default=())
    #: Images the HTML refers to by ``cid:``: the check-in code's QR image.
    related: tuple[InlineImage, ...] = field(default=())


class UnknownUpdate(LookupError):
    """An update message whose round is gone: there is nothing to say."""


@dataclass(frozen=True)
class GivenAnswer:
    """An answer as it was given: a confirmation speaks of that one, even if the invitee has
    changed it again by the time the mail goes out."""

    answer: Answer
    guests: int
    comment: str


AnswerLike = Response | GivenAnswer


def answer_confirmed(invitee: Invitee, kind: MessageKind,
                     change: ResponseChange | None = None) -> AnswerLike | None:
    """The answer a message is about: for a confirmation the one it confirms, else the current."""
    if kind is MessageKind.CONFIRMATION and change is not None:
        return GivenAnswer(change.new_answer, change.new_guests, change.new_comment)
    return invitee.response


def placeholders(invitee: Invitee, kind: MessageKind,
                 answer: AnswerLike | None = None) -> dict[str, object]:
    """The documented placeholder values: plain strings and numbers, safe for the sandbox."""
    event = invitee.event
    language = invitee.effective_language()
    linked = kind in LINKED_KINDS
    url = rsvp_url(invitee) if linked else ""
    response = (answer or invitee.response) if kind in ANSWER_KINDS else None
    labels = mail_labels(language)
    texts = event.texts_in(language)
    return {
        "salutation": salutation(
            salutation_code=invitee.salutation, title=invitee.academic_title,
            first_name=invitee.first_name, last_name=invitee.last_name, language=language),
        "title": invitee.academic_title,
        "first_name": invitee.first_name,
        "last_name": invitee.last_name,
        "organisation": invitee.organisation,
        "event_title": texts.title,
        "event_subtitle": texts.subtitle,
        "when": format_event_when(event, language),
        "venue": event_location(event),
        "organiser": event.organiser,
        "deadline": (format_local_date(event.rsvp_deadline, event, language)
                     if event.rsvp_deadline else ""),
        "rsvp_url": url,
        "calendar_url": f"{url}/event.ics" if url else "",
        "contact_name": event.contact_name,
        "contact_email": event.contact_email,
        "contact_phone": event.contact_phone,
        "answer": labels[response.answer.value] if response else "",
        "guests": response.guests if response else 0,
    }


def mail_context(invitee: Invitee, kind: MessageKind,
                 answer: AnswerLike | None = None) -> dict[str, object]:
    """What a default mail template may use, already formatted for the invitee's language."""
    event = invitee.event
    language = invitee.effective_language()
    values = placeholders(invitee, kind, answer)
    return values | {
        "event": event.in_language(language),
        "invitee": invitee,
        "language": language,
        "kind": kind,
        "labels": mail_labels(language),
        "day": format_local_day(event.starts_at, event, language),
        "deadline_date": values["deadline"],
        "deadline_day": (format_local_day(event.rsvp_deadline, event, language)
                         if event.rsvp_deadline else ""),
        "deadline_full": (format_local_datetime(event.rsvp_deadline, event, language)
                          if event.rsvp_deadline else ""),
        "response": answer or invitee.response,
        "position": (waitlist_position(db.session, invitee.response)
                     if kind is MessageKind.WAITLISTED and invitee.response else None),
        "registration_month": (format_date(event.registration_opens, "MMMM yyyy",
                                           locale=locale_for(language))
                               if event.registration_opens else ""),
        "show_contact": True,
        **_answers_context(invitee, kind, language),
    }


def _answers_context(invitee: Invitee, kind: MessageKind, language: str) -> dict[str, object]:
    """A confirmation restates the registration questions' answers and the guests' names."""
    if kind is not MessageKind.CONFIRMATION:
        return {"question_answers": [], "guest_names": []}
    names = guest_names_of(db.session, invitee)
    return {"question_answers": restated_answers(db.session, invitee, language, names=names),
            "guest_names": names}


def render_mail(invitee: Invitee, kind: MessageKind, *, change: ResponseChange | None = None,
                update_round: UpdateRound | None = None) -> RenderedMail:
    """Render ``kind`` in the invitee's language: the organiser's override, else the default.

    ``change`` is the answer a confirmation is about, ``update_round`` the round of an
    ``update`` message (as the message refers to them).
    """
    answer = answer_confirmed(invitee, kind, change)
    context = mail_context(invitee, kind, answer)
    code = _checkin_code(invitee, kind, answer)
    context |= {"checkin_code": code, "checkin_cid": CHECKIN_CID}
    if kind is MessageKind.UPDATE:
        context |= _update_context(update_round, context)
    override = _override(invitee, kind)
    subject, text, html = _render_default(kind, context)
    if override is not None and override.subject:
        subject = render_custom(override.subject, placeholders(invitee, kind, answer),
                                part="subject")
    if override is not None and override.body_text:
        text, html = _render_override_bodies(override, invitee, kind, context | {
            "subject": subject})
    return RenderedMail(subject=one_line(subject), text=tidy_text(text),
                        html=inline_css(html, (str(context[name]) for name in PERSONAL)),
                        attachments=_attachments(invitee, kind, answer, change),
                        related=(InlineImage(CHECKIN_CID, "image/png", qr_png(code)),)
                        if code else ())


def _checkin_code(invitee: Invitee, kind: MessageKind, answer: AnswerLike | None) -> str:
    """The code for the door, in a confirmation or promotion of someone who has (still) a
    place; empty otherwise, and the mail then says nothing of it."""
    still = invitee.response is not None and invitee.response.answer is Answer.ACCEPTED
    given = answer is not None and answer.answer is Answer.ACCEPTED
    return checkin_code(invitee) if kind in CHECKIN_KINDS and still and given else ""


def _render_default(kind: MessageKind, context: dict[str, object]) -> tuple[str, str, str]:
    folder = f"mail/{kind.value}"
    language = context["language"]
    module = current_app.jinja_env.get_template(f"{folder}/{language}.txt").make_module(context)
    subject = one_line(str(getattr(module, "subject", "")))
    html = _render_html(f"{folder}/{language}.html", context | {"subject": subject})
    return subject, str(module), html


def _render_html(name: str, context: dict[str, object]) -> str:
    """A mail template rendered from its context alone: Flask's render_template would add
    the request's context (user, CSRF token, session), which a mail has no business with."""
    return current_app.jinja_env.get_template(name).render(context)


def _override(invitee: Invitee, kind: MessageKind) -> TemplateOverride | None:
    if kind.value not in OVERRIDABLE_KINDS:
        return None
    return get_template_override(db.session, invitee.event, kind.value,
                                 invitee.effective_language())


def _render_override_bodies(override: TemplateOverride, invitee: Invitee, kind: MessageKind,
                            context: dict[str, object]) -> tuple[str, str]:
    values = placeholders(invitee, kind, context["response"])  # type: ignore[arg-type]
    text = render_custom(override.body_text, values)
    if override.body_html:
        body = Markup(render_custom(override.body_html, values, html=True, part="html"))
    else:
        body = text_to_html(text)
    html = _render_html("mail/_custom.html", context | {"body": body, "show_contact": False})
    return text, html


def _update_context(update: UpdateRound | None, context: dict[str, object]) -> dict[str, object]:
    """The organiser's subject and text of an update round in the invitee's language (the
    main text where the round has none in it), rendered in the sandbox."""
    if update is None:
        raise UnknownUpdate("no update round for this message")
    subject, text = update.text_for(str(context["language"]))
    values = {name: context[name] for name in PLACEHOLDERS}
    body = render_custom(text, values).strip()
    return {"update_subject": one_line(render_custom(subject, values, part="subject")),
            "update_text": body, "update_html": text_to_html(body)}


@dataclass(frozen=True)
class CalendarPart:
    """The calendar file a mail carries: its method, whether the invitee is named as
    attending, and whether it takes the event out of their calendar (a higher SEQUENCE)."""

    method: str
    attending: bool = False
    withdrawn: bool = False


def _attachments(invitee: Invitee, kind: MessageKind, answer: AnswerLike | None = None,
                 change: ResponseChange | None = None) -> tuple[Attachment, ...]:
    part = _calendar_part(invitee, kind, answer, change)
    if part is None:
        return ()
    event = invitee.event
    data = event_ics(event, invitee=invitee if kind in LINKED_KINDS else None,
                     method=part.method, attendee=invitee, attending=part.attending,
                     sequence=personal_sequence(event, invitee, withdrawn=part.withdrawn))
    return (Attachment(f"{event.slug}.ics", f"{ICS_MIMETYPE}; method={part.method}", data),)


def _calendar_part(invitee: Invitee, kind: MessageKind, answer: AnswerLike | None = None,
                   change: ResponseChange | None = None) -> CalendarPart | None:
    """Which calendar file ``kind`` carries for this invitee (None: none).

    Mail carries iTIP REQUESTs (Outlook and Exchange offer a meeting to add, and a later
    REQUEST with the same UID and a higher SEQUENCE replaces it); a cancellation carries
    CANCEL, and so do a withdrawal and the confirmation of a decline after accepting.
    Answers and updates carry the file only for those who accepted, and only while they
    still have: a mail rendered late must not put back what a later answer took out.
    """
    given = answer or invitee.response
    accepted = given is not None and given.answer is Answer.ACCEPTED
    still = invitee.response is not None and invitee.response.answer is Answer.ACCEPTED
    if kind is MessageKind.CANCELLATION:
        return CalendarPart(CANCEL, accepted)
    if kind is MessageKind.WITHDRAWAL or (kind is MessageKind.CONFIRMATION and not still
                                          and left_guest_list(change)):
        return CalendarPart(CANCEL, withdrawn=True)
    if kind in ANSWER_KINDS or kind is MessageKind.UPDATE:
        return CalendarPart(REQUEST, True) if accepted and still else None
    return CalendarPart(REQUEST) if kind in CALENDAR_KINDS else None


def left_guest_list(change: ResponseChange | None) -> bool:
    """Whether this answer took an accepted person off the guest list."""
    return (change is not None and change.old_answer is Answer.ACCEPTED
            and change.new_answer is not Answer.ACCEPTED)


def text_to_html(text: str) -> Markup:
    """Paragraphs and line breaks of a plain text as HTML, with its links clickable."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(_linked(line) for line in p.split("\n")))
        for p in paragraphs)


def _linked(line: str) -> Markup:
    parts: list[Markup] = []
    position = 0
    for match in _URL.finditer(line):
        url = match.group(0).rstrip(".,;:)")
        parts.append(escape(line[position:match.start()]))
        parts.append(Markup('<a href="{0}">{0}</a>').format(url))
        position = match.start() + len(url)
    parts.append(escape(line[position:]))
    return Markup("").join(parts)


def tidy_text(text: str) -> str:
    """At most one blank line in a row and no trailing spaces: templates leave both behind."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def one_line(value: str) -> str:
    """Fold whitespace, newlines included, so user data can never start a new header."""
    return re.sub(r"\s+", " ", value).strip()
