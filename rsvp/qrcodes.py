"""QR codes for check-in, drawn by segno (a maintained encoder, no image library needed)."""

import io

import segno


def qr_png(data: str, *, scale: int = 6) -> bytes:
    """The code as a PNG, with the four-module quiet zone scanners need."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(data: str) -> str:
    """The code as an inline SVG element without a size of its own: the page or the badge
    gives it one in CSS (a viewBox scales without blur when printed)."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(
        buffer, kind="svg", border=4, xmldecl=False, svgns=True, nl=False, omitsize=True)
    return buffer.getvalue().decode("utf-8")
