"""A small bar chart as a PNG, written without any imaging library.

The digest needs one picture: the week's documents by kind. A PNG is a zlib
stream of pixel rows; drawing bars needs nothing more, so vanthu does not pull
in a plotting stack for it. Labels stand in the table beside the chart, in the
same order and colours.
"""

from __future__ import annotations

import struct
import zlib

PALETTE = ((31, 78, 121), (192, 80, 77), (155, 187, 89), (128, 100, 162), (75, 172, 198),
           (247, 150, 70), (44, 77, 117), (119, 44, 42), (95, 117, 48), (77, 59, 98))
BACKGROUND, AXIS = (255, 255, 255), (90, 90, 90)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bar_chart(values: list[int], width: int = 480, height: int = 160) -> bytes:
    """Bars for ``values`` (left to right, colours of ``PALETTE``) on a white ground."""
    top = max(values, default=0) or 1
    slot = width // max(len(values), 1)
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter type: none
        for x in range(width):
            colour = BACKGROUND
            if y == height - 1:
                colour = AXIS
            elif values and x // slot < len(values):
                index = x // slot
                bar_height = round(values[index] / top * (height - 10))
                if slot // 6 <= x % slot < slot - slot // 6 and y >= height - 1 - bar_height:
                    colour = PALETTE[index % len(PALETTE)]
            row += bytes(colour)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + _chunk(b"IEND", b""))

