"""VTIMEZONE as Outlook and Exchange write it: yearly rules, read from the tz database.

Outlook misreads a zone given as a list of RDATE changes (summer events an hour off, the zone
shown as "West-Central Africa"). It reads one STANDARD and one DAYLIGHT component with a
yearly RRULE each. Those rules come from the zone's own tz data: the POSIX TZ string at the
end of its TZif file (RFC 8536 section 3.3, e.g. ``CET-1CEST,M3.5.0,M10.5.0/3``), which
describes every year after the file's last listed change. Before using it we check it against
zoneinfo for the coming years; where it disagrees (a change already scheduled, Morocco's
Ramadan offsets), or where RRULE cannot say it, the zone keeps icalendar's list of changes.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo

from icalendar import Calendar

#: DTSTART of the components: the rule's first change in 1970, as Google and Thunderbird
#: write (Outlook writes 1601); only later years matter for an event.
EPOCH_YEAR = 1970
#: How many years ahead the rules must give zoneinfo's offsets before we write them.
YEARS_CHECKED = 11

DAY = timedelta(days=1)
#: The fewest days each month has: a rule's days must lie within them.
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ICAL_DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # POSIX weekday 0 is Sunday
_NAME = r"[A-Za-z]{3,}|<[+\-0-9A-Za-z]+>"
_OFFSET = r"[+-]?\d{1,2}(?::\d{2}){0,2}"
_TZ = re.compile(rf"({_NAME})({_OFFSET})(?:({_NAME})({_OFFSET})?,([^,]+),([^,]+))?")
# Only Mm.w.d dates: the Julian forms Jn and n (no zone in today's tz database uses them)
# do not match, so such a zone keeps icalendar's list.
_DATE = re.compile(r"M(\d{1,2})\.([1-5])\.([0-6])(?:/([+-]?\d{1,3}(?::\d{2}){0,2}))?")


@dataclass(frozen=True)
class Rule:
    """When a period starts each year: weekday ``weekday`` of week ``week`` (5: the last) of
    ``month``, at ``at`` local time of the period before; ``at`` may be negative or past 24h."""

    month: int
    week: int
    weekday: int
    at: timedelta


@dataclass(frozen=True)
class Period:
    """A part of the year with one offset from UTC; ``starts`` is None in a zone without DST."""

    name: str
    offset: timedelta
    starts: Rule | None = None


def vtimezone_lines(key: str) -> list[str]:
    """The VTIMEZONE of IANA zone ``key`` as unfolded lines: rules, else a list of changes."""
    return rule_lines(key) or listed_lines(key)


def listed_lines(key: str) -> list[str]:
    """icalendar's VTIMEZONE, each change from 1970 to 2038 an RDATE: for the few zones that
    rules cannot say. One RDATE a line: vobject reads only the first date of a list."""
    calendar = Calendar()
    calendar.add("dtstart", datetime(2000, 1, 1, tzinfo=ZoneInfo(key)))
    calendar.add_missing_timezones()
    text = b"".join(c.to_ical() for c in calendar.walk("VTIMEZONE")).decode("ascii")
    lines: list[str] = []
    for line in text.replace("\r\n ", "").splitlines():  # unfolded
        if line.startswith("RDATE:"):
            lines += [f"RDATE:{day}" for day in line.removeprefix("RDATE:").split(",")]
        else:
            lines.append(line)
    return lines


def rule_lines(key: str) -> list[str] | None:
    """The VTIMEZONE with yearly rules as unfolded lines, or None where rules won't do."""
    footer = zone_footer(key)
    periods = parse_footer(footer) if footer else None
    if periods is None or not agrees_with_zoneinfo(periods, ZoneInfo(key)):
        return None
    components = [_component(period, periods[i - 1]) for i, period in enumerate(periods)]
    if None in components:
        return None
    # STANDARD before DAYLIGHT, as Outlook orders them.
    ordered = sorted(components, key=lambda c: c is None or c[0] != "BEGIN:STANDARD")
    return ["BEGIN:VTIMEZONE", f"TZID:{key}", *(line for c in ordered if c for line in c),
            "END:VTIMEZONE"]


def zone_footer(key: str) -> str | None:
    """The POSIX TZ string of a zone's TZif file, from where zoneinfo reads the zone."""
    try:
        data = _tzif(key)
    except (OSError, ModuleNotFoundError):  # not a file (as "UTC" may be), no tzdata package
        return None
    if data[:4] != b"TZif" or data[4:5] not in (b"2", b"3", b"4") or not data.endswith(b"\n"):
        return None  # version 1 files have no footer
    return data[data.rindex(b"\n", 0, len(data) - 1) + 1:-1].decode("ascii") or None


def _tzif(key: str) -> bytes:
    """The zone's file: the first in zoneinfo's search path, else the tzdata package's."""
    for folder in TZPATH:
        path = Path(folder, key)
        if path.is_file():
            return path.read_bytes()
    return resources.files("tzdata").joinpath("zoneinfo", *key.split("/")).read_bytes()


def parse_footer(footer: str) -> list[Period] | None:
    """[standard] for a fixed offset, [standard, daylight] with rules; None if not understood."""
    match = _TZ.fullmatch(footer)
    if match is None:
        return None
    std_name, std_offset, dst_name, dst_offset, start, end = match.groups()
    standard = Period(std_name.strip("<>"), -_duration(std_offset))
    if dst_name is None:
        return [standard]
    starts, ends = _rule(start), _rule(end)
    if starts is None or ends is None:
        return None
    offset = -_duration(dst_offset) if dst_offset else standard.offset + timedelta(hours=1)
    return [Period(standard.name, standard.offset, ends), Period(dst_name.strip("<>"), offset,
                                                                 starts)]


def _rule(text: str) -> Rule | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    month, week, weekday, at = match.groups()
    return Rule(int(month), int(week), int(weekday), _duration(at) if at else timedelta(hours=2))


def _duration(text: str) -> timedelta:
    """'-1', '5:30', '+26' as a duration (POSIX hh[:mm[:ss]] with a sign)."""
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")] + [0, 0]
    return sign * timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2])


def change_moment(rule: Rule, year: int) -> datetime:
    """The local (naive) moment of the change in ``year``, in the offset before it."""
    if rule.week == 5:
        last = date(year + rule.month // 12, rule.month % 12 + 1, 1) - DAY
        day = last - timedelta(days=(last.isoweekday() - rule.weekday) % 7)
    else:
        first = date(year, rule.month, 1)
        day = first + timedelta(days=(rule.weekday - first.isoweekday()) % 7 + 7 * (rule.week - 1))
    return datetime(day.year, day.month, day.day) + rule.at


def _rrule(rule: Rule) -> str | None:
    """RFC 5545's RRULE for the rule; None where its day may run into another month (Cairo's
    change at 24:00 on October's last Thursday falls on 1 November in some years)."""
    days = rule.at // DAY  # a change at 24:00 or later falls on a later weekday
    weekday = _ICAL_DAYS[(rule.weekday + days) % 7]
    head = f"RRULE:FREQ=YEARLY;BYMONTH={rule.month};BYDAY="
    if days == 0:
        return f"{head}{-1 if rule.week == 5 else rule.week}{weekday}"
    first = -7 + days if rule.week == 5 else 7 * (rule.week - 1) + 1 + days
    # The seven days the weekday falls in, counted from the month's end for the last week.
    days_in = _MONTH_DAYS[rule.month - 1]
    if not (-days_in <= first <= -7 if rule.week == 5 else 1 <= first <= days_in - 6):
        return None
    return f"{head}{weekday};BYMONTHDAY={','.join(str(d) for d in range(first, first + 7))}"


def _component(period: Period, before: Period) -> list[str] | None:
    """The period's STANDARD or DAYLIGHT: DAYLIGHT is the one with the larger offset (as
    Windows has it; Europe/Dublin's tz data calls its winter the daylight time)."""
    kind = "DAYLIGHT" if period.offset > before.offset else "STANDARD"
    if period.starts is None:
        start, rrule = datetime(EPOCH_YEAR, 1, 1), None
    else:
        start, rrule = change_moment(period.starts, EPOCH_YEAR), _rrule(period.starts)
        if rrule is None:
            return None
    return [f"BEGIN:{kind}", f"DTSTART:{start:%Y%m%dT%H%M%S}", *([rrule] if rrule else []),
            f"TZNAME:{period.name}", f"TZOFFSETFROM:{_utc_offset(before.offset)}",
            f"TZOFFSETTO:{_utc_offset(period.offset)}", f"END:{kind}"]


def _utc_offset(offset: timedelta) -> str:
    """'+0530', '-0400', '+003045' (RFC 5545 3.3.14)."""
    sign = "-" if offset < timedelta(0) else "+"
    minutes, seconds = divmod(abs(int(offset.total_seconds())), 60)
    text = f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
    return text + (f"{seconds:02d}" if seconds else "")


def agrees_with_zoneinfo(periods: list[Period], zone: ZoneInfo) -> bool:
    """Whether the rules give zoneinfo's offset around each of their changes and at noon UTC
    of every day, from this year on for ``YEARS_CHECKED`` years."""
    this_year = datetime.now(UTC).year
    changes = _changes(periods, range(this_year - 1, this_year + YEARS_CHECKED + 1))
    noon = datetime(this_year, 1, 1, 12, tzinfo=UTC)
    moments = [noon + n * DAY for n in range(366 * YEARS_CHECKED)]
    moments += [at + delta for at, _ in changes if at >= noon
                for delta in (-timedelta(seconds=1), timedelta(0))]
    instants = [at for at, _ in changes]
    return all(m.astimezone(zone).utcoffset()
               == (changes[bisect_right(instants, m) - 1][1] if changes else periods[0].offset)
               for m in moments)


def _changes(periods: list[Period], years: range) -> list[tuple[datetime, timedelta]]:
    """Each change in ``years`` as (UTC instant, offset after it), in order."""
    return sorted((change_moment(p.starts, year).replace(tzinfo=UTC) - periods[i - 1].offset,
                   p.offset)
                  for year in years for i, p in enumerate(periods) if p.starts is not None)
