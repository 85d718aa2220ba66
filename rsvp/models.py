"""Every model, imported in one place so the mapper and Alembic see them all."""

from rsvp.audit.models import AuditEntry
from rsvp.auth.models import Organiser
from rsvp.checkin.models import CheckIn
from rsvp.events.models import Event, EventText
from rsvp.invitees.models import Invitee, InviteeTag
from rsvp.mailing.content_models import TemplateOverride, UpdateRound, UpdateRoundTranslation
from rsvp.mailing.models import Message, MessageKind, MessageStatus, SentTest
from rsvp.questions.models import (
    AnswerChange,
    AnswerOption,
    GuestName,
    Question,
    QuestionAnswer,
    QuestionOption,
)
from rsvp.responses.models import Actor, Answer, Response, ResponseChange
from rsvp.schedule.models import PlannedSend, PlanRun
from rsvp.submissions import FormSubmission

__all__ = [
    "Actor",
    "Answer",
    "AnswerChange",
    "AnswerOption",
    "AuditEntry",
    "CheckIn",
    "Event",
    "EventText",
    "FormSubmission",
    "GuestName",
    "Invitee",
    "InviteeTag",
    "Message",
    "MessageKind",
    "MessageStatus",
    "Organiser",
    "PlanRun",
    "PlannedSend",
    "Question",
    "QuestionAnswer",
    "QuestionOption",
    "Response",
    "ResponseChange",
    "SentTest",
    "TemplateOverride",
    "UpdateRound",
    "UpdateRoundTranslation",
]
