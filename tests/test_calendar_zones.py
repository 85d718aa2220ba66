"""Time zones in calendar files: yearly rules as Outlook reads them, read back by two parsers."""

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from rsvp.calendar import event_ics, event_uid
from rsvp.calendar_zones import Period, Rule, parse_footer, rule_lines
from rsvp.tokens import make_token

#: (zone, local start, the same moment in UTC)
EVENTS = [
    ("Europe/Berlin", datetime(2027, 7, 12, 12, 0), datetime(2027, 7, 12, 10, 0, tzinfo=UTC)),
    ("Europe/Berlin", datetime(2027, 11, 22, 12, 0), datetime(2027, 11, 22, 11, 0, tzinfo=UTC)),
    ("America/New_York", datetime(2027, 7, 12, 12, 0), datetime(2027, 7, 12, 16, 0, tzinfo=UTC)),
    ("Asia/Kolkata", datetime(2027, 11, 22, 12, 0), datetime(2027, 11, 22, 6, 30, tzinfo=UTC)),
]
EVENT_IDS = ["berlin-july", "berlin-november", "new-york-july", "kolkata"]

#: The rules Outlook writes for these zones (BYMONTH, BYDAY), STANDARD then DAYLIGHT.
RULES = {
    "Europe/Berlin": ("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"),
    "America/New_York": ("FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"),
}


def mailed_file(runner, smtp_server, event, create_invitee) -> bytes:
    """The calendar part of the invitation as it arrived over SMTP, as sent (CRLF lines)."""
    create_invitee(event, email="petra@example.org")
    result = runner.invoke(args=["send", event.slug])
    assert result.exit_code == 0, result.output
    [mail] = smtp_server.to("petra@example.org")
    [part] = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part.get_payload(decode=True)


def downloaded_file(client, event, create_invitee) -> bytes:
    """The file from the invitee's page."""
    invitee = create_invitee(event, email="paul@example.org")
    response = client.get(f"/r/{make_token(invitee)}/event.ics")
    assert response.status_code == 200
    return response.data


def assert_right_times(data: bytes, zone: str, local: datetime, utc: datetime) -> None:
    """icalendar and vobject (which builds its tzinfo from our VTIMEZONE) read the same times."""
    [entry] = Calendar.from_ical(data).walk("VEVENT")
    start = entry.decoded("dtstart")
    assert (str(start.tzinfo), start.replace(tzinfo=None)) == (zone, local)
    assert start.astimezone(UTC) == utc
    parsed = vobject.readOne(data.decode("utf-8"))
    start = parsed.vevent.dtstart.value
    assert parsed.vtimezone.tzid.value == zone
    assert start.replace(tzinfo=None) == local
    assert start.astimezone(UTC) == utc
    assert "zoneinfo" not in type(start.tzinfo).__module__  # resolved from the file's VTIMEZONE


def assert_written_as_outlook_does(data: bytes, zone: str) -> None:
    """One STANDARD (and one DAYLIGHT) with yearly rules, no RDATE, lines within 75 octets."""
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    [vtimezone] = Calendar.from_ical(data).walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == zone
    assert b"RDATE" not in data and b"COMMENT" not in data
    kinds = [c.name for c in vtimezone.subcomponents]
    rules = tuple(line.removeprefix(b"RRULE:").decode() for line in lines
                  if line.startswith(b"RRULE:"))
    if zone in RULES:
        assert kinds == ["STANDARD", "DAYLIGHT"]
        assert rules == RULES[zone]
    else:
        assert (kinds, rules) == (["STANDARD"], ())


@pytest.mark.parametrize(("zone", "local", "utc"), EVENTS, ids=EVENT_IDS)
def test_the_mailed_invitation_reads_at_the_right_local_and_utc_time(
        runner, smtp_server, create_event, create_invitee, zone, local, utc):
    event = create_event(timezone=zone, starts_at=local, ends_at=local + timedelta(hours=5),
                         rsvp_deadline=local - timedelta(days=14))
    data = mailed_file(runner, smtp_server, event, create_invitee)
    assert_written_as_outlook_does(data, zone)
    assert_right_times(data, zone, local, utc)


@pytest.mark.parametrize(("zone", "local", "utc"), EVENTS, ids=EVENT_IDS)
def test_the_downloaded_file_reads_at_the_right_local_and_utc_time(
        client, create_event, create_invitee, zone, local, utc):
    event = create_event(timezone=zone, starts_at=local, ends_at=local + timedelta(hours=5),
                         rsvp_deadline=local - timedelta(days=14))
    data = downloaded_file(client, event, create_invitee)
    assert_written_as_outlook_does(data, zone)
    assert_right_times(data, zone, local, utc)


def test_berlins_components_change_at_the_local_times_of_the_transitions():
    lines = rule_lines("Europe/Berlin")
    assert lines is not None
    assert lines[:2] == ["BEGIN:VTIMEZONE", "TZID:Europe/Berlin"]
    assert lines[2:9] == ["BEGIN:STANDARD", "DTSTART:19701025T030000",
                          "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "TZNAME:CET",
                          "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD"]
    assert lines[9:16] == ["BEGIN:DAYLIGHT", "DTSTART:19700329T020000",
                           "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "TZNAME:CEST",
                           "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT"]


def test_sydneys_summer_runs_across_new_year(create_event):
    local = datetime(2028, 1, 14, 12, 0)
    event = create_event(timezone="Australia/Sydney", starts_at=local,
                         ends_at=local + timedelta(hours=5), rsvp_deadline=datetime(2027, 12, 1))
    data = event_ics(event)
    assert b"BYMONTH=10;BYDAY=1SU" in data and b"BYMONTH=4;BYDAY=1SU" in data
    assert_right_times(data, "Australia/Sydney", local, datetime(2028, 1, 14, 1, 0, tzinfo=UTC))


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Sydney",
                                  "Europe/Dublin", "Australia/Lord_Howe", "Asia/Jerusalem",
                                  "America/Nuuk", "America/Santiago", "Asia/Kolkata"])
def test_the_written_rules_give_zoneinfos_offset_every_hour_of_next_year(zone):
    """Dublin's tz data calls winter its daylight time; Lord Howe moves by half an hour;
    Jerusalem, Nuuk and Santiago change at 24:00 or later, i.e. on a later weekday."""
    lines = rule_lines(zone)
    assert lines is not None
    calendar = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *lines, "END:VCALENDAR", ""])
    read_back = vobject.readOne(calendar).vtimezone.gettzinfo()
    start = datetime(datetime.now(UTC).year + 1, 1, 1, tzinfo=UTC)
    for hour in range(366 * 24):
        moment = start + timedelta(hours=hour)
        assert moment.astimezone(read_back).utcoffset() == moment.astimezone(
            ZoneInfo(zone)).utcoffset(), moment


def test_dublin_writes_its_summer_as_daylight():
    lines = rule_lines("Europe/Dublin")
    assert lines is not None
    daylight = lines[lines.index("BEGIN:DAYLIGHT"):lines.index("END:DAYLIGHT")]
    assert "TZOFFSETTO:+0100" in daylight and "TZNAME:IST" in daylight


def test_the_footer_is_read_into_the_years_periods():
    assert parse_footer("CET-1CEST,M3.5.0,M10.5.0/3") == [
        Period("CET", timedelta(hours=1), Rule(10, 5, 0, timedelta(hours=3))),
        Period("CEST", timedelta(hours=2), Rule(3, 5, 0, timedelta(hours=2)))]
    assert parse_footer("IST-5:30") == [Period("IST", timedelta(hours=5, minutes=30))]
    assert parse_footer("<-03>3") == [Period("-03", timedelta(hours=-3))]


@pytest.mark.parametrize("footer", ["EST5EDT,J60/2,J300/2", "EST5EDT,59,299", "",
                                    "EST5EDT"])
def test_julian_day_rules_and_what_is_not_understood_give_no_rules(footer):
    assert parse_footer(footer) is None


@pytest.mark.parametrize(("zone", "local", "utc"), [
    # Cairo changes at 24:00 on October's last Thursday: some years on 1 November.
    ("Africa/Cairo", datetime(2027, 7, 12, 12, 0), datetime(2027, 7, 12, 9, 0, tzinfo=UTC)),
    # Casablanca's tz data lists each Ramadan's change of offset beyond its rule.
    ("Africa/Casablanca", datetime(2027, 7, 12, 12, 0), datetime(2027, 7, 12, 11, 0, tzinfo=UTC)),
])
def test_zones_that_rules_cannot_say_keep_their_list_of_changes_one_a_line(
        create_event, zone, local, utc):
    """vobject reads only the first date of an RDATE list: one RDATE a line it reads."""
    assert rule_lines(zone) is None
    event = create_event(timezone=zone, starts_at=local, ends_at=local + timedelta(hours=5),
                         rsvp_deadline=local - timedelta(days=14))
    data = event_ics(event)
    [vtimezone] = Calendar.from_ical(data).walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == zone
    rdates = [line for line in data.replace(b"\r\n ", b"").split(b"\r\n")
              if line.startswith(b"RDATE")]
    assert rdates and not any(b"," in line for line in rdates)
    assert_right_times(data, zone, local, utc)


def test_the_invitation_replaces_the_save_the_dates_entry(runner, smtp_server, create_event,
                                                          create_invitee):
    """Same UID, SEQUENCE not lower, DTSTAMP later: RFC 5546 takes the invitation as newer."""
    event = create_event()
    create_invitee(event, email="petra@example.org")
    assert runner.invoke(args=["send", event.slug, "--kind", "save-the-date"]).exit_code == 0
    # DTSTAMP counts seconds: the invitation is made in a later second than the save-the-date.
    time.sleep(1 - datetime.now(UTC).microsecond / 1e6 + 0.01)
    assert runner.invoke(args=["send", event.slug, "--kind", "invitation"]).exit_code == 0
    [first], [second] = (_calendars(mail) for mail in smtp_server.to("petra@example.org"))
    assert first["method"] == second["method"] == "REQUEST"
    [first], [second] = first.walk("VEVENT"), second.walk("VEVENT")
    assert str(first["attendee"]) == str(second["attendee"]) == "mailto:petra@example.org"
    assert "url" not in first and "url" in second  # the personal link comes with the invitation
    assert str(first["uid"]) == str(second["uid"]) == event_uid(event)
    assert second.decoded("sequence") >= first.decoded("sequence")
    assert second.decoded("dtstamp") > first.decoded("dtstamp")


def _calendars(mail) -> list[Calendar]:
    return [Calendar.from_ical(p.get_payload(decode=True)) for p in mail.iter_attachments()
            if p.get_content_type() == "text/calendar"]
