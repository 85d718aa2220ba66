"""The fonts the participant list and the badges are printed in, and text that fits its box.

DejaVu Sans (Debian's fonts-dejavu-core) is embedded as a subset in every PDF: it has the
German letters and those of most European names (ł, ő, ş, č). Where it is missing, the
Bitstream Vera that ReportLab ships is taken (Latin-1 only: ä, ö, ü and ß, not ł).
"""

from dataclasses import dataclass
from functools import cache
from itertools import combinations
from pathlib import Path

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "BadgeSans"
BOLD = "BadgeSans-Bold"
#: Where Debian, Fedora and Arch put DejaVu; RSVP_PDF_FONT_DIR comes first.
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu-sans-fonts",
             "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF", "/usr/local/share/fonts")
DEJAVU = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
VERA = ("Vera.ttf", "VeraBd.ttf")


def _font_files(font_dir: str | None) -> tuple[Path, Path]:
    """DejaVu Sans and its bold from the first directory that has both, else Vera."""
    for directory in (font_dir, *FONT_DIRS):
        if directory and all((Path(directory) / name).is_file() for name in DEJAVU):
            return Path(directory) / DEJAVU[0], Path(directory) / DEJAVU[1]
    shipped = Path(reportlab.__file__).parent / "fonts"
    return shipped / VERA[0], shipped / VERA[1]


@cache
def register_fonts(font_dir: str | None = None) -> str:
    """Make REGULAR and BOLD known to ReportLab (once per process); returns the font file."""
    regular, bold = _font_files(font_dir)
    pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
    return regular.name


@dataclass(frozen=True)
class Box:
    """A rectangle on the page in points, from its lower left corner."""

    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class FittedText:
    """Lines and the one font size at which all of them fit the box."""

    lines: tuple[str, ...]
    size: float
    leading: float


LEADING = 1.2


def font_extent(font: str) -> tuple[float, float]:
    """The font's ascent and descent (positive) per point of size."""
    face = pdfmetrics.getFont(font).face
    return face.ascent / 1000, -face.descent / 1000


def block_height(font: str, size: float, lines: int) -> float:
    """From the top of the first line's ascenders to the bottom of the last one's descenders."""
    ascent, descent = font_extent(font)
    return (ascent + descent) * size + (lines - 1) * LEADING * size


def _splits(words: list[str], lines: int) -> list[tuple[str, ...]]:
    """Every way to break the words into ``lines`` lines, in order."""
    if lines == 1 or len(words) < lines:
        return [(" ".join(words),)]
    return [tuple(" ".join(words[a:b]) for a, b in zip((0, *cut), (*cut, len(words)),
                                                      strict=True))
            for cut in combinations(range(1, len(words)), lines - 1)]


def _size_for(font: str, lines: tuple[str, ...], box: Box, largest: float) -> float:
    """The largest size up to ``largest`` at which these lines fit the box."""
    widest = max(pdfmetrics.stringWidth(line, font, 1.0) for line in lines) or 1.0
    tall = block_height(font, 1.0, len(lines))
    return min(largest, box.width / widest, box.height / tall)


def fit_text(text: str, font: str, box: Box, *, largest: float, readable: float,
             max_lines: int = 2) -> FittedText:
    """Break and size the text so that all of it fits the box: never cut off.

    One line while that stays at ``readable`` points or more, else the break into up to
    ``max_lines`` lines that allows the largest size; that size may go below ``readable``
    (a 60-character name in one word shrinks until it fits).
    """
    words = text.split()
    best: FittedText | None = None
    for count in range(1, max_lines + 1):
        if count > 1 and len(words) < count:
            break
        size, lines = max((_size_for(font, split, box, largest), split)
                          for split in _splits(words, count))
        if best is None or size > best.size:
            best = FittedText(lines, size, size * LEADING)
        if best.size >= readable:
            break
    assert best is not None
    return best
