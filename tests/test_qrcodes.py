"""QR codes read back by an independent decoder."""

import io

import zxingcpp
from PIL import Image

from rsvp.qrcodes import qr_png, qr_svg


def test_the_png_decodes_to_the_data_it_was_made_from():
    data = "WzEyMywiYWJjIl0.signature-part_-"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(data))))
    assert [code.text for code in decoded] == [data]


def test_the_svg_leaves_its_size_to_the_css_around_it():
    svg = qr_svg("code")
    assert svg.startswith("<svg") and "viewBox" in svg and "width=" not in svg
