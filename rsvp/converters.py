"""Route converters: what a URL may carry, refused with 404 before any view or query sees it."""

from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

#: The largest id the id columns hold: they are INTEGER, 32 bits on PostgreSQL (64 on SQLite).
#: Beyond it PostgreSQL refuses the query, and beyond 2^63 SQLite raises OverflowError.
MAX_ID = 2**31 - 1


def is_id(value: object) -> bool:
    """Whether ``value`` is a row id as URLs and forms carry it: 1 to MAX_ID, ASCII digits."""
    text = str(value)
    return (0 < len(text) <= len(str(MAX_ID)) and text.isascii() and text.isdigit()
            and text[0] != "0" and int(text) <= MAX_ID)


class IdConverter(BaseConverter):
    """``<id:name>``: a row id from 1 to MAX_ID in plain digits; else no match, so 404."""

    #: Longer than MAX_ID has digits does not match at all; to_python checks the value.
    regex = r"[1-9][0-9]{0,9}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        if not is_id(value):
            raise ValidationError()
        return int(value)

    def to_url(self, value: object) -> str:
        return str(int(value))  # type: ignore[call-overload]


def register_converters(app: Flask) -> None:
    """Make the converters known; before any blueprint, whose rules name them."""
    app.url_map.converters["id"] = IdConverter
