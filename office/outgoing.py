"""The outgoing register's work: numbering, rendering and issuing documents, previews, the
register's entries and their voiding (``vanthu new``/``pdf``/``register``, Soạn văn bản, Sổ đăng ký)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.errors import ConversionFailed, ConverterMissing, InvalidInput, RegisterError, VanthuError
from docgen.secrecy import CONSOLE, Viewer
from office.errors import NotFound
from office.workspace import Workspace

if TYPE_CHECKING:
    from docgen.documents import Document
    from docgen.issuing import Converter, Issued


def issue(workspace: Workspace, documents: list[Document], *, draft: bool, want_pdf: bool,
          out_dir: Path | None = None, convert: Converter | None = None,
          again: bool = True, viewer: Viewer = CONSOLE) -> tuple[list[Issued], VanthuError | None]:
    """Number (unless ``draft``), render and write each document; then the PDFs in one batch.

    The DOCX files stand even when the PDF cannot be made: that error is returned, not raised.
    With ``again=False`` (the CLI without ``--again``) a document whose kind, trích yếu and date
    were issued before is refused (``AlreadyIssued``) before any number is spent. ``viewer`` issues:
    the register's «người cấp số» is their login (at the terminal, the system user).
    """
    from docgen.issuing import attach_pdfs, issue_documents

    with workspace.register() as book:
        book.issued_by = issuer_login(viewer)
        issued = issue_documents(documents, register=book, renderer=workspace.renderer(),
                                 out_dir=out_dir or workspace.out, today=date.today(), draft=draft,
                                 again=again, viewer=viewer)
        pdf_error = None
        if want_pdf:
            try:
                attach_pdfs(issued, book, workspace.settings.soffice, workspace.settings.pdf_timeout,
                            convert)
            except (ConverterMissing, ConversionFailed) as exc:
                pdf_error = exc
    return issued, pdf_error


def issuer_login(viewer: Viewer) -> str:
    """Who the register records as having issued a number: the service's user, or at the terminal
    nobody named here (the register takes the system user)."""
    return "" if viewer is CONSOLE or viewer.login == CONSOLE.login else viewer.login


def document_from_data(workspace: Workspace, kind_name: str, data: dict[str, Any], source: str) -> Document:
    """A document from a data mapping (a form, a JSON body), checked as a data file is."""
    from docgen.documents import build_document

    return build_document(data, generated_kind(kind_name), workspace.profile, source)


def checked_marks(data: dict[str, Any], viewer: Viewer) -> dict[str, Any]:
    """The data with its secrecy and urgency marks as printed (``mật`` → ``MẬT``), or a refusal naming
    the field; a mark no higher than its writer may read (else the draft would vanish for the person
    who wrote it)."""
    from docgen.secrecy import LEVELS, SECRECY, URGENCY, canonical_mark

    marks = {"secrecy": canonical_mark(data.get("secrecy"), SECRECY, "secrecy"),
             "urgency": canonical_mark(data.get("urgency"), URGENCY, "urgency")}
    if LEVELS[marks["secrecy"]] > viewer.clearance:
        raise InvalidInput("không thể đặt độ mật cao hơn độ mật bạn được xem", field="secrecy")
    return {**{k: v for k, v in data.items() if k not in marks}, **{k: v for k, v in marks.items() if v}}


def generated_kind(value: str):
    """The kind vanthu can generate named by ``value`` (slug, code or name)."""
    from docgen.kinds import find_kind, generated_kinds, guessed_kind

    kind = find_kind(value)
    if kind is None or kind not in generated_kinds():  # find_kind folds case, accents and hyphens
        names = ", ".join(f"{k.slug} ({k.code})" for k in generated_kinds())
        said = guessed_kind(value) if kind is None else f"«{value}»"
        raise InvalidInput(f"không tạo được loại văn bản {said}; chọn một trong: {names}", field="LOẠI")
    return kind


def preview_pdf(workspace: Workspace, document: Document, convert: Converter | None = None) -> bytes:
    """The PDF of a document as it will print, without a number and without spending one."""
    data = workspace.renderer().render(document, None, document.date or date.today())
    return docx_to_pdf(workspace, data, "du-thao.docx", convert)


def docx_to_pdf(workspace: Workspace, data: bytes, name: str, convert: Converter | None = None) -> bytes:
    """The PDF of a DOCX held in memory (a preview, a printed register), converted in a temporary folder
    of the workspace by the warm converter if given, else by a LibreOffice started for it."""
    import tempfile

    from docgen.pdf import convert_to_pdf

    with tempfile.TemporaryDirectory(prefix=".pdf-", dir=workspace.root) as folder:
        source = Path(folder) / name
        source.write_bytes(data)
        settings = workspace.settings
        [pdf] = convert([source]) if convert else convert_to_pdf([source], settings.soffice, settings.pdf_timeout)
        return pdf.read_bytes()


def register_entries(workspace: Workspace, viewer: Viewer, *, kind: str | None = None,
                     body: str | None = None, year: int | None = None,
                     status: str | None = None) -> list[dict[str, Any]]:
    """The register's entries ``viewer`` may read (a secret entry's subject is secret too), each with its
    kind's name (``kind_name``): a Quyết định and a Quy định may print the same symbol."""
    from docgen.kinds import find_kind, resolve_kind

    kind_code = resolve_kind(kind).code if kind else None  # the kind's sequence, whatever it prints
    with workspace.register() as book:
        entries = book.entries(kind_code=kind_code, body_code=body)
    rows = [e.as_dict() for e in entries if viewer.may_read({"secrecy": e.secrecy})]
    if year:
        rows = [r for r in rows if r["date"].startswith(f"{year:04d}")]
    if status:
        rows = [r for r in rows if r["status"] == status]
    for row in rows:
        named = find_kind(row["kind_code"])
        row["kind_name"] = named.name if named else row["kind_code"]
    return rows


def archived_recipients(workspace: Workspace, entries: list[dict[str, Any]], viewer: Viewer) -> dict[int, list[str]]:
    """The Nơi nhận of each entry's archived copy (the printed Sổ đăng ký), by the entry's id: the copy the
    register links to the entry, else the one the register tells is the entry's (its symbol, and its kind
    where a Quyết định and a Quy định print the symbol alike); never another entry's copy."""
    with workspace.register() as book, workspace.catalog() as catalog:
        rows = [row for row in catalog.readable_files(viewer) if row.symbol]
        by_path = {row.path: row for row in rows}
        owned: dict[int, Any] = {}
        for row in rows:
            owner = book.copy_entry(row.symbol, row.record.get("kind"))
            if owner is not None and row.record.get("recipients"):
                owned.setdefault(owner.id, row)
    found = {}
    for entry in entries:
        row = by_path.get(entry["archive_path"]) or owned.get(entry["id"])
        if row is not None:
            found[entry["id"]] = list(row.record.get("recipients") or [])
    return found


def register_entry(workspace: Workspace, entry_id: int, viewer: Viewer) -> dict[str, Any]:
    for row in register_entries(workspace, viewer):
        if row["id"] == entry_id:
            return row
    raise NotFound(f"sổ đăng ký không có mục số {entry_id}")


def void_entry(workspace: Workspace, entry_id: int, reason: str, viewer: Viewer) -> dict[str, Any]:
    """Void a number (the Sổ đăng ký page): the entry of that row, not its printed symbol, which a
    Quyết định and a Quy định may share; it stays given, marked void with the reason, and what was
    archived under it follows (``void_number``)."""
    if not reason.strip():
        raise InvalidInput("cần ghi lý do hủy", field="Lý do")
    entry = register_entry(workspace, entry_id, viewer)
    with workspace.register() as book:
        if entry["term_start"] != book.term_start:  # the same symbol may be a number of this term
            raise RegisterError(f"văn bản {entry['symbol']} thuộc nhiệm kỳ trước; không hủy số của nhiệm kỳ đã qua")
    return void_number(workspace, entry["id"], reason)


def void_number(workspace: Workspace, symbol: str | int, reason: str, kind: str | None = None) -> dict[str, Any]:
    """Void a number of this term (``vanthu register void``), named by its symbol (and ``kind``, as the
    clerk names it, where two kinds print the symbol alike) or by its entry's id: the entry is marked
    void, every archived copy of its document is marked «đã hủy» (search, its page, the digest) and its
    tasks are closed. The entry's JSON, with ``reached``: how many archived files and tasks followed."""
    from office.archiving import follow_void

    with workspace.register() as book:
        entry = book.void(symbol, reason, _kind_code(kind))
    return {**entry.as_dict(), "reached": follow_void(workspace, entry)}


def _kind_code(kind: str | None) -> str | None:
    """The register's code of the kind a clerk named (``quy-dinh`` → ``QĐi``), for ``--kind``."""
    from docgen.kinds import resolve_kind

    return resolve_kind(kind, field="--kind").code if kind else None


def entry_file(workspace: Workspace, entry_id: int, fmt: str, viewer: Viewer) -> Path:
    """The DOCX or PDF written when the entry was issued, if it is still in ``out/``."""
    entry = register_entry(workspace, entry_id, viewer)
    value = entry.get({"docx": "docx_path", "pdf": "pdf_path"}.get(fmt, ""), "")
    path = Path(value).resolve() if value else None
    if path is not None and not path.is_relative_to(workspace.root):
        path = workspace.out / path.name  # a workspace moved to another folder keeps its out/
    if path is None or not path.is_file():
        raise NotFound(f"không còn tệp {fmt.upper()} của {entry['symbol']}")
    return path


def entry_download(workspace: Workspace, entry_id: int, fmt: str, viewer: Viewer,
                   convert: Converter | None = None) -> tuple[Path | bytes, str]:
    """What «DOCX», «PDF» of a Sổ đăng ký row give, and the file's name: the file written at issue; for a
    voided number, a copy that says so on its first page and in its name (``…-da-huy.pdf``), made from
    the DOCX (its PDF too, so that both carry the mark). A clerk still reads what was voided, but no copy
    leaves the office looking like a document in force."""
    from docgen.issuing import void_copy

    entry = register_entry(workspace, entry_id, viewer)
    if fmt not in ("docx", "pdf"):
        raise NotFound(f"không có tệp {fmt[:10].upper()} của {entry['symbol']}")
    if entry["status"] != "void":
        path = entry_file(workspace, entry_id, fmt, viewer)
        return path, path.name
    source = entry_file(workspace, entry_id, "docx", viewer)
    marked = void_copy(source.read_bytes(), entry["symbol"], entry["void_reason"])
    name = f"{source.stem}-da-huy.{fmt}"
    return (docx_to_pdf(workspace, marked, f"{source.stem}-da-huy.docx", convert) if fmt == "pdf" else marked), name


def entry_pdf(workspace: Workspace, symbol: str, convert: Converter | None = None, kind: str | None = None) -> Path:
    """The PDF of a number already issued, made from the DOCX written when it was issued (clerks
    forget ``--pdf``); the register notes it. ``kind`` as for ``void_number``."""
    from docgen.issuing import file_name
    from docgen.kinds import find_kind
    from docgen.pdf import convert_to_pdf
    from docgen.register import split_symbol

    with workspace.register() as book:
        entry = book.find(symbol, _kind_code(kind))
        if entry.status == "void":
            raise InvalidInput(f"văn bản {entry.symbol} đã bị hủy ({entry.void_reason})", field="SỐ_KÝ_HIỆU")
        printed = (split_symbol(entry.symbol) or (0, "", ""))[1]  # a Quy định's file is named apart
        docx = Path(entry.docx_path) if entry.docx_path else \
            workspace.out / file_name(entry.symbol, find_kind(entry.kind_code), printed)
        if not docx.is_file():
            docx = workspace.out / docx.name  # a workspace moved to another folder keeps its out/
        if not docx.is_file():
            raise NotFound(f"không còn tệp DOCX của {entry.symbol} ({docx}); không tạo được PDF")
        settings = workspace.settings
        [pdf] = convert([docx]) if convert else convert_to_pdf([docx], settings.soffice, settings.pdf_timeout)
        book.set_pdf(entry.id, str(pdf))
    return pdf
