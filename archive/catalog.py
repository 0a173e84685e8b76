"""The catalog: which contents (by SHA-256) the archive holds, and how far each ingest got.

The sidecars in the archive folder are the truth; this table in the
workspace database is an index of them, plus one thing they cannot say: an
ingest that was interrupted. A row is ``pending`` before the archive files are
written, ``stored`` once they are safe, ``done`` once the inbox copy is gone.
After a crash, a ``pending`` or ``stored`` row tells the next run to finish the
job rather than call the same file a duplicate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from archive.documents import best_file, document_key, document_level
from archive.metadata import state_symbol_key
from docgen.database import Database, connect
from docgen.register import parse_symbol
from docgen.secrecy import Viewer

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    sha256 TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'stored', 'done')),
    source TEXT NOT NULL,
    path TEXT NOT NULL DEFAULT '',
    symbol TEXT NOT NULL DEFAULT '',
    record TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL,
    indexed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS documents_symbol ON documents (symbol);
"""


@dataclass
class CatalogRow:
    sha256: str
    id: str
    state: str
    source: str
    path: str
    symbol: str
    record: dict[str, Any]

    @property
    def full(self) -> dict[str, Any]:
        """The record with the row's id, path and symbol (what grouping and ranking read)."""
        return {**self.record, "id": self.id, "path": self.path, "symbol": self.symbol}


def document_id(sha256: str) -> str:
    """A short, stable id derived from the content: the same PDF always has the same id."""
    return sha256[:12]


class Catalog(Database):
    def __init__(self, path: Path):
        self.conn = connect(path, SCHEMA)
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(documents)")}
        if "indexed" not in columns:  # a workspace made before the search index existed
            self.conn.execute("ALTER TABLE documents ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0")


    @staticmethod
    def _row(row: tuple | None) -> CatalogRow | None:
        if row is None:
            return None
        sha, doc_id, state, source, path, symbol, record = row
        return CatalogRow(sha, doc_id, state, source, path, symbol, json.loads(record))

    _COLUMNS = "sha256, id, state, source, path, symbol, record"

    def get(self, sha256: str) -> CatalogRow | None:
        return self._row(self.conn.execute(
            f"SELECT {self._COLUMNS} FROM documents WHERE sha256=?", (sha256,)).fetchone())

    def begin(self, sha256: str, source: str) -> None:
        self.conn.execute(
            "INSERT INTO documents (sha256, id, state, source, updated_at) VALUES (?, ?, 'pending', ?, ?) "
            "ON CONFLICT (sha256) DO UPDATE SET source=excluded.source, updated_at=excluded.updated_at "
            "WHERE state != 'done'",
            (sha256, document_id(sha256), source, _now()),
        )

    def stored(self, sha256: str, path: str, record: dict[str, Any]) -> None:
        summary = {k: v for k, v in record.items() if k != "text"}
        self.conn.execute(
            "UPDATE documents SET state='stored', path=?, symbol=?, record=?, updated_at=? WHERE sha256=?",
            (path, record.get("symbol", ""), json.dumps(summary, ensure_ascii=False), _now(), sha256),
        )

    def update_record(self, sha256: str, record: dict[str, Any]) -> None:
        """A record re-read later (signatures checked again); its state and path stay."""
        summary = {k: v for k, v in record.items() if k != "text"}
        self.conn.execute("UPDATE documents SET record=?, updated_at=? WHERE sha256=?",
                          (json.dumps(summary, ensure_ascii=False), _now(), sha256))

    def correct(self, sha256: str, record: dict[str, Any]) -> None:
        """A record a clerk corrected (archive/corrections.py): its symbol column follows, and the
        index takes it again."""
        summary = {k: v for k, v in record.items() if k != "text"}
        self.conn.execute("UPDATE documents SET record=?, symbol=?, indexed=0, updated_at=? WHERE sha256=?",
                          (json.dumps(summary, ensure_ascii=False), record.get("symbol", ""), _now(), sha256))

    def done(self, sha256: str) -> None:
        self.conn.execute("UPDATE documents SET state='done', updated_at=? WHERE sha256=?",
                          (_now(), sha256))

    def mark_indexed(self, shas: list[str]) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.executemany("UPDATE documents SET indexed=1 WHERE sha256=?", [(sha,) for sha in shas])
        self.conn.execute("COMMIT")

    def unindexed(self) -> list[CatalogRow]:
        rows = self.conn.execute(f"SELECT {self._COLUMNS} FROM documents WHERE state != 'pending' "
                                 "AND indexed = 0 ORDER BY path")
        return [r for r in map(self._row, rows) if r]

    def unfinished(self) -> list[CatalogRow]:
        rows = self.conn.execute(f"SELECT {self._COLUMNS} FROM documents WHERE state != 'done'")
        return [r for r in map(self._row, rows) if r]

    def archived(self) -> list[CatalogRow]:
        rows = self.conn.execute(f"SELECT {self._COLUMNS} FROM documents WHERE state != 'pending' "
                                 "ORDER BY path")
        return [r for r in map(self._row, rows) if r]

    def adopt(self, records: list[dict[str, Any]]) -> int:
        """Catalog rows for archived sidecars it lacks (a lost or restored database); how many were added."""
        self.conn.execute("BEGIN IMMEDIATE")
        added = 0
        for record in records:
            summary = {k: v for k, v in record.items() if k != "text"}
            added += self.conn.execute(
                "INSERT INTO documents (sha256, id, state, source, path, symbol, record, updated_at) "
                "VALUES (?, ?, 'done', ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                (record["sha256"], document_id(record["sha256"]), record.get("file", ""), record["path"],
                 record.get("symbol", ""), json.dumps(summary, ensure_ascii=False), _now())).rowcount
        self.conn.execute("COMMIT")
        return added

    def find(self, key: str, viewer: Viewer) -> list[CatalogRow]:
        """Files ``viewer`` may read, by id (or its first characters) or by number and symbol,
        typed any way. A file of a document above the viewer's clearance is not found at all."""
        return [row for documents in self.documents(key, viewer) for row in documents]

    def documents(self, key: str, viewer: Viewer) -> list[list[CatalogRow]]:
        """The documents ``key`` names (by one of their files' ids, or by number and symbol), each as
        all its files, that ``viewer`` may read: a document is as secret as its most secret file."""
        found: dict[str, list[CatalogRow]] = {}
        for row in self._find(key):
            group = document_key(row.full)
            if group not in found:
                found[group] = self.files_of(row)
        return [rows for rows in found.values() if _may_read(viewer, rows)]

    def files_of(self, row: CatalogRow) -> list[CatalogRow]:
        """Every archived file of the document ``row`` carries, itself included."""
        group = document_key(row.full)
        if group.startswith("id:"):
            return [row]
        return [r for r in self._find(row.symbol) if document_key(r.full) == group]

    def readable(self, viewer: Viewer) -> list[CatalogRow]:
        """Every archived document ``viewer`` may read, by its best file, in archive order."""
        shown = {best_file([r.full for r in files])["id"] for files in self._readable_groups(viewer)}
        return [row for row in self.archived() if row.id in shown]

    def readable_files(self, viewer: Viewer) -> list[CatalogRow]:
        """Every file of the documents ``viewer`` may read."""
        return [row for files in self._readable_groups(viewer) for row in files]

    def _readable_groups(self, viewer: Viewer) -> list[list[CatalogRow]]:
        groups: dict[str, list[CatalogRow]] = {}
        for row in self.archived():
            groups.setdefault(document_key(row.full), []).append(row)
        return [files for files in groups.values() if _may_read(viewer, files)]

    def _find(self, key: str) -> list[CatalogRow]:
        parsed = parse_symbol(key)
        state = state_symbol_key(key)
        if state:
            rows = self.conn.execute(f"SELECT {self._COLUMNS} FROM documents WHERE state != 'pending' "
                                     "AND symbol LIKE ? ESCAPE '\\'", (f"{_like(state.split('/')[0])}/%",))
            return [r for r in map(self._row, rows) if r and state_symbol_key(r.symbol) == state]
        if parsed is None:
            rows = self.conn.execute(f"SELECT {self._COLUMNS} FROM documents WHERE state != 'pending' "
                                     "AND id LIKE ? ESCAPE '\\'", (f"{_like(key.strip().lower())}%",))
            return [r for r in map(self._row, rows) if r]
        number, kind, body = parsed
        rows = self.conn.execute(f"SELECT {self._COLUMNS} FROM documents WHERE state != 'pending' "
                                 "AND symbol LIKE ?", (f"{number:02d}-%",))
        found = [r for r in map(self._row, rows) if r]
        return [r for r in found if parse_symbol(r.symbol) == (number, kind, body)]


def _like(text: str) -> str:
    """``text`` as a LIKE pattern matching itself: its own ``%`` and ``_`` are not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _may_read(viewer: Viewer, rows: list[CatalogRow]) -> bool:
    return document_level(r.record for r in rows) <= viewer.clearance


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
