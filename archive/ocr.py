"""Reading a scanned page: its image taken out (or the page rendered) by poppler, read by Tesseract's Vietnamese model.

Tesseract is run directly (``tesseract … tsv``) rather than through ocrmypdf: the archive keeps the
original file byte for byte and needs no OCR'd copy, but it needs every word's confidence, so that
what OCR reads is a proposal unless it is sure (``archive/proposals.py``). A line that Tesseract
runs across both columns of a header (``THỦ TƯỚNG CHÍNH PHỦ  CỘNG HÒA XÃ HỘI …``) is cut at the
wide gap between them, so that the two columns stay two lines.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

from archive import digits, recognizer, stamps, vocabulary
from docgen.text import canonical, fold

if TYPE_CHECKING:  # numpy and Pillow are imported where a page is read: a worker that reads no scan maps neither
    from PIL import Image

RENDER_DPI = 300
# An image this wide, as a share of its page, is the scan of the page.
COVERS = 0.8
# A pixel this much redder than it is green or blue is a seal's ink, not the text's.
SEAL_RED = 60
# A gap wider than this many line heights between two words is the gap between two columns.
COLUMN_GAP = 3.0
# The lines read again alone: the first page's top (its header and subject) and, from ``Nơi nhận:`` down, the
# lines that start in the page's right part (the signing column); a line's cut, its margin in pixels.
FIELDS_TOP, SIGNING_COLUMN, LINE_MARGIN = 0.4, 0.4, 12


class OcrFailed(Exception):
    """A page could not be read by OCR; ``reason`` says why, in Vietnamese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Word:
    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    block: int = -1  # Tesseract's block and paragraph, and its line: lines of one block are stacked
    line: int = -1


@dataclass
class OcrPage:
    number: int
    lines: list[list[Word]]
    seconds: float
    received: list[str] = field(default_factory=list)  # the lines of the stamps taken out of the page

    @property
    def text(self) -> str:
        return "\n".join(" ".join(word.text for word in line) for line in self.lines)


def available() -> bool:
    return all(shutil.which(tool) for tool in ("tesseract", "pdftoppm", "pdfimages"))


def _run(command: list[str], deadline: float, page: int) -> bytes:
    """One step of reading ``page``, within what is left of its time."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise OcrFailed(f"trang {page}: quá thời gian nhận dạng chữ (OCR)")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core per worker: the workers are the parallelism
    try:
        done = subprocess.run(command, capture_output=True, timeout=left, check=False, env=env)
    except subprocess.TimeoutExpired as exc:
        raise OcrFailed(f"trang {page}: quá thời gian nhận dạng chữ (OCR)") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise OcrFailed(f"trang {page}: không nhận dạng được chữ ({command[0]}: {detail[0]})")
    return done.stdout


def _words(tsv: str) -> list[tuple[tuple[int, int, int], Word]]:
    """(block, paragraph, line) and the word, for every word Tesseract read."""
    found = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        left, top, width, height = (int(value) for value in cells[6:10])
        block = int(cells[2]) * 1000 + int(cells[3])
        line = block * 1000 + int(cells[4])
        word = Word(cells[11].strip(), max(0.0, float(cells[10])), left, top, width, height, block, line)
        found.append(((int(cells[2]), int(cells[3]), int(cells[4])), word))
    return found


def split_columns(line: list[Word]) -> list[list[Word]]:
    """A line cut where the gap between two words is a gap between columns."""
    height = median(word.height for word in line) or 1
    parts = [[line[0]]]
    for before, word in pairwise(line):
        if word.left - (before.left + before.width) > COLUMN_GAP * height:
            parts.append([])
        parts[-1].append(word)
    return parts


def _render(pdf: Path, page: int, work: Path, deadline: float, dpi: int, *, stamps: bool = False) -> Path:
    """The page drawn as its paper shows, without what signing tools stamped over it (their boxes, seals
    and words are annotations: ``-hide-annotations``) unless ``stamps``, in colour so that a red seal can
    be told from ink."""
    image = work / f"page-{dpi}"
    hide = [] if stamps else ["-hide-annotations"]
    _run(["pdftoppm", "-r", str(dpi), "-png", *hide, "-singlefile", "-f", str(page), "-l", str(page),
          str(pdf), str(image)], deadline, page)
    return image.with_suffix(".png")


def _scan_image(pdf: Path, page: int, work: Path, deadline: float, width: float) -> tuple[Path, float] | None:
    """The scan itself and its resolution, when the page draws one image covering it (as scanners write it):
    what the scanner saw, without what was drawn over it since (a portal's box, its words, a stamp)."""
    listing = _run(["pdfimages", "-list", "-f", str(page), "-l", str(page), str(pdf)], deadline, page)
    best: tuple[int, int, float] | None = None
    for row in listing.decode("utf-8", "replace").splitlines()[2:]:
        cells = row.split()
        if len(cells) < 14 or cells[2] != "image" or not cells[12].replace(".", "").isdigit():
            continue
        number, pixels, ppi = int(cells[1]), int(cells[3]) * int(cells[4]), float(cells[12])
        if ppi and int(cells[3]) / ppi * 72 >= COVERS * width and (best is None or pixels > best[1]):
            best = (number, pixels, ppi)
    if best is None:
        return None
    _run(["pdfimages", "-png", "-f", str(page), "-l", str(page), str(pdf), str(work / "img")], deadline, page)
    image = work / f"img-{best[0]:03d}.png"
    return (image, best[2]) if image.exists() else None


def _clean(path: Path, scale: float = 1.0) -> Image.Image:
    """The page as Tesseract reads it best: a red seal's ink taken out (it covers the signer's title and
    the issuer's last letters), grey, upscaled where the scan is coarse."""
    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(path).convert("RGB")).astype(np.int16)
    red = (rgb[..., 0] - np.maximum(rgb[..., 1], rgb[..., 2])) > SEAL_RED
    grey = (0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]).astype(np.uint8)
    grey[red] = 255
    image = Image.fromarray(grey)  # no median filter: on a 1-bit scan it rubs out the diacritics (``hồ`` for ``hỗ``)
    if scale != 1.0:
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BICUBIC)
    return image


def _tesseract(image: Image.Image, work: Path, name: str, deadline: float, page: int,
               options: tuple[str, ...] = (), language: str = "vie") -> str:
    path = work / f"{name}.png"
    image.save(path)
    return _run(["tesseract", str(path), "stdout", "-l", language, *options, "tsv"], deadline, page).decode(
        "utf-8", "replace")


def _placed(words: list[Word], x: int, y: int, scale: float, block: int) -> list[Word]:
    """Words read in a crop (upscaled ``scale`` times) put back in the page's pixels, their blocks apart."""
    return [replace(w, left=x + round(w.left / scale), top=y + round(w.top / scale), width=round(w.width / scale),
                    height=round(w.height / scale), block=block + w.block, line=block * 1000 + w.line)
            for w in words]


def _header_read(page: Image.Image, words: list[Word], work: Path, deadline: float, number: int, *,
                 printed: bool = False) -> list[Word]:
    """The page's words, the header's number and day read again by a digits pass (``archive/digits.py``)."""
    options = ("--psm", "7", "-c", f"tessedit_char_whitelist={digits.ALLOWED}")
    installed = languages()

    def read(crop: Image.Image, name: str, language: str) -> list[Word]:
        # English's model, trained on far more digits, where it is installed; else the Vietnamese one
        return _words_of(_tesseract(crop, work, name, deadline, number, options,
                                    language if language in installed else "vie"))

    return digits.reread(page, words, read, recognizer.read_line if recognizer.available() else None,
                         printed=printed)


def _recipients_top(lines: list[list[Word]]) -> int | None:
    """Where the signing block starts: the top of the ``Nơi nhận:`` label's line, or None."""
    for line in lines:
        if fold("".join(word.text for word in line[:2])).startswith("noinhan"):
            return min(word.top for word in line)
    return None


def _read_by(word: Word, others: list[Word]) -> bool:
    """Whether ``word`` stands where one of ``others`` was read: its centre in that word's box (two lines'
    boxes touch, a tall letter's reaches into the line above)."""
    x, y = word.left + word.width / 2, word.top + word.height / 2
    return any(o.left <= x <= o.left + o.width and o.top <= y <= o.top + o.height for o in others)


def _after(lines: list[list[Word]], line: list[Word]) -> int:
    """Where ``line`` goes among ``lines``: after the lowest line above it in its column (else at the end)."""
    left, right, top = min(w.left for w in line), max(w.left + w.width for w in line), min(w.top for w in line)
    above = [at for at, other in enumerate(lines) if max(w.top for w in other) < top
             and min(w.left for w in other) < right and left < max(w.left + w.width for w in other)]
    return max(above, key=lambda at: max(w.top for w in lines[at])) + 1 if above else len(lines)


def _signing_read(page: Image.Image, lines: list[list[Word]], work: Path, deadline: float, number: int,
                  dpi: float) -> list[list[Word]]:
    """The page's lines, with the lines of its signing block (from ``Nơi nhận:`` down) that the page's
    reading left out, read on the block alone and told the scan's resolution. On the whole page, Tesseract's
    layout takes a seal's neighbourhood for a picture and drops the lines in it (the chairman's ``CHỦ TỊCH``
    beside the seal on a province's scan); the block alone is only text. What the page's reading has stands
    (read alone, a name or a title can come out worse): a line is added only where the page read nothing.
    Told the resolution on the whole page, Tesseract reads some headers worse (bench/bench_real.py)."""
    top = _recipients_top(lines)
    if top is None:
        return lines
    words = [word for line in lines for word in line]
    cut = max((w.top + w.height for w in words if w.top + w.height < top), default=0) + 1
    crop = page.crop((0, cut, page.width, page.height))
    again = _words_of(_tesseract(crop, work, "signing", deadline, number, ("--dpi", str(round(dpi)))))
    block = max(w.block for w in words) + 1000
    merged = list(lines)
    for line in _lines(_placed(again, 0, cut, 1.0, block)):
        if not any(_read_by(word, words) for word in line):
            merged.insert(_after(merged, line), line)
    return merged


def _line_crop(page: Image.Image, line: list[Word]) -> tuple[Image.Image, int, int]:
    """The line cut out with a margin (a mark above its capitals stays in), and where the cut starts."""
    height = round(median(w.height for w in line))
    left, top = max(0, min(w.left for w in line) - LINE_MARGIN), max(0, min(w.top for w in line) - height // 2)
    right = min(page.width, max(w.left + w.width for w in line) + LINE_MARGIN)
    bottom = min(page.height, max(w.top + w.height for w in line) + height // 3)
    return page.crop((left, top, right, bottom)), left, top


def _better(word: Word, again: list[Word]) -> Word:
    """``word``, or the word read where it stands on its line read alone, where that one is surer and only
    its marks differ (``đối`` 31 → ``đổi`` 88, ``tô`` → ``tổ``), or where ``word`` is no syllable and that one
    is (``icỳ`` → ``kỳ``). Letters read otherwise stay as the page read them (``V/V`` is not ``V¿v``,
    ``HĐND`` is not ``HDND``)."""
    middle = [w for w in again if word.left <= w.left + w.width / 2 <= word.left + word.width]
    if len(middle) != 1 or middle[0].text == word.text or middle[0].conf <= word.conf:
        return word
    other = middle[0]
    if _marks_only(word.text, other.text) or (vocabulary.is_syllable(other.text)
                                               and not vocabulary.is_syllable(word.text)):
        return replace(word, text=other.text, conf=other.conf)
    return word


def _marks_only(one: str, other: str) -> bool:
    """Whether two readings differ by their marks alone: ``đ`` is a letter of its own (``HĐND`` is no
    ``HDND``), though ``fold`` writes it ``d``."""
    one, other = canonical(one), canonical(other)
    return fold(one) == fold(other) and [ch in "đĐ" for ch in one] == [ch in "đĐ" for ch in other]


def _lines_read_again(page: Image.Image, lines: list[list[Word]], work: Path, deadline: float, number: int,
                      wanted: Callable[[list[Word]], bool]) -> list[list[Word]]:
    """The ``wanted`` lines, each read again alone as one line (``--psm 7``), their words put right where the
    line alone reads them surer. On the whole page, Tesseract's layout cuts some marks off a line's letters
    (``biến đối``, ``tô chức``, ``câp``, ``icỳ`` on the real scans: bench/bench_real.py); a line alone keeps
    them, but can read others worse (``Chú tịch``), so each word keeps the surer reading."""
    out = []
    for index, line in enumerate(lines):
        if not wanted(line):
            out.append(line)
            continue
        crop, left, top = _line_crop(page, line)
        try:
            read = _tesseract(crop, work, f"line-{index}", deadline, number, ("--psm", "7"))
        except OcrFailed:  # out of the page's time: the page's own reading stands, for this line and the rest
            return out + lines[index:]
        out.append([_better(word, _placed(_words_of(read), left, top, 1.0, 0)) for word in line])
    return out


@functools.cache
def languages() -> frozenset[str]:
    """Tesseract's installed languages."""
    try:
        done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(done.stdout.decode("utf-8", "replace").split()[1:] if done.returncode == 0 else ())


def _words_of(tsv: str) -> list[Word]:
    return [word for _, word in _words(tsv)]


def _lines(words: list[Word]) -> list[list[Word]]:
    grouped: dict[int, list[Word]] = {}
    for word in words:
        grouped.setdefault(word.line, []).append(word)
    lines: list[list[Word]] = []
    for line in grouped.values():
        lines += split_columns(sorted(line, key=lambda w: w.left))
    return lines


def _page_image(pdf: Path, page: int, work: Path, deadline: float, width: float) -> tuple[Image.Image, float]:
    """The page as OCR reads it, and its resolution: the scan's own image at its own (enlarged, a blurred
    1-bit scan loses the spaces between its words: ``TỈNHỦYLÂM``; the digits pass enlarges its box
    instead), else the page drawn at ``RENDER_DPI``."""
    scan = _scan_image(pdf, page, work, deadline, width) if width else None
    if scan is not None:
        return _clean(scan[0]), scan[1]
    return _clean(_render(pdf, page, work, deadline, RENDER_DPI)), RENDER_DPI


def read_page(pdf: Path, page: int, seconds: float, *, header: bool = False, width: float = 0.0) -> OcrPage:
    """Page ``page`` (from 1) of ``pdf`` read in Vietnamese, within ``seconds``; ``header``: the page carries
    the document's header (its first page), whose number and day are read again by a digits pass;
    ``width``: the page's, in points (to tell a scan covering it)."""
    started = time.monotonic()
    deadline = started + seconds
    with tempfile.TemporaryDirectory(prefix="vanthu-ocr-") as work:
        image, dpi = _page_image(pdf, page, Path(work), deadline, width)
        found = stamps.frames(image, dpi) if header else []
        received = _stamps_read(image, found, Path(work), deadline, page)
        image = stamps.whitened(image, found)
        words = _words_of(_tesseract(image, Path(work), "page", deadline, page))
        if header:
            words = _header_read(image, words, Path(work), deadline, page)
        lines = _signing_read(image, _lines(words), Path(work), deadline, page, dpi)
        lines = _lines_read_again(image, lines, Path(work), deadline, page, _fields_lines(image, lines, header))
    return OcrPage(page, lines, time.monotonic() - started, received)


def _stamps_read(page: Image.Image, found: list[tuple[int, int, int, int]], work: Path, deadline: float,
                 number: int) -> list[str]:
    """The lines of each stamp's box in ``found``, read on the box alone (a block of its own lines)."""
    lines = []
    for at, (left, top, right, bottom) in enumerate(found):
        words = _words_of(_tesseract(page.crop((left, top, right + 1, bottom + 1)), work, f"stamp-{at}", deadline,
                                     number, ("--psm", "6")))
        lines += [" ".join(word.text for word in line) for line in _lines(words)]
    return lines


def _fields_lines(page: Image.Image, lines: list[list[Word]], header: bool) -> Callable[[list[Word]], bool]:
    """Which lines hold the fields a clerk registers: the header's (the top of the document's first page:
    issuer, number, date, title, subject) and the signing block's right column (authority, title, name)."""
    top = _recipients_top(lines)

    def wanted(line: list[Word]) -> bool:
        first = min(w.top for w in line)
        if header and first < page.height * FIELDS_TOP:
            return True
        return top is not None and first >= top and min(w.left for w in line) >= page.width * SIGNING_COLUMN

    return wanted


def stamped_digits(pdf: Path, page: int, words: list[Word], seconds: float) -> list[Word]:
    """The number and the day that a signing step stamped as pictures into their blanks (a signature field
    drawing an image: no text of its own), read by the digits pass on the page rendered with its stamps.
    ``words``: the page's own words, in the pixels of a render at ``RENDER_DPI``; gives the digits read."""
    deadline = time.monotonic() + seconds
    with tempfile.TemporaryDirectory(prefix="vanthu-ocr-") as work:
        image = _clean(_render(pdf, page, Path(work), deadline, RENDER_DPI, stamps=True))
        read = _header_read(image, words, Path(work), deadline, page, printed=True)
    return [word for word in read if word.text.isdigit() and word not in words]


def page_png(pdf: Path, page: int, dpi: int = 100, seconds: float = 30.0) -> bytes:
    """Page ``page`` of ``pdf`` as a PNG, for a clerk to read the paper beside what OCR proposed."""
    return _run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf)],
                time.monotonic() + seconds, page)
