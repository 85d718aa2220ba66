"""Name badges as a PDF: title and name large, organisation below, the event's title and the
check-in QR code; on A4 label sheets (2 × 4 of 90 × 54 mm) or one A6 page per badge.

Drawn with ReportLab's canvas at exact millimetre positions, so each badge lands on its
label; every text is broken and sized to fit its box (rsvp.pdf_fonts.fit_text), never cut.
"""

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from rsvp.checkin.participants import Participant
from rsvp.pdf_fonts import (
    BOLD,
    REGULAR,
    Box,
    FittedText,
    block_height,
    fit_text,
    font_extent,
    register_fonts,
)
from rsvp.qrcodes import QUIET_ZONE, qr_matrix
from rsvp.tokens import checkin_code_of


@dataclass(frozen=True)
class Badge:
    """What one badge says, and the code its QR code carries."""

    name: str
    organisation: str
    #: The check-in code its QR code carries; empty for a guest's badge (no QR code).
    code: str


@dataclass(frozen=True)
class TextStyle:
    """A text box on the badge: font, largest size, size still read at arm's length."""

    box: Box
    font: str
    largest: float
    readable: float
    max_lines: int


@dataclass(frozen=True)
class BadgeLayout:
    """Where badges sit on the page, and where each part sits on a badge (points)."""

    key: str
    label: object
    page: tuple[float, float]
    badge: tuple[float, float]
    columns: int
    rows: int
    event: TextStyle
    name: TextStyle
    organisation: TextStyle
    qr: Box

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def origin(self, slot: int) -> tuple[float, float]:
        """The lower left corner of the badge in this slot, the sheet centred on the page."""
        width, height = self.badge
        left = (self.page[0] - self.columns * width) / 2
        top = self.page[1] - (self.page[1] - self.rows * height) / 2
        row, column = divmod(slot, self.columns)
        return left + column * width, top - (row + 1) * height


def _mm(x: float, y: float, w: float, h: float) -> Box:
    return Box(x * mm, y * mm, w * mm, h * mm)


LABELS = BadgeLayout(
    key="labels", page=A4, badge=(90 * mm, 54 * mm), columns=2, rows=4,
    label=_l("A4 label sheet, 2 × 4 labels of 90 × 54 mm, no gaps, 15 mm side and 40.5 mm "
             "top margin (name badge labels of this size, e.g. Avery Zweckform or Herma)"),
    event=TextStyle(_mm(5, 43.5, 80, 6), REGULAR, 8, 6, 2),
    name=TextStyle(_mm(5, 25.5, 80, 17), BOLD, 20, 13, 2),
    organisation=TextStyle(_mm(5, 5, 56, 19), REGULAR, 10, 7, 3),
    qr=_mm(64, 4, 22, 22),
)
A6_PAGES = BadgeLayout(
    key="a6", page=A6, badge=A6, columns=1, rows=1,
    label=_l("Single A6 pages (105 × 148 mm), one badge each"),
    event=TextStyle(_mm(8, 128, 89, 12), REGULAR, 12, 9, 2),
    name=TextStyle(_mm(8, 92, 89, 32), BOLD, 32, 20, 3),
    organisation=TextStyle(_mm(8, 62, 89, 26), REGULAR, 15, 10, 3),
    qr=_mm(30, 10, 45, 45),
)
LAYOUTS = {layout.key: layout for layout in (LABELS, A6_PAGES)}


def badges_of(people: Iterable[Participant], language: str = "de") -> Iterator[Badge]:
    """One badge per accepted person, with their own check-in code, then one per guest named
    in their answer: the guest's name and whom they come with, without a code (the code is
    the invitee's, and the door finds a guest by the invitee). Unnamed guests get none."""
    with force_locale(language):
        for person in people:
            yield Badge(person.titled_name, person.organisation,
                        checkin_code_of(person.invitee_id, person.nonce))
            for name in person.guest_names:
                yield Badge(name, _("Guest of %(name)s", name=person.titled_name), "")


def badges_pdf(event_title: str, badges: Sequence[Badge], layout: BadgeLayout = LABELS,
               font_dir: str | None = None) -> bytes:
    """Every badge on its label or page, in the order given."""
    register_fonts(font_dir)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=layout.page, pageCompression=1)
    canvas.setTitle(event_title)
    event_text = fit_text(event_title, layout.event.font, layout.event.box,
                          largest=layout.event.largest, readable=layout.event.readable,
                          max_lines=layout.event.max_lines)
    for number, badge in enumerate(badges):
        slot = number % layout.per_page
        if number and slot == 0:
            canvas.showPage()
        canvas.saveState()
        canvas.translate(*layout.origin(slot))
        _draw_badge(canvas, layout, badge, event_text)
        canvas.restoreState()
    canvas.save()
    return buffer.getvalue()


def _draw_badge(canvas: Canvas, layout: BadgeLayout, badge: Badge, event_text: FittedText) -> None:
    if layout.per_page > 1:
        # A hairline where the label ends: a guide on plain paper, outside the cut on labels.
        canvas.setStrokeColor(colors.lightgrey)
        canvas.setLineWidth(0.2)
        canvas.rect(0, 0, *layout.badge)
    canvas.setFillColor(colors.black)
    _draw_text(canvas, layout.event, event_text)
    style = layout.name
    _draw_text(canvas, style, fit_text(badge.name, style.font, style.box, largest=style.largest,
                                       readable=style.readable, max_lines=style.max_lines),
               centred=True)
    style = layout.organisation
    if badge.organisation:
        _draw_text(canvas, style, fit_text(badge.organisation, style.font, style.box,
                                           largest=style.largest, readable=style.readable,
                                           max_lines=style.max_lines))
    if badge.code:
        _draw_qr(canvas, qr_matrix(badge.code), layout.qr)


def _draw_text(canvas: Canvas, style: TextStyle, text: FittedText, *,
               centred: bool = False) -> None:
    """The lines from the top of the box (``centred``: the block in the box's middle)."""
    box, ascent = style.box, font_extent(style.font)[0]
    height = block_height(style.font, text.size, len(text.lines))
    top = box.top - ((box.height - height) / 2 if centred else 0)
    canvas.setFont(style.font, text.size)
    for index, line in enumerate(text.lines):
        canvas.drawString(box.x, top - ascent * text.size - index * text.leading, line)


def _draw_qr(canvas: Canvas, matrix: tuple[bytearray, ...], box: Box) -> None:
    """The dark modules as filled rectangles, one per run in a row: crisp in print.

    Written as PDF operators in module units under a scaling transform: ReportLab's path
    object formats every number of every rectangle, a third of a badge's time.
    """
    module = min(box.width, box.height) / (len(matrix) + 2 * QUIET_ZONE)
    canvas.saveState()
    # Module units, y downwards from the code's top left corner inside the quiet zone.
    canvas.transform(module, 0, 0, -module, box.x + QUIET_ZONE * module,
                     box.top - QUIET_ZONE * module)
    canvas.addLiteral(" ".join(_runs(matrix)) + " f")
    canvas.restoreState()


def _runs(matrix: tuple[bytearray, ...]) -> Iterator[str]:
    for r, row in enumerate(matrix):
        start = -1
        for c, dark in enumerate((*row, 0)):
            if dark and start < 0:
                start = c
            elif not dark and start >= 0:
                yield f"{start} {r} {c - start} 1 re"
                start = -1
