"""Signed RSVP links and check-in codes. Nothing else knows the salts or the payloads' shape."""

import hmac
from dataclasses import dataclass
from functools import lru_cache
from hashlib import sha256

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from itsdangerous.encoding import base64_decode, base64_encode
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from rsvp.invitees.models import Invitee
from rsvp.responses.page_query import PageInvitee, ShownInvitee, page_invitee

SALT = "rsvp.link.v1"


class InvalidToken(Exception):
    """The link is not one we signed: tampered, truncated or made up."""


class RevokedToken(InvalidToken):
    """We signed the link, but it was revoked or its invitee is gone."""

    def __init__(self, invitee: Invitee | None) -> None:
        super().__init__("revoked link")
        self.invitee = invitee


@dataclass(frozen=True)
class _Payload:
    invitee_id: int
    nonce: str


def _keys() -> tuple[str, ...]:
    config = current_app.config
    # itsdangerous signs with the last key and accepts all: rotation through the fallbacks.
    return (*config["SECRET_KEY_FALLBACKS"], config["SECRET_KEY"])


# Making a serializer tries its JSON encoder out once (a third of signing a link): one per
# set of keys, as the keys change only with the configuration.
@lru_cache(maxsize=8)
def _serializer(keys: tuple[str, ...]) -> URLSafeSerializer:
    return URLSafeSerializer(list(keys), salt=SALT)


def make_token(invitee: Invitee) -> str:
    """Return the token for the invitee's RSVP link."""
    return _signed(_keys(), invitee.id, invitee.nonce)


# A mail carries the link up to three times (text, HTML, calendar file); signing is the same
# each time for the same keys, invitee and nonce, so it is done once.
@lru_cache(maxsize=4096)
def _signed(keys: tuple[str, ...], invitee_id: int, nonce: str) -> str:
    return _serializer(keys).dumps([invitee_id, nonce])


def rsvp_url(invitee: Invitee) -> str:
    """Return the absolute RSVP link that goes into emails."""
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}/r/{make_token(invitee)}"


def _parse(token: str) -> _Payload:
    return _verified(_keys(), token)


# An invitee opens the same link again and again: its signature, checked once for a set of
# keys, stays as good as it was. Only links that verify are kept (a failure raises), so made-up
# ones take no room; a revoked link is refused by its nonce, which is read anew every time.
@lru_cache(maxsize=4096)
def _verified(keys: tuple[str, ...], token: str) -> _Payload:
    try:
        data = _serializer(keys).loads(token)
    except (BadSignature, UnicodeError, ValueError):
        raise InvalidToken("bad signature") from None
    if not _canonical_signature(token):
        raise InvalidToken("signature not as we wrote it")
    match data:
        case [int() as invitee_id, str() as nonce]:
            return _Payload(invitee_id, nonce)
    raise InvalidToken("bad payload")


def _canonical_signature(token: str) -> bool:
    """The signature's last base64 character has spare bits, so four spellings of it decode
    to the same bytes. Only the one we wrote is a link of ours: the per-link rate limit and
    the logs go by the link's text."""
    signature = token.rpartition(".")[2]
    return base64_encode(base64_decode(signature)).decode("ascii") == signature


ANSWER_FORM_SALT = "rsvp.answer-form.v1"


def answer_form_token(link_token: str) -> str:
    """The CSRF token of the answer form behind one link.

    The invitee's authority is the link, not a session: whoever can post to it holds its
    token already, and a page elsewhere that does not know the link cannot make this one.
    Bound to the link instead of a session, the form needs no session cookie, so opening the
    page writes nothing. A renewed link (a new nonce, so a new token) has a new one.
    """
    return _answer_form_mac(_keys()[-1], link_token).decode("ascii")


def valid_answer_form_token(link_token: str, given: str) -> bool:
    """Whether ``given`` is the answer form's token for the link, under any current key."""
    return any(hmac.compare_digest(_answer_form_mac(key, link_token), given.encode())
               for key in _keys())


@lru_cache(maxsize=4096)
def _answer_form_mac(key: str, link_token: str) -> bytes:
    mac = hmac.new(key.encode(), f"{ANSWER_FORM_SALT}\0{link_token}".encode(), sha256)
    return base64_encode(mac.digest())


# Every use of the link needs the event: one query instead of two. Not the answer: an
# answer reads it again under the event's lock (rsvp.responses.services), so joined here it
# was read twice (bench/README.md). Built once, on first use (loader options need every
# model mapped): Session.get with loader options built them and their cache key anew on
# every request.
@lru_cache(maxsize=1)
def _invitee_with_event() -> Select[tuple[Invitee]]:
    return (select(Invitee).where(Invitee.id == bindparam("invitee_id"))
            .options(joinedload(Invitee.event)))


def invitee_for_token(session: Session, token: str) -> Invitee:
    """Return the invitee a token belongs to, with the event (the answer loads on first use).

    :raises InvalidToken: the signature does not verify.
    :raises RevokedToken: it verifies, but the invitee is gone or the nonce was replaced.
    """
    payload = _parse(token)
    invitee = session.execute(_invitee_with_event(),
                              {"invitee_id": payload.invitee_id}).scalar_one_or_none()
    if invitee is None or not _current_nonce(invitee.nonce, payload):
        raise RevokedToken(invitee)
    return invitee


def page_invitee_for_token(session: Session, token: str) -> PageInvitee:
    """As ``invitee_for_token``, as the invitee's page reads it on every request: plain rows
    (rsvp.responses.page_query), for a request that only reads."""
    payload = _parse(token)
    invitee = page_invitee(session, payload.invitee_id)
    if invitee is None or not _current_nonce(invitee.nonce, payload):
        # The page for a revoked link names the event: the model's, as for any other link.
        raise RevokedToken(session.get(Invitee, payload.invitee_id))
    return invitee


def _current_nonce(nonce: str, payload: _Payload) -> bool:
    return hmac.compare_digest(nonce.encode(), payload.nonce.encode())


CHECKIN_SALT = "rsvp.checkin.v1"


@lru_cache(maxsize=8)
def _checkin_serializer(keys: tuple[str, ...]) -> URLSafeSerializer:
    return URLSafeSerializer(list(keys), salt=CHECKIN_SALT)


def checkin_code(invitee: ShownInvitee) -> str:
    """The invitee's code for the door: signed with its own salt, so an RSVP link is no
    check-in code and a code no link; it carries only ids, and renewing the link (a new
    nonce) revokes it too."""
    return checkin_code_of(invitee.id, invitee.nonce)


def checkin_code_of(invitee_id: int, nonce: str) -> str:
    """The same code from the two values it signs (badges print thousands from plain rows)."""
    return _checkin_serializer(_keys()).dumps([invitee_id, nonce])


def invitee_for_checkin_code(session: Session, code: str) -> Invitee:
    """Return the invitee a check-in code belongs to.

    :raises InvalidToken: the code is not one we signed.
    :raises RevokedToken: we signed it, but the invitee is gone or the link was renewed.
    """
    try:
        data = _checkin_serializer(_keys()).loads(code.strip())
    except (BadSignature, UnicodeError, ValueError):
        raise InvalidToken("bad signature") from None
    match data:
        case [int() as invitee_id, str() as nonce]:
            pass
        case _:
            raise InvalidToken("bad payload")
    invitee = session.get(Invitee, invitee_id)
    if invitee is None:
        raise RevokedToken(None)
    if not hmac.compare_digest(invitee.nonce.encode(), nonce.encode()):
        raise RevokedToken(invitee)
    return invitee
