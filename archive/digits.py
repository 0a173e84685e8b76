"""The number and the day of a scanned header, read again by a pass that knows they are digits.

On the state's scans the number (``Số: 981 /QĐ-TTg``) and the day (``ngày 14 tháng 9``) are written by
hand in blanks left for them, and the page's own reading takes them for letters or runs them into their
label (``Số:384``, ``ngày44``). Their place is known from the printed words around them: after ``Số:``
and before the ``/`` of the symbol, after ``ngày`` and before ``tháng``. That box is cut out, enlarged
and read as one line of digits alone; what it reads replaces the words between. It stays a proposal
like every value OCR reads (``archive/proposals.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from docgen.text import fold

if TYPE_CHECKING:
    from PIL import Image

    from archive.ocr import Word

ALLOWED = "0123456789"
SCALE = 3
HEADER = 0.3  # the header stands in the top of its page
# The number's label as OCR reads it (``Số:``, ``S6:``, ``Sô``), and the day's (``ngày``).
_NUMBER_LABEL = re.compile(r"^s[o6][:;.,]?", re.IGNORECASE)
_DAY_LABEL = re.compile(r"^ngay", re.IGNORECASE)
_SYMBOL_REST = re.compile(r"^[/|l1\-–]?[A-ZĐÐ]")  # ``/QĐ-TTg``, ``-HD/TU`` (its slash read or lost)
Reader = Callable[["Image.Image", str], list["Word"]]


def _by_line(words: list[Word]) -> dict[int, list[Word]]:
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    return {key: sorted(line, key=lambda w: w.left) for key, line in lines.items()}


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


def _read_box(page: Image.Image, line: list[Word], x0: int, x1: int, name: str, read: Reader) -> Word | None:
    height = max(w.height for w in line)
    top, bottom = min(w.top for w in line) - height, max(w.top + w.height for w in line) + height // 4
    if x1 - x0 < height // 2:
        return None
    crop = page.crop((max(0, x0), max(0, top), x1, min(page.height, bottom)))
    crop = crop.resize((crop.width * SCALE, crop.height * SCALE))
    found = [w for w in read(crop, name) if w.text.isdigit()]
    if not found:
        return None
    text = "".join(w.text for w in found)
    return replace(line[0], text=text, conf=min(w.conf for w in found), left=x0, top=top, width=x1 - x0,
                   height=bottom - top)


def _replace(line: list[Word], index: int, x1: int, digits: Word, label: re.Pattern[str]) -> list[Word]:
    """The line with the words between the label and ``x1`` replaced by ``digits``, the label cut to itself."""
    word = line[index]
    match = label.match(fold(word.text))
    kept = replace(word, text=word.text[:match.end()] if match else word.text)
    return [*line[:index], kept, digits, *(w for w in line[index + 1:] if w.left >= x1)]


def reread(page: Image.Image, words: list[Word], read: Reader) -> list[Word]:
    """``words`` with the header's number and day blanks read again as digits, where they are found: the
    first of each in the top of the page (the body's ``số``/``ngày`` are printed, and are the body's)."""
    lines = _by_line(words)
    passes = [(_NUMBER_LABEL, lambda w: bool(_SYMBOL_REST.match(w.text)), 5),
              (_DAY_LABEL, lambda w: fold(w.text).startswith("thang"), 2)]
    for key, line in sorted(lines.items(), key=lambda item: min(w.top for w in item[1])):
        if min(w.top for w in line) > page.height * HEADER:
            break
        for label, after, limit in list(passes):
            blank = _blank(line, label, after)
            if blank is None:
                continue
            passes.remove((label, after, limit))
            start, end, index = blank
            digits = _read_box(page, line, start, end, f"digits-{key}-{limit}", read)
            if digits is not None and len(digits.text) <= limit:
                line = _replace(line, index, end, digits, label)
        lines[key] = line
    return [word for line in lines.values() for word in line]
