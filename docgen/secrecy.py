"""Secrecy (độ mật): which documents a viewer may read.

This is the one door. Every read of documents (search hits, totals, facet
counts, snippets, a document by its id or symbol, its files, the tasks read
from it, the digest) asks ``Viewer.may_read`` or filters by ``Viewer.levels``
here, in the library, so that neither the CLI nor a web page can forget it.

A document's level comes from its mark (``MẬT``, ``TỐI MẬT``, ``TUYỆT MẬT``):
set in its generation data, read from the archived PDF, or set by a clerk.
Default deny: a document whose mark could not be read (a scan with no text)
counts as ``MẬT`` until a clerk sets its mark.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from docgen.errors import InvalidInput
from docgen.text import canonical

SECRECY = ("MẬT", "TỐI MẬT", "TUYỆT MẬT")
URGENCY = ("KHẨN", "THƯỢNG KHẨN", "HỎA TỐC")
LEVELS = {"": 0, "MẬT": 1, "TỐI MẬT": 2, "TUYỆT MẬT": 3}
TOP = 3
UNREAD_LEVEL = LEVELS["MẬT"]
UNKNOWN_MARK = "chưa rõ (coi là MẬT)"  # what a quarantine note says of a file it could not read
_MARKS = {" ".join(canonical(mark).upper().split()): mark for mark in (*SECRECY, *URGENCY)}


def canonical_mark(value: Any, allowed: tuple[str, ...], field: str, file: str | None = None) -> str:
    """A secrecy or urgency mark as people type it (``mật``, ``Mật``, ``Hoả tốc``, decomposed Unicode)
    → the printed mark (``MẬT``, ``HỎA TỐC``); empty for none. Anything else is refused, naming the
    field: a mark silently dropped would issue a secret document as an ordinary one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    mark = _MARKS.get(" ".join(canonical(str(value)).upper().split())) if isinstance(value, str) else None
    if mark not in allowed:
        raise InvalidInput(f"«{value}» không hợp lệ; chọn một trong: {', '.join(allowed)}", file=file,
                           field=field)
    return mark


def marks_in(lines: Iterable[str]) -> list[str]:
    """The marks standing alone on lines (a document's first lines: ``MẬT`` under its number)."""
    return [_MARKS[key] for key in (" ".join(canonical(line).upper().split()) for line in lines) if key in _MARKS]


def parse_clearance(value: str | None) -> int:
    """A clearance as clerks type it (``MẬT``, ``tối mật``, empty for none) → its level."""
    if (value or "").strip().upper() in ("", "KHÔNG", "0"):
        return 0
    return LEVELS[canonical_mark(value, SECRECY, "--clearance")]


def mark_name(level: int) -> str:
    """The printed mark of a level (empty for an ordinary document)."""
    return next(name for name, value in LEVELS.items() if value == level)


def strongest_mark(marks: Iterable[str]) -> str:
    """The highest secrecy mark among the marks read under the number (urgency marks ignored)."""
    found = [mark for mark in marks if mark in SECRECY]
    return max(found, key=LEVELS.__getitem__, default="")


def level_of(record: dict[str, Any]) -> int:
    """A record's secrecy level; a record whose mark could not be read counts as MẬT.

    ``secrecy`` is set when the record is made (from the marks and the register);
    older records carry only ``marks``.
    """
    if record.get("secrecy") is not None:
        return LEVELS.get(str(record["secrecy"]), UNREAD_LEVEL)
    if record.get("no_text") or "secrecy" in (record.get("needs_review") or []):  # a scan not yet confirmed
        return UNREAD_LEVEL
    return LEVELS[strongest_mark(record.get("marks") or [])]


@dataclass(frozen=True)
class Viewer:
    """Who is reading: a login and the highest secrecy level they are cleared for."""

    login: str
    clearance: int = 0

    @property
    def levels(self) -> list[int]:
        """The levels this viewer may read; never empty (every viewer may read ordinary documents)."""
        return list(range(0, min(self.clearance, TOP) + 1))

    def may_read(self, record: dict[str, Any]) -> bool:
        return level_of(record) <= self.clearance


# The terminal is used by the people who run the server and hold its files anyway.
CONSOLE = Viewer("console", TOP)
