"""The audit log: who did what, when, from where; in the workspace database, only ever appended to.

Logins (ok and failed), numbers issued and voided, uploads, downloads of a
file, views of a secret document, changes to users and tokens. The log names
documents by id and symbol, so reading it is an administrator's right.
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
        return asdict(self)


HIDDEN = "(văn bản mật)"


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
        """Newest first; an entry about a document above ``viewer``'s clearance does not name it."""
        entries = []
        for row in self._rows(login, since, limit):
            *fields, level = row
            entry = AuditEntry(*fields)
            if level > viewer.clearance:
                entry.target, entry.detail = HIDDEN, ""
            entries.append(entry)
        return entries

    def _rows(self, login: str | None, since: datetime | None, limit: int) -> list[tuple]:
        sql, args = "SELECT id, at, login, action, target, detail, address, secrecy FROM audit WHERE 1=1", []
        if login:
            sql += " AND login=?"
            args.append(login)
        if since:
            sql += " AND at >= ?"
            args.append(since.astimezone().isoformat(timespec="seconds"))
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        return list(self.conn.execute(sql, args))
