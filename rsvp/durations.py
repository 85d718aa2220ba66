"""Durations as organisers write them: "7d", "2d 12h", "90m", "1w"; a bare number is seconds.

A core module: the event file, `rsvp schedule add`, the dashboard's form and the
configuration (RSVP_SCHEDULE_GRACE) all read durations through ``parse_duration``.
"""

import re
from datetime import timedelta

_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d{1,6})\s*([wdhms])")
#: Longer than any event is planned ahead; beyond it a date would leave the calendar.
MAX_DURATION = timedelta(days=3650)


class InvalidDuration(ValueError):
    """Not a duration such as "7d", "12h" or "2d 12h"."""


def parse_duration(value: object) -> timedelta:
    """``value`` as a timedelta; raises InvalidDuration for anything else or over ten years."""
    if isinstance(value, bool):
        raise InvalidDuration(repr(value))
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        seconds = _seconds(str(value).strip().lower())
    if not 0 <= seconds <= MAX_DURATION.total_seconds():
        raise InvalidDuration(repr(value))
    return timedelta(seconds=seconds)


def _seconds(text: str) -> float:
    if re.fullmatch(r"\d{1,9}(\.\d+)?", text):
        return float(text)
    compact = text.replace(" ", "")
    parts = _PART.findall(compact)
    if not parts or "".join(f"{n}{u}" for n, u in parts) != compact:
        raise InvalidDuration(repr(text))
    return float(sum(int(n) * _UNITS[u] for n, u in parts))


def format_duration(delta: timedelta) -> str:
    """The shortest form parse_duration reads back: "7d", "2d12h", "90m" becomes "1h30m"."""
    seconds = int(abs(delta.total_seconds()))
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
