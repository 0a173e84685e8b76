"""What the office does, one function per job, for both shells: the CLI and the web service.

Each function takes the workspace and, where documents are read, the viewer,
and returns plain data (the shapes of the CLI's ``--json``), so that
``vanthu search --json`` and ``/api/search`` give the same answer to the same
question. Nothing here talks to a terminal or to HTTP.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.errors import ConversionFailed, ConverterMissing, InvalidInput, RegisterError, VanthuError
from docgen.secrecy import CONSOLE, TOP, Viewer, mark_name
from vanthu.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator

    from archive.pipeline import Outcome, Pipeline
    from digest.weeks import Week
    from docgen.documents import Document
    from docgen.issuing import Converter, Issued
    from indexer.engine import SearchIndex
    from indexer.indexing import IndexUpdater
    from indexer.search import SearchRequest


class NotFound(VanthuError):
    """No such document for this viewer (a secret one they may not read is not found either)."""


class Ambiguous(VanthuError):
    """A key that names several documents."""


def search_archive(workspace: Workspace, request: SearchRequest, viewer: Viewer,
                   index: SearchIndex | None = None) -> dict[str, Any]:
    """The answer of ``vanthu search --json``: ``{"total", "hits"}`` (and ``"facets"`` if asked)."""
    from archive.store import ArchiveStore
    from indexer.search import search

    return search(index or workspace.search_index(), ArchiveStore(workspace.archive), request,
                  workspace.gazetteer, workspace.taxonomy, viewer)


def find_document(workspace: Workspace, key: str, viewer: Viewer) -> dict[str, Any]:
    """The record of ``vanthu show --json``: one archived document by one of its files' ids or by its
    number and symbol. The fields are those of the file named by id, else of the document's best
    file; ``files`` lists all its files (those that disagree first), ``conflicts`` how many disagree,
    and ``secrecy`` is the strongest of its files'."""
    from archive.documents import best_file, document_files, document_level

    with workspace.catalog() as catalog:
        documents = catalog.documents(key, viewer)
    if not documents:
        raise NotFound(f"kho lưu trữ không có văn bản «{key}»")
    if len(documents) > 1:
        listed = ", ".join(f"{rows[0].symbol or rows[0].id} [{rows[0].id}]" for rows in documents)
        raise Ambiguous(f"có {len(documents)} văn bản khớp «{key}»: {listed}; dùng mã")
    records = [{**row.record, "id": row.id, "path": row.path} for row in documents[0]]
    named = [r for r in records if r["id"].startswith(key.strip().lower())] if len(records) > 1 else []
    record = dict(named[0] if len(named) == 1 else best_file(records))
    texts = _texts(workspace, records) if len(records) > 1 else {}
    record["files"] = document_files(records, texts)
    record["conflicts"] = sum(bool(f["conflict"]) for f in record["files"])
    record["secrecy"] = mark_name(document_level(records))
    text = _sidecar_text(workspace, record)
    record["topics"] = document_topics(workspace, record, text)
    record.update(document_places(workspace, record, text))
    from archive.corrections import history

    with workspace.catalog() as catalog:
        record["corrections"] = history(catalog, record["sha256"])
    return record


def _texts(workspace: Workspace, records: list[dict[str, Any]]) -> dict[str, str]:
    """The text of each file, by id, from its sidecar (a file whose sidecar is lost has none)."""
    from archive.store import ArchiveStore
    from indexer.indexing import read_sidecar

    texts = {}
    for record in records:
        try:
            texts[record["id"]] = read_sidecar(ArchiveStore(workspace.archive), record["path"]).get("text", "")
        except (OSError, ValueError):
            continue
    return texts


def _sidecar_text(workspace: Workspace, record: dict[str, Any]) -> str:
    """The file's text from its sidecar; a lost sidecar gives none (the trích yếu still says something)."""
    from archive.store import ArchiveStore
    from indexer.indexing import read_sidecar

    try:
        return read_sidecar(ArchiveStore(workspace.archive), record["path"]).get("text", "")
    except (OSError, ValueError):
        return ""


def document_places(workspace: Workspace, record: dict[str, Any], text: str) -> dict[str, Any]:
    """Địa bàn: the localities the document names (as the search index finds them) and their teams."""
    from indexer.indexing import slips

    found = workspace.gazetteer.find(f"{record.get('subject', '')}\n{text}", slips=slips(record))
    return {"localities": [loc.full_name for loc in found], "teams": workspace.gazetteer.teams_of(found)}


def document_topics(workspace: Workspace, record: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The topics the document is tagged with under the current taxonomy, strongest first, each with
    its score and the words that decided it: what a clerk reads to correct ``[topics]`` of vanthu.toml."""
    from indexer.indexing import slips

    subject = record.get("subject", "")
    return [t.as_dict() | {"because": t.because()}
            for t in workspace.taxonomy.attached(subject, text or subject, slips=slips(record))]


def correct_document(workspace: Workspace, key: str, edit: Any, viewer: Viewer,
                     warn: Callable[[str], None] = lambda _message: None) -> dict[str, Any]:
    """A clerk's correction of one document (``vanthu edit``, the document page's form); the index
    follows at once. ``edit`` is an ``archive.corrections.Edit``."""
    from archive.corrections import correct
    from archive.pipeline import link_register, match_register
    from archive.store import ArchiveStore

    with workspace.catalog() as catalog, workspace.register() as register:
        rows = catalog.find(key, viewer)
        if not rows:
            raise NotFound(f"kho lưu trữ không có văn bản «{key}»")
        if len(rows) > 1:
            raise Ambiguous(f"có {len(rows)} văn bản khớp «{key}»; dùng mã: {', '.join(r.id for r in rows)}")

        def symbol_check(record: dict[str, Any]) -> None:
            link_register(register, match_register(register, record), record)

        record = correct(catalog, ArchiveStore(workspace.archive), rows[0], edit, symbol_check)
        updater = workspace.index_updater(catalog, warn)
        updater.queue(record)
        updater.flush()
    return find_document(workspace, rows[0].id, viewer)


def page_image(workspace: Workspace, key: str, page: int, viewer: Viewer) -> bytes:
    """Page ``page`` of a document the viewer may read, as a PNG (the ``Chờ xác nhận`` page)."""
    from archive.ocr import OcrFailed, page_png

    path, record = document_file(workspace, key, None, viewer)  # the page of the file being reviewed
    if not 1 <= page <= int(record.get("pages") or 1):
        raise NotFound(f"văn bản {record.get('symbol') or record['id']} không có trang {page}")
    try:
        return page_png(path, page)
    except OcrFailed as exc:
        raise NotFound(f"không hiển thị được trang {page}: {exc.reason}") from exc


def review_documents(workspace: Workspace, viewer: Viewer) -> list[dict[str, Any]]:
    """The documents whose proposals wait for a clerk, oldest first (``vanthu review``, ``Chờ xác nhận``)."""
    from archive.corrections import review_queue

    with workspace.catalog() as catalog:
        return review_queue(catalog, viewer)


def document_page(workspace: Workspace, key: str, viewer: Viewer,
                  index: SearchIndex | None = None) -> dict[str, Any]:
    """A document with what surrounds it: its files, what it cites and what cites it, its tasks
    and its register entry, each of them what ``viewer`` may read only."""
    from indexer.search import SearchRequest

    record = find_document(workspace, key, viewer)
    files = [{**item, "n": n, "name": Path(item["path"]).name, "role": item["kind_name"]}
             for n, item in enumerate(record["files"])]
    citing = []
    if record.get("symbol"):
        answer = search_archive(workspace, SearchRequest(record["symbol"], limit=50), viewer, index)
        own = {item["id"] for item in record["files"]}
        citing = [hit for hit in answer["hits"] if hit["id"] not in own]
    cited = []
    for cite in record.get("cites") or []:
        try:
            cited.append({**cite, "id": find_document(workspace, cite["symbol"], viewer)["id"]})
        except (NotFound, Ambiguous):
            cited.append({**cite, "id": ""})
    with workspace.task_book() as book:
        tasks = [t.as_dict(workspace.gazetteer, date.today()) for t in book.readable(viewer)
                 if t.doc_id == record["id"]]
    entry = None
    if record.get("register"):
        with workspace.register() as register:
            try:
                entry = register.find(record["register"]).as_dict()
            except RegisterError:  # a number of an earlier term, or a register rebuilt without it
                entry = None
    shown = next(item["n"] for item in files if item["id"] == record["id"])
    return {"document": record, "files": files, "shown": shown, "cited": cited, "citing": citing, "tasks": tasks,
            "register": entry}


def document_file(workspace: Workspace, key: str, n: int | None, viewer: Viewer) -> tuple[Path, dict[str, Any]]:
    """The path of file ``n`` of a document the viewer may read; ``None``: the file whose fields
    the record shows (the one named by id, else the best)."""
    record = find_document(workspace, key, viewer)
    if n is None:
        n = next((i for i, item in enumerate(record["files"]) if item["id"] == record["id"]), 0)
    if not 0 <= n < len(record["files"]):
        raise NotFound(f"văn bản {record.get('symbol') or record['id']} không có tệp số {n}")
    path = (workspace.archive / record["files"][n]["path"]).resolve()
    if not path.is_relative_to(workspace.archive.resolve()) or not path.is_file():
        raise NotFound(f"tệp của văn bản {record.get('symbol') or record['id']} không còn trong kho lưu trữ")
    return path, record


# Issuing


def issue(workspace: Workspace, documents: list[Document], *, draft: bool, want_pdf: bool,
          out_dir: Path | None = None, convert: Converter | None = None,
          again: bool = True) -> tuple[list[Issued], VanthuError | None]:
    """Number (unless ``draft``), render and write each document; then the PDFs in one batch.

    The DOCX files stand even when the PDF cannot be made: that error is returned, not raised.
    With ``again=False`` (the CLI without ``--again``) a document whose kind, trích yếu and date
    were issued before is refused (``AlreadyIssued``) before any number is spent.
    """
    from docgen.issuing import attach_pdfs, issue_documents

    with workspace.register() as book:
        issued = issue_documents(documents, register=book, renderer=workspace.renderer(),
                                 out_dir=out_dir or workspace.out, today=date.today(), draft=draft,
                                 again=again)
        pdf_error = None
        if want_pdf:
            try:
                attach_pdfs(issued, book, workspace.settings.soffice, workspace.settings.pdf_timeout,
                            convert)
            except (ConverterMissing, ConversionFailed) as exc:
                pdf_error = exc
    return issued, pdf_error


def document_from_data(workspace: Workspace, kind_name: str, data: dict[str, Any], source: str) -> Document:
    """A document from a data mapping (a form, a JSON body), checked as a data file is."""
    from docgen.documents import build_document

    return build_document(data, generated_kind(kind_name), workspace.profile, source)


def check_draft_secrecy(data: dict[str, Any], viewer: Viewer) -> None:
    """A draft's mark must be one of the marks, and no higher than its writer may read (else the draft
    would vanish for the person who wrote it)."""
    from docgen.secrecy import LEVELS, SECRECY

    mark = str(data.get("secrecy") or "").strip().upper()
    if mark and mark not in SECRECY:
        raise InvalidInput(f"«{data['secrecy']}» không hợp lệ; chọn một trong: {', '.join(SECRECY)}", field="secrecy")
    if LEVELS.get(mark, 0) > viewer.clearance:
        raise InvalidInput("không thể đặt độ mật cao hơn độ mật bạn được xem", field="secrecy")


def generated_kind(value: str):
    """The kind vanthu can generate named by ``value`` (slug, code or name)."""
    from docgen.kinds import find_kind, generated_kinds

    kind = find_kind(value)
    if kind is None or kind not in generated_kinds():  # find_kind folds case, accents and hyphens
        names = ", ".join(f"{k.slug} ({k.code})" for k in generated_kinds())
        raise InvalidInput(f"không tạo được loại văn bản «{value}»; chọn một trong: {names}", field="LOẠI")
    return kind


def preview_pdf(workspace: Workspace, document: Document, convert: Converter | None = None) -> bytes:
    """The PDF of a document as it will print, without a number and without spending one."""
    import tempfile

    from docgen.pdf import convert_to_pdf

    data = workspace.renderer().render(document, None, document.date or date.today())
    with tempfile.TemporaryDirectory(prefix=".preview-", dir=workspace.root) as folder:
        source = Path(folder) / "du-thao.docx"
        source.write_bytes(data)
        settings = workspace.settings
        [pdf] = convert([source]) if convert else convert_to_pdf([source], settings.soffice, settings.pdf_timeout)
        return pdf.read_bytes()


def register_entries(workspace: Workspace, viewer: Viewer, *, kind: str | None = None,
                     body: str | None = None, year: int | None = None,
                     status: str | None = None) -> list[dict[str, Any]]:
    """The register's entries ``viewer`` may read (a secret entry's subject is secret too)."""
    from docgen.kinds import resolve_kind

    kind_code = workspace.profile.kind_code(resolve_kind(kind)) if kind else None
    with workspace.register() as book:
        entries = book.entries(kind_code=kind_code, body_code=body)
    rows = [e.as_dict() for e in entries if viewer.may_read({"secrecy": e.secrecy})]
    if year:
        rows = [r for r in rows if r["date"].startswith(f"{year:04d}")]
    if status:
        rows = [r for r in rows if r["status"] == status]
    return rows


def register_entry(workspace: Workspace, entry_id: int, viewer: Viewer) -> dict[str, Any]:
    for row in register_entries(workspace, viewer):
        if row["id"] == entry_id:
            return row
    raise NotFound(f"sổ đăng ký không có mục số {entry_id}")


def void_entry(workspace: Workspace, entry_id: int, reason: str, viewer: Viewer) -> dict[str, Any]:
    """Void a number: it stays given, marked void with the reason."""
    if not reason.strip():
        raise InvalidInput("cần ghi lý do hủy", field="Lý do")
    entry = register_entry(workspace, entry_id, viewer)
    with workspace.register() as book:
        if entry["term_start"] != book.term_start:  # the same symbol may be a number of this term
            raise RegisterError(f"văn bản {entry['symbol']} thuộc nhiệm kỳ trước; không hủy số của nhiệm kỳ đã qua")
        return book.void(entry["symbol"], reason.strip()).as_dict()


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


def entry_pdf(workspace: Workspace, symbol: str, convert: Converter | None = None) -> Path:
    """The PDF of a number already issued, made from the DOCX written when it was issued (clerks
    forget ``--pdf``); the register notes it."""
    from docgen.issuing import file_name
    from docgen.pdf import convert_to_pdf

    with workspace.register() as book:
        entry = book.find(symbol)
        if entry.status == "void":
            raise InvalidInput(f"văn bản {entry.symbol} đã bị hủy ({entry.void_reason})", field="SỐ_KÝ_HIỆU")
        docx = Path(entry.docx_path) if entry.docx_path else workspace.out / file_name(entry.symbol)
        if not docx.is_file():
            docx = workspace.out / docx.name  # a workspace moved to another folder keeps its out/
        if not docx.is_file():
            raise NotFound(f"không còn tệp DOCX của {entry.symbol} ({docx}); không tạo được PDF")
        settings = workspace.settings
        [pdf] = convert([docx]) if convert else convert_to_pdf([docx], settings.soffice, settings.pdf_timeout)
        book.set_pdf(entry.id, str(pdf))
    return pdf


# Archiving


def _warn_to(sink: Callable[[str], None] | None) -> Callable[[str], None]:
    return sink or (lambda _message: None)


@contextmanager
def opened_pipeline(workspace: Workspace,
                    warn: Callable[[str], None] | None = None) -> Iterator[tuple[Pipeline, IndexUpdater]]:
    """The pipeline, with the search index and the follow-up book following what it archives."""
    with workspace.register() as register, workspace.catalog() as catalog, \
            workspace.task_book() as tasks:
        updater = workspace.index_updater(catalog, _warn_to(warn))
        pipeline = workspace.pipeline(register, catalog)
        pipeline.listeners += [tasks.read_record, updater.queue]  # the index is flushed last
        updater.catch_up(also=[tasks.read_record])
        try:
            yield pipeline, updater
        finally:
            pipeline.close()  # its reader process
            updater.flush()


def archive_uploads(workspace: Workspace, files: list[Path],
                    warn: Callable[[str], None] | None = None) -> list[Outcome]:
    """Files received by upload, through the inbox's pipeline; each becomes one outcome.

    The uploaded copies are the caller's temporary files: a file that cannot be archived is
    kept in quarantine with its reason, as from the inbox.
    """
    from archive.pipeline import FileUnavailable

    outcomes = []
    with opened_pipeline(workspace, warn) as (pipeline, _updater):
        for path in files:
            try:
                outcomes.append(pipeline.ingest(path))
            except FileUnavailable as exc:
                raise InvalidInput(exc.reason, file=path.name) from exc
    return outcomes


def watch_inbox(workspace: Workspace, stop: threading.Event, report: Callable[[Any, str], None],
                warn: Callable[[str], None] | None = None, polling: bool = False) -> None:
    """Archive what arrives in ``inbox/`` until ``stop`` is set; ``report`` hears of each file.

    The pipeline is opened here, in the thread that runs the watcher, since its databases
    belong to the thread that opened them; an ingest in flight finishes before it returns.
    """
    from archive.watcher import InboxWatcher, WatchOptions

    settings = workspace.settings
    options = WatchOptions(delay=settings.stability_delay, rescan_seconds=settings.rescan_minutes * 60,
                           polling=polling, poll_seconds=settings.poll_seconds,
                           retry_cap_seconds=settings.retry_cap_seconds)
    with opened_pipeline(workspace, warn) as (pipeline, updater):
        watcher = InboxWatcher(pipeline, workspace.inbox, options, report)
        watcher.after_tick.append(updater.flush)
        watcher.run(stop)


def check_databases(workspace: Workspace) -> list[str]:
    """``PRAGMA integrity_check`` of every database of the workspace: their names, or
    ``DatabaseDamaged`` naming the first damaged one and the restore command."""
    from archive.backup import databases
    from docgen.database import DatabaseDamaged, integrity

    names = []
    for database in databases(workspace.root):
        problem = integrity(database)
        if problem != "ok":
            raise DatabaseDamaged(database, problem)
        names.append(database.name)
    return names


@dataclass
class RegisterRebuilt:
    added: list[dict[str, Any]]
    kept: int
    skipped: list[str]
    gaps: dict[str, list[int]]
    damaged_kept_as: Path | None = None  # the damaged database, moved aside, never deleted

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "kept": self.kept, "skipped": self.skipped, "gaps": self.gaps,
                "damaged_kept_as": str(self.damaged_kept_as) if self.damaged_kept_as else None}


def _set_damaged_aside(database: Path) -> Path | None:
    """A damaged database (and its journal files) renamed aside, so a new one can be made beside it."""
    from docgen.database import integrity

    if not database.is_file() or integrity(database) == "ok":
        return None
    aside = database.with_name(f"{database.name}.hong-{datetime.now():%Y%m%d-%H%M%S}")
    for suffix in ("-wal", "-shm", "-journal"):
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            companion.rename(aside.with_name(aside.name + suffix))
    database.rename(aside)
    return aside


def rebuild_register(workspace: Workspace) -> RegisterRebuilt:
    """The register's entries read back from the archive's sidecars and the DOCX files of ``out/``
    (a damaged database is first moved aside): each number not in the register is added, marked
    with where it came from; the numbers still missing are reported."""
    from archive.register_rebuild import found_entries, ours

    aside = _set_damaged_aside(workspace.register_path)
    found, unreadable = found_entries(workspace.archive, workspace.out, workspace.root)
    found, other_terms = ours(found, workspace.profile)
    with workspace.register() as book:
        added, kept = book.restore(found)
        gaps = book.gaps()
    return RegisterRebuilt([e.as_dict() for e in added], kept, unreadable + other_terms, gaps, aside)


def check_archive(workspace: Workspace, viewer: Viewer = CONSOLE) -> dict[str, Any]:
    """What ``vanthu check`` reports: files changed, missing, or unknown to the catalog.

    The whole archive is checked, but a viewer is told only of the documents they may read: a
    problem elsewhere is one sentence (``hidden``), with no name, count or path; a file unknown to
    the catalog has no known secrecy, so only a viewer cleared for every level sees its path."""
    from archive.store import ArchiveStore

    with workspace.catalog() as catalog:
        rows = catalog.archived()
    report = ArchiveStore(workspace.archive).check({row.path: row.sha256 for row in rows})
    shown = {row.path for row in rows if viewer.may_read(row.full)}
    untracked = report.untracked if viewer.clearance >= TOP else []
    visible = ([p for p in report.changed if p in shown], [p for p in report.missing if p in shown])
    hidden = len(report.changed) + len(report.missing) + len(report.untracked) > sum(map(len, visible)) + len(untracked)
    return {"documents": len(shown), "changed": visible[0], "missing": visible[1],
            "untracked": untracked, "clean": report.clean, "hidden": hidden,
            "conflicts": document_conflicts(workspace, [row.full for row in rows if row.path in shown])}


def document_conflicts(workspace: Workspace, records: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The files that disagree with the other files of their document (archive/documents.py)."""
    from archive.documents import conflicts, group_records

    found = []
    for files in group_records(records).values():
        if len(files) < 2:
            continue
        for file_id, reason in conflicts(files, _texts(workspace, files)).items():
            item = next(f for f in files if f["id"] == file_id)
            found.append({"symbol": item.get("symbol", ""), "id": file_id, "path": item["path"],
                          "reason": reason})
    return found


# The weekly work


def current_week(workspace: Workspace, label: str | None) -> Week:
    """The week named by ``label`` (the coming one if none), within the years an office works in."""
    from digest.weeks import parse_week, week_due

    weekday, at = workspace.report_clock()
    week = parse_week(label, weekday, at) if label else week_due(datetime.now(), weekday, at)
    if not 2000 <= week.year <= 2100:
        raise InvalidInput(f"«{label}» không phải là tuần hợp lệ (năm từ 2000 đến 2100)", field="--week")
    return week


@dataclass
class ReportReceipt:
    report: dict[str, Any]
    week: Week
    index_warning: str = ""


def receive_report(workspace: Workspace, team: int, source: Path, *, week: str | None = None,
                   received: datetime | None = None) -> ReportReceipt:
    """A team's quick report kept for its week (late after the deadline) and made searchable."""
    from digest.reports import index_record
    from digest.weeks import week_due
    from indexer.engine import IndexUnavailable
    from indexer.indexing import index_document

    at = received or datetime.now()
    # a paper report entered later counts for the week it was received in
    chosen = current_week(workspace, week) if week or not received else week_due(at, *workspace.report_clock())
    saved = workspace.report_book().add(team, chosen, source, at.replace(tzinfo=None))
    warning = ""
    try:
        workspace.search_index().add([index_document(index_record(saved), workspace.gazetteer,
                                                     workspace.taxonomy)])
    except IndexUnavailable as exc:
        warning = f"chưa đưa báo cáo vào chỉ mục tìm kiếm: {exc}"
    return ReportReceipt(saved, chosen, warning)


def remove_report(workspace: Workspace, team: int, week: Week) -> dict[str, Any]:
    """Withdraw a team's report (kept as a version) and take it out of the search index."""
    from digest.reports import index_record
    from indexer.engine import IndexUnavailable

    removed = workspace.report_book().remove(week, team)
    try:
        with workspace.search_index().writer() as writer:
            writer.delete_by_term("id", index_record(removed)["id"])
    except IndexUnavailable:
        pass  # the next index rebuild reads only what is in reports/
    return removed


def week_status(workspace: Workspace, week: Week) -> dict[str, Any]:
    """The JSON of ``vanthu report status``."""
    statuses = workspace.report_book().status(week)
    return {"week": week.label, "deadline": week.deadline.isoformat(), "teams": [vars(s) for s in statuses]}


def select_tasks(workspace: Workspace, viewer: Viewer, *, today: date | None = None,
                 **filters: Any) -> list[dict[str, Any]]:
    """The JSON of ``vanthu tasks``: the tasks of documents ``viewer`` may read."""
    day = today or date.today()
    with workspace.task_book() as book:
        found = book.select(viewer=viewer, today=day, **filters)
    return [task.as_dict(workspace.gazetteer, day) for task in found]


def digest_data(workspace: Workspace, week: Week, viewer: Viewer) -> dict[str, Any]:
    """The JSON of ``vanthu digest --json``: what ``viewer`` may read of the week."""
    from archive.store import ArchiveStore
    from digest.compose import Sources, collect

    with workspace.catalog() as catalog, workspace.task_book() as book:
        return collect(week, Sources(catalog, ArchiveStore(workspace.archive), workspace.report_book(),
                                     book, workspace.gazetteer, workspace.taxonomy, viewer))


def _digest_document(workspace: Workspace, week: Week, secrecy: str = "") -> Document:
    from digest.compose import MARKER, subject_of
    from docgen.documents import Document
    from docgen.kinds import find_kind

    profile = workspace.profile
    issuer = profile.body("VPTU" if "VPTU" in profile.bodies else None)
    return Document(kind=find_kind("BC"), issuer=issuer, subject=subject_of(week),  # type: ignore[arg-type]
                    signer=profile.signer(issuer.signer), date=date.today(), text=MARKER,  # the day issued
                    recipients=("Thường trực Tỉnh ủy", "Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy",
                                "Các Tổ theo dõi địa bàn"), source=f"tong-hop-{week.label}", secrecy=secrecy)


def _digest_issued_before(register: Any, document: Document, week: Week) -> None:
    """One number a week: a digest of this week already in the register (not void) is refused."""
    from docgen.dates import short_date
    from docgen.issuing import AlreadyIssued
    from docgen.rendering import subject_line

    wanted = subject_line(document)
    earlier = [e for e in register.entries(kind_code="BC", body_code=document.issuer.code)
               if e.subject == wanted and e.status != "void"]
    if earlier:
        listed = ", ".join(f"{e.symbol} ngày {short_date(date.fromisoformat(e.date))}" for e in earlier)
        raise AlreadyIssued(f"báo cáo tổng hợp tuần {week.label} đã được cấp số {listed}; muốn cấp số "
                            "mới, chạy lại với --again", field="--issue")


def compile_digest(workspace: Workspace, week: Week, viewer: Viewer, *, issue_number: bool,
                   want_pdf: bool, out_file: Path | None = None, convert: Converter | None = None,
                   again: bool = True) -> Issued:
    """The digest as a Báo cáo DOCX (numbered when ``issue_number``, dated the day it is issued),
    and its PDF if asked. With ``again=False`` (the CLI without ``--again``) a week whose digest
    was numbered before is refused."""
    from digest.compose import fill
    from docgen.issuing import attach_pdfs, issue_documents

    if issue_number and out_file:
        raise InvalidInput("văn bản cấp số được ghi vào out/ theo số, ký hiệu; bỏ --out", field="--out")
    data = digest_data(workspace, week, viewer)
    with workspace.register() as register:
        if issue_number and not again:
            _digest_issued_before(register, _digest_document(workspace, week, data["secrecy"]), week)
        [made] = issue_documents([_digest_document(workspace, week, data["secrecy"])], register=register,
                                 renderer=workspace.renderer(), today=date.today(), draft=not issue_number,
                                 out_dir=(out_file.parent if out_file else workspace.out),
                                 draft_name=(out_file.name if out_file else f"tong-hop-{week.label}.docx"),
                                 finish=lambda rendered: fill(rendered, data))
        if want_pdf:
            try:
                attach_pdfs([made], register, workspace.settings.soffice, workspace.settings.pdf_timeout,
                            convert)
            except (ConverterMissing, ConversionFailed) as exc:
                raise ConversionFailed(f"đã ghi {made.docx} nhưng chưa tạo được PDF: {exc}") from exc
    return made
