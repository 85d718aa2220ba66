"""Fuzzed links: every mutation is a friendly 404, and nothing tells which invitees exist."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from itsdangerous import URLSafeSerializer

from rsvp.tokens import make_token

URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%"
#: The digits of base64url in the order of their values.
BASE64URL = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"


@pytest.fixture
def token(create_event, create_invitee):
    return make_token(create_invitee(create_event()))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_mutation_of_a_link_is_a_friendly_404_never_a_500(client, token, data):
    position = data.draw(st.integers(min_value=0, max_value=len(token)))
    action = data.draw(st.sampled_from(["replace", "insert", "delete", "truncate"]))
    char = data.draw(st.sampled_from(URL_SAFE))
    if action == "replace" and position < len(token):
        mutated = token[:position] + char + token[position + 1:]
    elif action == "insert":
        mutated = token[:position] + char + token[position:]
    elif action == "delete" and position < len(token):
        mutated = token[:position] + token[position + 1:]
    else:
        mutated = token[:position]
    if mutated == token or not mutated:
        return
    for suffix in ("", "/event.ics"):
        result = client.get(f"/r/{mutated}{suffix}")
        assert result.status_code in (400, 404), (mutated, result.status_code)


def test_a_signature_spelled_with_other_spare_bits_is_not_our_link(client, token):
    # 20 bytes of HMAC are 27 base64 characters: the last one's two lowest bits are spare.
    last = BASE64URL.index(token[-1])
    sibling = token[:-1] + BASE64URL[last ^ 1]
    assert client.get(f"/r/{token}").status_code == 200
    assert client.get(f"/r/{sibling}").status_code == 404


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.text(max_size=200))
def test_arbitrary_text_as_a_token_is_never_a_500(client, junk):
    result = client.post(f"/r/{junk.replace('/', '')}", data={"response": "accepted"})
    assert result.status_code in (400, 404, 405)


def test_a_forged_token_for_an_existing_invitee_looks_like_one_for_a_missing_invitee(
        client, create_event, create_invitee):
    existing = create_invitee(create_event())
    forger = URLSafeSerializer("not-our-key", salt="rsvp.link.v1")
    for_existing = client.get(f"/r/{forger.dumps([existing.id, existing.nonce])}")
    for_missing = client.get(f"/r/{forger.dumps([existing.id + 1000, 'x' * 16])}")
    assert for_existing.status_code == for_missing.status_code == 404
    assert for_existing.data == for_missing.data
