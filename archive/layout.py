"""A page's words by position, put back into the order of the tables they stand in.

Producers lay the header and the closing table out as two columns. Some write a column at a time
(LibreOffice), others a baseline at a time across both columns (fpdf-like generators), so that text
in line order reads ``- Lưu Văn phòng Tỉnh ủy. Y Thanh Hà Niê Kdăm``. Reading by position makes
every producer look alike: the words are grouped into rows by their vertical extent, a row is cut
where a gap between words is a gap between columns, and a run of rows that hold two columns is
given back as its left column, then its right, as a two-column table is read. The line rules of
``archive/metadata.py`` then see one order, whoever made the PDF.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from archive.ocr import Word as OcrWord

# A gap wider than this many word heights, between words poppler put in different lines, is a gap
# between columns; wider than _WIDE, it is one wherever poppler put the words.
_GAP = 1.2
_WIDE = 3.0
# Within a table, a gap between its columns this many word heights wide cuts a row.
_MIN_GAP = 0.6
# A row more than this many row heights below the previous one is not the same table's.
_ROW_GAP = 4.0
# After this many words a row's middle and height are known.
_SETTLED = 6
# A line that opens the body: the header's left column ends before it.
_BODY = re.compile(r"^(Kính gửi|Căn cứ|Thực hiện|Hôm nay|Ngày \d)")


class Word(NamedTuple):
    """A word and its box, in points from the page's top left."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    line: int  # poppler's line: words it put apart are apart
    block: int = -1  # poppler's block: its lines are stacked, never one row (OCR's words: their own line's)


@dataclass
class Row:
    words: list[Word]
    parts: list[list[Word]] = field(default_factory=list)
    level: tuple[float, float] | None = None  # the row's middle and height, once its first words have settled them

    @property
    def top(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.y1 for w in self.words)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


_NUMBER = r'"(-?[\d.]+)"'
_TAG = re.compile(rf'<(?:(page|block|line) |word xMin={_NUMBER} yMin={_NUMBER} xMax={_NUMBER} yMax={_NUMBER}>'
                  r'([^<]*)</word>)')


def pages_of(xhtml: str) -> list[list[Word]]:
    """Every page's words from ``pdftotext -bbox-layout`` (read by pattern: an XML parser takes longer
    than poppler itself on a long document)."""
    pages: list[list[Word]] = []
    line = block = 0
    for match in _TAG.finditer(xhtml):
        if match[1] == "page":
            pages.append([])
        elif match[1] == "block":
            block += 1
        elif match[1] == "line":
            line += 1
        elif pages and match[6].strip():
            text = html.unescape(match[6]) if "&" in match[6] else match[6]
            pages[-1].append(Word(text.strip(), float(match[2]), float(match[3]), float(match[4]),
                                  float(match[5]), line, block))
    return pages


def _rows(words: list[Word]) -> list[Row]:
    """Words grouped by vertical overlap into rows, top to bottom, each row left to right. Words of
    a line the reader already knows stay in its row: on a skewed scan a long line's end stands a
    good part of a line higher than its start."""
    rows: list[Row] = []
    lines: dict[int, int] = {}  # the last row's poppler block → line
    known: dict[int, Row] = {}  # each line → its row
    for word in sorted(words, key=lambda w: ((w.y0 + w.y1) / 2, w.x0)):
        stacked = lines.get(word.block, word.line) != word.line and word.block >= 0
        if word.line in known and word.block >= 0:
            known[word.line].words.append(word)
            continue
        if rows and not stacked and _level(rows[-1], word):
            rows[-1].words.append(word)
        else:
            rows.append(Row([word]))
            lines = {}
        lines[word.block] = word.line
        known[word.line] = rows[-1]
    for row in rows:
        row.words.sort(key=lambda w: w.x0)
        row.parts = _cut(row.words)
    return rows


def _level(row: Row, word: Word) -> bool:
    """Whether ``word`` stands on the row's line: its middle near the row's (medians of the row's first
    words, so that a tall box, such as OCR's reading of a seal, does not stretch the row over the next line)."""
    if len(row.words) <= _SETTLED or not row.level:
        row.level = (median((w.y0 + w.y1) / 2 for w in row.words), median(w.y1 - w.y0 for w in row.words))
    middle, height = row.level
    return abs((word.y0 + word.y1) / 2 - middle) <= 0.5 * max(height, word.y1 - word.y0)


def _cut(words: list[Word]) -> list[list[Word]]:
    """A row cut at its column gaps."""
    parts = [[words[0]]]
    for before, word in pairwise(words):
        gap, height = word.x0 - before.x1, max(before.y1 - before.y0, word.y1 - word.y0, 1.0)
        if gap > _WIDE * height or (gap > _GAP * height and word.line != before.line):
            parts.append([])
        parts[-1].append(word)
    return parts


def _halves(row: Row) -> tuple[list[Word], list[Word]]:
    """A two-part row's left and right, cut at its widest gap."""
    gaps = [right[0].x0 - left[-1].x1 for left, right in pairwise(row.parts)]
    cut = gaps.index(max(gaps)) + 1
    return [w for part in row.parts[:cut] for w in part], [w for part in row.parts[cut:] for w in part]


@dataclass
class _Table:
    """A run of rows holding two columns: the left's right edge and the right's left edge so far."""

    left_edge: float
    right_edge: float
    left: list[str] = field(default_factory=list)
    right: list[str] = field(default_factory=list)
    bottom: float = 0.0
    height: float = 0.0

    def lines(self) -> list[str]:
        return self.left + self.right


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _cut_in(table: _Table, row: Row) -> tuple[list[Word], list[Word]] | None:
    """The row cut at the widest gap that lies between the table's columns, if there is one wide enough:
    a word's height between words of different lines, more within one line (a centred title's words).
    A mark with no letter or digit in the gap (OCR's ``-`` for a speck) bridges nothing and is left out."""
    height = median(w.y1 - w.y0 for w in row.words) or 1.0
    last = len(row.words) - 1
    real = [i for i, w in enumerate(row.words) if i in (0, last) or any(ch.isalnum() for ch in w.text)]
    best, cut = 0.0, None
    for i, j in pairwise(real):
        before, word = row.words[i], row.words[j]
        gap = word.x0 - before.x1
        wide = gap > (_MIN_GAP if word.line != before.line else _GAP) * height
        if before.x1 < table.right_edge and word.x0 > table.left_edge and gap > best and wide:
            best, cut = gap, (i, j)
    if cut is None:
        return None
    return row.words[:cut[0] + 1], row.words[cut[1]:]


def _join(table: _Table, row: Row) -> bool:
    """Put ``row`` into the table if it stands in its columns; False when the table has ended."""
    if row.top - table.bottom > _ROW_GAP * max(table.height, row.height):
        return False
    halves = _cut_in(table, row)
    if halves is not None:
        left, right = halves
        table.left.append(_text(left))
        table.right.append(_text(right))
        table.left_edge = max(table.left_edge, max(w.x1 for w in left))
        table.right_edge = min(table.right_edge, min(w.x0 for w in right))
    elif len(row.parts) > 1:
        return False
    elif row.x1 < table.right_edge and (row.x0 <= table.left_edge or
                                        row.x0 - table.left_edge < table.right_edge - row.x1):
        if _BODY.match(row.text):
            return False
        table.left.append(row.text)
    elif row.x0 > table.left_edge:
        table.right.append(row.text)
    else:
        return False
    table.bottom, table.height = row.bottom, max(table.height, row.height)
    return True


def _start(row: Row) -> _Table:
    left, right = _halves(row)
    return _Table(max(w.x1 for w in left), min(w.x0 for w in right), [_text(left)], [_text(right)],
                  row.bottom, row.height)


def page_lines(words: list[Word]) -> list[str]:
    """The page's text lines: rows top to bottom, a two-column run as its left column then its right."""
    lines: list[str] = []
    table: _Table | None = None
    for row in _rows(words) if words else []:
        if table is not None and _join(table, row):
            continue
        if table is not None:
            lines += table.lines()
            table = None
        if len(row.parts) > 1:
            table = _start(row)
        else:
            lines.append(row.text)
    if table is not None:
        lines += table.lines()
    return lines


# What OCR reads in a blank between columns (a speck, a seal's edge): no word of the page.
_SPECKS = set("_|~`‘’“”\"'^")


def ocr_words(lines: list[list[OcrWord]]) -> list[Word]:
    """OCR's words (``archive/ocr.py``, its lines already cut at wide gaps) as positioned words, specks
    left out so that they do not bridge the gap between two columns."""
    return [Word(word.text, word.left, word.top, word.left + word.width, word.top + word.height, word.line,
                 word.block) for line in lines for word in line if not set(word.text) <= _SPECKS]
