"""Reading organisers' CSV files and workbooks: encodings, delimiters, German column names.

An .xlsx file becomes the same stream of rows as a CSV file (``read_upload``): one header
mapping, one row check, one line-numbered report for both.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

#: Column names as people write them, in English and German, folded to lower case.
HEADER_ALIASES: dict[str, set[str]] = {
    "email": {"email", "e-mail", "e_mail", "mail", "email address", "e-mail-adresse",
              "emailadresse", "e-mail adresse"},
    "salutation": {"salutation", "anrede"},
    "academic_title": {"title", "titel", "academic title", "academic_title",
                       "akademischer titel"},
    "first_name": {"first name", "first_name", "firstname", "given name", "vorname"},
    "last_name": {"last name", "last_name", "lastname", "surname", "family name", "nachname"},
    "organisation": {"organisation", "organization", "institution", "company", "firma",
                     "einrichtung", "behörde"},
    "language": {"language", "lang", "sprache"},
    "tags": {"tags", "tag", "groups", "group", "gruppe", "gruppen", "schlagwörter"},
}
EMAIL_LIKE = re.compile(r"[^\s@;,\"]+@[^\s@;,\"]+\.[^\s@;,\"]+")
#: The longest field we accept; csv's own limit turns a runaway quote into one clear error.
FIELD_LIMIT = 100_000


class CsvFileError(ValueError):
    """The file as a whole cannot be read (no header, no email column)."""


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str] | None
    #: Why the row could not be read at all (a lazy string); None when values are there.
    error: object = None


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps them rather than failing the file.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def detect_delimiter(header_line: str) -> str:
    """Semicolon (German Excel) or comma, whichever the header line has more of."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def map_header(names: list[str],
               aliases: dict[str, set[str]] | None = None) -> list[str | None]:
    """Map each column name to our field name, or None for columns we do not know.

    ``aliases`` replaces the invitee columns for files of another kind (answers).
    """
    known = HEADER_ALIASES if aliases is None else aliases
    lookup = {alias: field for field, names_ in known.items() for alias in names_}
    return [lookup.get(" ".join(name.strip().lower().split())) for name in names]


def read_upload(data: bytes,
                aliases: dict[str, set[str]] | None = None) -> Iterator[CsvRow]:
    """The rows of an uploaded file, CSV or Excel workbook (.xlsx), numbered as the file is."""
    from rsvp.invitees.xlsxfile import WorkbookError, is_xlsx, sheet_rows

    if not is_xlsx(data):
        return read_rows(decode(data), aliases)
    try:
        return _reported(read_cells(sheet_rows(data), aliases))
    except WorkbookError as exc:
        raise CsvFileError(exc.args[0]) from None


def _reported(rows: Iterator[CsvRow]) -> Iterator[CsvRow]:
    """A workbook that turns out unreadable further down ends the rows with that reason."""
    from rsvp.invitees.xlsxfile import WorkbookError

    try:
        yield from rows
    except WorkbookError as exc:
        raise CsvFileError(exc.args[0]) from None


def read_cells(rows: Iterable[tuple[int, list[str]]],
               aliases: dict[str, set[str]] | None = None) -> Iterator[CsvRow]:
    """Rows already split into cells (a workbook's), each with its line number; the first is
    the header. Raises CsvFileError at once when the header is unusable."""
    numbered = iter(rows)
    first = next(numbered, None)
    if first is None or not any(cell.strip() for cell in first[1]):
        raise CsvFileError(_l("the file is empty or its first line is blank"))
    fields = _fields(first[1], aliases)
    return (_row(line, fields, cells) for line, cells in numbered if any(c.strip() for c in cells))


def _fields(names: list[str], aliases: dict[str, set[str]] | None) -> list[str | None]:
    fields = map_header(names, aliases)
    if "email" not in fields:
        raise CsvFileError(_l("no email column (E-Mail, Email) in the first line"))
    return fields


def read_rows(text: str, aliases: dict[str, set[str]] | None = None) -> Iterator[CsvRow]:
    """Yield each data row as field values with its first physical line number.

    A quotation mark left open would swallow the rows after it into one field; such a row
    is reported and reading starts again on the next line, so its neighbours still go in.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines[0].strip():
        raise CsvFileError(_l("the file is empty or its first line is blank"))
    csv.field_size_limit(FIELD_LIMIT)
    delimiter = detect_delimiter(lines[0])
    fields = _fields(next(csv.reader([lines[0]], delimiter=delimiter)), aliases)
    start = 1
    while start is not None:
        start = yield from _read_from(lines, start, fields, delimiter)


def _read_from(lines: list[str], start: int, fields: list[str | None],
               delimiter: str) -> Iterator[CsvRow]:
    """Read records from line index ``start``; return where to restart, or None at the end."""
    reader = csv.reader((line + "\n" for line in lines[start:]), delimiter=delimiter)
    line = start + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            yield CsvRow(line, None, _l("not readable as CSV: %(reason)s", reason=str(exc)))
            line = start + reader.line_num + 1
            continue
        if _swallowed_rows(cells, delimiter):
            yield CsvRow(line, None, _l("a quotation mark is not closed"))
            return line
        if any(cells):
            yield _row(line, fields, cells)
        line = start + reader.line_num + 1


def _swallowed_rows(cells: list[str], delimiter: str) -> bool:
    """A field spanning lines that holds what looks like further rows with addresses."""
    for cell in cells:
        for continued in cell.split("\n")[1:]:
            if delimiter in continued and EMAIL_LIKE.search(continued):
                return True
    return False


def _row(line: int, fields: list[str | None], cells: list[str]) -> CsvRow:
    if any("\x00" in cell for cell in cells):
        return CsvRow(line, None, _l("contains a NUL byte"))
    if len(cells) > len(fields) and any(c.strip() for c in cells[len(fields):]):
        return CsvRow(line, None, _l("%(cells)d fields, but the header has %(header)d",
                                     cells=len(cells), header=len(fields)))
    values = {f: c.strip() for f, c in zip(fields, cells, strict=False) if f is not None}
    return CsvRow(line, values)
