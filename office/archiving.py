"""Archiving: the inbox's pipeline opened with the index and the tasks following it, uploads, the
watcher, and the checks and rebuilds of the archive and its databases (``vanthu ingest``/``watch``/
``check``/``register rebuild``, the Lưu trữ page)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.errors import InvalidInput
from docgen.secrecy import CONSOLE, TOP, Viewer
from office.documents import document_texts
from office.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Iterator

    from archive.pipeline import Outcome, Pipeline
    from indexer.indexing import IndexUpdater


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
    named = {row.path: {"id": row.id, "symbol": row.symbol} for row in rows if row.path in shown}
    return {"documents": len(shown), "changed": visible[0], "missing": visible[1],
            "untracked": untracked, "clean": report.clean, "hidden": hidden, "named": named,
            "conflicts": document_conflicts(workspace, [row.full for row in rows if row.path in shown])}


def document_conflicts(workspace: Workspace, records: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The files that disagree with the other files of their document (archive/documents.py)."""
    from archive.documents import conflicts, group_records

    found = []
    for files in group_records(records).values():
        if len(files) < 2:
            continue
        for file_id, reason in conflicts(files, document_texts(workspace, files)).items():
            item = next(f for f in files if f["id"] == file_id)
            found.append({"symbol": item.get("symbol", ""), "id": file_id, "path": item["path"],
                          "reason": reason})
    return found


def follow_void(workspace: Workspace, entry: Any, warn: Callable[[str], None] | None = None) -> dict[str, int]:
    """A voided number reaches what was archived under it: every file of its document (and every scan
    whose proposed number it is) is marked void, in its record and in the index, and the tasks read
    from them are closed. The same marks are set when a copy arrives later (``match_register``). The
    incoming rows it answered say «số đã hủy» beside it (``IncomingBook.reply_voided``).
    ``entry`` is the register's void entry; returns how many files and tasks it reached."""
    from archive.pipeline import set_void
    from archive.store import ArchiveStore
    from docgen.register import parse_symbol
    from indexer.indexing import read_sidecar

    wanted, store = parse_symbol(entry.symbol), ArchiveStore(workspace.archive)

    def ours(symbol: str, record: dict[str, Any]) -> bool:
        """The copy is this entry's: its symbol, and where a Quyết định and a Quy định print it alike, its kind."""
        if parse_symbol(symbol) != wanted:
            return False
        owner = book.copy_entry(symbol, record.get("kind"))
        return owner is not None and owner.id == entry.id

    def carries(record: dict[str, Any]) -> tuple[bool, bool]:
        proposal = str((record.get("proposed") or {}).get("symbol", {}).get("value") or "")
        in_term = str(record.get("date") or "9999") >= entry.term_start  # an earlier term's number is another
        return (in_term and ours(record.get("symbol") or "", record),
                in_term and not record.get("symbol") and ours(proposal, record))

    with workspace.register() as book, workspace.catalog() as catalog, workspace.task_book() as tasks:
        updater, reached = workspace.index_updater(catalog, _warn_to(warn)), []
        for row in catalog.archived():
            own, proposed = carries(row.full)
            if not (own or proposed):
                continue
            record = read_sidecar(store, row.path)
            set_void(record, entry, proposed=proposed)
            store.rewrite_sidecar(row.path, record)
            catalog.correct(row.sha256, record)
            updater.queue(record)
            reached.append(row.id)
        closed = tasks.close_void(reached, entry.void_reason, viewer=CONSOLE) if reached else 0
        updater.flush()
        sole = len(book.printed(entry.symbol)) == 1
    with workspace.incoming_book() as incoming:  # the incoming rows it answered: «số đã hủy» beside it
        incoming.reply_voided(entry.id, entry.symbol, reached, entry.void_reason, sole=sole)
    return {"files": len(reached), "tasks": closed}
