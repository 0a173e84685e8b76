"""The stamps a receiving office puts on a document's first page, taken out before OCR reads the page.

An office that receives a document stamps a framed box on it (``ĐẾN``, with the hour, the day and its own
number written in by hand) beside the header, often against the subject's lines. Tesseract's layout takes
the box, its handwriting and the subject beside it for one picture and reads none of them (a Prime
Minister's decision lost its whole subject), or runs the box's words into the subject (``bếtz sau``). None
of the box is the sender's: its frame and what stands inside it are taken out of the page's image, and
read on their own (``archive/ocr.py``) for the record of what the receiver stamped (``received``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

INK = 128  # a pixel this dark is ink
TOP = 0.45  # a received stamp stands in the top of the first page, above the body
# A stamp's frame: this wide and tall (inches; the ``ĐẾN`` boxes of the real set are 1.8-1.9 by 0.75-0.9,
# Nghị định 30's is 50 by 30 mm; a ``MẬT`` or ``KHẨN`` mark's box, 8 mm tall, is a field and is kept), each
# of its four sides a rule inked along this share of the frame at least (a seal's ring touches its box's
# sides only at their middles; a worn side is broken, the real set's dotted one 0.8).
WIDTH, HEIGHT = (1.2, 3.5), (0.55, 1.6)
SIDES = 0.7
SIDE_BAND = 0.35  # a side's rule is looked for in the outer band of the box, this share of its width or height
JOIN = 1 / 60  # inches: a scan's broken or dotted rule is joined again over gaps this wide
SKEW = 1 / 30  # inches: a tilted scan spreads a rule over this many rows


def frames(image: Image.Image, dpi: float) -> list[tuple[int, int, int, int]]:
    """The stamps' frames in the top of the page (``image``, greyscale): each (left, top, right, bottom)."""
    import cv2
    import numpy as np

    pixels = np.asarray(image.convert("L"))
    top = round(pixels.shape[0] * TOP)
    if top < HEIGHT[0] * dpi:  # a page too short to hold a stamp (a sliver of a scan)
        return []
    join = max(3, round(dpi * JOIN))
    ink = cv2.dilate((pixels[:top] < INK).astype(np.uint8), np.ones((join, join), np.uint8))
    count, label, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return [frame for n in range(1, count) if (frame := _frame(label, n, stats[n][:4], dpi))]


def whitened(image: Image.Image, found: list[tuple[int, int, int, int]]) -> Image.Image:
    """``image`` with each frame of ``found`` and all that stands inside it made white; the image itself
    where there is none. Only the frame's own rectangle is whitened: a subject's letter that reaches into
    its corner (``Về``) is one stroke with it, and is kept outside."""
    import numpy as np
    from PIL import Image as Pillow

    if not found:
        return image
    pixels = np.asarray(image.convert("L")).copy()
    for left, top, right, bottom in found:
        pixels[top:bottom + 1, left:right + 1] = 255
    return Pillow.fromarray(pixels)


def _frame(label, number: int, box, dpi: float) -> tuple[int, int, int, int] | None:
    """The rectangle (left, top, right, bottom) of the frame that stroke ``number`` of ``label`` (the
    page's top, its strokes' breaks joined) draws in ``box`` (its x, y, width, height, which may hold
    what touches the frame), where it is a stamp's: a rule on each of its four sides (``SIDES``), of a stamp's size;
    None otherwise. Only the stroke's own ink counts: a seal's ring around a subject's lines has them for
    rules across it, but not of its own stroke."""
    x, y, width, height = (int(v) for v in box)
    if not (WIDTH[0] * dpi <= width <= (WIDTH[1] + 1) * dpi and HEIGHT[0] * dpi <= height <= (HEIGHT[1] + 1) * dpi):
        return None
    own = label[y:y + height, x:x + width] == number
    band = max(3, round(dpi * SKEW))
    top = _rule(own, round(height * SIDE_BAND), band)[0]
    bottom = height - 1 - _rule(own[::-1], round(height * SIDE_BAND), band)[0]
    left = _rule(own.T, round(width * SIDE_BAND), band)[0]
    right = width - 1 - _rule(own.T[::-1], round(width * SIDE_BAND), band)[0]
    if not (WIDTH[0] * dpi <= right - left <= WIDTH[1] * dpi and HEIGHT[0] * dpi <= bottom - top <= HEIGHT[1] * dpi):
        return None
    inner = own[top:bottom + 1, left:right + 1]  # each side's share counted along the frame, not the box
    if min(_rule(side, 1, band)[1] for side in (inner, inner[::-1], inner.T, inner.T[::-1])) < SIDES:
        return None
    return x + left, y + top, x + right, y + bottom


def _rule(own, within: int, band: int) -> tuple[int, float]:
    """Where, in ``own``'s first ``within`` rows, the outermost rule across it starts (a band of ``band``
    rows: a scan's tilt spreads a rule over a few), and the share of the width it inks: the first band
    inked along ``SIDES`` of it (a dashed frame's rule inks less than the line inside it), else the best."""
    shares = [own[row:row + band].any(axis=0).mean() for row in range(max(1, within))]
    best = next((row for row, share in enumerate(shares) if share >= SIDES), None)
    if best is None:
        best = max(range(len(shares)), key=shares.__getitem__)
    return best, float(shares[best])
