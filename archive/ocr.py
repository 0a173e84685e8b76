"""Reading a scanned page: its image taken out (or the page rendered) by poppler, read by Tesseract's Vietnamese model.

Tesseract is run directly (``tesseract … tsv``) rather than through ocrmypdf: the archive keeps the
original file byte for byte and needs no OCR'd copy, but it needs every word's confidence, so that
what OCR reads is a proposal unless it is sure (``archive/proposals.py``). A line that Tesseract
runs across both columns of a header (``THỦ TƯỚNG CHÍNH PHỦ  CỘNG HÒA XÃ HỘI …``) is cut at the
wide gap between them, so that the two columns stay two lines.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from statistics import median

RENDER_DPI = 300
# A gap wider than this many line heights between two words is the gap between two columns.
COLUMN_GAP = 3.0


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


def _split_columns(line: list[Word]) -> list[list[Word]]:
    """A line cut where the gap between two words is a gap between columns."""
    height = median(word.height for word in line) or 1
    parts = [[line[0]]]
    for before, word in pairwise(line):
        if word.left - (before.left + before.width) > COLUMN_GAP * height:
            parts.append([])
        parts[-1].append(word)
    return parts


def lines_of(tsv: str) -> list[list[Word]]:
    """Tesseract's lines in its reading order, each column of a shared line on its own."""
    grouped: dict[tuple[int, int, int], list[Word]] = {}
    for key, word in _words(tsv):
        grouped.setdefault(key, []).append(word)
    lines: list[list[Word]] = []
    for line in grouped.values():
        lines += _split_columns(line)
    return lines


def _page_image(pdf: Path, page: int, work: Path, deadline: float) -> Path:
    """The scan itself when the page is one image (as scanners write it: no other drawing, and no
    signature appearance to misread), else the page rendered."""
    _run(["pdfimages", "-png", "-f", str(page), "-l", str(page), str(pdf), str(work / "img")], deadline, page)
    images = sorted(work.glob("img-*.png"))
    if len(images) == 1:
        return images[0]
    image = work / "page"
    _run(["pdftoppm", "-r", str(RENDER_DPI), "-gray", "-png", "-singlefile", "-f", str(page),
          "-l", str(page), str(pdf), str(image)], deadline, page)
    return image.with_suffix(".png")


def read_page(pdf: Path, page: int, seconds: float) -> OcrPage:
    """Page ``page`` (from 1) of ``pdf`` read in Vietnamese, within ``seconds``."""
    started = time.monotonic()
    deadline = started + seconds
    with tempfile.TemporaryDirectory(prefix="vanthu-ocr-") as work:
        image = _page_image(pdf, page, Path(work), deadline)
        tsv = _run(["tesseract", str(image), "stdout", "-l", "vie", "tsv"], deadline, page)
    return OcrPage(page, lines_of(tsv.decode("utf-8", "replace")), time.monotonic() - started)


def page_png(pdf: Path, page: int, dpi: int = 100, seconds: float = 30.0) -> bytes:
    """Page ``page`` of ``pdf`` as a PNG, for a clerk to read the paper beside what OCR proposed."""
    return _run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf)],
                time.monotonic() + seconds, page)
