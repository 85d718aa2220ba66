"""What to do after an SMTP server refused a message: every retry decision, in one place.

A refusal is one of four things (``classify``):

- ``MAILBOX``: permanent, and about the recipient's mailbox (RFC 3463 5.1.x / 5.2.x at RCPT
  or DATA, or a bare 550/551/553 at RCPT): the message fails and the invitee is marked
  undeliverable, as an ingested bounce marks them.
- ``PERMANENT``: permanent for this message only (5.7.x policy and spam blocks, a refused
  sender at MAIL FROM, a message too large, an address we cannot send): it fails, but says
  nothing about the mailbox.
- ``THROTTLED``: temporary, because of our pace: retried after the long backoff.
- ``TEMPORARY``: anything else (4xx, greylisting, a lost connection): the ordinary backoff.

The functions are pure: they take the reply (anything with ``code``, ``reply``, ``stage`` and
``refused``, such as ``smtp.DeliveryError`` or ``ServerReply``) and the app's config mapping.
"""

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class Reply(Protocol):
    """What the policy reads of a refusal."""

    #: The SMTP reply code; None when no reply came (a lost connection, or refused by us).
    code: int | None
    #: The reply's text, after the code.
    reply: str
    #: Where it came: "mail" (MAIL FROM), "rcpt", "data" (the DATA command or the data's
    #: end), or None (the session, or unknown).
    stage: str | None
    #: Refused on our side before the server was asked.
    refused: bool


@dataclass(frozen=True)
class ServerReply:
    """A reply given as plain values, e.g. to ask the policy about it in a test."""

    code: int | None
    reply: str = ""
    stage: str | None = None
    refused: bool = False


class Failure(enum.StrEnum):
    MAILBOX = "mailbox"
    PERMANENT = "permanent"
    THROTTLED = "throttled"
    TEMPORARY = "temporary"

    @property
    def permanent(self) -> bool:
        return self in (Failure.MAILBOX, Failure.PERMANENT)


#: How servers say "you send too much at once" (Exchange Online: "432 4.3.2 Concurrent
#: connections limit exceeded", "451 4.7.500 Server busy", "421 4.7.0 ... throttled").
#: Not "try again later": greylisting says that too, and wants the ordinary retry.
THROTTLING_MARKS = ("4.3.2", "4.7.500", "concurrent connections", "server busy", "throttl",
                    "too many", "rate limit")
#: Replies without an enhanced code that name the mailbox when given to RCPT (RFC 5321:
#: 550 mailbox unavailable, 551 user not local, 553 mailbox name not allowed).
BARE_MAILBOX_CODES = (550, 551, 553)
#: 5.1.x and 5.2.x that are not about the recipient's mailbox: 5.1.7/5.1.8 name the sender's
#: address, 5.2.3 the message's size (a smaller message may go).
NOT_THE_MAILBOX = ((1, 7), (1, 8), (2, 3))
ENHANCED_STATUS = re.compile(r"\s*([245])\.(\d{1,3})\.(\d{1,3})(?!\S)")


def enhanced_status(text: str) -> tuple[int, int, int] | None:
    """The RFC 3463 status code a reply's text starts with (RFC 2034), e.g. (5, 1, 1)."""
    found = ENHANCED_STATUS.match(text)
    if found is None:
        return None
    kind, subject, detail = (int(part) for part in found.groups())
    return kind, subject, detail


def is_permanent(reply: Reply) -> bool:
    """Trying again cannot help: a 5xx, or refused by us before the server was asked."""
    return reply.refused or (reply.code is not None and 500 <= reply.code < 600)


def is_throttling(reply: Reply) -> bool:
    """A temporary refusal because of our pace, not because of this message."""
    if reply.code == 432:
        return True
    text = reply.reply.lower()
    return reply.code in (421, 450, 451, 452) and any(mark in text for mark in THROTTLING_MARKS)


def is_mailbox_problem(reply: Reply) -> bool:
    """A permanent refusal saying the recipient's mailbox does not take mail."""
    if reply.refused or not is_permanent(reply) or reply.stage not in ("rcpt", "data"):
        return False
    status = enhanced_status(reply.reply)
    if status is None:
        return reply.stage == "rcpt" and reply.code in BARE_MAILBOX_CODES
    kind, subject, detail = status
    return kind == 5 and subject in (1, 2) and (subject, detail) not in NOT_THE_MAILBOX


def classify(reply: Reply) -> Failure:
    """Which of the four kinds of failure a refusal is."""
    if is_mailbox_problem(reply):
        return Failure.MAILBOX
    if is_permanent(reply):
        return Failure.PERMANENT
    return Failure.THROTTLED if is_throttling(reply) else Failure.TEMPORARY


def backoff(attempt: int, base: float, cap: float) -> float:
    """Seconds to wait after the ``attempt``-th failure: base * 2**(attempt-1), capped."""
    return min(base * 2 ** (attempt - 1), cap)


def retry_in(failure: Failure, attempt: int, config: Mapping[str, Any]) -> float:
    """Seconds before the next attempt after the ``attempt``-th temporary failure.

    Throttling backs off longer (MAIL_THROTTLE_RETRY_*): retrying a throttled server after
    seconds only prolongs the throttling.
    """
    prefix = "MAIL_THROTTLE_RETRY_" if failure is Failure.THROTTLED else "MAIL_RETRY_"
    return backoff(attempt, float(config[prefix + "BASE"]), float(config[prefix + "MAX"]))


def out_of_attempts(attempts: int, config: Mapping[str, Any]) -> bool:
    """Whether ``attempts`` tries are all a message (or a busy server) gets."""
    return attempts >= int(config["MAIL_MAX_ATTEMPTS"])


def gives_up(failure: Failure, attempts: int, config: Mapping[str, Any]) -> bool:
    """Whether the message fails for good now, rather than being queued again."""
    return failure.permanent or out_of_attempts(attempts, config)


def unavailable_retry_in(config: Mapping[str, Any]) -> float:
    """Seconds before coming back when the server could not be reached at all: the longest
    ordinary backoff (nothing is lost meanwhile, the messages stay queued)."""
    return float(config["MAIL_RETRY_MAX"])
