"""A clerk's corrections of what the archive read: confirm a proposal, or put the right value.

Each change is one row of ``corrections`` (field, old, new, who, when, note) in the catalog
database; the record (catalog and sidecar) takes the new value and the index is updated at once.
The archived PDF never changes. A corrected or confirmed symbol is checked like an archived one:
against the other documents of the archive (the same symbol) and the register.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from archive.catalog import Catalog, CatalogRow
from archive.metadata import state_symbol_key
from archive.store import ArchiveStore
from docgen.dates import parse_date
from docgen.errors import InvalidInput, VanthuError
from docgen.kinds import find_kind, find_state_kind
from docgen.register import parse_symbol
from docgen.secrecy import CONSOLE, SECRECY, URGENCY, Viewer, canonical_mark

SCHEMA = """
CREATE TABLE IF NOT EXISTS corrections (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT NOT NULL,
    new TEXT NOT NULL,
    who TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS corrections_sha ON corrections (sha256);
"""
EDITABLE = ("symbol", "date", "kind", "subject", "signer", "issuer", "urgency", "secrecy")
CONFIRMABLE = (*EDITABLE, "signer_title", "authority")
LABELS = {"symbol": "số, ký hiệu", "date": "ngày", "kind": "loại", "subject": "trích yếu", "signer": "người ký",
          "issuer": "cơ quan ban hành", "urgency": "độ khẩn", "secrecy": "độ mật",
          "signer_title": "chức vụ người ký", "authority": "thẩm quyền ký"}


class CorrectionError(VanthuError):
    """A correction that cannot be made as asked (nothing to change, no such proposal)."""


@dataclass
class Edit:
    """What a clerk asks: new values by field, proposals to confirm, and why."""

    values: dict[str, str]
    confirm: list[str]
    who: str
    note: str = ""


_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[-.](\d{1,2})[-.](\d{4})\s*$")  # 13-09-2024, 13.09.2024 as typed too


def _parse_date(value: str) -> str:
    """A document's date as a clerk types it (``parse_date``'s forms, and day-first with «-» or «.»): a day
    not on the calendar is said so (31/02/2026), and a day still to come is no date of issue."""
    try:
        day = parse_date(_DAY_FIRST.sub(r"\1/\2/\3", value))
    except ValueError as exc:
        raise InvalidInput(str(exc), field="--date") from None
    if day > date.today():
        raise InvalidInput(f"ngày «{value}» chưa tới, không thể là ngày ban hành", field="--date")
    return day.isoformat()


def _symbol_fields(value: str) -> dict[str, Any]:
    """The keys a symbol sets: the Party's ``1417-CV/TU`` or the state's ``970/QĐ-TTg``."""
    text = value.strip().removeprefix("Số").removeprefix("số").strip(" :")
    party = parse_symbol(text)
    if party:
        number, code, body = text.split("-", 1)[0], *text.split("-", 1)[1].split("/", 1)
        kind = find_kind(code)
        return {"symbol": f"{int(number):02d}-{kind.code if kind else code}/{body}", "number": party[0],
                "body_code": body}
    if state_symbol_key(text):
        number, rest = text.split("/", 1)
        code, body = rest.rsplit("/", 1)[-1].split("-", 1)
        kind = find_state_kind(code)
        return {"symbol": text.replace(" ", ""), "number": int(number), "layout": "state",
                "body_code": body if kind else f"{code}-{body}"}
    raise InvalidInput(f"số, ký hiệu «{value}» không đúng dạng (1417-CV/TU hoặc 970/QĐ-TTg)", field="--symbol")


def _kind_fields(value: str, record: dict[str, Any]) -> dict[str, Any]:
    state = record.get("layout") == "state"
    kind = (find_state_kind(value) or find_kind(value)) if state else (find_kind(value) or find_state_kind(value))
    if kind is None:
        raise InvalidInput(f"không có loại văn bản «{value}»", field="--kind")
    return {"kind": kind.code, "kind_name": kind.name}


def checked(field: str, value: str, record: dict[str, Any]) -> dict[str, Any]:
    """The record keys a new value of ``field`` sets, or InvalidInput naming the field."""
    value = value.strip()
    if field == "symbol":
        return _symbol_fields(value)
    if field == "date":
        return {"date": _parse_date(value)}
    if field == "kind":
        return _kind_fields(value, record)
    if field in ("urgency", "secrecy"):
        return {field: canonical_mark(value, URGENCY if field == "urgency" else SECRECY, f"--{field}")}
    if not value:
        raise InvalidInput("không được để trống", field=f"--{field}")
    return {field: value}


def _current(record: dict[str, Any], field: str) -> str:
    if field == "urgency":
        return next((m for m in record.get("marks") or [] if m in URGENCY), "")
    return str(record.get(field) or "")


def _apply(record: dict[str, Any], field: str, keys: dict[str, Any]) -> None:
    if field == "urgency":
        record["marks"] = [m for m in record.get("marks") or [] if m not in URGENCY] + (
            [keys["urgency"]] if keys["urgency"] else [])
    else:
        record.update(keys)
    record.get("proposed", {}).pop(field, None)
    record["needs_review"] = [name for name in record.get("needs_review") or [] if name != field]
    record["missing"] = [name for name in record.get("missing") or [] if name != field]


def changes_of(edit: Edit, record: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(field, old, keys) of every change asked, each value checked before anything is written."""
    proposed = record.get("proposed") or {}
    changes = [(name, _current(record, name), checked(name, value, record)) for name, value in edit.values.items()]
    for name in edit.confirm:
        if name not in CONFIRMABLE:
            raise InvalidInput(f"không có trường «{name}» (có: {', '.join(CONFIRMABLE)})", field="--confirm")
        if name in edit.values:
            continue
        if name not in proposed:
            raise CorrectionError(f"trường {LABELS[name]} không có giá trị nào chờ xác nhận")
        value = str(proposed[name]["value"])
        keys = checked(name, value, record) if name in EDITABLE else {name: value}
        changes.append((name, "", keys))
    if not changes:
        raise CorrectionError("không có gì để sửa: cho biết giá trị mới hoặc --confirm TRƯỜNG")
    return changes


def _same_symbol(catalog: Catalog, row: CatalogRow, symbol: str) -> list[str]:
    """Other archived documents that carry ``symbol`` (the duplicate check, re-run)."""
    return [other.id for other in catalog.find(symbol, CONSOLE) if other.sha256 != row.sha256]


def correct(catalog: Catalog, store: ArchiveStore, row: CatalogRow, edit: Edit,
            symbol_check: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Apply ``edit`` to an archived document: record, sidecar, corrections; the new record.

    ``symbol_check`` hears the record when its symbol changed, before it is written (the
    register's match and link, as at archiving). Its writes are single statements: the caller may
    run them in one transaction with what follows the document (``docgen.database.one_transaction``)."""
    record = {**row.record, "path": row.path}
    at = datetime.now().astimezone().isoformat(timespec="seconds")
    rows = []
    for name, old, keys in changes_of(edit, record):
        _apply(record, name, keys)
        rows.append((row.sha256, name, old, str(keys.get(name, "")), edit.who, at, edit.note))
    if any(change[1] == "symbol" for change in rows):
        others = _same_symbol(catalog, row, record["symbol"])
        if others:
            record.setdefault("warnings", []).append(
                f"cùng số, ký hiệu {record['symbol']} với văn bản đã lưu trữ {', '.join(others)}")
        if symbol_check is not None:
            record.setdefault("warnings", [])
            symbol_check(record)
    sidecar = json.loads((store.root / row.path).with_suffix(".json").read_text("utf-8"))
    store.rewrite_sidecar(row.path, {**sidecar, **record})
    catalog.correct(row.sha256, record)
    catalog.conn.executemany("INSERT INTO corrections (sha256, field, old, new, who, at, note) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return {**sidecar, **record}


def prepare(catalog: Catalog) -> None:
    """The corrections' table made if missing: a schema change commits, so not inside a transaction."""
    catalog.conn.executescript(SCHEMA)


def history(catalog: Catalog, sha256: str) -> list[dict[str, str]]:
    """The corrections of one document, oldest first."""
    catalog.conn.executescript(SCHEMA)
    rows = catalog.conn.execute("SELECT field, old, new, who, at, note FROM corrections WHERE sha256=? "
                                "ORDER BY id", (sha256,))
    return [dict(zip(("field", "old", "new", "who", "at", "note"), r, strict=True)) for r in rows]


def review_queue(catalog: Catalog, viewer: Viewer) -> list[dict[str, Any]]:
    """Documents with proposals awaiting a clerk, oldest archived first, as ``viewer`` may see them."""
    waiting = [row for row in catalog.readable(viewer) if row.record.get("needs_review")]
    waiting.sort(key=lambda row: row.record.get("archived_at", ""))
    return [{"id": row.id, "path": row.path, "archived_at": row.record.get("archived_at", ""),
             "file": row.record.get("file", ""), "needs_review": row.record["needs_review"],
             "proposed": row.record.get("proposed", {}), "symbol": row.record.get("symbol", ""),
             "subject": row.record.get("subject", "")} for row in waiting]
