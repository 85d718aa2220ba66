"""Addresses: one key for every spelling of the same mailbox."""

import pytest

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
