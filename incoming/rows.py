"""One row of the incoming register, how clerks name it, and who may act on it.

A row is named as the ĐẾN stamp names it: its số đến in the book of a year. The books are kept
apart by secrecy (the ordinary book, and one for each mark), as the rules on state secrets keep
secret documents in a book of their own: each book numbers from 1 every calendar year, so that
a book shows no gap where a document its reader may not see stands.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

from docgen.errors import InvalidInput
from docgen.secrecy import LEVELS, SECRECY, Viewer, mark_name
from docgen.text import fold, printable

URGENT = ("HỎA TỐC", "THƯỢNG KHẨN", "KHẨN")  # handled the day they arrive, shown first
STATUSES = {"registered": "Chưa có ý kiến chỉ đạo", "directed": "Đang giải quyết", "done": "Đã xong"}
# What a clerk may type for a status (folded), and what it selects; ``overdue`` is a state of open rows.
STATUS_WORDS = {
    "registered": "registered", "cho-chi-dao": "registered", "chua-chi-dao": "registered",
    "chua co y kien chi dao": "registered", "chua-co-y-kien-chi-dao": "registered",
    "directed": "directed", "dang-giai-quyet": "directed", "dang giai quyet": "directed",
    "overdue": "overdue", "qua-han": "overdue", "qua han": "overdue",
    "done": "done", "da-xong": "done", "da xong": "done",
}
ACTIONS = {"register": "vào sổ", "direct": "ghi ý kiến chỉ đạo", "redirect": "sửa ý kiến chỉ đạo",
           "progress": "cập nhật tiến độ", "done": "hoàn thành", "redone": "sửa kết quả giải quyết"}
# A closing without an answer; and what one answered above its reader's clearance reads as.
NO_REPLY = "không cần trả lời"
# What an answer whose number was voided after the closing reads as, beside its symbol.
VOIDED = "số đã hủy"
# Free text a person writes into a row: a paper book's column holds a paragraph, not a file; a lead is a name.
TEXT_LIMIT, NAME_LIMIT = 2000, 200
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the books' years: anything else names no book
MAX_NUMBER = 9_999_999  # no book of a year reaches ten million; a larger số đến names nothing


def limited(text: str, field: str, limit: int = TEXT_LIMIT) -> str:
    """``text`` as a book can print it (``printable``), stripped, refused (naming ``field``) when longer than
    ``limit`` characters."""
    text = printable(text).strip()
    if len(text) > limit:
        raise InvalidInput(f"dài {len(text):,} ký tự; tối đa {limit:,} ký tự".replace(",", "."), field=field)
    return text


def checked_year(year: int | None, field: str = "--year") -> int | None:
    """A book's year as asked for (None: not asked); a year no book can have is refused."""
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"năm {year} không hợp lệ (từ {FIRST_YEAR} đến {LAST_YEAR})", field=field)
    return year


def parse_status(value: str | None) -> str | None:
    """A status as typed (``dang-giai-quyet``, ``Đã xong``, ``done``) → the one the register keeps."""
    if not value:
        return None
    key = fold(value.strip())
    if key not in STATUS_WORDS:
        raise InvalidInput(f"«{value}» không phải trạng thái; chọn một trong: chua-chi-dao, dang-giai-quyet, "
                           "qua-han, da-xong", field="--status")
    return STATUS_WORDS[key]


def book_level(value: str | None) -> int:
    """The book named as clerks name it: empty or ``thường`` for the ordinary one, a mark (``MẬT``,
    ``toi-mat``) for a secret one."""
    text = fold((value or "").strip()).replace("-", " ")
    if text in ("", "thuong", "0"):
        return 0
    for mark in SECRECY:
        if text == fold(mark):
            return LEVELS[mark]
    raise InvalidInput(f"«{value}» không phải sổ; chọn «thường» hoặc một độ mật: {', '.join(SECRECY)}",
                       field="--book")


def book_name(level: int) -> str:
    return f"sổ {mark_name(level)}" if level else "sổ thường"


def book_slug(mark: str) -> str:
    """A book in an address: ``mat``, ``toi-mat`` (the ordinary book has none)."""
    return "-".join(fold(mark).split())


def answer_words(symbol: str, void: str) -> str:
    """``1780-CV/TU``, or ``1780-CV/TU (số đã hủy: ban hành nhầm)`` when its number was voided."""
    return f"{symbol} ({VOIDED}: {void})" if symbol and void else symbol


@dataclass(frozen=True)
class Ref:
    """A row as its ĐẾN stamp names it: số đến ``number`` of ``year`` in the book of ``level``."""

    year: int
    level: int
    number: int

    def __str__(self) -> str:
        return f"số đến {self.short}"

    @property
    def short(self) -> str:
        """``2/2026``, with its book when it is a secret one: ``2/2026 (sổ MẬT)``."""
        book = f" ({book_name(self.level)})" if self.level else ""
        return f"{self.number}/{self.year}{book}"

    @property
    def named(self) -> str:
        """With its book always: 2/2026 of the MẬT book is not 2/2026 of the ordinary one."""
        return f"số đến {self.number}/{self.year} ({book_name(self.level)})"


_REF = re.compile(r"^\s*(?:số\s*(?:đến)?\s*)?0*(\d+)(?:\s*/\s*(\d{4}))?\s*$", re.IGNORECASE)


def parse_ref(text: str | int, *, year: int | None = None, level: int = 0) -> Ref:
    """``15`` (this year), ``15/2026``, ``số đến 15`` → the row's reference."""
    match = _REF.match(str(text)[:100])
    if not match or not 0 < int(match[1]) <= MAX_NUMBER:
        raise InvalidInput(f"«{str(text)[:20]}» không phải số đến (ví dụ: 15 hoặc 15/2026)", field="SỐ_ĐẾN")
    chosen = int(match[2]) if match[2] else (year or date.today().year)
    checked_year(chosen)
    return Ref(chosen, level, int(match[1]))


@dataclass(frozen=True)
class Actor:
    """Who acts on a row: a clerk or a leader acts on any; a staff member only on their own unit's
    (the lead named them, or their team)."""

    login: str
    name: str = ""
    team: int | None = None
    any_unit: bool = True

    @property
    def label(self) -> str:
        return self.name or self.login

    def leads(self, row: Incoming) -> bool:
        return bool((row.lead_login and row.lead_login == self.login)
                    or (row.lead_team is not None and row.lead_team == self.team))


CONSOLE_NAME = "máy chủ"  # the server's terminal, as the audit's ``console``: no person the service knows


def console_actor(viewer: Viewer) -> Actor:
    """Who acts at the server's terminal: the terminal itself (the system account running the command
    names no person of the office), or the service user the command speaks as."""
    return Actor("console", CONSOLE_NAME) if viewer.login == "console" else Actor(viewer.login)


def now_minute() -> str:
    return datetime.now().isoformat(timespec="minutes")


@dataclass
class Incoming:
    """A row of the register: the official form's columns, the direction and the outcome."""

    id: int  # the database's, never shown: across books it would count the secret ones
    year: int
    level: int  # the book: 0 the ordinary one, else the mark's level
    shown_level: int  # who may see the row: its book's level, or its document's, if a clerk raised its mark since
    number: int
    received: str  # ISO, to the minute when known
    doc_id: str = ""
    sha256: str = ""
    same_key: str = ""
    issuer: str = ""
    symbol: str = ""
    kind: str = ""
    kind_name: str = ""
    date: str = ""
    subject: str = ""
    secrecy: str = ""
    urgency: str = ""
    medium: str = ""
    recipient: str = ""
    handed_at: str = ""
    signed_for: str = ""
    note: str = ""
    status: str = "registered"
    lead: str = ""
    lead_login: str = ""
    lead_team: int | None = None
    supports: list[str] = field(default_factory=list)
    due: str = ""
    due_proposed: str = ""
    due_text: str = ""
    direction: str = ""
    directed_by: str = ""
    directed_at: str = ""
    progress: str = ""
    reply_symbol: str = ""
    reply_id: str = ""
    reply_level: int = 0  # the answer's secrecy (its register entry's or archived document's): who may see it
    reply_entry: int = 0  # the answer's entry in the outgoing register (0: archived only, or closed before it was kept)
    reply_void: str = ""  # the reason the answer's number was voided after the closing ("": the answer stands)
    done_at: str = ""
    done_by: str = ""
    done_note: str = ""
    created_by: str = ""
    created_at: str = ""

    @classmethod
    def from_row(cls, values: tuple[Any, ...]) -> Incoming:
        """A row read as ``SELECT {COLUMNS}`` gives it: the fields in their order, the supports as JSON."""
        row = cls(*values)
        row.supports = json.loads(row.supports) if row.supports != "[]" else []  # type: ignore[arg-type]
        return row

    @property
    def ref(self) -> Ref:
        return Ref(self.year, self.level, self.number)

    def seen_by(self, viewer: Viewer) -> Incoming:
        """The row as ``viewer`` may read it: an answer above their clearance does not exist for them, and
        the row reads as one closed without an answer (no symbol, no link, nothing to count)."""
        if self.reply_level <= viewer.clearance:
            return self
        return replace(self, reply_symbol="", reply_id="", reply_level=0, reply_entry=0, reply_void="")

    @property
    def answer(self) -> str:
        """The answer as a book prints it: its symbol, marked once its number was voided (the row stays
        closed, but its answer no longer stands: the handler records the new one)."""
        return answer_words(self.reply_symbol, self.reply_void)

    @property
    def same_day(self) -> bool:
        """An urgent document not yet presented: to be directed and handed over the day it arrives."""
        return self.urgency in URGENT and self.status == "registered"

    def days_overdue(self, today: date) -> int:
        """Days past the deadline of an open row (0 when on time, done, or without a deadline)."""
        if self.status == "done" or not self.due:
            return 0
        return max(0, (today - date.fromisoformat(self.due)).days)

    def days_left(self, today: date) -> int | None:
        if self.status == "done" or not self.due:
            return None
        return (date.fromisoformat(self.due) - today).days

    def as_json(self, today: date | None = None) -> dict[str, Any]:
        """The shape of ``vanthu incoming … --json`` and of ``/api/incoming``: the issue's keys first."""
        day = today or date.today()
        late = self.days_overdue(day)
        data = {"number": self.number, "year": self.year, "received": self.received, "symbol": self.symbol,
                "issuer": self.issuer, "kind": self.kind, "date": self.date, "subject": self.subject,
                "secrecy": self.secrecy, "urgency": self.urgency, "to": self.recipient or self.lead,
                "status": self.status}
        data.update({name: getattr(self, name) for name in _SHOWN})
        data.update({"supports": list(self.supports), "book": mark_name(self.level), "reply": self.reply_symbol,
                     "reply_doc": self.reply_id, "reply_void": self.reply_void, "lead_team": self.lead_team,
                     "registered_by": self.created_by, "registered_at": self.created_at, "same_day": self.same_day,
                     "overdue": late > 0,
                     "days_overdue": late, "days_left": self.days_left(day)})
        return data


# The fields shown as they are, after the keys (the others are shown under their own names or not at all:
# the database's id and the duplicate key count nothing a viewer should learn).
_SHOWN = ("doc_id", "kind_name", "medium", "handed_at", "signed_for", "note", "lead", "lead_login", "due",
          "due_proposed", "due_text", "direction", "directed_by", "directed_at", "progress", "done_at", "done_by",
          "done_note")
COLUMNS = ", ".join(f.name for f in fields(Incoming))
