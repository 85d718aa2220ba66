"""The kinds of message and who a bulk send goes to: plain values, no database.

Kept apart from the models so that `rsvp --help` can offer them as choices without
importing SQLAlchemy (rsvp/cli.py); rsvp.mailing.models and rsvp.mailing.services
import them from here.
"""

import enum


class MessageKind(enum.StrEnum):
    SAVE_THE_DATE = "save-the-date"
    INVITATION = "invitation"
    REMINDER = "reminder"
    CONFIRMATION = "confirmation"
    UPDATE = "update"
    #: The event was full when they accepted: they wait, and are told their place.
    WAITLISTED = "waitlisted"
    #: A place became free and the invitee moved up from the waiting list.
    PROMOTED = "promoted"
    #: The event is called off; carries the calendar cancellation (METHOD:CANCEL).
    CANCELLATION = "cancellation"
    #: The event leaves one person's calendar (METHOD:CANCEL): erased, or no longer on the
    #: guest list. Rendered when queued, so it reaches a person erased meanwhile.
    WITHDRAWAL = "withdrawal"


#: Kinds sent to many at once (`rsvp send --kind`); the others answer one person's answer.
BULK_KINDS = (MessageKind.SAVE_THE_DATE, MessageKind.INVITATION, MessageKind.REMINDER,
              MessageKind.CONFIRMATION, MessageKind.UPDATE)
#: Every kind an invitee receives whose words an organiser may want to choose; an update's
#: text is the organiser's own already, a withdrawal is only the calendar's cancel.
OVERRIDABLE_KINDS = ("save-the-date", "invitation", "reminder", "confirmation", "waitlisted",
                     "promoted", "cancellation")


class Audience(enum.StrEnum):
    """Who a bulk send goes to (``rsvp send --to``)."""

    #: Everyone who has not answered yet, invited or not.
    PENDING = "pending"
    #: Those who were sent the invitation and have not answered.
    NO_RESPONSE = "no-response"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ALL = "all"
