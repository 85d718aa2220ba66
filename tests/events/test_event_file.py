"""Creating events from TOML files."""

from datetime import UTC, datetime

import pytest

from rsvp.events.services import EventError, event_values

BASE = {"slug": "bundeskonferenz", "title": "Bundeskonferenz",
        "starts_at": datetime(2027, 11, 22, 12, 0), "ends_at": datetime(2027, 11, 22, 17, 0),
        "timezone": "Europe/Berlin"}


def test_local_times_are_read_in_the_events_time_zone():
    values = event_values(BASE)
    assert values["starts_at"].astimezone(UTC) == datetime(2027, 11, 22, 11, 0, tzinfo=UTC)


def test_summer_time_is_taken_into_account():
    values = event_values(BASE | {"starts_at": datetime(2027, 6, 1, 12, 0),
                                  "ends_at": datetime(2027, 6, 1, 13, 0)})
    assert values["starts_at"].astimezone(UTC).hour == 10


def test_a_bare_date_as_deadline_means_the_end_of_that_day():
    from datetime import date
    values = event_values(BASE | {"rsvp_deadline": date(2027, 11, 8)})
    local = values["rsvp_deadline"].astimezone(values["rsvp_deadline"].tzinfo)
    assert (local.hour, local.minute) == (23, 59)


@pytest.mark.parametrize(("change", "message"), [
    ({"slug": "Mit Leerzeichen"}, "slug"),
    ({"timezone": "Mars/Olympus"}, "unknown time zone"),
    ({"ends_at": datetime(2027, 11, 22, 11, 0)}, "ends_at is before starts_at"),
    ({"max_guests": -1}, "max_guests"),
    ({"capacity": "viele"}, "capacity"),
    ({"language": "fr"}, "language"),
    ({"colour": "blue"}, "unknown keys: colour"),
    ({"title": ""}, "title is required"),
])
def test_bad_event_data_is_refused_naming_the_field(change, message):
    with pytest.raises(EventError, match=message):
        event_values(BASE | change)
