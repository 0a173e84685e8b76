"""The number and the day of a scanned header, read again by a pass that knows they are digits.

On the state's scans the number (``Số: 981 /QĐ-TTg``) and the day (``ngày 14 tháng 9``), in a ministry's
letters the month too (``ngày 02 tháng 4``), are written by hand in blanks left for them, and the page's
own reading takes them for letters or runs them into their label (``Số:384``, ``ngày44``). Their place is
known from the printed words around them: after ``Số:`` and before the ``/`` of the symbol, after ``ngày``
and before ``tháng``, after ``tháng`` and before ``năm``. That box is cut out and its handwriting taken
apart into glyphs (the strokes that stand together and are as tall as a digit: the label's colon, a
dotted blank and specks are not); the glyphs alone, on white, are read as one line of digits in a few
ways (two models, three sizes: Tesseract reads handwriting unsteadily, and drops or doubles digits), and
the reading given most often with as many digits as there are glyphs wins. A hand's ``1`` with a long
flag is read ``4`` by every model (``1114`` as ``4444``): a glyph of the hand read ``4`` that has no
crossbar (no row of its lower part inked across most of its width) is a ``1``. A number the page's own
reading gave stands (printed, or read as a number) if it has a digit for each glyph of its blank; else
the blank is read again (``1114`` read ``4``). What it reads replaces the words between.
It stays a proposal like every value OCR reads (``archive/proposals.py``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from statistics import median
from typing import TYPE_CHECKING

from docgen.text import fold

if TYPE_CHECKING:
    from PIL import Image

    from archive.ocr import Word

ALLOWED = "0123456789"
HEADER = 0.3  # the header stands in the top of its page
RULE_INK, RULE_SHARE = 128, 0.5  # a row of the box this much dark is a rule, not a digit
# The number's label as OCR reads it (``Số:``, ``S6:``, ``Sô``), and the day's (``ngày``).
_NUMBER_LABEL = re.compile(r"^s[o6][:;.,]?", re.IGNORECASE)
_DAY_LABEL = re.compile(r"^ngay", re.IGNORECASE)
_MONTH_LABEL = re.compile(r"^thang", re.IGNORECASE)  # a ministry's clerk writes the month by hand too
# What follows the number: the state's ``/QĐ-TTg`` (its slash read or lost), the Party's ``-HD/TU``.
_SYMBOL_REST = re.compile(r"^(?:[/|l1]?[A-ZĐÐ][A-Za-zĐđÐ]{0,7}[-–]|[-–][A-ZĐÐ])")
_RUN_ON = re.compile(r"^([^/]+)(/[A-ZĐÐ][A-Za-zĐđÐ]{0,7}[-–].*)$")  # ``384/QĐ-TTg`` read as one word
# A glyph is ink this dark, at least this share of the tallest glyph's height and this many pixels
# (a colon's dots, the dots of a blank, a speck are not); a glyph this many times as wide as the
# tallest is tall holds two digits written together (``11``).
GLYPH_INK, GLYPH_HEIGHT, GLYPH_PIXELS, DIGIT_WIDTH = 140, 0.5, 30, 0.8
# A 4's crossbar: a row of its lower part (from this share of its height to that) inked this share of its
# width without a break. A hand's 1 has its flag at the top and nothing across below.
CROSSBAR_ROWS, CROSSBAR = (0.35, 0.85), 0.8
# The ways the glyphs are read: (language, scale), the tallest glyph first brought to GLYPH_PIXELS_HIGH
# pixels whatever the scan's resolution and the hand's size. English's model reads handwritten digits
# better than the Vietnamese one, which still reads some it does not; each size reads some the others miss
# (measured on the real scans' blanks: bench/bench_real.py).
GLYPH_PIXELS_HIGH = 45
PASSES = (("eng", 1.0), ("vie", 1.5), ("eng", 0.75), ("vie", 1.0))
Reader = Callable[["Image.Image", str, str], list["Word"]]
# A second engine's reading of a blank as one line: its characters, each with its confidence (0 to 1).
Recognizer = Callable[["Image.Image"], list[tuple[str, float]]]
# The second engine's reading stands where it is the label and digits alone, each digit given with this
# confidence at least (on the real scans' blanks, bench/bench_real.py: its right readings came with 0.83 to
# 1.00, a wrong one with 0.80, letters among digits or digits read twice with less).
RECOGNIZED = 0.85
# Or where the blank cut alone and cut with its label read the same digits, each with this confidence at least
# (a province's hand ``22``: 0.72 and 0.82).
AGREED = 0.6
# Each cut is read again in a white margin this share of its height wide (a province's ``06`` touching its
# label, read 0.69 as cut and 0.94 in the margin; a school's pale ``22``, 0.42 and 0.85).
MARGIN = 0.1


@dataclass(frozen=True)
class Glyph:
    """A stroke or strokes that stand together: their box in the crop, and their own pixels in it."""

    left: int
    top: int
    right: int
    bottom: int
    mask: object  # numpy bool array of the box: the glyph's own pixels (a neighbour's are not)

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top


def _components(ink) -> list[Glyph]:
    """The ink's 8-connected components, left to right (a crop of a blank: a few thousand pixels)."""
    import numpy as np

    label = np.zeros(ink.shape, dtype=np.int32)
    found: list[Glyph] = []
    height, width = ink.shape
    for y, x in zip(*np.nonzero(ink), strict=True):
        if label[y, x]:
            continue
        number = len(found) + 1
        label[y, x], stack, points = number, [(y, x)], []
        while stack:
            cy, cx = stack.pop()
            points.append((cy, cx))
            for ny in (cy - 1, cy, cy + 1):
                for nx in (cx - 1, cx, cx + 1):
                    if 0 <= ny < height and 0 <= nx < width and ink[ny, nx] and not label[ny, nx]:
                        label[ny, nx] = number
                        stack.append((ny, nx))
        ys, xs = zip(*points, strict=True)
        top, left, bottom, right = min(ys), min(xs), max(ys) + 1, max(xs) + 1
        found.append(Glyph(left, top, right, bottom, label[top:bottom, left:right] == number))
    return sorted(found, key=lambda g: g.left)


def glyphs(crop: Image.Image) -> list[Glyph]:
    """The glyphs of a blank's crop that may be digits: as tall as a digit, not cut by its left edge (the
    label's last letter, cut into)."""
    import numpy as np

    every = _components(np.asarray(crop.convert("L")) < GLYPH_INK)
    tallest = max((g.height for g in every), default=0)
    return [g for g in every if g.height >= GLYPH_HEIGHT * tallest and g.left > 0
            and int(g.mask.sum()) >= GLYPH_PIXELS]


def digit_count(found: list[Glyph]) -> list[int]:
    """How many digits each glyph holds: one, or more where it is as wide as two written together."""
    tallest = max((g.height for g in found), default=1)
    return [max(1, round(g.width / (DIGIT_WIDTH * tallest))) for g in found]


def crossbar(glyph: Glyph) -> float:
    """The longest unbroken run of ink across a row of the glyph's lower part, as a share of its width."""
    best = 0
    for row in glyph.mask[int(glyph.height * CROSSBAR_ROWS[0]):int(glyph.height * CROSSBAR_ROWS[1]) + 1]:
        run = 0
        for inked in row:
            run = run + 1 if inked else 0
            best = max(best, run)
    return best / max(glyph.width, 1)


def ones_for_fours(text: str, found: list[Glyph]) -> str:
    """``text`` read from ``found``, each glyph read ``4`` that has no crossbar read ``1``; unchanged where
    the reading does not give each glyph its digits."""
    counts = digit_count(found)
    if len(text) != sum(counts):
        return text
    out, at = [], 0
    for glyph, count in zip(found, counts, strict=True):
        part = text[at:at + count]
        at += count
        out.append("1" if count == 1 and part == "4" and crossbar(glyph) < CROSSBAR else part)
    return "".join(out)


def _alone(crop: Image.Image, found: list[Glyph]) -> Image.Image:
    """The glyphs alone, black on white, with a margin (Tesseract reads a line badly at its image's edge)."""
    import numpy as np
    from PIL import Image as Pillow
    from PIL import ImageOps

    pixels = np.full((crop.height, crop.width), 255, dtype=np.uint8)
    for glyph in found:
        box = pixels[glyph.top:glyph.bottom, glyph.left:glyph.right]
        box[glyph.mask] = 0
    margin = max(10, crop.height // 3)
    return ImageOps.expand(Pillow.fromarray(pixels), margin, fill=255)


def _rows(words: list[Word]) -> list[list[Word]]:
    """Words in rows by where they stand (a text layer may put a label and its blank's neighbour on two
    lines of its own), top to bottom, each left to right; a column's piece of a row moved to the next row
    where it is that row's line (``_moved_down``)."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.top + w.height / 2):
        middle = word.top + word.height / 2
        if rows and rows[-1][0].top <= middle <= rows[-1][0].top + rows[-1][0].height:
            rows[-1].append(word)
        else:
            rows.append([word])
    rows = [sorted(row, key=lambda w: w.left) for row in rows]
    for at in range(len(rows) - 1):
        rows[at], rows[at + 1] = _moved_down(rows[at], rows[at + 1])
    return [row for row in rows if row]


def _moved_down(upper: list[Word], lower: list[Word]) -> tuple[list[Word], list[Word]]:
    """The two rows with the words of ``upper`` that stand in one column with ``lower``'s words (no
    column's gap between them) and on their line moved into ``lower``. A row is cut by the middle of its
    first word: the end of a subject's line in one column lands with the date's first and last words in the
    other (``câp``, ``Hà``, ``năm 2026``), ``Nội, ngày 02 tháng`` on a row of their own, and the date's blanks
    are lost between the two."""
    from archive.ocr import split_columns  # the page's own lines are cut into columns by the same gap

    if not upper or not lower:
        return upper, lower
    top, bottom = median(w.top for w in lower), median(w.top + w.height for w in lower)
    moved: list[Word] = []
    for piece in split_columns(sorted(upper + lower, key=lambda w: w.left)):
        if any(w in lower for w in piece):
            moved += [w for w in piece if w in upper and top <= w.top + w.height / 2 <= bottom]
    if not moved:
        return upper, lower
    return [w for w in upper if w not in moved], sorted(lower + moved, key=lambda w: w.left)


def _split_run_on(row: list[Word], digits_too: bool = False) -> list[Word]:
    """A symbol OCR ran into the number before it (``Z@o/QĐ-TTg``) as two words, cut where its slash is;
    a number read as one with it (``4039/QĐ-TTg``) too where ``digits_too`` (its blank is read again)."""
    split = []
    for word in row:
        match = _RUN_ON.match(word.text)
        if not match or (match[1].isdigit() and not digits_too):  # a number read as printed stands as it is
            split.append(word)
            continue
        cut = round(word.width * len(match[1]) / len(word.text))
        split += [replace(word, text=match[1], width=cut), replace(word, text=match[2], left=word.left + cut,
                                                                    width=word.width - cut)]
    return [part for word in split for part in _label_run_on(word)]


def _joined_again(row: list[Word], original: list[Word]) -> list[Word]:
    """The row with each pair of words that ``_split_run_on`` cut from one and that come out as they went in
    (the number read again the same: ``1039`` of ``1039/QĐ-UBND``) made that one word again, as printed."""
    out: list[Word] = []
    for word in row:
        whole = next((w for w in original if out and w.text == out[-1].text + word.text
                      and w.left == out[-1].left and w.left + w.width == word.left + word.width), None)
        if whole is not None:
            out[-1] = whole
        else:
            out.append(word)
    return out


def _label_run_on(word: Word) -> list[Word]:
    """A date's label OCR ran into the day before it (``ngày¿2tháng``) as two words, cut before the label
    (where, inside the word, is a guess by its letters' count, as for every run-on here)."""
    at = re.search(r"(?<=\S)(?=(?:thang|nam)$)", fold(word.text))
    if at is None or not _DAY_LABEL.match(fold(word.text)):
        return [word]
    cut = round(word.width * at.start() / len(word.text))
    return [replace(word, text=word.text[:at.start()], width=cut),
            replace(word, text=word.text[at.start():], left=word.left + cut, width=word.width - cut)]


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


def _crop(page: Image.Image, line: list[Word], x0: int, x1: int) -> tuple[Image.Image, int, int] | None:
    """The blank from ``x0`` to ``x1`` (not wider: the label's ``ố`` or colon, cut into, reads as a digit,
    ``621`` for ``21``), as tall as the printed words (a handwritten one may be taller), rules taken out;
    with its top and bottom in the page."""
    height = round(median(w.height for w in line))
    top, bottom = min(w.top for w in line) - height // 2, max(w.top + w.height for w in line) + height // 4
    start = max(0, x0)
    if x1 - start < height // 2:
        return None
    return _without_rules(page.crop((start, max(0, top), x1, min(page.height, bottom)))), top, bottom


def _vote(crop: Image.Image, found: list[Glyph], name: str, read: Reader) -> tuple[str, float] | None:
    """The glyphs read each way of ``PASSES``; the reading given most often with a digit for each glyph
    (its 1s told from 4s), and the lowest confidence it was given with."""
    alone, wanted = _alone(crop, found), sum(digit_count(found))
    scale = GLYPH_PIXELS_HIGH / max(g.height for g in found)
    readings: Counter[str] = Counter()
    confidence: dict[str, float] = {}
    for at, (language, factor) in enumerate(PASSES):
        size = scale * factor
        image = alone.resize((round(alone.width * size), round(alone.height * size)))
        words = [w for w in read(image, f"{name}-{at}", language) if w.text.isdigit()]
        text = "".join(w.text for w in words)
        if words and len(text) == wanted:
            text = ones_for_fours(text, found)
            readings[text] += 1
            confidence[text] = min(confidence.get(text, 100.0), *(w.conf for w in words))
    if not readings:
        return None
    text, _ = readings.most_common(1)[0]
    return text, confidence[text]


def _read_box(page: Image.Image, line: list[Word], x0: int, x1: int, name: str, read: Reader) -> Word | None:
    """The digits in the blank from ``x0`` to ``x1``, read from its glyphs."""
    cut = _crop(page, line, x0, x1)
    found = glyphs(cut[0]) if cut else []
    if not cut or not found:
        return None
    crop, top, bottom = cut
    voted = _vote(crop, found, name, read)
    if voted is None:
        return None
    start = max(0, x0)
    return replace(line[0], text=voted[0], conf=voted[1], left=start, top=top, width=x1 - start,
                   height=bottom - top)


def _checked(page: Image.Image, line: list[Word], x0: int, x1: int, digits: Word) -> Word | None:
    """A number the page's own reading gave, as it was read; None where it has fewer or more digits than
    the blank has glyphs (``1114`` read ``4``): the blank is read again. Its 4s are left as read: a printed
    italic 4, small and blurred, has no longer a crossbar than a hand's 1 has flag (bench/bench_real.py)."""
    cut = _crop(page, line, x0, x1)
    found = glyphs(cut[0]) if cut else []
    return None if found and sum(digit_count(found)) != len(digits.text) else digits


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


def _tesseract_digits(page: Image.Image, row: list[Word], blank: tuple[int, int, int], page_read: Word | None,
                      what: tuple[str, int], read: Reader) -> Word | None:
    """The blank's digits as Tesseract gives them: the page's own reading (``page_read``) where it put a
    number there with a digit for each glyph (printed, or read as a number), unless it cannot be (a day
    «44»); else the glyphs read again by the digits passes."""
    (start, end, _), (name, limit) = blank, what
    digits = page_read and _checked(page, row, start, end, page_read)
    if digits is None or not 0 < int(digits.text) <= limit:
        digits = _read_box(page, row, start, end, name, read) or page_read
    return digits


# What the second engine reads in a blank cut with its label: the label (``Số:``, ``ngày``, ``tháng``; its
# letters as that engine, without Vietnamese's stacked marks, gives them: ``S:``), then digits alone.
_LABELLED = re.compile(r"^\W*(?:s[o6]?|ngay|thang)?\W*(\d+(?: \d+)*)\W*$")


def _ones_joined(read: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The engine's reading with an ``H`` before a digit read as the two 1s a hand joined with a stroke
    (``1160`` read ``H60``, a minister's clerk's hand on the real set): in a number's blank, no letter."""
    return [part for at, (ch, confidence) in enumerate(read)
            for part in ([("1", confidence)] * 2 if ch == "H" and at + 1 < len(read) and read[at + 1][0].isdigit()
                         else [(ch, confidence)])]


def _recognized(page: Image.Image, row: list[Word], blank: tuple[int, int, int], recognize: Recognizer | None,
                limit: int) -> Word | None:
    """The blank as the second engine reads it, where it reads digits alone, surely, within ``limit``; else
    None (Tesseract's readings decide). It reads the blank cut twice: alone, and from its label's start (where
    a label ends inside a word of the page's reading is a guess: ``Số:ổ0`` holds the ``2`` of ``280``); and
    each cut as it is and in a white margin (``MARGIN``). Of the sure readings, the one with the more digits
    (a cut digit is a digit lost), then the surer; where none is sure, the digits both cuts read with
    ``AGREED`` at least."""
    start, end, index = blank
    readings: list[tuple[int, float, str, tuple[Image.Image, int, int], int]] = []
    for which, left in enumerate((start, row[index].left) if recognize else ()):
        cut = _crop(page, row, left, end)
        for image in (cut[0], _in_margin(cut[0])) if cut and recognize else ():
            read = _ones_joined(recognize(image))
            match = _LABELLED.match(fold("".join(ch for ch, _ in read)))
            text = match[1].replace(" ", "") if match else ""
            confidence = min((confidence for ch, confidence in read if ch.isdigit()), default=0.0)
            if text and 0 < int(text) <= limit:
                readings.append((len(text), confidence, text, cut, which))
    sure = [reading for reading in readings if reading[1] >= RECOGNIZED]
    if not sure:
        agreed = [reading for reading in readings if reading[1] >= AGREED]
        sure = [reading for reading in agreed if {other[4] for other in agreed if other[2] == reading[2]} == {0, 1}]
    if not sure:
        return None
    _, confidence, text, (_, top, bottom), _ = max(sure, key=lambda reading: reading[:2])
    return replace(row[0], text=text, conf=round(confidence * 100, 1), left=max(0, start), top=top,
                   width=end - max(0, start), height=bottom - top)


def _in_margin(crop: Image.Image) -> Image.Image:
    """The crop in a white margin ``MARGIN`` of its height wide: the engine was trained on lines cut with
    room around them, and reads a hand's digits that touch the cut's edges less surely."""
    from PIL import ImageOps

    return ImageOps.expand(crop, round(crop.height * MARGIN), fill=255)


def reread(page: Image.Image, words: list[Word], read: Reader, recognize: Recognizer | None = None, *,
           printed: bool = False) -> list[Word]:
    """``words`` with the header's number and day blanks read again as digits, where they are found: the
    first of each in the top of the page (the body's ``số``/``ngày`` are printed, and are the body's).
    ``recognize``, a second engine that reads handwriting (``archive/recognizer.py``), is asked first: what
    it reads surely as digits stands; else Tesseract's page reading and its digits passes decide.
    ``printed``: ``words`` are a text layer's, whose numbers stand (only the blanks left empty are read)."""
    rows = _rows(words)
    passes = [(_NUMBER_LABEL, lambda w: bool(_SYMBOL_REST.match(w.text)), 99_999),
              (_DAY_LABEL, lambda w: fold(w.text).startswith("thang"), 31),
              (_MONTH_LABEL, lambda w: fold(w.text).startswith("nam"), 12)]
    for at, row in enumerate(rows):
        if row[0].top > page.height * HEADER:
            break
        original, row = row, _split_run_on(row, digits_too=recognize is not None and not printed)
        for label, after, limit in list(passes):
            blank = _blank(row, label, after)
            if blank is None:
                continue
            passes.remove((label, after, limit))
            _, end, index = blank
            page_read = _read_as_number(row, index, end, label)
            digits = None if printed and page_read else _recognized(page, row, blank, recognize, limit)
            if digits is None:
                digits = _tesseract_digits(page, row, blank, page_read, (f"digits-{at}-{limit}", limit), read)
            elif page_read and page_read.text == digits.text:  # the page's own word, where both agree
                digits = page_read
            if digits is not None and 0 < int(digits.text) <= limit:
                row = _replace(row, index, end, digits, label)
        rows[at] = _joined_again(row, original)
    return [word for row in rows for word in row]
