"""The rules an answer must keep, each checked once, each message in the reader's language.

The invitee's form, the organiser's phone form and the answers import all go through these
(via record_answer); the forms only parse. Messages are lazy: they are put into words when
shown, in the language of the page (the invitee's or the organiser's); a CLI prints English.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import LazyString, lazy_ngettext
from flask_babel import lazy_gettext as _l

from rsvp.invitees.emails import InvalidEmail, normalise_email
from rsvp.invitees.models import Invitee
from rsvp.responses.models import CHOOSABLE_ANSWERS, COMMENT_MAX_LENGTH, Answer

SUBSTITUTE_NAME_MAX_LENGTH = 200


#: Each rule's words as the invitee reads them ("you") and as an organiser does (about the
#: invitee: the phone form, the answers import, a CLI), by the rule's code.
FOR_INVITEE: dict[str, Callable[[int], LazyString]] = {
    "no_choice": lambda n: _l("Please choose whether you will attend."),
    "guests_range": lambda n: lazy_ngettext("You may bring at most %(num)d guest.",
                                            "You may bring at most %(num)d guests.", n),
    "guests_declined": lambda n: _l("Guests can only come along when you attend."),
    "comment_length": lambda n: _l(
        "Please shorten your comment to at most %(max)d characters.", max=n),
    "no_room": lambda n: lazy_ngettext(
        "The event is full: at most %(num)d more guest can come along.",
        "The event is full: at most %(num)d more guests can come along.", n),
    "personal_link": lambda n: _l("This invitation is personal and cannot be passed on; "
                                  "please contact the organisers."),
    "substitute_name": lambda n: _l("Please give the name of the person attending."),
    "substitute_email": lambda n: _l("Please give a valid email address of the person attending."),
}
FOR_ORGANISER: dict[str, Callable[[int], LazyString]] = {
    **FOR_INVITEE,
    "no_choice": lambda n: _l("Please choose an answer."),
    "guests_range": lambda n: lazy_ngettext("The number of guests must be between 0 and %(num)d.",
                                            "The number of guests must be between 0 and %(num)d.",
                                            n),
    "guests_declined": lambda n: _l("Guests can only come along with an acceptance."),
}


class AnswerError(ValueError):
    """The answer breaks a rule: ``field`` names the form field, ``code`` the rule.

    ``message`` is the organiser's wording, ``for_invitee`` the invitee's; both are lazy and
    put into words in the language of the page that shows them (a CLI prints English).
    """

    def __init__(self, field: str, code: str, number: int = 0) -> None:
        self.field, self.code, self.number = field, code, number
        self.message = FOR_ORGANISER[code](number)
        self.for_invitee = FOR_INVITEE[code](number)
        super().__init__(self.message)


class NoRoomForGuests(AnswerError):
    """An accepted invitee asked for more guests than places are left; ``free`` is how many."""

    def __init__(self, free: int) -> None:
        super().__init__("guests", "no_room", free)
        self.free = free


@dataclass(frozen=True)
class Substitute:
    """Who answers instead of the invitee through a transferable link."""

    name: str = ""
    email: str = ""

    def __bool__(self) -> bool:
        return bool(self.name or self.email)


def validate_answer(invitee: Invitee, answer: str, guests: int, comment: str) -> Answer:
    """Check an answer against the event's rules; raises AnswerError naming the field."""
    parsed = next((a for a in CHOOSABLE_ANSWERS if a.value == answer), None)
    if parsed is None:
        raise AnswerError("response", "no_choice")
    check_guests(invitee.event.max_guests, parsed, guests)
    if len(comment) > COMMENT_MAX_LENGTH:
        raise AnswerError("comment", "comment_length", COMMENT_MAX_LENGTH)
    return parsed


def check_guests(maximum: int, answer: Answer, guests: int) -> None:
    """The guest limit: 0 to the event's maximum, and only with an acceptance."""
    if guests < 0 or guests > maximum:
        raise AnswerError("guests", "guests_range", maximum)
    if answer is Answer.DECLINED and guests:
        raise AnswerError("guests", "guests_declined")


def validate_substitute(invitee: Invitee, substitute: Substitute) -> Substitute:
    """Check a substitute's name and address; only a transferable link takes one."""
    name, email = substitute.name.strip(), substitute.email.strip()
    if not (name or email):
        return Substitute()
    if not invitee.event.transferable:
        raise AnswerError("substitute_name", "personal_link")
    if not name or len(name) > SUBSTITUTE_NAME_MAX_LENGTH:
        raise AnswerError("substitute_name", "substitute_name")
    try:
        email = normalise_email(email)
    except InvalidEmail:
        raise AnswerError("substitute_email", "substitute_email") from None
    return Substitute(name, email)
