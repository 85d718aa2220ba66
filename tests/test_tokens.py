"""Signed RSVP links."""

import base64

import pytest

from rsvp.extensions import db
from rsvp.tokens import (
    InvalidToken,
    RevokedToken,
    checkin_code,
    invitee_for_checkin_code,
    invitee_for_token,
    make_token,
    page_invitee_for_token,
)


def test_a_token_carries_neither_address_nor_name(create_event, create_invitee):
    person = create_invitee(create_event(), email="geheim@example.org", last_name="Verborgen")
    token = make_token(person)
    payload = token.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert b"geheim" not in decoded and b"Verborgen" not in decoded


def test_a_link_signed_with_a_fallback_key_still_works(app, create_event, create_invitee):
    person = create_invitee(create_event())
    old_token = make_token(person)
    app.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]
    app.config["SECRET_KEY"] = "a-brand-new-key-after-rotation"
    assert invitee_for_token(db.session, old_token) == person
    assert make_token(person) != old_token


def test_a_link_signed_with_an_unknown_key_is_invalid(app, create_event, create_invitee):
    person = create_invitee(create_event())
    token = make_token(person)
    app.config["SECRET_KEY"] = "another-key-without-fallback"
    with pytest.raises(InvalidToken):
        invitee_for_token(db.session, token)


def test_a_link_opened_before_its_key_was_retired_is_invalid_after(app, create_event,
                                                                    create_invitee):
    person = create_invitee(create_event())
    token = make_token(person)
    assert invitee_for_token(db.session, token) == person
    app.config["SECRET_KEY"] = "another-key-without-fallback"
    with pytest.raises(InvalidToken):
        invitee_for_token(db.session, token)


def test_a_link_opened_before_its_nonce_was_renewed_is_revoked_after(create_event,
                                                                      create_invitee):
    person = create_invitee(create_event())
    token = make_token(person)
    assert page_invitee_for_token(db.session, token).id == person.id
    person.revoke_link()
    db.session.commit()
    with pytest.raises(RevokedToken):
        page_invitee_for_token(db.session, token)


def test_regenerating_the_nonce_revokes_the_old_link(create_event, create_invitee):
    person = create_invitee(create_event())
    token = make_token(person)
    person.revoke_link()
    with pytest.raises(RevokedToken) as caught:
        invitee_for_token(db.session, token)
    assert caught.value.invitee == person


def test_a_link_to_a_deleted_invitee_names_no_event(create_event, create_invitee):
    person = create_invitee(create_event())
    token = make_token(person)
    db.session.delete(person)
    db.session.commit()
    with pytest.raises(RevokedToken) as caught:
        invitee_for_token(db.session, token)
    assert caught.value.invitee is None


def test_a_checkin_code_finds_its_invitee(create_event, create_invitee):
    person = create_invitee(create_event())
    assert invitee_for_checkin_code(db.session, checkin_code(person)) == person


def test_an_rsvp_link_is_no_checkin_code_and_a_code_no_link(create_event, create_invitee):
    person = create_invitee(create_event())
    with pytest.raises(InvalidToken):
        invitee_for_checkin_code(db.session, make_token(person))
    with pytest.raises(InvalidToken):
        invitee_for_token(db.session, checkin_code(person))


def test_renewing_the_link_revokes_the_checkin_code(create_event, create_invitee):
    person = create_invitee(create_event())
    code = checkin_code(person)
    person.revoke_link()
    with pytest.raises(RevokedToken):
        invitee_for_checkin_code(db.session, code)


def test_a_checkin_code_carries_neither_address_nor_name(create_event, create_invitee):
    person = create_invitee(create_event(), email="geheim@example.org", last_name="Verborgen")
    payload = checkin_code(person).split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert b"geheim" not in decoded and b"Verborgen" not in decoded
