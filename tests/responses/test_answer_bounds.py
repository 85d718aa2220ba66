"""The answer form refuses absurd numbers with a message, never with a server error."""

import pytest
from sqlalchemy import func, select

from rsvp.extensions import db
from rsvp.responses.models import Response
from tests.responses.links import answer


@pytest.mark.parametrize("guests", ["9" * 400, "9" * 5000, str(2**63), "-1", "1e3", "²"])
def test_an_absurd_number_of_guests_is_refused_at_the_field(client, create_event,
                                                             create_invitee, guests):
    person = create_invitee(create_event(max_guests=2))
    result = answer(client, person, guests=guests)
    assert result.status_code == 400
    assert 'id="form-errors"' in result.text
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
