"""The event file refuses numbers, dates and addresses that cannot be saved or mailed."""

from datetime import date, datetime

import pytest

from rsvp.events.services import EventError, event_values
from tests.events.test_event_file import BASE


@pytest.mark.parametrize(("change", "message"), [
    ({"capacity": 10**23}, "capacity: a whole number from 1 to 100000 is needed"),
    ({"capacity": "9" * 400}, "capacity: a whole number is needed"),
    ({"capacity": True}, "capacity: a whole number is needed"),
    ({"max_guests": 2**63}, "max_guests: a whole number from 0 to 100 is needed"),
    ({"retention_days": 3651}, "retention_days: a whole number from 0 to 3650 is needed"),
    ({"retention_days": 10**6}, "retention_days: a whole number from 0 to 3650 is needed"),
    ({"timezone": "Etc/GMT+12", "starts_at": datetime(9999, 12, 31, 23, 0),
      "ends_at": datetime(9999, 12, 31, 23, 30)},
     "starts_at: a date from 1900 to 2200 is needed"),
    ({"timezone": "Pacific/Kiritimati", "starts_at": datetime(1, 1, 1, 0, 0)},
     "starts_at: a date from 1900 to 2200 is needed"),
    ({"rsvp_deadline": date(9999, 12, 31)}, "rsvp_deadline: a date from 1900 to 2200"),
    ({"rsvp_deadline": "0001-01-01T00:00"}, "rsvp_deadline: a date from 1900 to 2200"),
    ({"registration_opens": date(1, 1, 1)}, "registration_opens: a date from 1900 to 2200"),
    ({"registration_opens": "9999-12-31"}, "registration_opens: a date from 1900 to 2200"),
    ({"contact_email": "a@x.example, b@x.example"},
     "contact_email: not a valid email address"),
    ({"contact_email": "konferenz@"}, "contact_email: not a valid email address"),
])
def test_an_impossible_value_in_the_event_file_names_its_key(change, message):
    with pytest.raises(EventError, match=message):
        event_values(BASE | change)


def test_the_contact_address_is_normalised_as_invitees_addresses_are():
    values = event_values(BASE | {"contact_email": " Konferenz@BÜRO.example "})
    assert values["contact_email"] == "Konferenz@büro.example"


def test_values_at_the_bounds_are_taken():
    values = event_values(BASE | {
        "capacity": 100_000, "max_guests": 100, "retention_days": 3650, "timezone": "Etc/GMT+12",
        "starts_at": datetime(2200, 12, 31, 22, 0), "ends_at": datetime(2200, 12, 31, 23, 0),
        "registration_opens": date(1900, 1, 1)})
    assert (values["capacity"], values["retention_days"]) == (100_000, 3650)
    assert values["ends_at"].year == 2200


def test_the_command_line_refuses_a_bad_contact_address_in_the_event_file(runner, tmp_path):
    path = tmp_path / "event.toml"
    path.write_text('slug = "tagung"\ntitle = "Tagung"\nstarts_at = 2027-11-22T12:00:00\n'
                    'ends_at = 2027-11-22T17:00:00\ncontact_email = "a@x.example, b@x.example"\n')
    result = runner.invoke(args=["event", "create", "--file", str(path)])
    assert result.exit_code != 0
    assert "contact_email: not a valid email address" in result.output
