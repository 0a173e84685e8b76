"""The incoming register in the workspace database: số đến, the rows, their direction and outcome.

A số đến is given inside one ``BEGIN IMMEDIATE`` transaction that also checks for the same
document registered before and records the row, as the outgoing register does (``docgen/register.py``):
two clerks (or eight processes) never get the same number, a refusal or a failure spends none, and
the book has no gap. Each book (the ordinary one, one per secrecy mark) numbers from 1 in every
calendar year. Nothing is ever deleted; each change is a row of ``incoming_history``.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from docgen.database import Database, connect, transaction
from docgen.errors import InvalidInput, VanthuError
from docgen.secrecy import CONSOLE, Viewer, mark_name
from docgen.text import fold
from incoming.arrivals import Arrival
from incoming.rows import COLUMNS, NAME_LIMIT, NO_REPLY, URGENT, Actor, Incoming, Ref, book_name, limited, now_minute

# Urgent open rows first (handled the day they arrive), then the newest arrivals: the listing's order, kept
# as an index so that a page of a long register reads its rows in order instead of sorting them all.
_RANKS = " ".join(f"WHEN '{mark}' THEN {rank}" for rank, mark in enumerate(URGENT))
_URGENT_FIRST = f"CASE WHEN status != 'done' THEN CASE urgency {_RANKS} ELSE 9 END ELSE 9 END"
ORDER = f"{_URGENT_FIRST}, received DESC, level, number DESC"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS incoming (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    level INTEGER NOT NULL DEFAULT 0,
    shown_level INTEGER NOT NULL DEFAULT 0,
    number INTEGER NOT NULL CHECK (number > 0),
    received TEXT NOT NULL,
    doc_id TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL DEFAULT '',
    same_key TEXT NOT NULL DEFAULT '',
    issuer TEXT NOT NULL DEFAULT '',
    symbol TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    kind_name TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    secrecy TEXT NOT NULL DEFAULT '',
    urgency TEXT NOT NULL DEFAULT '',
    medium TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL DEFAULT '',
    handed_at TEXT NOT NULL DEFAULT '',
    signed_for TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'directed', 'done')),
    lead TEXT NOT NULL DEFAULT '',
    lead_login TEXT NOT NULL DEFAULT '',
    lead_team INTEGER,
    supports TEXT NOT NULL DEFAULT '[]',
    due TEXT NOT NULL DEFAULT '',
    due_proposed TEXT NOT NULL DEFAULT '',
    due_text TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL DEFAULT '',
    directed_by TEXT NOT NULL DEFAULT '',
    directed_at TEXT NOT NULL DEFAULT '',
    progress TEXT NOT NULL DEFAULT '',
    reply_symbol TEXT NOT NULL DEFAULT '',
    reply_id TEXT NOT NULL DEFAULT '',
    reply_level INTEGER NOT NULL DEFAULT 0,
    reply_entry INTEGER NOT NULL DEFAULT 0,
    reply_void TEXT NOT NULL DEFAULT '',
    done_at TEXT NOT NULL DEFAULT '',
    done_by TEXT NOT NULL DEFAULT '',
    done_note TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT '',
    UNIQUE (year, level, number)
);
CREATE INDEX IF NOT EXISTS incoming_doc ON incoming (doc_id);
CREATE INDEX IF NOT EXISTS incoming_sha ON incoming (sha256);
CREATE INDEX IF NOT EXISTS incoming_same ON incoming (same_key);
CREATE INDEX IF NOT EXISTS incoming_reply ON incoming (reply_symbol);
CREATE TABLE IF NOT EXISTS incoming_history (
    id INTEGER PRIMARY KEY,
    incoming_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    reply TEXT NOT NULL DEFAULT '',
    reply_level INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS incoming_history_row ON incoming_history (incoming_id);
CREATE INDEX IF NOT EXISTS incoming_order ON incoming ({ORDER});
"""


class AlreadyRegistered(InvalidInput):
    """The same document is in the register already; nothing was spent."""


class NotHandler(VanthuError):
    """A staff member acting on a document their unit does not lead."""


@dataclass(frozen=True)
class Direction:
    """A leader's bút phê: the one unit or person that leads, those that support, the deadline."""

    lead: str
    lead_login: str = ""
    lead_team: int | None = None
    supports: tuple[str, ...] = ()
    due: str = ""
    note: str = ""


@dataclass
class Filters:
    """What a listing asks for; every listing also holds only what its viewer may read."""

    year: int | None = None
    status: str | None = None  # registered, directed, done, overdue
    overdue: bool = False
    due_within: int | None = None
    lead: str | None = None
    mine: Actor | None = None  # the rows led by this person or their team
    limit: int | None = None
    offset: int = 0


def _day_of(moment: str) -> str:
    return moment[:10]


def _shown(moment: str) -> str:
    return f"{date.fromisoformat(moment[:10]):%d/%m/%Y}"


_REPLIED = "trả lời bằng "  # a closing's line of history names its answer first


class IncomingBook(Database):
    def __init__(self, path: Path):
        self.conn = connect(path, SCHEMA)
        self.conn.create_function("folded", 1, lambda text: fold(text or ""), deterministic=True)
        self._migrate()

    def _migrate(self) -> None:
        """A book made before answers carried their secrecy: each answer already given counts as MẬT (its
        level is not known here) until it is given again; when in doubt, a reader learns nothing. A book
        made before answers kept their register entry: an answer whose number was voided since is marked
        so (``_mark_voided_answers``)."""
        def columns(table: str) -> set[str]:
            return {row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")}

        if {"reply_level", "reply_void"} <= columns("incoming") and "reply" in columns("incoming_history"):
            return
        with transaction(self.conn):
            if "reply_level" not in columns("incoming"):
                self.conn.execute("ALTER TABLE incoming ADD COLUMN reply_level INTEGER NOT NULL DEFAULT 0")
                self.conn.execute("UPDATE incoming SET reply_level = 1 WHERE reply_symbol != ''")
            if "reply" not in columns("incoming_history"):
                self.conn.execute("ALTER TABLE incoming_history ADD COLUMN reply TEXT NOT NULL DEFAULT ''")
                self.conn.execute("ALTER TABLE incoming_history ADD COLUMN reply_level INTEGER NOT NULL DEFAULT 0")
                self.conn.execute(
                    "UPDATE incoming_history SET reply_level = 1, reply = substr(detail, ?, instr(detail || ';', ';')"
                    " - ?) WHERE action IN ('done', 'redone') AND detail LIKE ?",
                    (len(_REPLIED) + 1, len(_REPLIED) + 1, _REPLIED + "%"))
            if "reply_void" not in columns("incoming"):
                self.conn.execute("ALTER TABLE incoming ADD COLUMN reply_entry INTEGER NOT NULL DEFAULT 0")
                self.conn.execute("ALTER TABLE incoming ADD COLUMN reply_void TEXT NOT NULL DEFAULT ''")
                self._mark_voided_answers()

    def _mark_voided_answers(self) -> None:
        """The answers of a book made before voids reached it, whose number the outgoing register (kept in
        the same database file) has voided since: the symbol printed by one entry only, that entry void."""
        if not self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'entries'").fetchone():
            return
        self.conn.execute(
            "UPDATE incoming SET reply_void = (SELECT MAX(void_reason) FROM entries WHERE entries.symbol = "
            "incoming.reply_symbol) WHERE reply_symbol != '' AND (SELECT COUNT(*) FROM entries WHERE entries.symbol "
            "= incoming.reply_symbol) = 1 AND EXISTS (SELECT 1 FROM entries WHERE entries.symbol = "
            "incoming.reply_symbol AND status = 'void')")

    def _writing(self) -> AbstractContextManager[None]:
        """A transaction of its own, unless the change is part of a larger one (``one_transaction``)."""
        return nullcontext() if self.conn.in_transaction else transaction(self.conn)

    def _log(self, row_id: int, who: str, action: str, detail: str = "", reply: str = "",
             reply_level: int = 0) -> None:
        self.conn.execute("INSERT INTO incoming_history (incoming_id, at, who, action, detail, reply, reply_level) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)", (row_id, datetime.now().astimezone().isoformat(
                              timespec="seconds"), who, action, detail, reply, reply_level))

    # Registering

    def earlier(self, arrival: Arrival) -> list[Incoming]:
        """Rows of the same document: the same file, or the same number, symbol and issuer."""
        same = " OR same_key = ?" if arrival.same_key else ""
        values = (arrival.sha256, arrival.doc_id, *((arrival.same_key,) if arrival.same_key else ()))
        rows = self.conn.execute(f"SELECT {COLUMNS} FROM incoming WHERE sha256 = ? OR doc_id = ?{same} ORDER BY id",
                                 values)
        return [Incoming.from_row(row) for row in rows]

    def register(self, arrival: Arrival, level: int, *, received: str, who: str, recipient: str = "",
                 note: str = "", again: bool = False, viewer: Viewer = CONSOLE) -> Incoming:
        """The next số đến of the book of ``level`` in the year ``received`` falls in, and the row. A
        document registered before is refused naming its book and số đến, unless it stands in a book
        above ``viewer``'s clearance: then the refusal says only that it was registered."""
        year = int(received[:4])
        recipient, note = limited(recipient, "--to", NAME_LIMIT), limited(note, "--note")
        with transaction(self.conn):
            before = self.earlier(arrival)
            if before and not again:
                shown = [row for row in before if row.shown_level <= viewer.clearance]
                said = ", " + ", ".join(row.ref.named for row in shown) if shown else ""
                raise AlreadyRegistered(
                    f"văn bản {arrival.symbol or arrival.doc_id} đã vào sổ văn bản đến{said}; chưa vào sổ "
                    "lần nữa. Nếu đúng là văn bản đến lần nữa, dùng «--again»", field="KEY")
            shown = [row for row in before if row.shown_level <= level]  # the note is as secret as its row
            if shown:
                listed = ", ".join(row.ref.named for row in shown)
                note = "; ".join(part for part in (note, f"vào sổ lại, trùng {listed}") if part)
            number = 1 + (self.conn.execute("SELECT MAX(number) FROM incoming WHERE year = ? AND level = ?",
                                            (year, level)).fetchone()[0] or 0)
            values = {**vars(arrival), "year": year, "level": level, "shown_level": level, "number": number,
                      "received": received, "recipient": recipient, "note": note, "created_by": who,
                      "created_at": now_minute()}
            cursor = self.conn.execute(f"INSERT INTO incoming ({', '.join(values)}) VALUES "
                                       f"({', '.join('?' * len(values))})", tuple(values.values()))
            row_id = int(cursor.lastrowid or 0)
            self._log(row_id, who, "register", f"số đến {number}/{year}" + (f" ({book_name(level)})" if level else ""))
        return self._by_id(row_id)

    # Reading

    def _by_id(self, row_id: int) -> Incoming:
        return Incoming.from_row(self.conn.execute(f"SELECT {COLUMNS} FROM incoming WHERE id = ?",
                                                   (row_id,)).fetchone())

    def get(self, ref: Ref, viewer: Viewer) -> Incoming | None:
        """The row ``ref`` names, if ``viewer`` may read its book; a secret one does not exist otherwise."""
        if ref.level > viewer.clearance:
            return None
        row = self.conn.execute(f"SELECT {COLUMNS} FROM incoming WHERE year = ? AND level = ? AND number = ? "
                                "AND shown_level <= ?", (ref.year, ref.level, ref.number, viewer.clearance)).fetchone()
        return Incoming.from_row(row).seen_by(viewer) if row else None

    def of_documents(self, doc_ids: list[str], keys: list[str], viewer: Viewer) -> list[Incoming]:
        """The registrations of one document (by its files' ids or its key), as ``viewer`` may read them."""
        ids, keys = [i for i in doc_ids if i], [k for k in keys if k]
        marks = ", ".join("?" * len(ids)) or "''"
        same = ", ".join("?" * len(keys)) or "''"
        rows = self.conn.execute(f"SELECT {COLUMNS} FROM incoming WHERE shown_level <= ? AND (doc_id IN ({marks}) OR "
                                 f"same_key IN ({same})) ORDER BY id", (viewer.clearance, *ids, *keys))
        return [Incoming.from_row(row).seen_by(viewer) for row in rows]

    def answered_by(self, symbols: list[str], viewer: Viewer) -> list[Incoming]:
        """The rows whose answer is the outgoing document ``symbols`` name."""
        wanted = [s for s in symbols if s]
        if not wanted:
            return []
        rows = self.conn.execute(f"SELECT {COLUMNS} FROM incoming WHERE shown_level <= ? AND reply_symbol IN "
                                 f"({', '.join('?' * len(wanted))}) AND reply_level <= ? ORDER BY id",
                                 (viewer.clearance, *wanted, viewer.clearance))
        return [Incoming.from_row(row) for row in rows]

    def _where(self, viewer: Viewer, filters: Filters, today: date) -> tuple[str, list[Any]]:
        clauses, values = ["shown_level <= ?"], [viewer.clearance]
        if filters.year:
            clauses.append("year = ?")
            values.append(filters.year)
        if filters.status in ("registered", "directed", "done"):
            clauses.append("status = ?")
            values.append(filters.status)
        if filters.status == "overdue" or filters.overdue:
            clauses.append("status != 'done' AND due != '' AND due < ?")
            values.append(today.isoformat())
        if filters.due_within is not None:
            clauses.append("status != 'done' AND due != '' AND due >= ? AND due <= ?")
            values += [today.isoformat(), (today + timedelta(days=filters.due_within)).isoformat()]
        if filters.mine is not None:
            clauses.append("((lead_login != '' AND lead_login = ?) OR (lead_team IS NOT NULL AND lead_team IS ?))")
            values += [filters.mine.login, filters.mine.team]
        if filters.lead:  # as typed: «Tổ 11», a login, a unit's name with or without its accents
            wanted = fold(filters.lead.strip())
            clauses.append("(folded(lead) = ? OR lead_login = ? OR (lead_team IS NOT NULL AND 'to ' || lead_team = ?))")
            values += [wanted, filters.lead.strip(), " ".join(wanted.split())]
        return " AND ".join(clauses), values

    def select(self, viewer: Viewer, filters: Filters, today: date | None = None) -> list[Incoming]:
        """Rows ``viewer`` may read, urgent open ones first (to be handled the day they arrive), then
        the newest arrivals first."""
        day = today or date.today()
        where, values = self._where(viewer, filters, day)
        query = f"SELECT {COLUMNS} FROM incoming WHERE {where} ORDER BY {ORDER}"
        if filters.limit is not None or filters.offset:
            query += " LIMIT ? OFFSET ?"
            values += [-1 if filters.limit is None else filters.limit, filters.offset]
        return [Incoming.from_row(row).seen_by(viewer) for row in self.conn.execute(query, values)]

    def counts(self, viewer: Viewer, year: int | None, today: date | None = None) -> dict[str, int]:
        """How many rows of each status ``viewer`` may read (the list's filters)."""
        day = (today or date.today()).isoformat()
        where, values = self._where(viewer, Filters(year=year), today or date.today())
        row = self.conn.execute(
            "SELECT COUNT(*), SUM(status = 'registered'), SUM(status = 'directed'), SUM(status = 'done'), "
            f"SUM(status != 'done' AND due != '' AND due < ?) FROM incoming WHERE {where}", (day, *values)).fetchone()
        return {"all": row[0], "registered": row[1] or 0, "directed": row[2] or 0, "done": row[3] or 0,
                "overdue": row[4] or 0}

    def history(self, row: Incoming, viewer: Viewer) -> list[dict[str, str]]:
        """Who did what, when; a closing answered above ``viewer``'s clearance reads as one without an answer."""
        rows = self.conn.execute("SELECT at, who, action, detail, reply, reply_level FROM incoming_history "
                                 "WHERE incoming_id = ? ORDER BY id", (row.id,))
        lines = []
        for at, who, action, detail, reply, level in rows:
            if reply and level > viewer.clearance:
                named = f"{_REPLIED}{reply}"
                detail = NO_REPLY + detail[len(named):] if detail.startswith(named) else NO_REPLY
            lines.append({"at": at, "who": who, "action": action, "detail": detail})
        return lines

    def years(self, viewer: Viewer) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT year FROM incoming WHERE shown_level <= ? "
                                                "ORDER BY year DESC", (viewer.clearance,))]

    def reclassified(self, doc_ids: list[str], key: str, level: int, mark: str) -> int:
        """A registered document whose mark a clerk corrected: its rows keep their book and number (a number
        given is never moved), but are shown only to who may read the higher of their book and their mark."""
        ids = [i for i in doc_ids if i]
        marks = ", ".join("?" * len(ids)) or "''"
        with transaction(self.conn):
            return self.conn.execute(
                f"UPDATE incoming SET secrecy = ?, shown_level = MAX(level, ?) WHERE doc_id IN ({marks})"
                + (" OR same_key = ?" if key else ""), (mark, level, *ids, *([key] if key else []))).rowcount

    def reply_reclassified(self, doc_ids: list[str], symbols: list[str], level: int) -> None:
        """An outgoing document whose mark a clerk corrected: the rows it answers, and their history,
        show it only to who may read it now. A row names its answer by the archived document's id; one
        answered before it was archived names only its symbol, which a Quyết định and a Quy định may
        share (``01-QĐ/TU``): such a row is only ever raised to the new level, never lowered, lest one
        twin's correction show the other's answer."""
        ids, names = [i for i in doc_ids if i] or [""], [s for s in symbols if s] or [""]
        marks, named = ", ".join("?" * len(ids)), ", ".join("?" * len(names))
        with transaction(self.conn):
            self.conn.execute(f"UPDATE incoming SET reply_level = ? WHERE reply_symbol != '' AND reply_id IN "
                              f"({marks})", (level, *ids))
            self.conn.execute(f"UPDATE incoming SET reply_level = MAX(reply_level, ?) WHERE reply_symbol != '' "
                              f"AND reply_id = '' AND reply_symbol IN ({named})", (level, *names))
            self.conn.execute(f"UPDATE incoming_history SET reply_level = CASE WHEN incoming_id IN (SELECT id FROM "
                              f"incoming WHERE reply_id IN ({marks})) THEN ? ELSE MAX(reply_level, ?) END "
                              f"WHERE reply IN ({named})", (*ids, level, level, *names))

    def reply_voided(self, entry_id: int, symbol: str, doc_ids: list[str], reason: str, *, sole: bool) -> int:
        """The outgoing number that answered rows was voided: each row it answers keeps its outcome (a
        number given stays in the books) but reads «số đã hủy» beside its answer, so that no one takes
        it for answered. A row names its answer by the register's entry; one closed before rows kept
        it, by the archived copy (``doc_ids``: the files the void reached), or by the symbol alone when
        ``sole`` (no other kind prints it: a Quyết định's twin Quy định is not voided with it)."""
        ids = [i for i in doc_ids if i] or [""]
        marks = ", ".join("?" * len(ids))
        with self._writing():
            return self.conn.execute(
                f"UPDATE incoming SET reply_void = ? WHERE reply_symbol != '' AND reply_void = '' AND (reply_entry = ? "
                f"OR (reply_entry = 0 AND (reply_id IN ({marks}) OR (? AND reply_id = '' AND reply_symbol = ?))))",
                (reason, entry_id, *ids, sole, symbol)).rowcount

    # Following up

    def direct(self, row: Incoming, direction: Direction, actor: Actor) -> Incoming:
        """Record (or change) the leader's direction: one lead; the deadline no earlier than arrival."""
        if row.status == "done":
            raise InvalidInput(f"văn bản {row.ref} đã giải quyết xong ngày {row.done_at[:10]}; không ghi "
                               "ý kiến chỉ đạo nữa", field="SỐ_ĐẾN")
        if not direction.lead.strip():
            raise InvalidInput("cần đơn vị hoặc người chủ trì giải quyết", field="--lead")
        limited(direction.lead, "--lead", NAME_LIMIT)
        limited(direction.note, "--note")
        if len(direction.supports) > 30:
            raise InvalidInput(f"{len(direction.supports)} đơn vị phối hợp; tối đa 30", field="--support")
        for support in direction.supports:
            limited(support, "--support", NAME_LIMIT)
        if fold(direction.lead) in {fold(s) for s in direction.supports}:
            raise InvalidInput(f"«{direction.lead}» đã chủ trì, không đồng thời là đơn vị phối hợp", field="--support")
        if direction.due and direction.due < _day_of(row.received):
            raise InvalidInput(f"hạn giải quyết {_shown(direction.due)} trước ngày đến {_shown(row.received)}",
                               field="--due")
        action = "redirect" if row.status == "directed" else "direct"
        moment = now_minute()
        recipient = direction.lead if row.recipient in ("", row.lead) else row.recipient
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE incoming SET status = 'directed', lead = ?, lead_login = ?, lead_team = ?, supports = ?, "
                "due = ?, direction = ?, directed_by = ?, directed_at = ?, recipient = ?, "
                "handed_at = CASE WHEN handed_at = '' THEN ? ELSE handed_at END WHERE id = ?",
                (direction.lead.strip(), direction.lead_login, direction.lead_team,
                 json.dumps(list(direction.supports), ensure_ascii=False), direction.due, direction.note.strip(),
                 actor.label, moment, recipient, moment, row.id))
            self._log(row.id, actor.label, action, _direction_words(direction))
        return self._by_id(row.id)

    def _check_handler(self, row: Incoming, actor: Actor) -> None:
        if not actor.any_unit and not actor.leads(row):
            raise NotHandler(f"văn bản {row.ref} do {row.lead or 'đơn vị khác'} chủ trì giải quyết; "
                             "chỉ người của đơn vị chủ trì, văn thư hoặc lãnh đạo cập nhật được")

    def record_progress(self, row: Incoming, note: str, actor: Actor) -> Incoming:
        """A step of the handling, written into «tiến độ giải quyết»; the first one signs for receipt."""
        self._check_handler(row, actor)
        if not note.strip():
            raise InvalidInput("cần ghi tiến độ giải quyết", field="--note")
        limited(note, "--note")
        if row.status != "directed":
            raise InvalidInput(f"văn bản {row.ref} " + ("chưa có ý kiến chỉ đạo" if row.status == "registered"
                               else "đã giải quyết xong"), field="SỐ_ĐẾN")
        line = f"{date.today():%d/%m/%Y}: {note.strip()}"
        with transaction(self.conn):
            self.conn.execute("UPDATE incoming SET progress = ?, signed_for = CASE WHEN signed_for = '' THEN ? "
                              "ELSE signed_for END WHERE id = ?",
                              ("\n".join(p for p in (row.progress, line) if p), actor.label, row.id))
            self._log(row.id, actor.label, "progress", note.strip())
        return self._by_id(row.id)

    def finish(self, row: Incoming, actor: Actor, *, reply: str = "", reply_id: str = "", reply_level: int = 0,
               reply_entry: int = 0, note: str = "", also: str = "") -> Incoming:
        """Close a row: answered by the outgoing document ``reply`` (of secrecy ``reply_level``), or kept
        for information (``note``); ``also`` adds what else the closing did to its line of history.
        Closed again, the outcome is corrected and the history keeps the first.

        Those who may not read the answer read the row as closed without one, which always has a note:
        an answer above the row's own level needs one too, or its absence would tell them there is one.
        Closed again without an answer by one of them, the answer they cannot see stays the row's (their
        note is the new outcome): what they cannot read, they cannot erase either."""
        self._check_handler(row, actor)
        note = limited(note, "--note")
        kept, void = self._by_id(row.id), ""
        if not reply and kept.reply_symbol and not row.reply_symbol:  # closed again by one who may not see
            reply, reply_id, reply_level = kept.reply_symbol, kept.reply_id, kept.reply_level  # its answer: kept
            reply_entry, void = kept.reply_entry, kept.reply_void
        if not reply and not note:
            raise InvalidInput("không có văn bản trả lời thì phải ghi chú (lưu, để biết…)", field="--note")
        if reply and reply_level > row.shown_level and not note:
            raise InvalidInput(f"văn bản trả lời {reply} là văn bản {mark_name(reply_level)}: người không được "
                               "xem văn bản đó chỉ thấy ghi chú kết quả, nên phải ghi chú", field="--note")
        detail = "; ".join(p for p in (f"{_REPLIED}{reply}" if reply else NO_REPLY, note, also) if p)
        receiver = actor.label if row.status == "directed" else ""  # the handler it was handed to signs for it
        with self._writing():
            self.conn.execute(
                "UPDATE incoming SET status = 'done', reply_symbol = ?, reply_id = ?, reply_level = ?, "
                "reply_entry = ?, reply_void = ?, done_note = ?, done_by = ?, "
                "done_at = CASE WHEN done_at = '' THEN ? ELSE done_at END, "
                "signed_for = CASE WHEN signed_for = '' THEN ? ELSE signed_for END WHERE id = ?",
                (reply, reply_id, reply_level if reply else 0, reply_entry if reply else 0, void, note, actor.label,
                 now_minute(), receiver, row.id))
            self._log(row.id, actor.label, "redone" if row.status == "done" else "done", detail, reply,
                      reply_level if reply else 0)
        return self._by_id(row.id)


def _direction_words(direction: Direction) -> str:
    parts = [f"chủ trì: {direction.lead.strip()}"]
    if direction.supports:
        parts.append(f"phối hợp: {', '.join(direction.supports)}")
    if direction.due:
        parts.append(f"hạn: {date.fromisoformat(direction.due):%d/%m/%Y}")
    if direction.note.strip():
        parts.append(f"ý kiến: {direction.note.strip()}")
    return "; ".join(parts)
