"""The limits every file is read under, and the Vietnamese words for the one it broke.

A PDF is untrusted input: a 1.5 MB file can inflate to a gigabyte of drawing
operators, nest arrays a million deep or point its cross-reference table at
itself. The limits are settings (``vanthu settings``); the reading worker
(``archive/worker.py``) installs them in its own process, where a file that
breaks one costs nothing but that process.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from docgen.text import number  # how a clerk writes a number; the format check writes its sizes with it too

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    file_seconds: float = 60.0
    page_seconds: float = 20.0
    memory_mb: int = 2048
    stream_mb: int = 100
    pages: int = 3000
    depth: int = 100
    file_mb: int = 150
    # How scans are read (in the same worker, so here): OCR on or off, its time per page, and the
    # confidences under which what it reads is only a proposal (archive/proposals.py).
    ocr: bool = True
    ocr_page_seconds: float = 120.0
    ocr_confidence: float = 85.0
    ocr_handwriting_confidence: float = 98.0

    def too_slow(self) -> str:
        return f"vượt giới hạn thời gian xử lý {number(self.file_seconds)} giây"

    def too_slow_page(self, page: int) -> str:
        return f"vượt giới hạn thời gian xử lý một trang {number(self.page_seconds)} giây (trang {page})"

    def too_much_memory(self) -> str:
        return f"vượt giới hạn bộ nhớ {self.memory_mb} MB"

    def stream_too_large(self) -> str:
        return f"vượt giới hạn dung lượng giải nén của một luồng dữ liệu {self.stream_mb} MB"

    def too_slow_ocr(self, page: int) -> str:
        return f"trang {page}: vượt giới hạn thời gian nhận dạng chữ một trang {number(self.ocr_page_seconds)} giây"

    def too_many_pages(self, pages: int) -> str:
        return f"vượt giới hạn số trang {self.pages} trang (tệp có {pages} trang)"

    def too_deep(self) -> str:
        return f"vượt giới hạn độ lồng đối tượng {self.depth} cấp"

    def file_too_large(self, size: int) -> str:
        return f"vượt giới hạn kích thước tệp {self.file_mb} MB (tệp {number(round(size / MB, 1))} MB)"


class LimitExceeded(BaseException):
    """A limit was broken inside the worker.

    A ``BaseException`` so that no ``except Exception`` inside pypdf or pyHanko
    swallows it on its way out.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_current = Limits()


def install(limits: Limits) -> None:
    """Make ``limits`` the ones this process reads under (called in the worker only)."""
    global _current
    _current = limits


def current() -> Limits:
    return _current


_more_time: Callable[[float], None] | None = None


def on_more_time(callback: Callable[[float], None] | None) -> None:
    """How this (worker) process asks its pool for more time (set by ``archive/worker.py``)."""
    global _more_time
    _more_time = callback


def ask_more_time(seconds: float) -> None:
    """Push the file's deadline ``seconds`` further: OCR is known to be slow, and is bounded per page."""
    if _more_time is not None:
        _more_time(seconds)


def _alarm(page: int):
    def handler(_signum: int, _frame: object) -> None:
        raise LimitExceeded(_current.too_slow_page(page))

    return handler


@contextmanager
def page_deadline(page: int) -> Iterator[None]:
    """Interrupt reading page ``page`` once it has taken ``page_seconds``.

    Only in a worker's main thread (signals); anywhere else a no-op, and the
    per-file limit, enforced from outside, still holds.
    """
    try:
        previous = signal.signal(signal.SIGALRM, _alarm(page))
    except ValueError:  # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, _current.page_seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_BRACKETS = re.compile(rb"<<|>>|\[|\]")


# A stream's data, however its keyword ends: CRLF or LF as the standard says, or a bare CR as some
# scanners' software writes it (a real Bộ Công Thương scan): counted as syntax, its bytes nested 300 deep.
_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\r|\n).*?endstream", re.DOTALL)


def nesting(data: bytes, stop: int | None = None) -> int:
    """How deep the file's arrays and dictionaries nest (counted until ``stop`` is passed, if given)."""
    deepest = depth = 0
    data = _STREAM.sub(b"stream endstream", data)  # a compressed stream's bytes are not syntax
    for match in _BRACKETS.finditer(data):
        if match.group() in (b"<<", b"["):
            depth += 1
            deepest = max(deepest, depth)
            if stop is not None and depth > stop:
                break
        elif depth:
            depth -= 1
    return deepest


def check_depth(data: bytes) -> None:
    """Refuse arrays and dictionaries nested deeper than the limit, before a parser recurses into them.

    Counts the brackets of the uncompressed parts of the file; a real document
    nests a dozen levels, so a stray bracket inside a string cannot reach the limit.
    """
    if nesting(data, _current.depth) > _current.depth:
        raise LimitExceeded(_current.too_deep())
