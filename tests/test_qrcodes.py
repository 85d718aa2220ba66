"""QR codes read back by an independent decoder."""

import io
import re

import zxingcpp
from PIL import Image, ImageDraw

from rsvp.qrcodes import qr_png, qr_svg


def test_the_png_decodes_to_the_data_it_was_made_from():
    data = "WzEyMywiYWJjIl0.signature-part_-"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(data))))
    assert [code.text for code in decoded] == [data]


def test_the_svg_leaves_its_size_to_the_css_around_it():
    svg = qr_svg("code")
    assert svg.startswith("<svg") and "viewBox" in svg and "width=" not in svg


def test_the_svg_decodes_to_the_data_it_was_made_from():
    data = "WzEyMywiYWJjIl0.signature-part_-"
    decoded = zxingcpp.read_barcodes(_drawn(qr_svg(data)))
    assert [code.text for code in decoded] == [data]


def _drawn(svg: str, scale: int = 4) -> Image.Image:
    """The SVG's path (segno's: moves and horizontal runs of dark modules) drawn as pixels."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHh])([-\d. ]+)", re.search(r' d="([^"]+)"', svg)[1]):
        values = [float(n) for n in numbers.split()]
        if command in "Mm":
            x, y = (values[0], values[1]) if command == "M" else (x + values[0], y + values[1])
        else:
            end = values[0] if command == "H" else x + values[0]
            top = int(y - 0.5) * scale
            draw.rectangle([x * scale, top, end * scale - 1, top + scale - 1], fill=0)
            x = end
    return image
