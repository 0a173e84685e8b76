"""Opening what arrives in the inbox: is it a PDF we can read, and what text does it carry.

Everything here raises ``Rejected`` with a reason a clerk can read, and the
pipeline quarantines the file with that reason; nothing here deletes anything.
"""

from __future__ import annotations

import contextlib
import io
import re
import resource
import shutil
import subprocess
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject

from archive import digits, layout, ocr, textlayer
from archive.limits import LimitExceeded, ask_more_time, check_depth, current, page_deadline
from docgen.text import fold, nfc

# Fewer characters than this on a page that draws an image means a scan with no text layer.
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
    appearance: list[str] = field(default_factory=list)  # the visible signature's lines, not the document's
    ocr_lines: list[list[ocr.Word]] = field(default_factory=list)  # what OCR read, word by word
    received: list[str] = field(default_factory=list)  # the lines of a receiver's stamp OCR took off a scan
    ocr_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


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
        raise Rejected(f"không đọc được tệp PDF: cấu trúc tệp hỏng hoặc không phải PDF hoàn chỉnh "
                       f"(chi tiết kỹ thuật: {str(exc)[:120]})") from exc
    return reader


def page_texts(reader: PdfReader) -> list[str]:
    """pypdf's text of every page, in the order the content draws it (the fallback reader)."""
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            with page_deadline(number):
                pages.append(nfc(page.extract_text() or "").translate(textlayer.LOOKALIKES))
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise Rejected(f"không trích được chữ từ tệp PDF ({exc})") from exc
    return pages


def _decode_contents(reader: PdfReader) -> None:
    """Every page's content decoded by pypdf, under its stream limits: a decompression bomb is
    refused here as before, though poppler reads the text."""
    for number, page in enumerate(reader.pages, start=1):
        try:
            with page_deadline(number):
                contents = page.get("/Contents")
                contents = contents.get_object() if contents is not None else ArrayObject()
                for stream in contents if isinstance(contents, ArrayObject) else [contents]:
                    stream.get_object().get_data()
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise Rejected(f"không trích được chữ từ tệp PDF ({exc})") from exc


def _slow_page(partial: bytes | None, pages: int) -> int:
    """The page poppler was reading when its time ran out: the one after the last it finished."""
    done = (partial or b"").count(b"</page>")
    return min(done + 1, pages)


def _pdftotext(path: str, pages: int) -> bytes | None:
    """``pdftotext -bbox-layout`` of the file, within the page limit times its pages (at most the file's);
    a CPU limit of its own, so that it never outlives a worker killed for its time."""
    limits = current()
    seconds = min(limits.page_seconds * pages, limits.file_seconds)
    process = subprocess.Popen(["pdftotext", "-bbox-layout", "-enc", "UTF-8", "-q", path, "-"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    with contextlib.suppress(OSError):
        cpu = int(seconds) + 2
        resource.prlimit(process.pid, resource.RLIMIT_CPU, (cpu, cpu))
    try:
        out, _ = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        partial, _ = process.communicate()
        if seconds == limits.file_seconds:  # the file's limit bound poppler, not its pages'
            raise LimitExceeded(limits.too_slow()) from None
        raise LimitExceeded(limits.too_slow_page(_slow_page(partial, pages))) from None
    except BaseException:  # the worker's own limit: poppler goes with it
        process.kill()
        process.wait()
        raise
    return out if process.returncode == 0 else None


def _poppler_words(data: bytes, pages: int) -> list[list[layout.Word]] | None:
    with tempfile.NamedTemporaryFile(prefix="vanthu-text-", suffix=".pdf") as source:
        source.write(data)
        source.flush()
        out = _pdftotext(source.name, pages)
    words = layout.pages_of(out.decode("utf-8", "replace")) if out is not None else []
    return words if len(words) == pages else None


def _lines_of(words: list[layout.Word]) -> str:
    return nfc("\n".join(layout.page_lines(words))).translate(textlayer.LOOKALIKES)


def poppler_texts(data: bytes, pages: int) -> list[str] | None:
    """Every page's lines by position (``archive/layout.py``), read by poppler's ``pdftotext``; None when
    poppler is missing or cannot read the file (pypdf then reads it, as before)."""
    if shutil.which("pdftotext") is None:
        return None
    words = _poppler_words(data, pages)
    return None if words is None else [_lines_of(page) for page in words]


Rect = tuple[float, float, float, float]


def signature_boxes(reader: PdfReader) -> dict[int, list[Rect]]:
    """Per page (from 0), the boxes of its signature fields that draw something, in points from the
    page's top left (as poppler gives words): what a signing tool or a portal stamped on the page."""
    boxes: dict[int, list[Rect]] = {}
    for index, page in enumerate(reader.pages):
        try:
            top = float(page.mediabox.top)
            for annotation in page.get("/Annots") or []:
                widget = annotation.get_object()
                if widget.get("/FT") == "/Sig" and "/AP" in widget and "/Rect" in widget:
                    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
                    boxes.setdefault(index, []).append((min(x0, x1), top - max(y0, y1), max(x0, x1),
                                                        top - min(y0, y1)))
        except (AttributeError, KeyError, TypeError, ValueError):
            continue
    return boxes


def _without_annotations(reader: PdfReader, numbers: list[int]) -> bytes:
    """The pages ``numbers`` (from 0) alone, their annotations left out: what the page itself draws."""
    writer = PdfWriter()
    for number in numbers:
        page = writer.add_page(reader.pages[number])
        if "/Annots" in page:
            del page["/Annots"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _inside(word: layout.Word, box: Rect) -> bool:
    x, y = (word.x0 + word.x1) / 2, (word.y0 + word.y1) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


_STAMPED = re.compile(r"\d{1,5}")  # a number or a day that the signing step stamped into its blank


def _separate(words: list[layout.Word], own: list[layout.Word], boxes: list[Rect],
              appearance: list[str]) -> list[layout.Word]:
    """The page's words less those its signature fields draw (``own``: what the page itself draws).
    A field that draws a number alone is the number stamped at issuance, and stays the document's."""
    left = Counter((w.text, round(w.x0), round(w.y0)) for w in own)
    kept, drawn = [], defaultdict(list)
    for word in words:
        key = (word.text, round(word.x0), round(word.y0))
        box = next((i for i, b in enumerate(boxes) if _inside(word, b)), None)
        if box is None or left[key] > 0:
            left[key] -= 1
            kept.append(word)
        else:
            drawn[box].append(word)
    for field_words in drawn.values():
        if _STAMPED.fullmatch(" ".join(w.text for w in field_words)):
            kept += field_words
        else:
            appearance += layout.page_lines(field_words)
    return kept


@dataclass
class Layer:
    """The text layer read by position: each page's text without what its signature fields draw, the lines
    those fields draw, and the digits OCR read in fields that stamped a number as a picture."""

    texts: list[str]
    appearance: list[str]
    stamped: list[ocr.Word] = field(default_factory=list)


def _stamped(data: bytes, reader: PdfReader, words: list[layout.Word], boxes: list[Rect]) -> list[layout.Word]:
    """The number and the day that the signing step stamped as pictures in the first page's header (its
    signature fields there draw no word), read by OCR's digits pass: ``Số -HD/BTCTU`` reads ``Số 21 -HD/BTCTU``."""
    top = float(reader.pages[0].mediabox.height) * digits.HEADER
    pictures = [box for box in boxes if box[1] < top and not any(_inside(w, box) for w in words)]
    if not pictures or not (current().ocr and ocr.available()):
        return []
    scale = ocr.RENDER_DPI / 72
    pixels = [ocr.Word(w.text, 100.0, round(w.x0 * scale), round(w.y0 * scale), round((w.x1 - w.x0) * scale),
                       round((w.y1 - w.y0) * scale), w.block, w.line) for w in words]
    ask_more_time(current().ocr_page_seconds)
    with tempfile.NamedTemporaryFile(prefix="vanthu-stamp-", suffix=".pdf") as source:
        source.write(data)
        source.flush()
        try:
            read = ocr.stamped_digits(Path(source.name), 1, pixels, current().ocr_page_seconds)
        except ocr.OcrFailed:
            return []
    found = [layout.Word(w.text, w.left / scale, w.top / scale, (w.left + w.width) / scale,
                         (w.top + w.height) / scale, w.line, w.block) for w in read]
    return [w for w in found if any(w.x0 < box[2] and box[0] < w.x1 for box in pictures)]


def layer_texts(reader: PdfReader, data: bytes) -> Layer | None:
    """Every page's text by position without what its signature fields draw (a portal's box,
    ``Ký bởi: … Thời gian ký: …``, its seal's words), and the lines those fields draw; None when
    poppler cannot read the file."""
    if shutil.which("pdftotext") is None:
        return None
    pages = len(reader.pages)
    words = _poppler_words(data, pages)
    if words is None:
        return None
    every = signature_boxes(reader)
    boxes = {n: b for n, b in every.items() if any(_inside(w, box) for w in words[n] for box in b)}
    layer = Layer([], [])
    if boxes:
        numbers = sorted(boxes)
        own = _poppler_words(_without_annotations(reader, numbers), len(numbers)) or [[] for _ in numbers]
        for number, page_own in zip(numbers, own, strict=True):
            words[number] = _separate(words[number], page_own, boxes[number], layer.appearance)
    if 0 in every:
        stamped = _stamped(data, reader, words[0], every[0])
        words[0] = words[0] + stamped
        layer.stamped = [ocr.Word(w.text, 0.0, 0, 0, 1, 1) for w in stamped]
    layer.texts = [_lines_of(page) for page in words]
    return layer


def extract_text(reader: PdfReader) -> str:
    return "\n".join(page_texts(reader))


# Lines a signing tool prints on the page (the portal's visible signature), not the document's.
_APPEARANCE = ("nguoi ky:", "ky boi:", "thoi gian ky:", "ngay ky:", "email:", "co quan:", "to chuc:")


def split_appearance(text: str) -> tuple[str, list[str]]:
    """The page's own text, and the signature appearance's lines taken out of it.

    ``Cơ quan:`` and ``Email:`` count only beside a ``Người ký:``/``Thời gian ký:`` line: on their
    own they may be the document's.
    """
    lines = text.splitlines()
    folded = [fold(line).strip() for line in lines]
    if not any(f.startswith(_APPEARANCE[:4]) for f in folded):
        return text, []
    keep, taken = [], []
    for line, low in zip(lines, folded, strict=True):
        (taken if low.startswith(_APPEARANCE) else keep).append(line)
    return "\n".join(keep), [line.strip() for line in taken]


def _has_image(page: PageObject) -> bool:
    """Whether a page draws an image of its own (a scan), without decoding it."""
    try:
        objects = page.get("/Resources", {}).get_object().get("/XObject", {}).get_object()
        return any(obj.get_object().get("/Subtype") == "/Image" for obj in objects.values())
    except (AttributeError, KeyError, TypeError, ValueError):
        return False


def _width(page: PageObject) -> float:
    try:
        return float(page.mediabox.width)
    except (AttributeError, KeyError, TypeError, ValueError):
        return 0.0


def _ocr_pages(data: bytes, numbers: list[int], widths: list[float]) -> tuple[dict[int, ocr.OcrPage], list[str]]:
    """The pages ``numbers`` read by OCR, each within its time; a page that fails is named, not fatal."""
    limits, read, warnings = current(), {}, []
    with tempfile.TemporaryDirectory(prefix="vanthu-ocr-") as work:
        source = Path(work) / "in.pdf"
        source.write_bytes(data)
        for number in numbers:
            ask_more_time(limits.ocr_page_seconds)
            try:
                read[number] = ocr.read_page(source, number, limits.ocr_page_seconds, header=number == 1,
                                             width=widths[number - 1])
            except ocr.OcrFailed as failed:
                warnings.append(failed.reason if "thời gian" not in failed.reason
                                else limits.too_slow_ocr(number))
    return read, warnings


def _to_ocr(texts: list[str], reader: PdfReader) -> tuple[list[int], list[str]]:
    """The pages (from 1) to read by OCR: scans (no text of their own, an image) and pages whose text
    layer is broken (``archive/textlayer.py``), with a warning for each of the latter."""
    numbers, warnings = [], []
    for number, (text, page) in enumerate(zip(texts, reader.pages, strict=True), start=1):
        why = textlayer.broken(text)
        if why:
            warnings.append(f"trang {number}: {why}; đọc bằng nhận dạng chữ (OCR)")
        if why or (len(text.strip()) < MIN_TEXT_CHARS and _has_image(page)):
            numbers.append(number)
    return numbers, warnings


def read_pdf(data: bytes) -> PdfContent:
    """Sniff, open and read a PDF; a page that is a scan (no text of its own), or whose text layer is
    broken, is read by OCR."""
    sniff(data)
    check_depth(data)
    reader = open_pdf(data)
    _decode_contents(reader)
    layer = layer_texts(reader, data) or Layer(page_texts(reader), [])
    texts, appearance = layer.texts, layer.appearance
    for index, text in enumerate(texts):
        texts[index], taken = split_appearance(text)
        appearance += taken
    scans, warnings = _to_ocr(texts, reader)
    content = PdfContent(len(reader.pages), "", no_text=False, appearance=appearance, warnings=warnings)
    content.ocr_lines = [layer.stamped] if layer.stamped else []
    if scans and current().ocr and ocr.available():
        read, failed = _ocr_pages(data, scans, [_width(page) for page in reader.pages])
        content.warnings += failed
        for number, page in read.items():
            texts[number - 1] = "\n".join(layout.page_lines(layout.ocr_words(page.lines)))
            content.received += page.received
            content.ocr_lines += page.lines
        content.ocr_seconds = round(sum(page.seconds for page in read.values()), 2)
        content.ocr = bool(read)
    content.text = "\n".join(texts)
    content.no_text = len(content.text.strip()) < MIN_TEXT_CHARS
    return content
