"""The participant list as an A4 PDF (header with the event, page numbers, a sign-in column
on request) and as an Excel workbook, from the same rows and columns."""

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from rsvp.checkin.participants import COLUMNS, ListOptions, Participant, cell
from rsvp.events.models import Event
from rsvp.i18n import format_event_when, format_local_time
from rsvp.pdf_fonts import BOLD, REGULAR, register_fonts

MARGIN = 15 * mm
HEADER = 30 * mm
#: Space left and right of the text in a cell, ReportLab's default.
PAD = 6
#: Rows per table (an even number keeps the stripes in step).
CHUNK = 100
SIGNATURE_WIDTH = 45 * mm


@dataclass(frozen=True)
class ListSheet:
    """The table of the list: headings, and one row of texts per person."""

    headings: list[str]
    rows: list[list[str]]


def list_sheet(event: Event, people: Sequence[Participant], options: ListOptions,
               language: str, labels: dict[str, str] | None = None) -> ListSheet:
    """Number, name, the chosen columns (and an empty signature column) per person."""
    with force_locale(language):
        names = {key: str(label) for key, label in COLUMNS.items()} | (labels or {})
        headings = ["#", _("Name"), *(names.get(key, key) for key in options.columns),
                    *([_("Signature")] if options.signature else [])]
    rows = [[str(n), _name(person, language),
             *(cell(person, key, _when(person, event, language)) for key in options.columns)]
            for n, person in enumerate(people, 1)]
    if options.signature:
        for row in rows:
            row.append("")
    return ListSheet(headings, rows)


def _name(person: Participant, language: str) -> str:
    """'Potz, Petra', and whom a substitute stands in for."""
    if not person.instead_of:
        return person.sort_name
    with force_locale(language):
        return f"{person.sort_name} ({_('in place of %(name)s', name=person.instead_of)})"


def _when(person: Participant, event: Event, language: str) -> str:
    moment = person.checked_in_at
    return format_local_time(moment, event, language) if moment else ""


def participants_pdf(event: Event, sheet: ListSheet, options: ListOptions, language: str,
                     font_dir: str | None = None) -> bytes:
    """The list on A4 (landscape beyond five columns), the event on top of every page."""
    register_fonts(font_dir)
    with force_locale(language):
        return _build_pdf(event, sheet, options, language)


def _build_pdf(event: Event, sheet: ListSheet, options: ListOptions, language: str) -> bytes:
    size = landscape(A4) if len(sheet.headings) > 5 else A4
    widths = _widths(options.columns, options, size[0] - 2 * MARGIN)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=MARGIN + HEADER, bottomMargin=MARGIN + 6 * mm,
                                 title=f"{_('Participants')}: {event.title}",
                                 author=event.organiser or "")
    header = _page_header(event, language, sheet, widths)
    document.build(_tables(sheet, options, widths), onFirstPage=header, onLaterPages=header,
                   canvasmaker=_numbered_canvas())
    return buffer.getvalue()


def _page_header(event: Event, language: str, sheet: ListSheet,
                 widths: list[float]) -> Callable[[Canvas, object], None]:
    """The event (title, date, venue), the count and the column headings, on every page."""
    venue = ", ".join(p for p in (event.venue_name, event.venue_address) if p)
    when = format_event_when(event, language)
    title = _("Participants (%(count)d)", count=len(sheet.rows))

    def draw(canvas: Canvas, document: object) -> None:
        width, height = canvas._pagesize
        top = height - MARGIN
        # The event's title in one line, smaller if it must (never cut off).
        _fitted(canvas, event.title, MARGIN, top - 13, width - 2 * MARGIN, BOLD, 13)
        canvas.setFont(REGULAR, 9)
        canvas.drawString(MARGIN, top - 27, when)
        canvas.drawRightString(width - MARGIN, top - 27, title)
        canvas.drawString(MARGIN, top - 39, venue[:160])
        x = MARGIN
        for heading, column in zip(sheet.headings, widths, strict=True):
            _fitted(canvas, heading, x + PAD, top - HEADER + 8, column - 2 * PAD, BOLD, 9)
            x += column
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN, top - HEADER + 4, width - MARGIN, top - HEADER + 4)
    return draw


def _fitted(canvas: Canvas, text: str, x: float, y: float, room: float, font: str,
            largest: float) -> None:
    """One line at ``largest`` points, or smaller so that it fits ``room``."""
    canvas.setFont(font, min(largest, room / (stringWidth(text, font, 1.0) or 1.0)))
    canvas.drawString(x, y, text)


def _numbered_canvas() -> type[Canvas]:
    """A canvas that writes 'Page n of m' on each page once all pages are known."""
    label = _("Page %(page)d of %(pages)d")

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._pages: list[dict[str, object]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.setFont(REGULAR, 8)
                self.drawRightString(self._pagesize[0] - MARGIN, MARGIN,
                                     label % {"page": number, "pages": len(self._pages)})
                super().showPage()
            super().save()
    return NumberedCanvas


def _tables(sheet: ListSheet, options: ListOptions, widths: list[float]) -> list[Table]:
    """The rows as tables of CHUNK rows: one table of 10,000 rows is split anew on every page
    (quadratic time); the headings are in the page header instead."""
    style = ParagraphStyle("cell", fontName=REGULAR, fontSize=9, leading=11)
    rooms = [width - 2 * PAD for width in widths]
    # A sign-in sheet's rows leave room for a signature: padding, as the text may wrap.
    pad = 4 * mm if options.signature else 2
    commands = TableStyle([
        ("FONT", (0, 0), (-1, -1), REGULAR, 9), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
        ("ROWBACKGROUNDS", (0, 0), (-1, -1), [colors.white, colors.HexColor("#f2f2f2")]),
    ])
    cells = [[_cell(text, room, style) for text, room in zip(row, rooms, strict=True)]
             for row in sheet.rows]
    return [Table(cells[start:start + CHUNK], colWidths=widths, style=commands)
            for start in range(0, len(cells), CHUNK)]


def _cell(text: str, room: float, style: ParagraphStyle) -> str | Paragraph:
    """Plain text when it fits on one line (fast), else a paragraph that wraps."""
    if stringWidth(text, REGULAR, 9) <= room:
        return text
    return Paragraph(escape(text), style)


#: How wide a column is beside the others (the name counts 2); unknown keys count 1.2.
WEIGHTS = {"name": 2.0, "title": 0.6, "organisation": 2.0, "guests": 1.2, "email": 1.6,
           "checked_in": 0.7}


def _widths(keys: Sequence[str], options: ListOptions, width: float) -> list[float]:
    """The number narrow, the signature fixed, the rest shared out by weight."""
    signature = SIGNATURE_WIDTH if options.signature else 0
    number = 10 * mm
    weights = [WEIGHTS.get(key, 1.2) for key in ("name", *keys)]
    unit = (width - number - signature) / sum(weights)
    widths = [number, *(weight * unit for weight in weights)]
    return [*widths, signature] if options.signature else widths


def participants_xlsx(event: Event, sheet: ListSheet) -> bytes:
    """The same table as a workbook: bold headings, frozen top row, a filter."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(_sheet_title(event.title))
    worksheet.freeze_panes = "A2"
    for number in range(len(sheet.headings)):
        worksheet.column_dimensions[_letter(number)].width = 6 if number == 0 else 28
    worksheet.append([_text(worksheet, h, bold=True) for h in sheet.headings])
    for row in sheet.rows:
        worksheet.append([int(row[0]), *(_text(worksheet, v) for v in row[1:])])
    worksheet.auto_filter.ref = f"A1:{_letter(len(sheet.headings) - 1)}{len(sheet.rows) + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(worksheet: Worksheet, value: str, *, bold: bool = False) -> WriteOnlyCell:
    """A cell that is text whatever it starts with: "=..." is no formula here."""
    result = WriteOnlyCell(worksheet, value=value)
    result.data_type = "s"
    if bold:
        result.font = Font(bold=True)
    return result


def _letter(index: int) -> str:
    return get_column_letter(index + 1)


def _sheet_title(title: str) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return cleaned[:31] or "Participants"
