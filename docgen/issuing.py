"""Issuing documents: number from the register, render, write, record; then the PDFs.

Each document is rendered and written while its number is held in the
register's transaction, so a failure anywhere before the commit leaves no
number spent and no file behind. PDFs come after, in one LibreOffice batch:
without LibreOffice the numbered DOCX files stand, and the caller is told.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docgen.dates import short_date
from docgen.documents import Document
from docgen.errors import InvalidInput
from docgen.files import write_new, write_replacing
from docgen.kinds import Kind
from docgen.pdf import convert_to_pdf
from docgen.register import Entry, Register
from docgen.rendering import Renderer, format_symbol, subject_line
from docgen.secrecy import CONSOLE, Viewer


@dataclass
class Issued:
    document: Document
    date: date
    docx: Path
    kind_code: str  # as printed in the symbol by the guide of its date
    entry: Entry | None = None
    pdf: Path | None = None
    guide: str = ""  # the guide it was laid out by (``05-HD/VPTW``)
    guide_name: str = ""

    @property
    def symbol(self) -> str:
        return self.entry.symbol if self.entry else format_symbol(None, self.kind_code,
                                                                  self.document.issuer.code)

    def as_json(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "number": self.entry.number if self.entry else None,
            "kind": self.kind_code,
            "date": self.date.isoformat(),
            "docx": str(self.docx),
            "pdf": str(self.pdf) if self.pdf else None,
            "guide": self.guide,
            "warnings": list(self.document.notes),
        }


class AlreadyIssued(InvalidInput):
    """The same kind, trích yếu and date were issued before: a second number needs ``again``."""


Finish = Callable[[bytes], bytes]


def _same(data: bytes) -> bytes:
    return data


def file_name(symbol: str, kind: Kind | None = None, printed: str = "") -> str:
    """``1417-CV/TU`` → ``1417-CV-TU.docx``: the symbol, safe as a file name. A kind printed with
    another kind's code (a Quy định's ``QĐ`` by 05-HD/VPTW) adds its name: ``01-QĐ-TU-quy-dinh.docx``."""
    suffix = f"-{kind.slug}" if kind is not None and printed and printed != kind.code else ""
    return f"{symbol.replace('/', '-')}{suffix}.docx"


def _issue_one(document: Document, register: Register, renderer: Renderer, out_dir: Path,
               on: date, finish: Finish) -> Issued:
    profile = renderer.profile.at(on)
    kind_code = profile.kind_code(document.kind)
    written: Path | None = None
    try:  # the kind's own sequence, whatever code the guide prints (Quy định: QĐi, then QĐ)
        with register.reserve(document.issuer.code, document.kind.code, on=on, printed=kind_code,
                              subject=subject_line(document, profile.text), signer=document.signer.name,
                              secrecy=document.secrecy, urgency=document.urgency,
                              guide=profile.guide.symbol) as entry:
            data = finish(renderer.render(document, entry.number, on))
            path = out_dir / file_name(entry.symbol, document.kind, kind_code)
            write_new(path, data)
            written = path
            entry.docx_path, entry.docx_sha256 = str(path), hashlib.sha256(data).hexdigest()
    except BaseException:
        if written:  # the number goes back to the register, so must the file
            written.unlink(missing_ok=True)
        raise
    return Issued(document, on, path, kind_code, entry, guide=profile.guide.symbol, guide_name=profile.guide.name)


def _draft_one(document: Document, renderer: Renderer, out_dir: Path, on: date, finish: Finish,
               name: str | None) -> Issued:
    profile = renderer.profile.at(on)
    kind_code = profile.kind_code(document.kind)
    stem = Path(document.source).stem or "van-ban"
    path = out_dir / (name or f"du-thao-{kind_code}-{document.issuer.code}-{stem}.docx")
    write_replacing(path, finish(renderer.render(document, None, on)))
    return Issued(document, on, path, kind_code, guide=profile.guide.symbol, guide_name=profile.guide.name)


def _earlier(entries: list[Entry], viewer: Viewer) -> str:
    """What the refusal says of the entries issued before: their numbers, those the viewer may read;
    of a secret one, only that it exists (its number, its mark, its signer stay unsaid)."""
    shown = [e.symbol for e in entries if viewer.may_read({"secrecy": e.secrecy})]
    if shown:
        return f"đã cấp số {', '.join(shown)}"
    return ("đã có một văn bản mà bạn không được xem (văn bản mật)")


def refuse_repeats(documents: list[Document], register: Register, renderer: Renderer,
                   today: date, viewer: Viewer = CONSOLE) -> None:
    """Raise AlreadyIssued when a document (or an earlier one of the same batch) has the kind,
    issuer, trích yếu and date of one already in the register: issuing a data file twice by
    mistake must not spend a second number. Checked for the whole batch before any number. An
    earlier document above ``viewer``'s clearance is said to exist, and named by nothing."""
    seen: set[tuple[str, str, str, date]] = set()
    for document in documents:
        on = document.date or today
        kind_code, subject = document.kind.code, subject_line(document, renderer.profile.at(on).text)
        key = (document.issuer.code, kind_code, " ".join(subject.split()).casefold(), on)
        earlier = register.issued_like(document.issuer.code, kind_code, subject, on)
        if earlier or key in seen:
            what = _earlier(earlier, viewer) if earlier else "một văn bản trước trong cùng lần chạy"
            raise AlreadyIssued(f"{what} có cùng loại ({document.kind.name}), trích yếu và ngày "
                                f"({short_date(on)}); muốn cấp thêm một số mới, chạy lại với --again "
                                "(muốn tạo PDF của số đã cấp: vanthu pdf SỐ_KÝ_HIỆU)",
                                file=document.source or None, field="subject")
        seen.add(key)


def issue_documents(documents: list[Document], *, register: Register, renderer: Renderer,
                    out_dir: Path, today: date, draft: bool = False, finish: Finish | None = None,
                    draft_name: str | None = None, again: bool = True,
                    viewer: Viewer = CONSOLE) -> list[Issued]:
    """Number (unless ``draft``), render and record each document, in order.

    ``finish`` gets the rendered DOCX before it is written (the digest writes its sections
    into it), so the register's SHA-256 is that of the file as issued. Unless ``again``, a
    document issued before (same kind, issuer, trích yếu, date) is refused: see refuse_repeats.
    """
    if not draft and not again:
        refuse_repeats(documents, register, renderer, today, viewer)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for document in documents:
        on = document.date or today
        if draft:
            results.append(_draft_one(document, renderer, out_dir, on, finish or _same, draft_name))
        else:
            results.append(_issue_one(document, register, renderer, out_dir, on, finish or _same))
    return results


Converter = Callable[[list[Path]], list[Path]]  # DOCX paths in, PDF paths (same order) out


def attach_pdfs(issued: list[Issued], register: Register | None, soffice: str,
                timeout: float, convert: Converter | None = None) -> None:
    """Convert every issued DOCX in one LibreOffice run (or with ``convert``, the service's warm
    LibreOffice) and note the PDFs in the register."""
    paths = [item.docx for item in issued]
    pdfs = convert(paths) if convert else convert_to_pdf(paths, soffice, timeout)
    for item, pdf in zip(issued, pdfs, strict=True):
        item.pdf = pdf
        if item.entry and register:
            register.set_pdf(item.entry.id, str(pdf))
            item.entry.pdf_path = str(pdf)


VOID_MARK = "SỐ ĐÃ HỦY"


def void_copy(data: bytes, symbol: str, reason: str) -> bytes:
    """The DOCX of a voided number as it may still be opened (a clerk keeps what was voided): a red line
    above its first page says the number was voided and why, and its title says so, so that a copy
    printed or sent on is never taken for a document in force. The file written at issue stays as it was."""
    import io

    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    document = docx.Document(io.BytesIO(data))
    line = document.add_paragraph()
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = line.add_run(f"{VOID_MARK} {symbol}: văn bản không có giá trị. Lý do hủy: {reason}")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(13), RGBColor(0xC0, 0x00, 0x00)
    document.element.body.insert(0, line._p)  # before the header table: the first thing one reads
    document.core_properties.title = f"{symbol} ({VOID_MARK.lower()})"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
