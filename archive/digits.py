"""The number and the day of a scanned header, read again by a pass that knows they are digits.

On the state's scans the number (``Số: 981 /QĐ-TTg``) and the day (``ngày 14 tháng 9``) are written by
hand in blanks left for them, and the page's own reading takes them for letters or runs them into their
label (``Số:384``, ``ngày44``). Their place is known from the printed words around them: after ``Số:``
and before the ``/`` of the symbol, after ``ngày`` and before ``tháng``. That box is cut out and read
as one line of digits alone; what it reads replaces the words between. It stays a proposal
like every value OCR reads (``archive/proposals.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from statistics import median
from typing import TYPE_CHECKING

from docgen.text import fold

if TYPE_CHECKING:
    from PIL import Image

    from archive.ocr import Word

ALLOWED = "0123456789"
# The box is read as at 300 dpi (a 200 dpi scan's enlarged half as large again): enlarged more, the
# handwritten digits grow past the height Tesseract reads best (``981`` read ``3`` at 900 dpi).
DPI = 300
HEADER = 0.3  # the header stands in the top of its page
RULE_INK, RULE_SHARE = 128, 0.5  # a row of the box this much dark is a rule, not a digit
# The number's label as OCR reads it (``Số:``, ``S6:``, ``Sô``), and the day's (``ngày``).
_NUMBER_LABEL = re.compile(r"^s[o6][:;.,]?", re.IGNORECASE)
_DAY_LABEL = re.compile(r"^ngay", re.IGNORECASE)
# What follows the number: the state's ``/QĐ-TTg`` (its slash read or lost), the Party's ``-HD/TU``.
_SYMBOL_REST = re.compile(r"^(?:[/|l1]?[A-ZĐÐ][A-Za-zĐđÐ]{0,7}[-–]|[-–][A-ZĐÐ])")
_RUN_ON = re.compile(r"^([^/]+)(/[A-ZĐÐ][A-Za-zĐđÐ]{0,7}[-–].*)$")  # ``384/QĐ-TTg`` read as one word
Reader = Callable[["Image.Image", str], list["Word"]]


def _rows(words: list[Word]) -> list[list[Word]]:
    """Words in rows by where they stand (a text layer may put a label and its blank's neighbour on two
    lines of its own), top to bottom, each left to right."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.top + w.height / 2):
        middle = word.top + word.height / 2
        if rows and rows[-1][0].top <= middle <= rows[-1][0].top + rows[-1][0].height:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: w.left) for row in rows]


def _split_run_on(row: list[Word]) -> list[Word]:
    """A symbol OCR ran into the number before it (``Z@o/QĐ-TTg``) as two words, cut where its slash is."""
    split = []
    for word in row:
        match = _RUN_ON.match(word.text)
        if not match or match[1].isdigit():  # a number read as printed (``1039/QĐ-UBND``) stands as it is
            split.append(word)
            continue
        cut = round(word.width * len(match[1]) / len(word.text))
        split += [replace(word, text=match[1], width=cut), replace(word, text=match[2], left=word.left + cut,
                                                                    width=word.width - cut)]
    return split


def _label_end(word: Word, label: re.Pattern[str]) -> int | None:
    """Where the label ends inside ``word`` (its text may run on into the digits: ``Số:384``)."""
    match = label.match(fold(word.text))
    if not match:
        return None
    return word.left + round(word.width * match.end() / max(len(word.text), 1))


def _blank(line: list[Word], label: re.Pattern[str], after: Callable[[Word], bool]) -> tuple[int, int, int] | None:
    """The blank between a label and the word that follows it: (start, end, index of the label)."""
    for index, word in enumerate(line):
        start = _label_end(word, label)
        if start is None:
            continue
        for following in line[index + 1:index + 4]:
            if after(following):
                return start, following.left, index
    return None


def _without_rules(crop: Image.Image) -> Image.Image:
    """The box without the rules that cross it (the line under the motto, a dotted blank): rows mostly ink."""
    import numpy as np
    from PIL import Image as Pillow

    pixels = np.asarray(crop.convert("L")).copy()
    pixels[(pixels < RULE_INK).mean(axis=1) > RULE_SHARE] = 255
    return Pillow.fromarray(pixels)


def _read_box(page: Image.Image, line: list[Word], x0: int, x1: int, name: str, read: Reader,
              scale: float) -> Word | None:
    """The digits in the blank from ``x0`` to ``x1`` (not wider: the label's ``ố`` or colon, cut into, reads
    as a digit, ``621`` for ``21``)."""
    height = round(median(w.height for w in line))  # the printed words': a handwritten one may be tall
    top, bottom = min(w.top for w in line) - height // 2, max(w.top + w.height for w in line) + height // 4
    start = max(0, x0)
    if x1 - start < height // 2:
        return None
    crop = _without_rules(page.crop((start, max(0, top), x1, min(page.height, bottom))))
    if scale > 1:
        crop = crop.resize((round(crop.width * scale), round(crop.height * scale)))
    found = [w for w in read(crop, name) if w.text.isdigit()]
    if not found:
        return None
    text = "".join(w.text for w in found)
    return replace(line[0], text=text, conf=min(w.conf for w in found), left=start, top=top, width=x1 - start,
                   height=bottom - top)


def _replace(line: list[Word], index: int, x1: int, digits: Word, label: re.Pattern[str]) -> list[Word]:
    """The line with the words between the label and ``x1`` replaced by ``digits``, the label cut to itself."""
    word = line[index]
    match = label.match(fold(word.text))
    kept = replace(word, text=word.text[:match.end()] if match else word.text)
    return [*line[:index], kept, digits, *(w for w in line[index + 1:] if w.left >= x1)]


def _read_as_number(row: list[Word], index: int, end: int, label: re.Pattern[str]) -> Word | None:
    """The number the page's own reading put alone in the blank (``Số: 1039 /QĐ-UBND``, ``97 34``), as one word."""
    match = label.match(fold(row[index].text))
    inside = row[index].text[match.end():] if match else ""
    words = [w for w in row[index + 1:] if w.left < end]
    between = inside + "".join(w.text for w in words)
    if not (between.isascii() and between.isdigit()):
        return None
    first = words[0] if words else row[index]
    return replace(first, text=between, conf=min(w.conf for w in words or [first]))


def reread(page: Image.Image, words: list[Word], read: Reader, dpi: float = DPI) -> list[Word]:
    """``words`` with the header's number and day blanks read again as digits, where they are found: the
    first of each in the top of the page (the body's ``số``/``ngày`` are printed, and are the body's).
    ``dpi``: the page image's resolution."""
    rows = _rows(words)
    passes = [(_NUMBER_LABEL, lambda w: bool(_SYMBOL_REST.match(w.text)), 99_999),
              (_DAY_LABEL, lambda w: fold(w.text).startswith("thang"), 31)]
    for at, row in enumerate(rows):
        if row[0].top > page.height * HEADER:
            break
        row = _split_run_on(row)
        for label, after, limit in list(passes):
            blank = _blank(row, label, after)
            if blank is None:
                continue
            passes.remove((label, after, limit))
            start, end, index = blank
            digits = _read_as_number(row, index, end, label)  # printed, or read as a number: it stands
            if digits is None or not 0 < int(digits.text) <= limit:  # unless it cannot be (a day «44»)
                digits = _read_box(page, row, start, end, f"digits-{at}-{limit}", read, DPI / dpi)
            if digits is not None and 0 < int(digits.text) <= limit:
                row = _replace(row, index, end, digits, label)
        rows[at] = row
    return [word for row in rows for word in row]
