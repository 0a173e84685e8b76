"""The register of outgoing documents (sổ đăng ký văn bản đi), in SQLite.

Each issuing body numbers each kind on its own, continuously within the
Committee's term, never per year. An entry's ``kind_code`` names the kind's
sequence (the kind's own code: a Quy định is ``QĐi``), while its ``symbol``
is printed as the guide in force on its date writes it (``05-QĐ/TU`` for a
Quy định by Hướng dẫn 05-HD/VPTW, whose Quyết định share the printed code). A number is given inside one ``BEGIN
IMMEDIATE`` transaction that also records the entry, so two clerks (or eight
processes) can never get the same number, and a failure before the commit
gives the number back: nothing is skipped and nothing is spent.
"""

from __future__ import annotations

import getpass
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docgen.database import Database, connect
from docgen.errors import RegisterError
from docgen.kinds import find_kind
from docgen.rendering import format_symbol

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    term_start TEXT NOT NULL,
    body_code TEXT NOT NULL,
    kind_code TEXT NOT NULL,
    number INTEGER NOT NULL,
    symbol TEXT NOT NULL,
    date TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    signer TEXT NOT NULL DEFAULT '',
    secrecy TEXT NOT NULL DEFAULT '',
    urgency TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'issued'
        CHECK (status IN ('issued', 'void', 'signed', 'archived')),
    void_reason TEXT NOT NULL DEFAULT '',
    docx_path TEXT NOT NULL DEFAULT '',
    pdf_path TEXT NOT NULL DEFAULT '',
    docx_sha256 TEXT NOT NULL DEFAULT '',
    archive_path TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    rebuilt_from TEXT NOT NULL DEFAULT '',
    guide TEXT NOT NULL DEFAULT '',
    UNIQUE (term_start, body_code, kind_code, number)
);
CREATE TABLE IF NOT EXISTS starts (
    term_start TEXT NOT NULL,
    body_code TEXT NOT NULL,
    kind_code TEXT NOT NULL,
    next_number INTEGER NOT NULL CHECK (next_number > 0),
    PRIMARY KEY (term_start, body_code, kind_code)
);
"""
_SYMBOL = re.compile(r"^(?:số\s*)?0*(\d+)\s*-\s*([^/\s]+)\s*/\s*(\S+)$", re.IGNORECASE)


@dataclass
class Entry:
    id: int
    term_start: str
    body_code: str
    kind_code: str
    number: int
    symbol: str
    date: str
    subject: str = ""
    signer: str = ""
    secrecy: str = ""
    urgency: str = ""
    status: str = "issued"
    void_reason: str = ""
    docx_path: str = ""
    pdf_path: str = ""
    docx_sha256: str = ""
    archive_path: str = ""
    created_by: str = ""
    created_at: str = ""
    rebuilt_from: str = ""  # where a rebuilt entry was read back from (archive/…, out/…)
    guide: str = ""  # the format guide it was laid out by (``05-HD/VPTW``)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def fold_code(code: str) -> str:
    """Compare codes as clerks type them: ``QD`` is ``QĐ``, case does not matter."""
    return unicodedata.normalize("NFC", code).casefold().replace("đ", "d")


def split_symbol(text: str) -> tuple[int, str, str] | None:
    """``1417-CV/TU`` → (1417, "CV", "TU"), the codes as printed."""
    m = _SYMBOL.match(unicodedata.normalize("NFC", text.strip()))
    return (int(m[1]), m[2], m[3]) if m else None


@dataclass
class Found:
    """An entry read back from what vanthu wrote (an archived sidecar, a DOCX of ``out/``)."""

    symbol: str
    date: str
    subject: str = ""
    signer: str = ""
    secrecy: str = ""
    urgency: str = ""
    status: str = "issued"
    docx_path: str = ""
    archive_path: str = ""
    source: str = ""


def parse_symbol(text: str) -> tuple[int, str, str] | None:
    """``Số 07-CV/TU``, ``7-cv/tu`` → (7, folded kind code, folded body code)."""
    m = _SYMBOL.match(unicodedata.normalize("NFC", text.strip()))
    return (int(m[1]), fold_code(m[2]), fold_code(m[3])) if m else None


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return "?"


class Register(Database):
    """The register of one workspace, for the term that starts on ``term_start``."""

    def __init__(self, path: Path, term_start: date,
                 starts: dict[tuple[str, str], int] | None = None):
        self.path = path
        self.term_start = term_start.isoformat()
        self.profile_starts = starts or {}
        # Who is issuing through this register: a service's user (its login); at the server's terminal,
        # the system user running the command.
        self.issued_by = ""
        self.conn = connect(path, SCHEMA)
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(entries)")}
        for column in ("rebuilt_from", "guide"):  # a register made before entries could be rebuilt, or dated
            if column not in columns:
                self.conn.execute(f"ALTER TABLE entries ADD COLUMN {column} TEXT NOT NULL DEFAULT ''")


    def _rows(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        """Rows by column name, whatever the connection's own row factory (it may be another book's,
        in ``one_transaction``)."""
        cursor = self.conn.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, args).fetchall()

    def _next_number(self, body_code: str, kind_code: str) -> int:
        key = (self.term_start, body_code, kind_code)
        used = self.conn.execute(
            "SELECT MAX(number) FROM entries WHERE term_start=? AND body_code=? AND kind_code=?", key
        ).fetchone()[0] or 0
        row = self.conn.execute(
            "SELECT next_number FROM starts WHERE term_start=? AND body_code=? AND kind_code=?", key
        ).fetchone()
        floor = max(row[0] if row else 1, self.profile_starts.get((body_code, kind_code), 1))
        return max(used + 1, floor)

    @contextmanager
    def reserve(self, body_code: str, kind_code: str, *, on: date, subject: str = "",
                signer: str = "", secrecy: str = "", urgency: str = "", printed: str = "",
                guide: str = "") -> Iterator[Entry]:
        """Hold the next number of the kind ``kind_code`` while the caller writes the document; the
        symbol carries ``printed`` (the code the guide writes, the kind's own when empty).

        The entry is committed when the block ends; if the block raises, the
        transaction rolls back and the number stays free.
        """
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            number = self._next_number(body_code, kind_code)
            entry = Entry(0, self.term_start, body_code, kind_code, number,
                          format_symbol(number, printed or kind_code, body_code), on.isoformat(), subject,
                          signer, secrecy, urgency, created_by=self.issued_by or _current_user(),
                          created_at=datetime.now().astimezone().isoformat(timespec="seconds"), guide=guide)
            fields = {k: v for k, v in entry.as_dict().items() if k != "id"}
            cursor = self.conn.execute(
                f"INSERT INTO entries ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
                tuple(fields.values()),
            )
            entry.id = int(cursor.lastrowid or 0)
            yield entry
            self.conn.execute(
                "UPDATE entries SET docx_path=?, pdf_path=?, docx_sha256=? WHERE id=?",
                (entry.docx_path, entry.pdf_path, entry.docx_sha256, entry.id),
            )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def allocate(self, body_code: str, kind_code: str, on: date) -> Entry:
        """A number with nothing attached to it (tests, benchmarks, a number taken by hand)."""
        with self.reserve(body_code, kind_code, on=on) as entry:
            return entry

    def set_start(self, body_code: str, kind_code: str, next_number: int) -> None:
        """Continue an existing paper register: the next number of this kind will be ``next_number``."""
        if next_number < 1:
            raise RegisterError("số tiếp theo phải lớn hơn 0")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            used = self._next_number(body_code, kind_code) - 1
            if used >= next_number:
                raise RegisterError(
                    f"sổ đã cấp tới số {format_symbol(used, kind_code, body_code)}; "
                    f"số tiếp theo phải lớn hơn {used}"
                )
            self.conn.execute(
                "INSERT OR REPLACE INTO starts VALUES (?, ?, ?, ?)",
                (self.term_start, body_code, kind_code, next_number),
            )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def entries(self, kind_code: str | None = None, body_code: str | None = None) -> list[Entry]:
        rows = self._rows("SELECT * FROM entries ORDER BY id")
        found = [Entry(**dict(row)) for row in rows]
        if kind_code:
            found = [e for e in found if fold_code(e.kind_code) == fold_code(kind_code)]
        if body_code:
            found = [e for e in found if fold_code(e.body_code) == fold_code(body_code)]
        return found

    def issued_like(self, body_code: str, kind_code: str, subject: str, on: date) -> list[Entry]:
        """Entries (not void) of this term with the same body, kind, trích yếu and date: the same
        document issued before, most likely."""
        rows = self._rows(
            "SELECT * FROM entries WHERE term_start=? AND body_code=? AND kind_code=? AND date=? "
            "AND status != 'void' ORDER BY id", (self.term_start, body_code, kind_code, on.isoformat()))
        folded = " ".join(subject.split()).casefold()
        return [Entry(**dict(r)) for r in rows if " ".join(r["subject"].split()).casefold() == folded]

    def printed(self, symbol: str) -> list[Entry]:
        """The entries of this term printed with that symbol, typed as a clerk would (``07-CV/TU``,
        ``7-cv/tu``): one, or a Quyết định and a Quy định that the guide prints alike (``01-QĐ/TU``)."""
        parsed = parse_symbol(symbol)
        if not parsed:
            raise RegisterError(f"«{symbol}» không phải là số và ký hiệu (ví dụ: 1417-CV/TU)")
        number, kind, body = parsed
        rows = self._rows("SELECT * FROM entries WHERE term_start=? AND number=? ORDER BY id",
                          (self.term_start, number))
        return [Entry(**dict(row)) for row in rows if (parse_symbol(row["symbol"]) or ())[1:] == (kind, body)]

    def find(self, symbol: str, kind: str | None = None) -> Entry:
        """The entry of this term with that symbol; ``kind`` (a kind's code, ``QĐi``) chooses between
        kinds printed alike, and a symbol that several kinds print is refused without it."""
        found = self.printed(symbol)
        if kind:
            found = [e for e in found if fold_code(e.kind_code) == fold_code(kind)]
        if len(found) > 1:  # a Quyết định and a Quy định both printed QĐ
            kinds = [find_kind(e.kind_code) for e in found]
            names = ", ".join(k.name if k else e.kind_code for k, e in zip(kinds, found, strict=True))
            options = " hoặc ".join(f"--kind {k.slug}" for k in kinds if k)
            raise RegisterError(f"sổ đăng ký có {len(found)} văn bản cùng số {symbol} ({names}); "
                                f"chọn loại văn bản ({options})")
        if found:
            return found[0]
        named = find_kind(kind) if kind else None
        of_kind = f" loại {named.name if named else kind}" if kind else ""
        raise RegisterError(f"sổ đăng ký không có văn bản{of_kind} số {symbol} trong nhiệm kỳ này")

    def copy_entry(self, symbol: str, kind: str | None) -> Entry | None:
        """The entry a copy of a document belongs to (an archived file, its record): the one its symbol
        names, or of the kinds printed alike, the one of the copy's own kind (its title's); None when
        the register has none, or cannot tell which."""
        try:
            found = self.printed(symbol)
        except RegisterError:
            return None
        if len(found) > 1:
            found = [e for e in found if kind and fold_code(e.kind_code) == fold_code(kind)]
        return found[0] if len(found) == 1 else None

    def get(self, entry_id: int) -> Entry:
        """An entry by its id (the Sổ đăng ký page names each row by it)."""
        rows = self._rows("SELECT * FROM entries WHERE id=?", (entry_id,))
        if not rows:
            raise RegisterError(f"sổ đăng ký không có mục số {entry_id}")
        return Entry(**dict(rows[0]))

    def void(self, symbol: str | int, reason: str, kind: str | None = None) -> Entry:
        """Mark an entry void (named by its symbol, and its kind where two kinds print it alike, or by its
        id): its number stays used, never given again."""
        if not reason.strip():
            raise RegisterError("phải ghi lý do hủy (--reason)")
        entry = self.get(symbol) if isinstance(symbol, int) else self.find(symbol, kind)
        if entry.status == "void":
            raise RegisterError(f"văn bản {entry.symbol} đã bị hủy trước đó")
        self.conn.execute(
            "UPDATE entries SET status='void', void_reason=? WHERE id=?", (reason.strip(), entry.id)
        )
        return self.get(entry.id)

    def restore(self, found: list[Found]) -> tuple[list[Entry], int]:
        """Record entries read back after the register was lost, in one transaction: each number not
        yet in the register, marked as rebuilt (the first source of a number wins: the archive's,
        which the caller puts first). Returns the entries added and how many numbers were there."""
        added, kept, seen = [], 0, set()
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            for item in found:
                number, kind_code, body_code = split_symbol(item.symbol) or (0, "", "")
                key = (number, fold_code(kind_code), fold_code(body_code))
                if key in seen:
                    continue
                seen.add(key)
                if self._has(*key):
                    kept += 1
                    continue
                entry = Entry(0, self.term_start, body_code, kind_code, number,
                              format_symbol(number, kind_code, body_code), item.date, item.subject, item.signer,
                              item.secrecy, item.urgency, item.status, docx_path=item.docx_path,
                              archive_path=item.archive_path, created_by=_current_user(), created_at=now,
                              rebuilt_from=item.source)
                fields = {k: v for k, v in entry.as_dict().items() if k != "id"}
                cursor = self.conn.execute(
                    f"INSERT INTO entries ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))})",
                    tuple(fields.values()))
                entry.id = int(cursor.lastrowid or 0)
                added.append(entry)
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return added, kept

    def _has(self, number: int, kind: str, body: str) -> bool:
        rows = self.conn.execute("SELECT kind_code, body_code FROM entries WHERE term_start=? AND number=?",
                                 (self.term_start, number)).fetchall()
        return any(fold_code(r[0]) == kind and fold_code(r[1]) == body for r in rows)

    def gaps(self) -> dict[str, list[int]]:
        """Numbers never seen between 1 (or the register's start) and the highest of each kind and body."""
        missing: dict[str, list[int]] = {}
        for body_code, kind_code in self.conn.execute(
                "SELECT DISTINCT body_code, kind_code FROM entries WHERE term_start=?", (self.term_start,)):
            used = {r[0] for r in self.conn.execute(
                "SELECT number FROM entries WHERE term_start=? AND body_code=? AND kind_code=?",
                (self.term_start, body_code, kind_code))}
            row = self.conn.execute("SELECT next_number FROM starts WHERE term_start=? AND body_code=? "
                                    "AND kind_code=?", (self.term_start, body_code, kind_code)).fetchone()
            first = max(row[0] if row else 1, self.profile_starts.get((body_code, kind_code), 1))
            holes = [n for n in range(first, max(used) + 1) if n not in used]
            if holes:
                missing[f"{kind_code}/{body_code}"] = holes
        return missing

    def keeps(self, symbol: str) -> bool:
        """Whether ``symbol`` is a number this register gives: its body and kind are a sequence kept
        here (numbered in this term, or continued from a paper register), and the number is not one
        of the paper register's, given before vanthu took over."""
        parsed = parse_symbol(symbol)
        if parsed is None:
            return False
        number, kind, body = parsed
        kept = {(b, k) for b, k in self.conn.execute(
            "SELECT body_code, kind_code FROM entries WHERE term_start=? UNION "
            "SELECT body_code, kind_code FROM starts WHERE term_start=?", (self.term_start, self.term_start))}
        kept |= set(self.profile_starts)
        for body_code, kind_code in kept:
            if (fold_code(body_code), fold_code(kind_code)) == (body, kind):
                return number >= self._floor(body_code, kind_code)
        return False

    def _floor(self, body_code: str, kind_code: str) -> int:
        """The first number of a sequence this register gave (or will give)."""
        row = self.conn.execute("SELECT next_number FROM starts WHERE term_start=? AND body_code=? AND kind_code=?",
                                (self.term_start, body_code, kind_code)).fetchone()
        return max(row[0] if row else 1, self.profile_starts.get((body_code, kind_code), 1))

    def set_secrecy(self, symbol: str, mark: str, kind: str | None = None) -> None:
        """An entry's mark as its document's was corrected: a reclassified document's row is as secret
        as the document (a single statement, so that it can join the correction's transaction).
        ``kind``: the document's own, which tells a Quyết định's entry from a Quy định's."""
        entry = self.copy_entry(symbol, kind)
        if entry is None:
            raise RegisterError(f"sổ đăng ký không có văn bản số {symbol} trong nhiệm kỳ này")
        self.conn.execute("UPDATE entries SET secrecy=? WHERE id=?", (mark, entry.id))

    def link_archive(self, entry_id: int, status: str, archive_path: str) -> None:
        """The signed PDF of an entry reached the archive."""
        self.conn.execute("UPDATE entries SET status=?, archive_path=? WHERE id=?",
                          (status, archive_path, entry_id))

    def set_pdf(self, entry_id: int, pdf_path: str) -> None:
        self.conn.execute("UPDATE entries SET pdf_path=? WHERE id=?", (pdf_path, entry_id))
