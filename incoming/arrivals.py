"""What registration takes from an archived document: the register's values, the proposals still
waiting for a clerk, the key that tells the same document arriving twice, the deadline its text sets.

The values are the archive's reading, never typed again; a value the reader only proposes (a scan's
handwritten number, an unconfirmed mark) is no fact and is not written into the register until a
clerk confirms or corrects it, which happens in the archive (``archive/corrections.py``) so that the
record and the register say the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from archive.metadata import state_symbol_key
from docgen.dates import MOMENT_HINT, not_on_calendar
from docgen.errors import InvalidInput
from docgen.register import fold_code, parse_symbol
from docgen.secrecy import mark_name
from docgen.text import canonical, fold
from incoming.rows import URGENT

# The register's fields that a proposal holds back (the signer is not in the book).
REGISTER_FIELDS = ("symbol", "date", "kind", "subject", "issuer", "secrecy", "urgency")
LABELS = {"symbol": "số, ký hiệu", "date": "ngày văn bản", "kind": "loại", "subject": "trích yếu",
          "issuer": "cơ quan ban hành", "secrecy": "độ mật", "urgency": "độ khẩn"}


@dataclass(frozen=True)
class Arrival:
    """One document as it enters the register."""

    doc_id: str
    sha256: str
    symbol: str
    issuer: str
    kind: str
    kind_name: str
    date: str
    subject: str
    secrecy: str
    urgency: str
    medium: str  # «giấy» (a scan of the paper), «điện tử»
    same_key: str
    due_proposed: str = ""
    due_text: str = ""


def pending(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The register's fields of ``record`` that wait for a clerk: the reader's proposals, and the
    mark of a file whose mark could not be read at all."""
    proposed = record.get("proposed") or {}
    waiting = {name: proposed.get(name, {"value": "", "reason": "chưa đọc được"})
               for name in record.get("needs_review") or [] if name in REGISTER_FIELDS}
    if record.get("secrecy") is None and "secrecy" not in waiting:
        waiting["secrecy"] = {"value": "", "reason": "không đọc được dấu độ mật"}
    return waiting


def describe_pending(waiting: dict[str, dict[str, Any]]) -> str:
    return "; ".join(f"{LABELS[name]}: «{item.get('value') or '—'}» ({item.get('reason', '')})"
                     for name, item in waiting.items())


def same_key(symbol: str, issuer: str, day: str) -> str:
    """The same document however its files were read: its number and symbol written one way, its
    issuer (a state symbol such as ``123/UBND-VX`` is printed by many bodies) and its year. A
    document without a symbol has none: only its own file matches it."""
    party = parse_symbol(symbol or "")
    if party:
        number, kind, body = party
        return f"{number}-{kind}/{body}|{day[:4]}"
    state = state_symbol_key(symbol or "")
    if state:
        return f"{state}|{' '.join(fold(canonical(issuer)).split())}|{day[:4]}"
    return ""


def is_own(record: dict[str, Any], own_bodies: set[str]) -> bool:
    """The office's own outgoing document: in its register, or a Party symbol of one of its bodies."""
    if record.get("register"):
        return True
    party = parse_symbol(record.get("symbol") or "")
    return bool(party and record.get("layout") != "state" and party[2] in {fold_code(b) for b in own_bodies})


def proposed_due(text: str, on: date) -> tuple[str, str]:
    """The earliest deadline the text sets (the task reader's forms: ``trước ngày 20/12/2026``, ``trong
    05 ngày làm việc``), and the sentence it stands in; empty when it sets none."""
    from digest.deadlines import find_tasks

    tasks = find_tasks(text, on)
    if not tasks:
        return "", ""
    first = min(tasks, key=lambda task: task.due)
    return first.due.isoformat(), first.sentence


def arrival_of(record: dict[str, Any], level: int, text: str, received: str) -> Arrival:
    """The register's values of a document, from the record of its file and its text."""
    on = date.fromisoformat(record.get("date") or received[:10])
    due, sentence = proposed_due(text, on)
    urgency = next((mark for mark in URGENT if mark in (record.get("marks") or [])), "")
    medium = "giấy" if record.get("ocr") or record.get("no_text") else "điện tử"
    return Arrival(doc_id=record["id"], sha256=record.get("sha256", ""), symbol=record.get("symbol", ""),
                   issuer=record.get("issuer", ""), kind=record.get("kind", ""),
                   kind_name=record.get("kind_name", ""), date=record.get("date", ""),
                   subject=record.get("subject", ""), secrecy=mark_name(level), urgency=urgency, medium=medium,
                   same_key=same_key(record.get("symbol", ""), record.get("issuer", ""), record.get("date", "")),
                   due_proposed=due, due_text=sentence)


def _why(match: re.Match[str] | None) -> str:
    """What is wrong with a moment typed day first that is none: its day (31/02), or its hour (25:00)."""
    if match is None:
        return ""
    day, month, year, hour, minute = (int(part) if part else 0 for part in match.groups())
    if hour > 23 or minute > 59:
        return f": không có giờ {hour:02d}:{minute:02d}"
    return f": {not_on_calendar(year, month, day)}"


_MOMENT = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2})[:h](\d{2}))?\s*$")


def parse_received(value: str | None, *, now: datetime | None = None) -> str:
    """When the document arrived, typed ``dd/mm/yyyy HH:MM`` (or ISO, or a day alone); now if not
    given. A moment still to come is refused: a register records what has arrived."""
    current = (now or datetime.now()).replace(second=0, microsecond=0)
    if not value or not value.strip():
        return current.isoformat(timespec="minutes")
    text = value.strip()
    match = _MOMENT.match(text)
    try:
        if match:
            day, month, year, hour, minute = match.groups()
            moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
            shown = moment.isoformat(timespec="minutes") if hour else moment.date().isoformat()
        else:
            moment = datetime.fromisoformat(text)
            shown = moment.isoformat(timespec="minutes") if len(text) > 10 else moment.date().isoformat()
    except ValueError as exc:
        raise InvalidInput(f"«{value[:40]}» không phải ngày giờ hợp lệ{_why(match)} ({MOMENT_HINT})",
                           field="--received") from exc
    if moment.replace(tzinfo=None) > current:
        raise InvalidInput(f"thời điểm đến «{value}» chưa tới", field="--received")
    if not 2000 <= moment.year <= 2100:
        raise InvalidInput(f"năm {moment.year} không hợp lệ", field="--received")
    return shown
