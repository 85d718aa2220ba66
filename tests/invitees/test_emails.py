"""Addresses: one key for every spelling of the same mailbox."""

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from rsvp.invitees.emails import InvalidEmail, email_key, normalise_email


@pytest.mark.parametrize("spelling", [
    "Jürgen@Beispiel.de", "jürgen@beispiel.de", "JU\u0308RGEN@BEISPIEL.DE", "jürgen@BEISPIEL.de",
])
def test_case_and_unicode_normalisation_fold_to_one_key(spelling):
    assert email_key(spelling) == email_key("jürgen@beispiel.de")


def test_an_idn_domain_folds_to_its_ascii_form():
    assert email_key("post@müller.de") == email_key("post@xn--mller-kva.de")


def test_an_address_without_a_domain_is_invalid():
    with pytest.raises(InvalidEmail):
        normalise_email("kein-at-zeichen")


def library_verdict(address):
    """What email-validator says of the whole address: its normalised form or its refusal."""
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        return InvalidEmail(str(exc))


def our_verdict(address):
    try:
        return normalise_email(address)
    except InvalidEmail as exc:
        return exc


def assert_same_verdict(address):
    ours, library = our_verdict(address), library_verdict(address)
    if isinstance(library, InvalidEmail):
        assert isinstance(ours, InvalidEmail) and str(ours) == str(library), address
    else:
        assert ours == library, address


@pytest.mark.parametrize("address", [
    "anna.schmidt@example.org", " Anna.Schmidt@Example.ORG ", "Postmaster@beispiel.de",
    "INFO@müller.de", "post@xn--mller-kva.de", "jürgen@beispiel.de", '"a b"@beispiel.de',
    "Anna Schmidt <anna@beispiel.de>", "anna@[127.0.0.1]", "anna@localhost", "anna@beispiel",
    "anna..schmidt@beispiel.de", ".anna@beispiel.de", "anna@beispiel..de", "anna@-beispiel.de",
    "anna@beispiel.de>", "anna@", "@beispiel.de", "a@b@beispiel.de", "anna@straße.de",
    "x" * 64 + "@" + "d" * 60 + "." + "e" * 60 + "." + "f" * 60 + ".de",
    "x" * 70 + "@" + "d" * 60 + "." + "e" * 60 + "." + "f" * 60 + ".de",
    "anna@" + "ü" * 60 + ".de", "anna@bücher.example", "anna@invalid", "anna@beispiel.test",
])
def test_an_address_gets_the_verdict_email_validator_gives_the_whole_address(address):
    assert_same_verdict(address)


ADDRESS_CHARACTERS = "abcXYZ09.-_+!#'\"@ <>[]üßÜ\u0308é"


@settings(max_examples=400, deadline=None)
@given(local=st.text(ADDRESS_CHARACTERS, max_size=12),
       domain=st.text(ADDRESS_CHARACTERS, max_size=14),
       top_level=st.sampled_from(["de", "org", "example", "xn--mller-kva", "", "d1"]))
def test_any_address_gets_the_verdict_email_validator_gives_it(local, domain, top_level):
    assert_same_verdict(f"{local}@{domain}.{top_level}" if top_level else f"{local}@{domain}")


@settings(max_examples=200, deadline=None)
@given(st.emails())
def test_any_valid_address_is_normalised_as_email_validator_normalises_it(address):
    assert_same_verdict(address)
