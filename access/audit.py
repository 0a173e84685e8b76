"""The audit log: who did what, when, from where; in the workspace database, only ever appended to.

Logins (ok and failed), numbers issued and voided, uploads, downloads of a
file, views of a secret document, changes to users and tokens. The log names
documents by id and symbol, so reading it is the right of administrators and
leaders; an entry about a document above the reader's clearance does not exist
for them (not even as a masked line: that would count the secret documents read).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from docgen.database import Database, connect
from docgen.secrecy import CONSOLE, Viewer

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    login TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    secrecy INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
"""

ACTIONS = {
    "login": "đăng nhập", "login-failed": "đăng nhập sai", "logout": "đăng xuất",
    "issue": "cấp số", "void": "hủy số", "draft": "lưu dự thảo", "upload": "tải lên kho lưu trữ",
    "download": "tải tệp", "view-secret": "xem văn bản mật", "report": "gửi báo cáo nhanh",
    "digest": "tổng hợp tuần", "task": "cập nhật nhiệm vụ", "quarantine": "xử lý tệp cách ly",
    "user-add": "thêm người dùng", "user-disable": "khóa người dùng", "user-enable": "mở khóa người dùng",
    "user-edit": "sửa người dùng", "user-passwd": "đổi mật khẩu", "password-reset": "đặt lại mật khẩu",
    "token-create": "tạo mã truy cập", "token-revoke": "thu hồi mã truy cập", "correct": "sửa, xác nhận văn bản",
    "incoming": "vào sổ văn bản đến", "incoming-direct": "ghi ý kiến chỉ đạo, chuyển giao văn bản đến",
    "incoming-progress": "ghi tiến độ giải quyết văn bản đến",
    "incoming-done": "kết thúc giải quyết văn bản đến (trả lời hoặc lưu)",
}


@dataclass
class AuditEntry:
    id: int
    at: str
    login: str
    action: str
    target: str
    detail: str
    address: str

    @property
    def action_name(self) -> str:
        return ACTIONS.get(self.action, self.action)

    def as_dict(self) -> dict[str, Any]:
        """The entry without its row number: the numbers of the entries a reader sees would count those
        they may not (about secret documents)."""
        return {k: v for k, v in asdict(self).items() if k != "id"}


PAGE = 50  # entries on a page of the audit page


@dataclass
class AuditQuery:
    """Which entries: by whom, what, from and to which day (inclusive), which page (from 1)."""

    login: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    page: int = 1
    per_page: int = PAGE


class AuditLog(Database):
    def __init__(self, path: Path):
        self.conn = connect(path, SCHEMA)

    def record(self, login: str, action: str, target: str = "", detail: str = "", address: str = "",
               secrecy: int = 0) -> None:
        """``secrecy``: the level of the document the entry names, so that a reader below it sees
        that something was done, never which document."""
        self.conn.execute("INSERT INTO audit (at, login, action, target, detail, address, secrecy) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (datetime.now().astimezone().isoformat(timespec="seconds"), login, action, target,
                           detail, address, secrecy))

    def entries(self, *, viewer: Viewer = CONSOLE, login: str | None = None, since: datetime | None = None,
                limit: int = 1000) -> list[AuditEntry]:
        """Newest first, those ``viewer`` may read (``vanthu audit``)."""
        return self.page(AuditQuery(login=login, since=since, per_page=limit), viewer)[0]

    def page(self, query: AuditQuery, viewer: Viewer = CONSOLE) -> tuple[list[AuditEntry], int]:
        """One page of the entries ``viewer`` may read that ``query`` asks for, newest first, and how
        many such entries there are in all (for the pages)."""
        where, args = self._where(query, viewer)
        total = self.conn.execute(f"SELECT COUNT(*) FROM audit WHERE {where}", args).fetchone()[0]
        rows = self.conn.execute(f"SELECT id, at, login, action, target, detail, address FROM audit WHERE {where} "
                                 "ORDER BY id DESC LIMIT ? OFFSET ?",
                                 [*args, query.per_page, (max(query.page, 1) - 1) * query.per_page])
        return [AuditEntry(*row) for row in rows], total

    @staticmethod
    def _where(query: AuditQuery, viewer: Viewer) -> tuple[str, list[Any]]:
        clauses, args = ["secrecy <= ?"], [viewer.clearance]
        for column, value in (("login", query.login), ("action", query.action)):
            if value:
                clauses.append(f"{column} = ?")
                args.append(value)
        if query.since:
            clauses.append("at >= ?")
            args.append(query.since.astimezone().isoformat(timespec="seconds"))
        if query.until:
            clauses.append("at < ?")
            args.append(query.until.astimezone().isoformat(timespec="seconds"))
        return " AND ".join(clauses), args
