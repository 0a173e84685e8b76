"""The incoming register's work for both shells: registering an archived document, the leader's
direction, the handler's progress and close, the listings and reminders, the printed books
(``vanthu incoming``/``register book``, the Văn bản đến pages). The rules live in ``incoming/``;
here they meet the workspace: the archive, the users, the outgoing register."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from docgen.errors import InvalidInput, NotFound, RegisterError
from docgen.secrecy import CONSOLE, LEVELS, Viewer
from office.documents import document_records, sidecar_text
from office.workspace import Workspace

if TYPE_CHECKING:
    from archive.pipeline import Outcome
    from docgen.register import Entry
    from incoming.book import Filters, IncomingBook
    from incoming.rows import Actor, Incoming, Ref


def actor_for(user: Any) -> Actor:
    """A service user as the register sees them: a clerk and a leader act on any document, a staff
    member on those their unit leads only."""
    from access.roles import INCOMING_DIRECT, INCOMING_REGISTER, may
    from incoming.rows import Actor

    return Actor(user.login, user.name, user.team,
                 any_unit=may(user.role, INCOMING_REGISTER) or may(user.role, INCOMING_DIRECT))


def _own_bodies(workspace: Workspace) -> set[str]:
    return set(workspace.profile.bodies)


def _confirmations(record: dict[str, Any], values: dict[str, str], confirm: list[str]) -> tuple[dict, list]:
    """What the clerk changes at registration: values that differ from what was read (or settle a
    proposal), and proposals confirmed as read."""
    from incoming.arrivals import REGISTER_FIELDS, pending
    from incoming.rows import URGENT

    waiting = pending(record)
    current = {name: str(record.get(name) or "") for name in REGISTER_FIELDS}
    current["urgency"] = next((m for m in record.get("marks") or [] if m in URGENT), "")
    changed = {name: value.strip() for name, value in values.items()
               if name in REGISTER_FIELDS and (name in waiting or value.strip() != current[name])}
    return changed, [name for name in confirm if name in waiting and name not in changed]


def register_incoming(workspace: Workspace, key: str, viewer: Viewer, actor: Actor, *, received: str | None = None,
                      to: str = "", note: str = "", again: bool = False, values: dict[str, str] | None = None,
                      confirm: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Register the archived document ``key`` names: its next số đến, its values as read. A value
    the reader only proposes must be confirmed (``confirm``) or given (``values``) here, and goes
    into the archive's record as a correction; a document registered before is refused. Every
    problem of what was typed is said at once (``_registration``), before anything is written."""
    from archive.corrections import Edit
    from incoming.arrivals import is_own
    from incoming.rows import NAME_LIMIT, limited

    if not key.strip():
        raise InvalidInput("chọn văn bản lưu trữ để vào sổ (mã hoặc số, ký hiệu của văn bản)", field="KEY")
    records, record = document_records(workspace, limited(key, "KEY", NAME_LIMIT), viewer)
    if is_own(record, _own_bodies(workspace)):
        raise InvalidInput(f"văn bản {record.get('symbol') or record['id']} là văn bản đi của cơ quan (sổ đăng ký "
                           "văn bản đi); không vào sổ văn bản đến", field="KEY")
    moment, changed, confirmed = _registration(record, received, values or {}, list(confirm), to, note)
    if changed or confirmed:
        from office.documents import correct_document

        correct_document(workspace, record["id"], Edit(changed, confirmed, actor.login, "khi vào sổ văn bản đến"),
                         viewer)
        records, record = document_records(workspace, record["id"], viewer)
    row = _register(workspace, records, record, moment, actor, viewer, to=to, note=note, again=again)
    return row.as_json()


def _registration(record: dict[str, Any], received: str | None, values: dict[str, str], confirm: list[str],
                  to: str, note: str) -> tuple[str, dict[str, str], list[str]]:
    """What a registration typed, checked as a whole: the moment it arrived, the values that change
    the archive's reading, the proposals confirmed. Every field's problem at once (``InvalidFields``,
    by the library's names: the forms show each beside its field), as the drafting form does."""
    from archive.corrections import checked
    from docgen.errors import InvalidFields
    from incoming.arrivals import describe_pending, pending
    from incoming.rows import NAME_LIMIT, TEXT_LIMIT, limited

    problems: dict[str, str] = {}

    def attempt(field: str, check: Callable[[], Any]) -> Any:
        try:
            return check()
        except InvalidInput as exc:
            problems.setdefault(exc.field or field, exc.reason)
            return None

    moment = attempt("--received", lambda: _received(limited(received or "", "--received", 50) or None))
    given = {}
    for name, value in values.items():
        limit = TEXT_LIMIT if name == "subject" else NAME_LIMIT
        text = attempt(f"--{name}", lambda name=name, value=value, limit=limit: limited(value, f"--{name}", limit))
        if text is not None:
            given[name] = text
    attempt("--to", lambda: limited(to, "--to", NAME_LIMIT))
    attempt("--note", lambda: limited(note, "--note"))
    changed, confirmed = _confirmations(record, given, confirm)
    for name, value in changed.items():  # the archive's own checks of a corrected value (``vanthu edit``'s)
        attempt(f"--{name}", lambda name=name, value=value: checked(name, value, record))
    day = record.get("date")
    if "date" in changed and "--date" not in problems:
        day = checked("date", changed["date"], record)["date"]
    if moment and day and moment[:10] < day:
        problems.setdefault("--received", f"ngày đến {_typed(moment)} trước ngày của văn bản ({_typed(day)})")
    waiting = {k: v for k, v in pending(record).items() if k not in changed and k not in confirmed}
    if waiting:
        problems.setdefault("--confirm", f"văn bản {record.get('symbol') or record['id']} còn giá trị chờ xác nhận: "
                                         f"{describe_pending(waiting)}. Kiểm tra với văn bản, rồi xác nhận "
                                         "(«--confirm») hoặc ghi giá trị đúng khi vào sổ")
    if problems:
        raise InvalidFields(problems)
    return moment, changed, confirmed


def _typed(value: str) -> str:
    """An ISO day (or moment) as a clerk writes it in a message: 31/01/2026."""
    return date.fromisoformat(value[:10]).strftime("%d/%m/%Y")


def _received(value: str | None) -> str:
    from incoming.arrivals import parse_received

    return parse_received(value)


def _register(workspace: Workspace, records: list[dict[str, Any]], record: dict[str, Any], moment: str,
              actor: Actor, viewer: Viewer, *, to: str, note: str, again: bool) -> Incoming:
    from archive.documents import document_level
    from incoming.arrivals import arrival_of

    level = document_level(records)
    arrival = arrival_of(record, level, sidecar_text(workspace, record), moment)
    with workspace.incoming_book() as book:
        return book.register(arrival, level, received=moment, who=actor.label, recipient=to.strip(),
                             note=note.strip(), again=again, viewer=viewer)


def audit_entry(row: dict[str, Any]) -> tuple[str, str, int]:
    """What the audit log says of a change to a row, the same from both shells: the row as its ĐẾN
    stamp names it (with its book), the document's symbol, and the level of the book or the document,
    whichever is higher, so that the entry is as secret as the row."""
    book = f" (sổ {row['book']})" if row["book"] else ""
    return f"số đến {row['number']}/{row['year']}{book}", row["symbol"], row_level(row)


def row_level(row: dict[str, Any]) -> int:
    """Who may read a row (its JSON): the level of its book or of its document, whichever is higher."""
    return max(LEVELS.get(row["book"], 0), LEVELS.get(row["secrecy"], 0))


def audit_console(workspace: Workspace, action: str, row: dict[str, Any]) -> None:
    """A change made at the server's terminal, in the audit log as the console's (shown «máy chủ»)."""
    target, detail, level = audit_entry(row)
    with workspace.audit() as log:
        log.record("console", action, target, detail, secrecy=level)


def follow_reclassification(workspace: Workspace, records: list[dict[str, Any]]) -> None:
    """The archive's mark of a document changed (``vanthu edit --secrecy``): its rows in the register are
    hidden as it now is from those who may not read it."""
    from archive.documents import document_level
    from docgen.secrecy import mark_name
    from incoming.arrivals import same_key

    record = records[0]
    level = document_level(records)
    key = same_key(record.get("symbol", ""), record.get("issuer", ""), record.get("date", ""))
    ids, symbols = [r["id"] for r in records], [r.get(name) or "" for r in records for name in ("symbol", "register")]
    with workspace.incoming_book() as book:
        book.reclassified(ids, key, level, mark_name(level))
        book.reply_reclassified(ids, symbols, level)  # an outgoing document: the rows it answers


def registration_state(workspace: Workspace, record: dict[str, Any], viewer: Viewer,
                       book: IncomingBook | None = None) -> dict[str, Any]:
    """Whether an archived document can go into the register: ``own`` (an outgoing document),
    ``registered`` (with its rows), ``pending`` (the values to confirm first) or ``ready``."""
    from incoming.arrivals import is_own, pending, same_key

    if is_own(record, _own_bodies(workspace)):
        return {"state": "own", "rows": []}
    key = same_key(record.get("symbol", ""), record.get("issuer", ""), record.get("date", ""))
    if book is None:
        with workspace.incoming_book() as opened:
            rows = opened.of_documents([record["id"]], [key], viewer)
    else:
        rows = book.of_documents([record["id"]], [key], viewer)
    waiting = pending(record)
    state = "registered" if rows else "pending" if waiting else "ready"
    missing = [name for name in ("symbol", "date", "issuer", "subject") if not record.get(name) and name not in waiting]
    return {"state": state, "rows": [r.as_json() for r in rows], "pending": waiting, "missing": missing}


def after_upload(workspace: Workspace, outcomes: list[Outcome], viewer: Viewer, actor: Actor | None) -> list[dict]:
    """Each archived upload's place in the register; with ``incoming_auto_register`` (and a clerk
    uploading), each one ready is registered at once, received now."""
    states = []
    for outcome in outcomes:
        record = outcome.record if outcome.status in ("archived", "duplicate") and outcome.record else None
        if record is None or not viewer.may_read(record):
            states.append({"state": ""})
            continue
        state = registration_state(workspace, {**record, "path": record.get("path", "")}, viewer)
        if state["state"] == "ready" and actor is not None and workspace.settings.incoming_auto_register:
            state = {"state": "registered", "rows": [register_incoming(workspace, record["id"], viewer, actor)],
                     "auto": True}
        states.append(state)
    return states


def _row(book: IncomingBook, ref: Ref, viewer: Viewer) -> Incoming:
    row = book.get(ref, viewer)
    if row is None:
        raise NotFound(f"sổ văn bản đến không có {ref}")
    return row


def incoming_row(workspace: Workspace, ref: Ref, viewer: Viewer, today: date | None = None) -> dict[str, Any]:
    """One row with its history and the tasks read from its document (``vanthu incoming show --json``,
    the incoming document's page)."""
    with workspace.incoming_book() as book:
        row = _row(book, ref, viewer)
        history = book.history(row, viewer)
    with workspace.task_book() as tasks:
        found = _document_tasks(workspace, tasks, row, viewer)
    shown = [{"id": t.id, "sentence": t.sentence, "due": t.due, "status": t.status} for t in found]
    return {**row.as_json(today), "history": history, "tasks": shown}


def _document_tasks(workspace: Workspace, tasks: Any, row: Incoming, viewer: Viewer) -> list[Any]:
    """The tasks the task reader found in the registered document (in any of its files)."""
    from office.errors import Ambiguous

    try:
        ids = {r["id"] for r in document_records(workspace, row.doc_id, viewer)[0]} if row.doc_id else set()
    except (NotFound, Ambiguous):
        ids = {row.doc_id}
    return [task for task in tasks.readable(viewer) if task.doc_id in ids]


_TEAM = re.compile(r"^\s*tổ\s+(?:theo dõi địa bàn\s+)?(?:số\s+)?0*(\d{1,2})\s*$", re.IGNORECASE)
HANDLING_ROLES = ("chuyen-vien", "van-thu", "lanh-dao")  # who may be named to handle a document


def _people(workspace: Workspace, level: int) -> list[Any]:
    """The active users who handle documents and may read a row of ``level``, by name."""
    from docgen.text import fold

    with workspace.users() as users:
        people = [u for u in users.all() if u.active and u.role in HANDLING_ROLES and u.clearance >= level]
    return sorted(people, key=lambda u: fold(u.name or u.login))


def lead_choices(workspace: Workspace, level: int = 0) -> list[tuple[str, list[tuple[str, str]]]]:
    """Who may lead a row of ``level``, as the direction form offers it and the direction accepts it
    (``_lead_of``): the teams, the office's other units (``incoming_units``), then the people who
    handle documents and may read it, each by name; grouped, as (group, [(value, label)])."""
    from access.roles import role_name

    teams = [(f"Tổ {team}", f"Tổ {team} (Tổ theo dõi địa bàn số {team})") for team in sorted(workspace.gazetteer.teams)]
    units = [(unit, unit) for unit in workspace.settings.incoming_units]
    people = [(u.login, f"{u.name or u.login} — {role_name(u.role)}" + (f", Tổ {u.team}" if u.team else ""))
              for u in _people(workspace, level)]
    groups = [("Tổ theo dõi địa bàn", teams), ("Đơn vị", units), ("Người", people)]
    return [(name, items) for name, items in groups if items]


def _lead_of(workspace: Workspace, text: str, row: Incoming) -> tuple[str, str, int | None]:
    """The lead chosen, from ``lead_choices`` only: ``Tổ 11`` (its staff handle it), a unit of the office
    (followed by the clerk), a person by login or full name; or the lead the row has already. Anything
    else is refused: a name typed freely leads nothing anyone can find."""
    from docgen.text import fold

    text = text.strip()
    if not text:
        raise InvalidInput("cần đơn vị hoặc người chủ trì giải quyết", field="--lead")
    team = _TEAM.match(text)
    if team:
        number = int(team[1])
        if number not in workspace.gazetteer.teams:
            raise InvalidInput(f"không có Tổ {number} (có: {', '.join(map(str, sorted(workspace.gazetteer.teams)))})",
                               field="--lead")
        return f"Tổ {number}", "", number
    unit = next((u for u in workspace.settings.incoming_units if fold(u) == fold(text)), None)
    if unit:
        return unit, "", None
    everyone = _people(workspace, 0)
    named = [u for u in everyone if u.login == text.lower()] or [
        u for u in everyone if u.name and fold(u.name) == fold(text)]
    if len(named) == 1:
        user = named[0]
        if row.shown_level > user.clearance:
            raise InvalidInput(f"{user.name or user.login} không được xem văn bản {row.secrecy}; chọn người khác chủ "
                               "trì", field="--lead")
        return user.name or user.login, user.login, None
    if row.lead and text in (row.lead, row.lead_login):  # the lead it has, kept as it is
        return row.lead, row.lead_login, row.lead_team
    said = "có nhiều người cùng tên; chọn theo tên đăng nhập" if named else "không có trong danh sách chủ trì"
    raise InvalidInput(f"«{text[:60]}» {said}: chọn một Tổ theo dõi địa bàn (Tổ 1 … Tổ "
                       f"{max(workspace.gazetteer.teams, default=12)}), một đơn vị hoặc một người trong danh sách "
                       "(tên đăng nhập hoặc họ tên)", field="--lead")


def direct_incoming(workspace: Workspace, ref: Ref, viewer: Viewer, actor: Actor, *, lead: str,
                    supports: list[str] | tuple[str, ...] = (), due: str | None = None, note: str = "",
                    use_proposed_due: bool = True) -> dict[str, Any]:
    """The leader's direction; without ``due``, the deadline the text sets (if it sets one)."""
    from incoming.book import Direction

    with workspace.incoming_book() as book:
        row = _row(book, ref, viewer)
        name, login, team = _lead_of(workspace, lead, row)
        chosen = _due(due) if due else row.due or (row.due_proposed if use_proposed_due else "")
        if not due and chosen and chosen < row.received[:10]:  # the text's deadline passed before it arrived
            chosen = ""
        direction = Direction(name, login, team, tuple(dict.fromkeys(s.strip() for s in supports if s.strip())),
                              chosen, note)
        return book.direct(row, direction, actor).as_json()


def _due(value: str) -> str:
    from docgen.dates import parse_date

    try:
        return parse_date(value).isoformat()
    except ValueError as exc:
        raise InvalidInput(str(exc), field="--due") from exc


def incoming_progress(workspace: Workspace, ref: Ref, viewer: Viewer, actor: Actor, note: str) -> dict[str, Any]:
    with workspace.incoming_book() as book:
        return book.record_progress(_row(book, ref, viewer), note, actor).seen_by(viewer).as_json()


def _own_archived(workspace: Workspace, symbol: str, kind: str = "") -> list[list[dict[str, Any]]]:
    """The office's own archived documents ``symbol`` (or an id) names, as they are (whoever asks), each
    as its files' records; of ``kind`` only (a register entry's code), where a Quyết định and a Quy định
    print one symbol alike."""
    from archive.documents import best_file
    from docgen.register import fold_code
    from incoming.arrivals import is_own

    with workspace.catalog() as catalog:
        found = [[{**row.record, "id": row.id} for row in rows] for rows in catalog.documents(symbol, CONSOLE)]
    own = [records for records in found if is_own(best_file(records), _own_bodies(workspace))]
    return [records for records in own
            if not kind or fold_code(best_file(records).get("kind") or kind) == fold_code(kind)]


def _reply_entry(workspace: Workspace, symbol: str, viewer: Viewer) -> Entry | None:
    """The register's entry ``symbol`` names among those ``viewer`` may read: a secret twin printed alike
    (a Quy định's ``01-QĐ/TU`` beside a Quyết định's) changes nothing for who may not read it."""
    with workspace.register() as register:
        try:
            entries = [e for e in register.printed(symbol) if LEVELS.get(e.secrecy, 1) <= viewer.clearance]
        except RegisterError:
            return None
    if len(entries) > 1:
        kinds = ", ".join(sorted(e.kind_code for e in entries))
        raise InvalidInput(f"sổ đăng ký có {len(entries)} văn bản cùng số {symbol} ({kinds}); ghi mã văn bản lưu "
                           "trữ của văn bản trả lời (ở trang Văn bản) thay cho số", field="--reply")
    return entries[0] if entries else None


def _reply_of(workspace: Workspace, symbol: str, viewer: Viewer) -> tuple[str, str, int, int]:
    """The outgoing answer named by ``symbol`` (or an archived document's id): in the register (not
    void), or archived as the office's own; its symbol as the register writes it, the archived
    document's id (if archived), its level, the higher of its entry's and its archived document's, and
    its register entry's id (0 when archived only: a void later finds it by its archived copy).
    An answer ``viewer`` may not read is not there for them, void or not."""
    from archive.documents import best_file, document_level
    from incoming.rows import limited

    symbol = limited(symbol, "--reply", 100)
    entry = _reply_entry(workspace, symbol, viewer)
    own = _own_archived(workspace, entry.symbol if entry else symbol, entry.kind_code if entry else "")
    if entry is None:  # archived only: among the documents the viewer may read
        own = [records for records in own if document_level(records) <= viewer.clearance]
        if len(own) > 1:
            raise InvalidInput(f"kho lưu trữ có {len(own)} văn bản cùng số {symbol}; ghi mã văn bản lưu trữ "
                               "của văn bản trả lời thay cho số", field="--reply")
    level = max([document_level(records) for records in own] + [LEVELS.get(entry.secrecy, 1) if entry else 0])
    if (entry is None and not own) or level > viewer.clearance:
        raise InvalidInput(f"sổ đăng ký văn bản đi không có văn bản «{symbol}»", field="--reply")
    if entry is not None and entry.status == "void":
        raise InvalidInput(f"văn bản {entry.symbol} đã bị hủy ({entry.void_reason})", field="--reply")
    doc_id = best_file(own[0])["id"] if len(own) == 1 else ""
    shown = entry.symbol if entry else best_file(own[0]).get("symbol") or symbol
    return shown, doc_id, level, entry.id if entry else 0


def close_incoming(workspace: Workspace, ref: Ref, viewer: Viewer, actor: Actor, *, reply: str | None = None,
                   note: str = "") -> dict[str, Any]:
    """Close a row: answered by the outgoing document ``reply`` (both then name each other), or,
    without one, kept for information with ``note``. The tasks read from the document close with it:
    they are what the letter asked of the office, done once it is answered or filed."""
    from docgen.database import one_transaction

    symbol, doc_id, level, entry = _reply_of(workspace, reply, viewer) if reply else ("", "", 0, 0)
    with workspace.incoming_book() as book, workspace.task_book() as tasks:
        row = _row(book, ref, viewer)
        still_open = [t for t in _document_tasks(workspace, tasks, row, viewer) if t.status == "open"]
        also = f"đánh dấu xong {len(still_open)} nhiệm vụ đọc từ văn bản" if still_open else ""
        with one_transaction(book, tasks):
            done = book.finish(row, actor, reply=symbol, reply_id=doc_id, reply_level=level, reply_entry=entry,
                               note=note, also=also)
            for task in still_open:
                tasks.done(task.id, f"xong cùng văn bản đến {row.ref}", viewer=viewer)
        return {**done.seen_by(viewer).as_json(), "tasks_closed": len(still_open)}


def incoming_list(workspace: Workspace, viewer: Viewer, filters: Filters | None = None,
                  today: date | None = None) -> list[dict[str, Any]]:
    """The JSON of ``vanthu incoming list`` and ``GET /api/incoming``."""
    from incoming.book import Filters
    from incoming.rows import NAME_LIMIT, checked_year, limited

    chosen = filters or Filters()
    checked_year(chosen.year)
    limited(chosen.lead or "", "--lead", NAME_LIMIT)
    if chosen.due_within is not None and chosen.due_within > 3660:  # past any deadline a book holds
        raise InvalidInput(f"{chosen.due_within} ngày; tối đa 3660", field="--due-within")
    with workspace.incoming_book() as book:
        rows = book.select(viewer, chosen, today)
    return [row.as_json(today) for row in rows]


def incoming_counts(workspace: Workspace, viewer: Viewer, year: int | None, today: date | None = None) -> dict:
    from incoming.rows import checked_year

    checked_year(year)
    with workspace.incoming_book() as book:
        return book.counts(viewer, year, today) | {"years": book.years(viewer)}


def incoming_reminders(workspace: Workspace, viewer: Viewer, *, today: date | None = None,
                       mine: Actor | None = None) -> dict[str, Any]:
    """The open rows past their deadline and those due within ``incoming_due_soon_days``."""
    from incoming.book import Filters

    days = workspace.settings.incoming_due_soon_days
    day = today or date.today()
    with workspace.incoming_book() as book:
        overdue = book.select(viewer, Filters(overdue=True, mine=mine), day)
        soon = book.select(viewer, Filters(due_within=days, mine=mine), day)
    by_due = sorted(overdue, key=lambda r: (r.due, r.number)), sorted(soon, key=lambda r: (r.due, r.number))
    return {"days": days, "overdue": [r.as_json(day) for r in by_due[0]],
            "due_soon": [r.as_json(day) for r in by_due[1]]}


def start_panel(workspace: Workspace, viewer: Viewer, actor: Actor, *, directs: bool) -> dict[str, Any]:
    """What the start page shows of the register: the open rows the user's unit leads (late first),
    and to a leader, how many wait for a direction."""
    from incoming.book import Filters

    with workspace.incoming_book() as book:
        mine = [r for r in book.select(viewer, Filters(mine=actor)) if r.status != "done"]
        waiting = book.counts(viewer, None)["registered"] if directs else 0
    today = date.today()
    mine.sort(key=lambda r: (-r.days_overdue(today), r.due or "9999", r.number))
    return {"mine": [r.as_json(today) for r in mine], "waiting": waiting,
            "days": workspace.settings.incoming_due_soon_days}


def document_incoming(workspace: Workspace, record: dict[str, Any], viewer: Viewer) -> dict[str, Any]:
    """An archived document's place in the incoming register, for its page: its registrations (or
    whether it can be registered), and the incoming documents it answers."""
    with workspace.incoming_book() as book:
        state = registration_state(workspace, record, viewer, book)
        symbols = [record.get("symbol", ""), record.get("register", "")]
        answers = [r.as_json() for r in book.answered_by(symbols, viewer)] if state["state"] == "own" else []
    return {**state, "answers": answers}


def _pdf_of(workspace: Workspace, docx: bytes, convert: Callable | None) -> bytes:
    from office.outgoing import docx_to_pdf

    return docx_to_pdf(workspace, docx, "so.docx", convert)


def _period(year: int, date_from: date | None, date_to: date | None) -> tuple[date, date]:
    from incoming.rows import checked_year

    checked_year(year)
    start, end = date_from or date(year, 1, 1), date_to or date(year, 12, 31)
    if start.year != year or end.year != year or start > end:
        raise InvalidInput(f"khoảng ngày phải nằm trong năm {year} (từ ngày không sau đến ngày)", field="--from")
    return start, end


def incoming_book_file(workspace: Workspace, viewer: Viewer, *, year: int, fmt: str, level: int = 0,
                       follow_up: bool = False, date_from: date | None = None, date_to: date | None = None,
                       convert: Callable | None = None) -> bytes:
    """The Sổ đăng ký văn bản đến (or with ``follow_up`` the Sổ theo dõi giải quyết văn bản đến) of one
    year and one book, as PDF or XLSX: the rows ``viewer`` may read, in số đến order."""
    from incoming.book import Filters
    from incoming.printing import follow_up_table, incoming_table, render

    if level > viewer.clearance:
        raise NotFound("không có sổ này")
    start, end = _period(year, date_from, date_to)
    with workspace.incoming_book() as book:
        rows = [r for r in book.select(viewer, Filters(year=year))
                if r.level == level and start.isoformat() <= r.received[:10] <= end.isoformat()]
    rows.sort(key=lambda r: r.number)
    make = follow_up_table if follow_up else incoming_table
    table = make(rows, workspace.profile, year=year, level=level, period=(start, end))
    return render(table, workspace.profile, fmt, lambda docx: _pdf_of(workspace, docx, convert))


def outgoing_book_file(workspace: Workspace, viewer: Viewer, *, year: int, fmt: str, kind: str | None = None,
                       body: str | None = None, date_from: date | None = None, date_to: date | None = None,
                       convert: Callable | None = None) -> bytes:
    """The Sổ đăng ký văn bản đi of one year, as PDF or XLSX: the entries ``viewer`` may read, with
    the recipients of those archived and the incoming documents each one answers."""
    from docgen.register import fold_code
    from incoming.printing import outgoing_table, render
    from office.outgoing import archived_recipients, register_entries

    bodies = workspace.profile.bodies
    if body and fold_code(body.strip()) not in {fold_code(code) for code in bodies}:
        raise InvalidInput(f"không có cơ quan ban hành «{body[:20]}»; có: {', '.join(bodies)}", field="--body")
    start, end = _period(year, date_from, date_to)
    entries = [e for e in register_entries(workspace, viewer, kind=kind, body=body, year=year)
               if start.isoformat() <= e["date"] <= end.isoformat()]
    entries.sort(key=lambda e: (e["date"], e["kind_code"], e["number"]))
    recipients = archived_recipients(workspace, entries, viewer)
    with workspace.incoming_book() as book:
        answered = {}
        for row in book.answered_by([e["symbol"] for e in entries], viewer):
            answered.setdefault(row.reply_symbol, []).append(row)
    table = outgoing_table(entries, workspace.profile, year=year, period=(start, end), recipients=recipients,
                           answered=answered)
    return render(table, workspace.profile, fmt, lambda docx: _pdf_of(workspace, docx, convert))
