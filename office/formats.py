"""The format check of documents (``vanthu check-format``, the archive's document page, the drafting form's
upload): a DOCX or a PDF, ours or another body's, against the guide in force on its date."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.errors import InvalidInput
from office.workspace import Workspace

if TYPE_CHECKING:
    from docgen.format_check import Report

# A PDF's text is read by poppler within this many seconds (a scan's OCR has the archive's own limits).
PDF_SECONDS = 60.0
# Fewer characters a page than this (beside a visible signature's) is a scan: a receiving stamp's words, a
# portal's note, not a document's text, which fills a page with a thousand or more.
SCAN_CHARS = 150


def check_format(workspace: Workspace, path: Path, today: date | None = None, scan_text: str | None = None) -> Report:
    """The format check of one file: its parts read from the DOCX (python-docx) or the PDF (poppler by
    position; a scan's text by the archive's OCR reader, or ``scan_text`` when it was read before),
    judged by ``docgen.format_check``."""
    from docgen.format_check import check_layout
    from docgen.layout_model import read_docx

    suffix = path.suffix.lower()
    if not path.is_file():
        raise InvalidInput("không tìm thấy tệp", file=path)
    if suffix == ".docx":
        layout = read_docx(path)
    elif suffix == ".pdf":
        layout = _pdf_layout(workspace, path, scan_text)
    else:
        raise InvalidInput("chỉ kiểm tra được tệp DOCX hoặc PDF", file=path)
    return check_layout(layout, workspace.profile, str(path), today or date.today())


def _pdf_layout(workspace: Workspace, path: Path, scan_text: str | None):
    from archive.limits import LimitExceeded
    from archive.reading import Rejected, open_pdf, read_pdf, sniff, split_appearance
    from docgen.layout_model import read_pdf as pdf_parts
    from docgen.layout_model import run_pdftohtml, scan_layout

    data = path.read_bytes()
    try:
        sniff(data)
        pages = len(open_pdf(data).pages)
    except (Rejected, LimitExceeded) as exc:
        raise InvalidInput(getattr(exc, "reason", str(exc)), file=path) from exc
    xml = run_pdftohtml(path, min(PDF_SECONDS, workspace.limits.file_seconds))
    layout = pdf_parts(xml)
    own, appearance = split_appearance("\n".join(line.text for line in layout.lines))
    if appearance:  # a visible signature's lines are the signature's, not the document's
        layout = pdf_parts(xml, frozenset(appearance))
    if len(own.strip()) < SCAN_CHARS * pages:  # no text of its own (a stamp's at most): what OCR reads, text alone
        note = ""
        if scan_text is None:
            try:
                scan_text = read_pdf(data).text
            except (Rejected, LimitExceeded) as exc:  # the archive would quarantine it: say why, judge nothing
                scan_text, note = "", f"không đọc được chữ của tệp: {getattr(exc, 'reason', exc)}"
        layout = scan_layout(scan_text, pages)
        layout.notes += [note] if note else []
    return layout


def check_upload(workspace: Workspace, name: str, data: bytes) -> dict[str, Any]:
    """The check of an uploaded file (the drafting form), in a temporary folder removed afterwards."""
    import tempfile

    shown = Path(name.replace("\\", "/")).name  # the name the user chose, never the server's folder
    suffix = Path(shown).suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise InvalidInput("chỉ kiểm tra được tệp DOCX hoặc PDF", file=shown)
    with tempfile.TemporaryDirectory(prefix=".check-", dir=workspace.root) as folder:
        path = Path(folder) / f"tai-len{suffix}"
        path.write_bytes(data)
        try:
            report = check_format(workspace, path)
        except InvalidInput as exc:
            raise InvalidInput(exc.reason, file=shown, field=exc.field) from exc
    return report_json(report, shown)


def report_json(report: Report, name: str) -> dict[str, Any]:
    """A report as the pages show it: ``as_dict`` with the guide's full name."""
    return report.as_dict() | {"file": name, "profile_name": report.guide.name if report.guide else ""}


def archived_format(workspace: Workspace, record: dict[str, Any]) -> dict[str, Any] | None:
    """The format check of an archived document's PDF (the Văn bản page), a scan judged on the text the
    archive read when it came in (no OCR again); None when the file cannot be read. A document the archive
    read as a state body's is named so, never judged by a Party guide."""
    from docgen.format_check import state_report
    from office.documents import sidecar_text

    path = (workspace.archive / record.get("path", "")).resolve()
    if not path.is_relative_to(workspace.archive.resolve()) or not path.is_file():
        return None
    if record.get("layout") == "state":
        return report_json(state_report(path.name, _record_date(record)), path.name)
    try:
        return report_json(check_format(workspace, path, scan_text=sidecar_text(workspace, record)), path.name)
    except InvalidInput:
        return None


def document_guide(workspace: Workspace, record: dict[str, Any]) -> dict[str, Any] | None:
    """The format rule a document follows, and ``said``, the sentence both shells show: a state body's
    document, the state's (which vanthu does not check); else the Party guide its register entry records
    (issued by vanthu), else the one in force on its date; None for a Party document with no date."""
    from docgen.format_check import ONLY_PARTY, STATE_RULE

    if record.get("layout") == "state":
        return {"symbol": "30/2020/NĐ-CP", "name": STATE_RULE, "by": "văn bản của cơ quan nhà nước", "state": True,
                "said": f"{STATE_RULE} (văn bản của cơ quan nhà nước; {ONLY_PARTY})"}
    if record.get("register"):
        with workspace.register() as register:
            entry = register.copy_entry(record["register"], record.get("kind"))
        guide = entry.guide if entry else ""
        known = {g.symbol: g for g in workspace.profile.guides}
        if guide in known:
            return _guide(guide, known[guide].name, "sổ đăng ký")
    day = _record_date(record)
    if day is None:
        return None
    found = workspace.profile.guide_on(day)
    return _guide(found.symbol, found.name, "ngày văn bản")


def _guide(symbol: str, name: str, by: str) -> dict[str, Any]:
    return {"symbol": symbol, "name": name, "by": by, "state": False, "said": f"{name} (theo {by})"}


def _record_date(record: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(record.get("date") or ""))
    except ValueError:
        return None
