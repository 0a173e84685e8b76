"""The workspace database: one SQLite file, opened the same way by everything that uses it.

WAL lets a search or a ``register list`` read while the watcher writes;
``synchronous=FULL`` makes a committed number or archive entry survive a
power cut; a long busy timeout makes concurrent writers wait rather than fail.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from docgen.errors import VanthuError

_OPENED: dict[Path, None] = {}  # the databases this process opened, the latest last: to name a damaged one


class DatabaseDamaged(VanthuError):
    """A database file is damaged; nothing more is written to it, and the message says how to restore."""

    def __init__(self, path: Path, detail: str):
        self.path, self.detail = path, detail
        super().__init__(
            f"cơ sở dữ liệu {path} bị hỏng ({detail}); vanthu không ghi thêm gì vào tệp này. "
            f"Kiểm tra bản sao lưu: «vanthu backup --verify THƯ_MỤC_SAO_LƯU», rồi khôi phục vào một thư mục "
            f"trống: «vanthu restore THƯ_MỤC_SAO_LƯU --home THƯ_MỤC_MỚI» và dùng thư mục đó thay cho "
            f"{path.parent}. Không có bản sao lưu: «vanthu register rebuild» giữ lại tệp hỏng và dựng lại sổ "
            f"đăng ký từ kho lưu trữ và thư mục out/.")


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """A damaged file, as opposed to a busy or locked one (which waiting cures)."""
    name = getattr(exc, "sqlite_errorname", "")
    return name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "malformed" in str(exc) \
        or "not a database" in str(exc)


def integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of one file, read-only: «ok», or what is wrong."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return "ok" if rows == ["ok"] else "; ".join(rows)


def diagnose(exc: sqlite3.DatabaseError) -> DatabaseDamaged | None:
    """Which opened database a damage error came from, once it surfaces far from ``connect``."""
    if not is_damage(exc):
        return None
    latest_first = list(reversed(_OPENED))
    for path in latest_first:
        problem = integrity(path) if path.exists() else "tệp không còn"
        if problem != "ok":
            return DatabaseDamaged(path, problem)
    return DatabaseDamaged(next(iter(latest_first), Path("register.sqlite3")), str(exc))


class Database:
    """An object that owns one connection; ``with`` closes it."""

    conn: sqlite3.Connection

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back if the block raises: a writer takes the lock at
    once, so that two writers wait for each other rather than fail half-way."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


@contextmanager
def one_transaction(first: Database, *others: Database) -> Iterator[None]:
    """The writes of several books of one database file in one transaction: each book's statements
    go through the first one's connection for the block, so that a change that must hold everywhere
    (a document's secrecy: its record, its tasks, its register entry) holds everywhere or nowhere.
    The books' own methods used inside must be single statements, not transactions of their own."""
    kept = [book.conn for book in others]
    for book in others:
        book.conn = first.conn
    try:
        with transaction(first.conn):
            yield
    finally:
        for book, conn in zip(others, kept, strict=True):
            book.conn = conn


def connect(path: Path, schema: str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), with ``schema`` applied.

    A damaged file is reported as ``DatabaseDamaged`` naming it, never as a traceback.
    """
    _OPENED.pop(path.resolve(), None)
    _OPENED[path.resolve()] = None
    conn = sqlite3.connect(str(path), timeout=60, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 60000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.executescript(schema)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if is_damage(exc):
            raise DatabaseDamaged(path, str(exc)) from exc
        raise
    return conn
