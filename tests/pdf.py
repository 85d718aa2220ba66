"""Reading printed PDFs back as a person and a scanner would: their text, where each letter
sits and how large, and each page as an image."""

import io
from dataclasses import dataclass

import pypdfium2
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LTChar, LTTextContainer
from PIL import Image, ImageStat


@dataclass(frozen=True)
class Letter:
    """One printed character: its page (from 0), font, size and bounding box in points."""

    page: int
    text: str
    font: str
    size: float
    x0: float
    y0: float
    x1: float
    y1: float


def text_of(pdf: bytes) -> str:
    return extract_text(io.BytesIO(pdf))


def letters(pdf: bytes) -> list[Letter]:
    found = []
    for number, page in enumerate(extract_pages(io.BytesIO(pdf))):
        for element in page:
            if not isinstance(element, LTTextContainer):
                continue
            for line in element:
                for char in getattr(line, "_objs", []):
                    if isinstance(char, LTChar):
                        found.append(Letter(number, char.get_text(), char.fontname, char.size,
                                            *char.bbox))
    return found


def page_count(pdf: bytes) -> int:
    return len(pypdfium2.PdfDocument(pdf))


def page_image(pdf: bytes, page: int = 0, scale: float = 2.0) -> Image.Image:
    """The page as PDFium draws it (Chrome's PDF engine), ``scale`` pixels per point."""
    document = pypdfium2.PdfDocument(pdf)
    return document[page].render(scale=scale).to_pil().convert("L")


def ink(image: Image.Image) -> float:
    """The share of the page that is printed on (dark pixels), 0 to 1."""
    histogram = image.histogram()
    return sum(histogram[:128]) / max(1, sum(histogram))


def spread(image: Image.Image) -> float:
    """The standard deviation of the grey levels: 0 for a blank page."""
    return ImageStat.Stat(image).stddev[0]
