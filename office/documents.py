"""The archive's documents as one viewer reads them: search, a document's record and page, its files,
its corrections and the review queue (``vanthu search``/``show``/``edit``/``review``, the Tra cứu and
Văn bản pages)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.errors import RegisterError
from docgen.secrecy import CONSOLE, Viewer, mark_name
from office.errors import Ambiguous, NotFound
from office.workspace import Workspace

if TYPE_CHECKING:
    from indexer.engine import SearchIndex
    from indexer.search import SearchRequest


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
    from archive.documents import document_files, document_level

    records, record = document_records(workspace, key, viewer)
    texts = document_texts(workspace, records) if len(records) > 1 else {}
    record["files"] = document_files(records, texts)
    record["conflicts"] = sum(bool(f["conflict"]) for f in record["files"])
    record["secrecy"] = mark_name(document_level(records))
    text = sidecar_text(workspace, record)
    record["topics"] = document_topics(workspace, record, text)
    record.update(document_places(workspace, record, text))
    from archive.corrections import history

    with workspace.catalog() as catalog:
        record["corrections"] = history(catalog, record["sha256"])
    from office.formats import document_guide

    record["guide"] = document_guide(workspace, record)
    return record


def document_records(workspace: Workspace, key: str, viewer: Viewer) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The records of the files of the one document ``key`` names (by a file's id, or its number and
    symbol) that ``viewer`` may read, and the record whose fields stand for it: the file named by id,
    else the document's best file."""
    from archive.documents import best_file

    with workspace.catalog() as catalog:
        documents = catalog.documents(key, viewer)
    if not documents:
        raise NotFound(f"kho lưu trữ không có văn bản «{key}»")
    if len(documents) > 1:
        listed = ", ".join(f"{rows[0].symbol or rows[0].id} [{rows[0].id}]" for rows in documents)
        raise Ambiguous(f"có {len(documents)} văn bản khớp «{key}»: {listed}; hãy dùng mã trong ngoặc vuông "
                        "để chọn một văn bản")
    records = [{**row.record, "id": row.id, "path": row.path} for row in documents[0]]
    named = [r for r in records if r["id"].startswith(key.strip().lower())] if len(records) > 1 else []
    return records, dict(named[0] if len(named) == 1 else best_file(records))


def document_texts(workspace: Workspace, records: list[dict[str, Any]]) -> dict[str, str]:
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


def sidecar_text(workspace: Workspace, record: dict[str, Any]) -> str:
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
    from archive.corrections import correct, prepare
    from archive.pipeline import link_register, match_register
    from archive.store import ArchiveStore
    from docgen.database import one_transaction

    with workspace.catalog() as catalog, workspace.register() as register, workspace.task_book() as tasks:
        rows = catalog.find(key, viewer)
        if not rows:
            raise NotFound(f"kho lưu trữ không có văn bản «{key}»")
        if len(rows) > 1:
            raise Ambiguous(f"có {len(rows)} văn bản khớp «{key}»; dùng mã: {', '.join(r.id for r in rows)}")

        def symbol_check(record: dict[str, Any]) -> None:
            link_register(register, match_register(register, record), record)

        prepare(catalog)
        with one_transaction(catalog, register, tasks):
            record = correct(catalog, ArchiveStore(workspace.archive), rows[0], edit, symbol_check)
            _follow_secrecy(record, register, tasks)
        with workspace.task_book() as book:  # a confirmed symbol may be a voided number: its tasks close
            book.read_record(record)
        updater = workspace.index_updater(catalog, warn)
        updater.queue(record)
        updater.flush()
    if "secrecy" in edit.values or "secrecy" in edit.confirm:  # the incoming register follows the new mark
        from office.incoming import follow_reclassification

        follow_reclassification(workspace, document_records(workspace, rows[0].id, CONSOLE)[0])
    return find_document(workspace, rows[0].id, viewer)


def _follow_secrecy(record: dict[str, Any], register: Any, tasks: Any) -> None:
    """What was read from a document, and its register entry, are as secret as the document now is."""
    from docgen.secrecy import level_of

    level = level_of(record)
    tasks.set_level(record["id"], level)
    if record.get("register"):
        with suppress(RegisterError):  # a number of an earlier term: no entry of this register to follow
            register.set_secrecy(record["register"], mark_name(level), record.get("kind"))


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
    """A document with what surrounds it: its files, what it cites and what cites it, its tasks,
    its register entry and its place in the incoming register, each of them what ``viewer`` may read only."""
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
            found = register.copy_entry(record["register"], record.get("kind"))  # None: an earlier term's number,
            entry = found.as_dict() if found else None  # or a register rebuilt without it
    shown = next(item["n"] for item in files if item["id"] == record["id"])
    from office.formats import archived_format
    from office.incoming import document_incoming

    return {"document": record, "files": files, "shown": shown, "cited": cited, "citing": citing, "tasks": tasks,
            "register": entry, "format": archived_format(workspace, record),
            "incoming": document_incoming(workspace, record, viewer)}


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
