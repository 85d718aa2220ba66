"""QR codes for check-in, drawn by segno (a maintained encoder, no image library needed)."""

import io

import segno

#: Light modules a scanner needs around the code, on every side.
QUIET_ZONE = 4


def qr_png(data: str, *, scale: int = 6) -> bytes:
    """The code as a PNG, with the four-module quiet zone scanners need."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=scale,
                                                  border=QUIET_ZONE)
    return buffer.getvalue()


def qr_svg(data: str) -> str:
    """The code as an inline SVG element without a size of its own: the page or the badge
    gives it one in CSS (a viewBox scales without blur when printed)."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(
        buffer, kind="svg", border=QUIET_ZONE, xmldecl=False, svgns=True, nl=False, omitsize=True)
    return buffer.getvalue().decode("utf-8")


def qr_matrix(data: str) -> tuple[bytearray, ...]:
    """The code's modules, rows from the top, 1 dark, without the quiet zone around them.

    For printing thousands (the badges): the mask is fixed instead of chosen by scoring
    all eight, which takes segno five times as long; any mask is a valid code, and the tests
    read the printed ones back with an independent decoder.
    """
    code = segno.make(data, error="m", micro=False, mask=0, boost_error=False)
    return code.matrix
