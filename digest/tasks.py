"""The follow-up book: tasks read from archived conclusions and directives, with their deadlines.

Tasks live in the workspace database, keyed by the document and their order
in it, so reading a document again (a rebuild) refreshes what was read but
keeps what a clerk set by hand: a corrected deadline, a task marked done.
"""

from __future__ import annotations

import getpass
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from digest.deadlines import find_tasks
from docgen.database import Database, connect
from docgen.errors import NotFound
from docgen.secrecy import Viewer, level_of
from indexer.gazetteer import Gazetteer

SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    id INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    symbol TEXT NOT NULL DEFAULT '',
    doc_date TEXT NOT NULL DEFAULT '',
    sentence TEXT NOT NULL,
    actor TEXT NOT NULL DEFAULT '',
    due TEXT NOT NULL,
    due_text TEXT NOT NULL DEFAULT '',
    localities TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    note TEXT NOT NULL DEFAULT '',
    done_at TEXT NOT NULL DEFAULT '',
    due_edited INTEGER NOT NULL DEFAULT 0,
    secrecy INTEGER NOT NULL DEFAULT 1,
    void_reason TEXT NOT NULL DEFAULT '',
    UNIQUE (doc_id, ordinal)
);
CREATE TABLE IF NOT EXISTS task_history (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
"""
ACTIONS = {"done": "đánh dấu hoàn thành", "note": "thêm ghi chú", "due": "sửa hạn",
           "void": "đóng vì số văn bản đã hủy"}


def _who(viewer: Viewer) -> str:
    """The login, or at the server's terminal the system user running the command."""
    if viewer.login != "console":
        return viewer.login
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "console"


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class TaskRow:
    id: int
    doc_id: str
    ordinal: int
    symbol: str
    doc_date: str
    sentence: str
    actor: str
    due: str
    due_text: str
    localities: str
    status: str
    note: str
    done_at: str
    due_edited: int
    secrecy: int  # the level of the document the task was read from (docgen.secrecy)
    void_reason: str = ""  # closed because the document's number was voided (status done, no done_at)

    @property
    def locality_codes(self) -> list[str]:
        return [code for code in self.localities.split(",") if code]

    def days_overdue(self, today: date) -> int:
        return (today - date.fromisoformat(self.due)).days

    def as_dict(self, gazetteer: Gazetteer | None = None, today: date | None = None) -> dict[str, Any]:
        data = asdict(self)
        data["localities"] = [gazetteer.by_code[c].full_name if gazetteer else c for c in self.locality_codes
                              if not gazetteer or c in gazetteer.by_code]
        data["due_edited"] = bool(self.due_edited)
        del data["secrecy"]
        if today is not None:
            data["days_overdue"] = max(0, self.days_overdue(today)) if self.status == "open" else 0
        return data


class TaskBook(Database):
    def __init__(self, path: Path, gazetteer: Gazetteer):
        self.conn = connect(path, SCHEMA)
        self.gazetteer = gazetteer
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(tasks)")}
        if "secrecy" not in columns:  # a workspace made before secrecy: its tasks count as secret
            self.conn.execute("ALTER TABLE tasks ADD COLUMN secrecy INTEGER NOT NULL DEFAULT 1")
        if "void_reason" not in columns:  # a workspace made before a void closed a document's tasks
            self.conn.execute("ALTER TABLE tasks ADD COLUMN void_reason TEXT NOT NULL DEFAULT ''")


    def read_record(self, record: dict[str, Any]) -> int:
        """Read the tasks of an archived record; hand corrections and done marks are kept. The tasks of
        a document whose number was voided are closed (and open again if the void was a misreading:
        a symbol corrected to a live number), never those a person marked done."""
        on = date.fromisoformat(record.get("date") or record["archived_at"][:10])
        text = record.get("text", "")
        # A task naming no locality concerns the one the trích yếu names (a conclusion's), else all.
        whole = [loc.code for loc in self.gazetteer.find(record.get("subject", ""))
                 or self.gazetteer.find(text)]
        rows = []
        level, void = level_of(record), record.get("void") or ""
        for ordinal, task in enumerate(find_tasks(text, on), start=1):
            codes = [loc.code for loc in self.gazetteer.find(task.sentence)] or whole
            rows.append((record["id"], ordinal, record.get("symbol", ""), on.isoformat(), task.sentence,
                         task.actor, task.due.isoformat(), task.due_text, ",".join(codes), level, void,
                         "done" if void else "open"))
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.executemany(
            "INSERT INTO tasks (doc_id, ordinal, symbol, doc_date, sentence, actor, due, due_text, "
            "localities, secrecy, void_reason, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (doc_id, ordinal) "
            "DO UPDATE SET symbol=excluded.symbol, doc_date=excluded.doc_date, sentence=excluded.sentence, "
            "secrecy=excluded.secrecy, "
            "actor=excluded.actor, due_text=excluded.due_text, localities=excluded.localities, "
            "status=CASE WHEN tasks.done_at != '' THEN tasks.status ELSE excluded.status END, "
            "void_reason=excluded.void_reason, "
            "due=CASE WHEN tasks.due_edited THEN tasks.due ELSE excluded.due END", rows)
        self.conn.execute("COMMIT")
        return len(rows)

    def set_level(self, doc_id: str, level: int) -> None:
        """The tasks of a document whose secrecy was corrected take its level (a single statement, so
        that it can join the correction's transaction)."""
        self.conn.execute("UPDATE tasks SET secrecy=? WHERE doc_id=?", (level, doc_id))

    _COLUMNS = ("id, doc_id, ordinal, symbol, doc_date, sentence, actor, due, due_text, localities, status, "
                "note, done_at, due_edited, secrecy, void_reason")

    def readable(self, viewer: Viewer) -> list[TaskRow]:
        """The tasks of the documents ``viewer`` may read."""
        rows = self.conn.execute(f"SELECT {self._COLUMNS} FROM tasks WHERE secrecy <= ? ORDER BY due, id",
                                 (viewer.clearance,))
        return [TaskRow(*row) for row in rows]

    def select(self, *, viewer: Viewer, today: date, team: int | None = None, locality: str | None = None,
               due_within: int | None = None, overdue: bool = False, open_only: bool = True,
               done: bool = False) -> list[TaskRow]:
        """Open tasks (all with ``open_only=False``; ``done``: those closed, the last closed first)."""
        rows = [t for t in self.readable(viewer) if t.status == "open" or not open_only or done]
        if done:
            rows = sorted((t for t in rows if t.status == "done"), key=lambda t: (t.done_at, t.id), reverse=True)
        if team is not None:
            codes = {loc.code for loc in self.gazetteer.team_localities(team)}
            rows = [t for t in rows if codes & set(t.locality_codes)]
        if locality:
            code = self.gazetteer.resolve(locality).code
            rows = [t for t in rows if code in t.locality_codes]
        if overdue:
            rows = [t for t in rows if t.days_overdue(today) > 0]
        if due_within is not None:
            rows = [t for t in rows if t.days_overdue(today) <= 0 and -t.days_overdue(today) <= due_within]
        return rows

    def _get(self, task_id: int, viewer: Viewer) -> TaskRow:
        row = self.conn.execute(f"SELECT {self._COLUMNS} FROM tasks WHERE id=? AND secrecy <= ?",
                                (task_id, viewer.clearance)).fetchone()
        if row is None:
            raise NotFound(f"không có nhiệm vụ số {task_id}")
        return TaskRow(*row)

    def get(self, task_id: int, *, viewer: Viewer) -> TaskRow:
        return self._get(task_id, viewer)

    def _record(self, task_id: int, viewer: Viewer, action: str, detail: str) -> None:
        self.conn.execute("INSERT INTO task_history (task_id, at, who, action, detail) VALUES (?, ?, ?, ?, ?)",
                          (task_id, _now(), _who(viewer), action, detail))

    def history(self, task_id: int, *, viewer: Viewer) -> list[dict[str, str]]:
        """Who did what to a task, and when, oldest first."""
        self._get(task_id, viewer)
        rows = self.conn.execute("SELECT at, who, action, detail FROM task_history WHERE task_id=? ORDER BY id",
                                 (task_id,))
        return [{"at": at, "who": who, "action": action, "detail": detail} for at, who, action, detail in rows]

    def done(self, task_id: int, note: str = "", *, viewer: Viewer) -> TaskRow:
        """Mark a task done. Done again, it keeps the first date and adds the note to the earlier
        ones: nothing a colleague wrote is lost, and the history says who did what, when."""
        task = self._get(task_id, viewer)
        note = note.strip()
        if task.status == "done":
            if note and note not in task.note.split("; "):
                self.conn.execute("UPDATE tasks SET note=? WHERE id=?",
                                  ("; ".join(n for n in (task.note, note) if n), task_id))
                self._record(task_id, viewer, "note", note)
            return self._get(task_id, viewer)
        self.conn.execute("UPDATE tasks SET status='done', note=?, done_at=? WHERE id=?",
                          ("; ".join(n for n in (task.note, note) if n), _now(), task_id))
        self._record(task_id, viewer, "done", note)
        return self._get(task_id, viewer)

    def close_void(self, doc_ids: list[str], reason: str, *, viewer: Viewer) -> int:
        """Close the open tasks of a document whose number was voided; how many were closed."""
        rows = self.conn.execute(
            f"SELECT id FROM tasks WHERE status='open' AND doc_id IN ({', '.join('?' * len(doc_ids))})",
            doc_ids).fetchall()
        for (task_id,) in rows:
            self.conn.execute("UPDATE tasks SET status='done', void_reason=? WHERE id=?", (reason, task_id))
            self._record(task_id, viewer, "void", reason)
        return len(rows)

    def set_due(self, task_id: int, due: date, *, viewer: Viewer) -> TaskRow:
        task = self._get(task_id, viewer)
        self.conn.execute("UPDATE tasks SET due=?, due_edited=1 WHERE id=?", (due.isoformat(), task_id))
        self._record(task_id, viewer, "due", f"{task.due} → {due.isoformat()}")
        return self._get(task_id, viewer)
