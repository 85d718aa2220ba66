"""Signed account links: they work once, for one purpose, and not for long."""

import time

import pytest

from rsvp.auth.links import (
    AccountLink,
    InvalidAccountLink,
    account_link_token,
    organiser_for_link,
)
from rsvp.extensions import db


def test_a_reset_link_finds_its_account(create_organiser):
    organiser = create_organiser()
    token = account_link_token(organiser, AccountLink.RESET_PASSWORD)
    assert organiser_for_link(db.session, token, AccountLink.RESET_PASSWORD) == organiser


def test_a_link_works_only_once_because_setting_the_password_voids_it(create_organiser):
    organiser = create_organiser()
    token = account_link_token(organiser, AccountLink.RESET_PASSWORD)
    found = organiser_for_link(db.session, token, AccountLink.RESET_PASSWORD)
    found.set_password("ein-neues-passwort")
    db.session.commit()
    with pytest.raises(InvalidAccountLink):
        organiser_for_link(db.session, token, AccountLink.RESET_PASSWORD)


def test_a_link_for_one_purpose_is_refused_for_another(create_organiser):
    token = account_link_token(create_organiser(), AccountLink.SET_PASSWORD)
    with pytest.raises(InvalidAccountLink):
        organiser_for_link(db.session, token, AccountLink.RESET_PASSWORD)


def test_a_reset_link_older_than_an_hour_is_refused(create_organiser, monkeypatch):
    organiser = create_organiser()
    token = account_link_token(organiser, AccountLink.RESET_PASSWORD)
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(InvalidAccountLink):
        organiser_for_link(db.session, token, AccountLink.RESET_PASSWORD)


def test_a_deactivated_account_has_no_good_link(create_organiser):
    organiser = create_organiser()
    token = account_link_token(organiser, AccountLink.SET_PASSWORD)
    organiser.is_active = False
    db.session.commit()
    with pytest.raises(InvalidAccountLink):
        organiser_for_link(db.session, token, AccountLink.SET_PASSWORD)


def test_a_tampered_link_is_refused(create_organiser):
    token = account_link_token(create_organiser(), AccountLink.SET_PASSWORD)
    with pytest.raises(InvalidAccountLink):
        organiser_for_link(db.session, token[:-2] + "xx", AccountLink.SET_PASSWORD)
