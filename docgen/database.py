"""The workspace database: one SQLite file, opened the same way by everything that uses it.

WAL lets a search or a ``register list`` read while the watcher writes;
``synchronous=FULL`` makes a committed number or archive entry survive a
power cut; a long busy timeout makes concurrent writers wait rather than fail.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Self


class Database:
    """An object that owns one connection; ``with`` closes it."""

    conn: sqlite3.Connection

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def connect(path: Path, schema: str) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), with ``schema`` applied."""
    conn = sqlite3.connect(str(path), timeout=60, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 60000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.executescript(schema)
    return conn
