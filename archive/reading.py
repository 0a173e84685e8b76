"""Opening what arrives in the inbox: is it a PDF we can read, and what text does it carry.

Everything here raises ``Rejected`` with a reason a clerk can read, and the
pipeline quarantines the file with that reason; nothing here deletes anything.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from archive.limits import LimitExceeded, check_depth, current, page_deadline
from docgen.text import nfc

# Fewer characters than this over the whole file means a scan with no text layer.
MIN_TEXT_CHARS = 20


class Rejected(Exception):
    """The file cannot be archived; ``reason`` says why, in Vietnamese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class PdfContent:
    pages: int
    text: str
    no_text: bool
    ocr: bool = False


def sniff(data: bytes) -> None:
    """Cheap checks before pypdf sees the bytes."""
    if not data:
        raise Rejected("tệp rỗng (0 byte)")
    if not data[:1024].lstrip().startswith(b"%PDF-"):
        raise Rejected("không phải tệp PDF (thiếu phần đầu %PDF-)")
    if b"%%EOF" not in data[-2048:]:
        raise Rejected("tệp PDF bị cắt cụt (thiếu dấu kết thúc %%EOF), có thể chưa chép xong")


def _check_page_count(reader: PdfReader) -> None:
    """The page tree's declared count first (cheap), then the real one, against the limit."""
    declared = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
    limit = current().pages
    if isinstance(declared, int) and declared > limit:
        raise LimitExceeded(current().too_many_pages(declared))
    if len(reader.pages) > limit:
        raise LimitExceeded(current().too_many_pages(len(reader.pages)))


def open_pdf(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Rejected("tệp PDF được mã hóa, cần mật khẩu để mở")
        _check_page_count(reader)
        if len(reader.pages) == 0:
            raise Rejected("tệp PDF không có trang nào")
    except Rejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise Rejected(f"không đọc được tệp PDF ({exc.__class__.__name__}: {exc})") from exc
    return reader


def extract_text(reader: PdfReader) -> str:
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            with page_deadline(number):
                pages.append(page.extract_text() or "")
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise Rejected(f"không trích được chữ từ tệp PDF ({exc})") from exc
    return nfc("\n".join(pages))


def ocr_text(data: bytes) -> str | None:
    """Text of a scan through ocrmypdf with Tesseract's Vietnamese data, when installed."""
    if not shutil.which("ocrmypdf"):
        return None
    with tempfile.TemporaryDirectory(prefix="vanthu-ocr-") as work:
        source, target = Path(work) / "in.pdf", Path(work) / "out.pdf"
        source.write_bytes(data)
        done = subprocess.run(["ocrmypdf", "-l", "vie", "--skip-text", "--quiet", str(source),
                               str(target)], capture_output=True, timeout=600, check=False)
        if done.returncode != 0 or not target.is_file():
            return None
        return extract_text(open_pdf(target.read_bytes()))


def read_pdf(data: bytes) -> PdfContent:
    """Sniff, open and read a PDF; a scan is kept and flagged ``no_text``."""
    sniff(data)
    check_depth(data)
    reader = open_pdf(data)
    text = extract_text(reader)
    if len(text.strip()) >= MIN_TEXT_CHARS:
        return PdfContent(len(reader.pages), text, no_text=False)
    recognised = ocr_text(data)
    if recognised and len(recognised.strip()) >= MIN_TEXT_CHARS:
        return PdfContent(len(reader.pages), recognised, no_text=False, ocr=True)
    return PdfContent(len(reader.pages), text, no_text=True)
