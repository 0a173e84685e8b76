"""Users of the service, their passwords, sessions and API tokens, in the workspace database.

Passwords are hashed with argon2id and never stored or logged otherwise.
Sessions and tokens are random strings given to the user once; the database
keeps only their SHA-256, so a copy of the database opens no door. Disabling
a user deletes their sessions at once and revokes their tokens for good, and
every request checks the user is still active. After ``MAX_FAILURES`` failed
logins a login is locked for ``LOCK_MINUTES``, whether or not it exists, so that
the lock tells nothing. Attempts are counted as they start, in one transaction
each, and decided after the count: a burst of wrong passwords sent at once locks
the login exactly as the same number in a row does, and a right password inside
the burst gets in only if it would have in that order.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from access.roles import ROLES
from docgen.database import Database, connect
from docgen.errors import InvalidInput, VanthuError
from docgen.secrecy import TOP, Viewer, mark_name

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    login TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL,
    team INTEGER,
    clearance INTEGER NOT NULL DEFAULT 0 CHECK (clearance BETWEEN 0 AND 3),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    key_hash TEXT PRIMARY KEY,
    login TEXT NOT NULL REFERENCES users (login),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL REFERENCES users (login),
    name TEXT NOT NULL DEFAULT '',
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS login_failures (
    login TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    locked_until TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS login_attempts (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL,
    started_at TEXT NOT NULL
);
"""
MAX_FAILURES = 5
LOCK_MINUTES = 15
SESSION_HOURS = 10  # a working day; the user logs in again the next morning
ATTEMPT_SECONDS = 60  # an attempt not decided after this long (a process killed mid-way) no longer counts
MIN_PASSWORD = 8
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
_HASHER = PasswordHasher()  # argon2id with the library's current parameters
_DUMMY = _HASHER.hash("vanthu: a hash to compare against when the login does not exist")


class LoginFailed(VanthuError):
    """Wrong login, wrong password, a disabled or locked login: one message for all of them."""

    def __init__(self) -> None:
        super().__init__("Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa; "
                         f"sau {MAX_FAILURES} lần sai, tài khoản bị khóa {LOCK_MINUTES} phút.")


@dataclass(frozen=True)
class User:
    login: str
    name: str
    role: str
    team: int | None
    clearance: int
    active: bool

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.login, self.clearance)

    def as_dict(self) -> dict[str, Any]:
        return {"login": self.login, "name": self.name, "role": self.role, "team": self.team,
                "clearance": mark_name(self.clearance), "active": self.active}


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


def _now() -> datetime:
    return datetime.now().astimezone()


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def check_password(password: str) -> str:
    """At least ``MIN_PASSWORD`` characters that are not spaces, and not one character repeated."""
    if len("".join(password.split())) < MIN_PASSWORD:
        raise InvalidInput(f"mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự không kể dấu cách", field="mật khẩu")
    if len(set(password)) < 3:
        raise InvalidInput("mật khẩu quá dễ đoán: cần ít nhất ba ký tự khác nhau", field="mật khẩu")
    return password


class UserBook(Database):
    def __init__(self, path: Path):
        self.conn = connect(path, SCHEMA)
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(users)")}
        if "must_change" not in columns:  # a workspace made before an administrator could reset a password
            self.conn.execute("ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0")

    # Users

    def add(self, login: str, *, role: str, password: str, name: str = "", team: int | None = None,
            clearance: int = 0) -> User:
        if not _LOGIN.match(login):
            raise InvalidInput("chỉ gồm chữ thường không dấu, số, dấu chấm, gạch; 2 đến 32 ký tự",
                               field="LOGIN")
        if role not in ROLES:
            raise InvalidInput(f"«{role}» không phải vai trò; chọn một trong: {', '.join(ROLES)}",
                               field="--role")
        if not 0 <= clearance <= TOP:
            raise InvalidInput("độ mật không hợp lệ", field="--clearance")
        if self.get(login) is not None:
            raise InvalidInput(f"đã có người dùng «{login}»", field="LOGIN")
        self.conn.execute(
            "INSERT INTO users (login, name, role, team, clearance, password_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (login, name, role, team, clearance, _HASHER.hash(check_password(password)),
             _now().isoformat(timespec="seconds")))
        return self.require(login)

    def get(self, login: str) -> User | None:
        row = self.conn.execute("SELECT login, name, role, team, clearance, active FROM users WHERE login=?",
                                (login,)).fetchone()
        return User(row[0], row[1], row[2], row[3], row[4], bool(row[5])) if row else None

    def require(self, login: str) -> User:
        user = self.get(login)
        if user is None:
            raise InvalidInput(f"không có người dùng «{login}»", field="LOGIN")
        return user

    def all(self) -> list[User]:
        rows = self.conn.execute(
            "SELECT login, name, role, team, clearance, active FROM users ORDER BY login")
        return [User(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    def names(self) -> dict[str, str]:
        """Each login's display name, where one was given: pages name people, not their logins."""
        return {login: name for login, name in self.conn.execute("SELECT login, name FROM users WHERE name != ''")}

    def change(self, login: str, *, role: str, name: str, team: int | None, clearance: int) -> User:
        """A user's role, name, team and clearance set anew; their sessions end, so that what they may
        see changes at once and they log in again under the new rights."""
        self.require(login)
        if role not in ROLES:
            raise InvalidInput(f"«{role}» không phải vai trò; chọn một trong: {', '.join(ROLES)}",
                               field="--role")
        if not 0 <= clearance <= TOP:
            raise InvalidInput("độ mật không hợp lệ", field="--clearance")
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("UPDATE users SET role=?, name=?, team=?, clearance=? WHERE login=?",
                          (role, name, team, clearance, login))
        self.conn.execute("DELETE FROM sessions WHERE login=?", (login,))
        self.conn.execute("COMMIT")
        return self.require(login)

    def disable(self, login: str) -> User:
        """Disabled at once: the user's sessions end and their tokens are revoked, so that enabling
        the user again brings back none of them (a token lent to a system must be made anew)."""
        self.require(login)
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("UPDATE users SET active=0 WHERE login=?", (login,))
        self.conn.execute("DELETE FROM sessions WHERE login=?", (login,))
        self.conn.execute("UPDATE tokens SET revoked_at=? WHERE login=? AND revoked_at=''",
                          (_now().isoformat(timespec="seconds"), login))
        self.conn.execute("COMMIT")
        return self.require(login)

    def enable(self, login: str) -> User:
        """Unlocked: a disabled user may log in again, and a lock after failed logins is lifted."""
        self.require(login)
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("UPDATE users SET active=1 WHERE login=?", (login,))
        self.conn.execute("DELETE FROM login_failures WHERE login=?", (login,))
        self.conn.execute("COMMIT")
        return self.require(login)

    def locked_out(self) -> set[str]:
        """The logins locked for now after too many failed logins."""
        rows = self.conn.execute("SELECT login, locked_until FROM login_failures WHERE locked_until != ''")
        return {login for login, until in rows if datetime.fromisoformat(until) > _now()}

    def set_password(self, login: str, password: str) -> None:
        """A new password ends the user's other sessions and lifts a lock."""
        self.require(login)
        self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("UPDATE users SET password_hash=?, must_change=0 WHERE login=?",
                          (_HASHER.hash(check_password(password)), login))
        self.conn.execute("DELETE FROM sessions WHERE login=?", (login,))
        self.conn.execute("DELETE FROM login_failures WHERE login=?", (login,))
        self.conn.execute("COMMIT")

    def reset_password(self, login: str) -> str:
        """An administrator's reset: a temporary password, to be handed over and shown this once; the
        user's sessions end and at their next login they must set a password of their own."""
        temporary = "-".join(secrets.token_hex(2) + secrets.choice("abcdefghkmnpqrstuvwxyz") for _ in range(3))
        self.set_password(login, temporary)
        self.conn.execute("UPDATE users SET must_change=1 WHERE login=?", (login,))
        return temporary

    def must_change(self, login: str) -> bool:
        row = self.conn.execute("SELECT must_change FROM users WHERE login=?", (login,)).fetchone()
        return bool(row and row[0])

    def change_password(self, login: str, current: str, new: str, again: str) -> None:
        """A user's own change: the current password, the new one twice. A wrong current password
        counts as a failed login (a session left open must not be a way to guess it)."""
        try:
            self.authenticate(login, current)  # counted, and locked, as a login is
        except LoginFailed as exc:
            raise InvalidInput("mật khẩu hiện tại không đúng, hoặc tài khoản đang tạm khóa",
                               field="Mật khẩu hiện tại") from exc
        if new != again:
            raise InvalidInput("hai lần nhập mật khẩu mới không giống nhau", field="Nhập lại mật khẩu mới")
        if new == current:
            raise InvalidInput("mật khẩu mới phải khác mật khẩu hiện tại", field="Mật khẩu mới")
        if len(new) < MIN_PASSWORD:
            raise InvalidInput(f"phải có ít nhất {MIN_PASSWORD} ký tự", field="Mật khẩu mới")
        self.set_password(login, new)

    # Logging in

    def authenticate(self, login: str, password: str) -> User:
        """The user, or ``LoginFailed``: one answer whatever was wrong (no such login, a wrong
        password, a disabled or a locked login), and the same work for a login that exists or not."""
        login = login.strip().lower()
        attempt = self._start_attempt(login)
        if attempt is None:  # locked: no password is checked, none counted
            raise LoginFailed()
        row = self.conn.execute("SELECT password_hash FROM users WHERE login=? AND active=1",
                                (login,)).fetchone()
        try:
            ok = _HASHER.verify(row[0] if row else _DUMMY, password) and row is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not self._decide(login, attempt, ok):
            raise LoginFailed()
        return self.require(login)

    def _start_attempt(self, login: str) -> int | None:
        """Count the attempt before its password is checked: None when the login is locked, or when
        the failures and the attempts still being checked already make ``MAX_FAILURES``."""
        now = _now()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("DELETE FROM login_attempts WHERE started_at < ?",
                              ((now - timedelta(seconds=ATTEMPT_SECONDS)).isoformat(),))
            failures, until = self._failures(login)
            pending = self.conn.execute("SELECT COUNT(*) FROM login_attempts WHERE login=?", (login,)).fetchone()[0]
            if (until and datetime.fromisoformat(until) > now) or failures + pending >= MAX_FAILURES:
                self.conn.execute("COMMIT")
                return None
            cursor = self.conn.execute("INSERT INTO login_attempts (login, started_at) VALUES (?, ?)",
                                       (login, now.isoformat()))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return int(cursor.lastrowid or 0)

    def _decide(self, login: str, attempt: int, ok: bool) -> bool:
        """After the check: a wrong password is a failure (the fifth locks the login); a right one gets
        in unless the failures counted meanwhile locked the login, and clears the failures."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("DELETE FROM login_attempts WHERE id=?", (attempt,))
            failures, until = self._failures(login)
            locked = bool(until) and datetime.fromisoformat(until) > _now()
            if ok and not locked:
                self.conn.execute("DELETE FROM login_failures WHERE login=?", (login,))
            elif not ok:
                count = failures + 1
                lock = (_now() + timedelta(minutes=LOCK_MINUTES)).isoformat() if count >= MAX_FAILURES else until
                self.conn.execute("INSERT INTO login_failures (login, count, locked_until) VALUES (?, ?, ?) "
                                  "ON CONFLICT (login) DO UPDATE SET count=excluded.count, "
                                  "locked_until=excluded.locked_until",
                                  (login, 0 if count >= MAX_FAILURES else count, lock))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return ok and not locked

    def _failures(self, login: str) -> tuple[int, str]:
        row = self.conn.execute("SELECT count, locked_until FROM login_failures WHERE login=?", (login,)).fetchone()
        return (row[0], row[1]) if row else (0, "")

    # Sessions

    def open_session(self, user: User) -> str:
        """A new session key, to go into the user's cookie; only its hash is kept."""
        key = secrets.token_urlsafe(32)
        now = _now()
        self.conn.execute("INSERT INTO sessions (key_hash, login, csrf, created_at, expires_at) "
                          "VALUES (?, ?, ?, ?, ?)",
                          (_hash(key), user.login, secrets.token_urlsafe(24), now.isoformat(),
                           (now + timedelta(hours=SESSION_HOURS)).isoformat()))
        return key

    def session(self, key: str) -> Session | None:
        row = self.conn.execute("SELECT login, csrf, expires_at FROM sessions WHERE key_hash=?",
                                (_hash(key),)).fetchone()
        if row is None or datetime.fromisoformat(row[2]) <= _now():
            return None
        user = self.get(row[0])
        return Session(user, row[1]) if user and user.active else None

    def close_session(self, key: str) -> None:
        self.conn.execute("DELETE FROM sessions WHERE key_hash=?", (_hash(key),))

    # API tokens

    def create_token(self, login: str, name: str = "") -> tuple[int, str]:
        """A new token for ``login``: (its id, the token itself, shown only this once)."""
        self.require(login)
        key = "vt_" + secrets.token_urlsafe(32)
        cursor = self.conn.execute(
            "INSERT INTO tokens (login, name, key_hash, created_at) VALUES (?, ?, ?, ?)",
            (login, name, _hash(key), _now().isoformat(timespec="seconds")))
        return int(cursor.lastrowid or 0), key

    def revoke_token(self, token_id: int) -> None:
        done = self.conn.execute("UPDATE tokens SET revoked_at=? WHERE id=? AND revoked_at=''",
                                 (_now().isoformat(timespec="seconds"), token_id))
        if done.rowcount == 0:
            raise InvalidInput(f"không có mã truy cập số {token_id} đang dùng", field="ID")

    def tokens(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT id, login, name, created_at, revoked_at FROM tokens ORDER BY id")
        return [dict(zip(("id", "login", "name", "created_at", "revoked_at"), row, strict=True))
                for row in rows]

    def token_user(self, key: str) -> User | None:
        row = self.conn.execute("SELECT login FROM tokens WHERE key_hash=? AND revoked_at=''",
                                (_hash(key),)).fetchone()
        user = self.get(row[0]) if row else None
        return user if user and user.active else None
