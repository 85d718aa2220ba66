"""An event at the door: invitees who accepted, declined, wait, or never answered."""

import pytest

from rsvp.extensions import db
from rsvp.outcome import Agent
from rsvp.responses.operations import answer_for_invitee
from tests import factories

# The dashboard's autouse fixtures: a fresh ``g`` per request (as a real server gives) and
# background deliveries finished before the database goes.
from tests.dashboard.conftest import (  # noqa: F401
    background_deliveries_finish,
    fresh_g_per_request,
)


def answer(invitee, what: str, guests: int = 0):  # type: ignore[no-untyped-def]
    """Record an answer as taken by phone, without a confirmation mail."""
    answer_for_invitee(db.session, invitee, what, by=Agent.organiser(None), channel="phone",
                       guests=guests, confirm=False)
    db.session.commit()
    return invitee


@pytest.fixture
def event(app):  # type: ignore[no-untyped-def]
    return factories.make_event(capacity=4, max_guests=2)


@pytest.fixture
def accepted(event):  # type: ignore[no-untyped-def]
    """Dr. Petra Potz, accepted with two guests."""
    return answer(factories.make_invitee(event, last_name="Potz", first_name="Petra"),
                  "accepted", guests=2)
