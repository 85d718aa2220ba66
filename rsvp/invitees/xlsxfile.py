"""Excel workbooks (.xlsx) in and out: offices keep their lists in Excel.

Reading turns the first sheet into the same rows of text a CSV file gives, each with its row
number, so both go through one parser (``rsvp.invitees.csvfile``). Writing gives every cell
its type: dates as dates, numbers as numbers, text as text (never a formula). openpyxl is
imported here, on first use: most commands never read a workbook.
"""

import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

#: Every .xlsx file is a ZIP archive.
ZIP_MAGIC = b"PK\x03\x04"
#: How dates and times look in the cells (Excel shows them in this form in every locale).
DATETIME_FORMATS = {"de": "DD.MM.YYYY HH:MM", "en": "DD MMM YYYY HH:MM"}
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: What a workbook may hold: a few megabytes of ZIP can claim a million rows of 16,384
#: columns, so the sheet's own size is not believed and reading stops at these.
MAX_ROWS = 200_000
MAX_COLUMNS = 100


class WorkbookError(ValueError):
    """The file is not a workbook openpyxl can read."""


def is_xlsx(data: bytes) -> bool:
    """A ZIP archive holding a workbook, not a CSV file."""
    return data.startswith(ZIP_MAGIC)


def sheet_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows as text cells, each with its row number (1 is the header)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise WorkbookError(_l("not a readable Excel workbook (.xlsx)")) from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # rows as stored, not padded to the size the file claims
        cells_of = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
        for number, cells in enumerate(cells_of, start=1):
            if number > MAX_ROWS:
                raise WorkbookError(_l("more than %(rows)d rows", rows=MAX_ROWS))
            yield number, [cell_text(value) for value in cells]
    finally:
        book.close()


def cell_text(value: object) -> str:
    """A cell as the text a CSV file would hold: 2 not 2.0, a date as 2027-11-22."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes") if value.time() else (
            value.date().isoformat())
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def workbook_bytes(rows: Iterable[list[object]], *, widths: list[int], language: str,
                   title: str) -> bytes:
    """A workbook with one sheet: a bold, frozen header row, then the rows, typed cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    # Excel allows 31 characters and none of []:*?/\ in a sheet's name.
    sheet = book.create_sheet("".join(c for c in title if c not in "[]:*?/\\")[:31] or "rsvp")
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    stamp = DATETIME_FORMATS.get(language, DATETIME_FORMATS["de"])
    rows = iter(rows)
    header = [WriteOnlyCell(sheet, value=name) for name in next(rows, [])]
    for cell in header:
        cell.font = Font(bold=True)
    sheet.append(header)
    for row in rows:
        # Plain values where openpyxl writes them as they are: a styled cell each costs.
        sheet.append([_cell(sheet, value, stamp, WriteOnlyCell) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(sheet: object, value: object, stamp: str, make: type) -> object:
    """A value as openpyxl should write it: a time in its format, text never as a formula."""
    if isinstance(value, datetime):
        # Excel has no time zones: an aware time is written as the wall-clock time it shows.
        cell = make(sheet, value=value.replace(tzinfo=None))
        cell.number_format = stamp
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = make(sheet, value=value)
        cell.data_type = "s"  # openpyxl would take it for a formula
        return cell
    return value
