"""QR codes for check-in, drawn by segno (a maintained encoder, no image library needed)."""

import io
import struct
import zlib
from functools import lru_cache

import segno

#: Light modules a scanner needs around the code, on every side.
QUIET_ZONE = 4


def qr_png(data: str, *, scale: int = 6) -> bytes:
    """The code as a PNG (1-bit greyscale), with the four-module quiet zone scanners need.

    Every confirmation of an acceptance carries one, drawn in the sender thread beside the
    answers. The mask is fixed, as for the badges (``qr_matrix``): segno scores all eight
    otherwise, four fifths of its time. And the rows are packed here rather than by segno's
    PNG writer, which goes pixel by pixel in Python; the pixels are the ones it would write.
    """
    matrix = segno.make(data, error="m", micro=False, mask=0).matrix
    width = (len(matrix) + 2 * QUIET_ZONE) * scale
    pad = "0" * (-width % 8)
    margin = "1" * (QUIET_ZONE * scale)
    dark, light = "0" * scale, "1" * scale

    def line(bits: str) -> bytes:
        # Filter type 0, then the row's pixels, 1 light, 8 to a byte.
        return b"\0" + int(bits + pad, 2).to_bytes((width + len(pad)) // 8, "big")

    blank = [line("1" * width)] * (QUIET_ZONE * scale)
    rows = [line(margin + "".join(dark if module else light for module in row) + margin)
            for row in matrix]
    pixels = b"".join([*blank, *(row for row in rows for _ in range(scale)), *blank])
    header = struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)
    return b"".join((b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header),
                     _chunk(b"IDAT", zlib.compress(pixels, 9)), _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@lru_cache(maxsize=1024)
def qr_svg(data: str) -> str:
    """The code as an inline SVG element without a size of its own: the page or the badge
    gives it one in CSS (a viewBox scales without blur when printed).

    The invitee's page shows their door code on every visit once they have a place, so the
    drawings are kept (a few kilobytes each), and the mask is fixed as for the PNG.
    """
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False, mask=0).save(
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
