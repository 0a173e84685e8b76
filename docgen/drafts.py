"""Drafts (dự thảo): documents written by staff, kept until a clerk issues them.

A draft is the data mapping of a data file (the same keys, the same checks
when it is issued), so a draft saved from the web form and a YAML file on a
clerk's disk are one thing. Its secrecy mark hides it as it hides a document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docgen.database import Database, connect
from docgen.documents import draft_problems, has_content
from docgen.errors import InvalidFields, NotFound
from docgen.secrecy import SECRECY, URGENCY, Viewer, canonical_mark

SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    author TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
    symbol TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


@dataclass
class Draft:
    id: int
    kind: str
    data: dict[str, Any]
    author: str
    status: str
    symbol: str
    created_at: str
    updated_at: str

    def as_dict(self) -> dict[str, Any]:
        return {**vars(self)}


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


class DraftBook(Database):
    def __init__(self, path: Path, term_start: date | None = None):
        self.conn = connect(path, SCHEMA)
        self.term_start = term_start  # a draft dated before the term could never be issued

    def save(self, kind: str, data: dict[str, Any], author: str, draft_id: int | None = None) -> Draft:
        """Saved with its marks as printed (``mật`` → ``MẬT``): the form shows the mark the draft
        has, and the draft is as secret as it says. A draft may lack what issuing needs, but not be empty,
        nor hold a field longer than issuing takes (it would be refused then, or worse, cut), nor a date
        that cannot be the document's (31/02/2026): every such problem at once (``draft_problems``)."""
        problems = draft_problems(data, self.term_start)
        if not has_content(data):
            problems = {"subject": "dự thảo chưa có nội dung nào: nhập ít nhất trích yếu rồi lưu", **problems}
        if problems:
            raise InvalidFields(problems)
        data = {**data, **{key: canonical_mark(data.get(key), allowed, key)
                           for key, allowed in (("secrecy", SECRECY), ("urgency", URGENCY)) if key in data}}
        text = json.dumps(data, ensure_ascii=False)
        if draft_id is None:
            cursor = self.conn.execute(
                "INSERT INTO drafts (kind, data, author, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (kind, text, author, _now(), _now()))
            draft_id = int(cursor.lastrowid or 0)
        else:
            self.conn.execute("UPDATE drafts SET kind=?, data=?, updated_at=? WHERE id=? AND status='draft'",
                              (kind, text, _now(), draft_id))
        return self._get(draft_id)

    def _get(self, draft_id: int) -> Draft:
        row = self.conn.execute("SELECT id, kind, data, author, status, symbol, created_at, updated_at "
                                "FROM drafts WHERE id=?", (draft_id,)).fetchone()
        if row is None:
            raise NotFound(f"không có dự thảo số {draft_id}")
        return Draft(row[0], row[1], json.loads(row[2]), *row[3:])

    def get(self, draft_id: int, viewer: Viewer) -> Draft:
        """A draft the viewer may read; a secret one above their clearance does not exist for them."""
        draft = self._get(draft_id)
        if not viewer.may_read({"secrecy": draft.data.get("secrecy") or ""}):
            raise NotFound(f"không có dự thảo số {draft_id}")
        return draft

    def readable(self, viewer: Viewer) -> list[Draft]:
        rows = self.conn.execute("SELECT id FROM drafts WHERE status='draft' ORDER BY updated_at DESC")
        drafts = [self._get(row[0]) for row in rows]
        return [d for d in drafts if viewer.may_read({"secrecy": d.data.get("secrecy") or ""})]

    def mark_issued(self, draft_id: int, symbol: str) -> None:
        self.conn.execute("UPDATE drafts SET status='issued', symbol=?, updated_at=? WHERE id=?",
                          (symbol, _now(), draft_id))
