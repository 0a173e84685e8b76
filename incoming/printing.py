"""The registers as the official forms lay them out: Sổ đăng ký văn bản đến, Sổ theo dõi giải quyết
văn bản đến, Sổ đăng ký văn bản đi (Nghị định 30/2020/NĐ-CP, Phụ lục IV), A4 landscape.

A book is first a ``Book`` (its cover lines, its columns and their widths, its rows of plain values),
then a DOCX (python-docx: a cover page, then the table with its heading rows repeated on every page
and no row split across two; LibreOffice turns it into the PDF as every other document) or an XLSX
(openpyxl: the same table, dates as dates, ready to print on A4 landscape).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from docgen.dates import short_date
from docgen.profile import Profile
from docgen.secrecy import mark_name
from incoming.rows import Incoming

TEXT_WIDTH_MM = 262  # A4 landscape, 20 mm left and 15 mm right margins
Cell = str | int | date | datetime


@dataclass
class Book:
    title: str  # SỔ ĐĂNG KÝ VĂN BẢN ĐẾN
    issuer: tuple[str, ...]  # the office, as its header prints it: parent body, then its own name
    lines: list[str]  # Năm …, Từ ngày … đến ngày …, Từ số … đến số …
    headers: list[str]
    widths_mm: list[float]
    rows: list[list[Cell]]
    mark: str = ""  # the secrecy of a secret book, printed on every page
    centred: tuple[int, ...] = ()  # the columns of numbers and dates, centred as the paper book writes them


def _issuer(profile: Profile) -> tuple[str, ...]:
    body = profile.bodies.get("VPTU") or profile.bodies[profile.default_body]
    return tuple(line for line in (body.parent, body.name) if line)


def _day(value: str) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _moment(value: str) -> datetime | date | None:
    if not value:
        return None
    return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)


def _period_lines(year: int, period: tuple[date, date], numbers: list[int]) -> list[str]:
    lines = [f"Năm: {year}", f"Từ ngày {short_date(period[0])} đến ngày {short_date(period[1])}"]
    if numbers:
        lines.append(f"Từ số {min(numbers)} đến số {max(numbers)}")
    return lines


def _kind_subject(row: Incoming) -> str:
    return " ".join(part for part in (row.kind_name, row.subject) if part)


def incoming_table(rows: list[Incoming], profile: Profile, *, year: int, level: int,
                   period: tuple[date, date]) -> Book:
    """Sổ đăng ký văn bản đến: ngày đến, số đến, tác giả, số và ký hiệu, ngày tháng, tên loại và trích
    yếu, đơn vị hoặc người nhận, ngày chuyển, ký nhận, ghi chú."""
    body = [[_moment(r.received), r.number, r.issuer, r.symbol, _day(r.date), _kind_subject(r), r.recipient or r.lead,
             _day(r.handed_at), r.signed_for, _notes(r.urgency, r.note)] for r in rows]
    mark = mark_name(level)
    return Book(f"SỔ ĐĂNG KÝ VĂN BẢN {mark + ' ' if mark else ''}ĐẾN", _issuer(profile),
                _period_lines(year, period, [r.number for r in rows]),
                ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
                 "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận", "Ghi chú"],
                [23, 12, 34, 33, 23, 53, 28, 23, 15, 18], body, mark, (0, 1, 4, 7))


def _progress(row: Incoming, today: date) -> str:
    lines = [line for line in row.progress.split("\n") if line]
    if row.status == "done":
        lines.append(f"Đã xong ngày {short_date(date.fromisoformat(row.done_at[:10]))}")
    elif row.days_overdue(today):
        lines.append(f"Quá hạn {row.days_overdue(today)} ngày")
    elif row.status == "registered":
        lines.append("Chưa có ý kiến chỉ đạo")
    return "\n".join(lines)


def _handlers(row: Incoming) -> str:
    if not row.lead:
        return row.recipient
    supports = f"\nPhối hợp: {', '.join(row.supports)}" if row.supports else ""
    return f"Chủ trì: {row.lead}{supports}"


def _notes(*parts: str) -> str:
    """A Ghi chú cell's parts, one after another: each as written but for its closing stop, which the
    «; » between them replaces (no «trả lời.; Đã trả lời»)."""
    return "; ".join(part.strip().rstrip(".;") for part in parts if part and part.strip())


def follow_up_table(rows: list[Incoming], profile: Profile, *, year: int, level: int,
                    period: tuple[date, date]) -> Book:
    """Sổ theo dõi giải quyết văn bản đến: số đến; tên loại, số, ký hiệu, ngày tháng và cơ quan ban
    hành; đơn vị hoặc người nhận; thời hạn giải quyết; tiến độ giải quyết; số, ký hiệu văn bản trả
    lời; ghi chú."""
    today = date.today()

    def described(r: Incoming) -> str:
        dated = f" ngày {short_date(date.fromisoformat(r.date))}" if r.date else ""
        return ", ".join(p for p in (f"{r.kind_name} số {r.symbol}{dated}" if r.symbol else r.kind_name, r.issuer) if p)

    body = [[r.number, described(r), _handlers(r), _day(r.due), _progress(r, today), r.answer,
             _notes(r.direction and f"Ý kiến chỉ đạo: {r.direction}", r.done_note)] for r in rows]
    mark = mark_name(level)
    return Book(f"SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN {mark + ' ' if mark else ''}ĐẾN", _issuer(profile),
                _period_lines(year, period, [r.number for r in rows]),
                ["Số đến", "Tên loại, số, ký hiệu, ngày tháng và cơ quan ban hành văn bản", "Đơn vị hoặc người nhận",
                 "Thời hạn giải quyết", "Tiến độ giải quyết", "Số, ký hiệu văn bản trả lời", "Ghi chú"],
                [14, 72, 40, 23, 51, 28, 34], body, mark, (0, 3))


def outgoing_table(entries: list[dict[str, Any]], profile: Profile, *, year: int, period: tuple[date, date],
                   recipients: dict[int, list[str]], answered: dict[str, list[Incoming]]) -> Book:
    """Sổ đăng ký văn bản đi: số, ký hiệu; ngày tháng; tên loại và trích yếu; người ký; nơi nhận (of each
    entry's archived copy, by the entry's id); đơn vị, người nhận bản lưu; số lượng bản; ngày chuyển; ký nhận;
    ghi chú."""
    from docgen.kinds import find_kind

    def note(entry: dict[str, Any]) -> str:
        parts = [mark for mark in (entry["secrecy"], entry["urgency"]) if mark]
        if entry["status"] == "void":
            parts.append(f"Đã hủy: {entry['void_reason']}")
        parts += [f"Trả lời văn bản đến số {r.ref.short}" for r in answered.get(entry["symbol"], [])]
        return "; ".join(parts)

    def kept(entry: dict[str, Any]) -> str:
        body = profile.bodies.get(entry["body_code"])
        return body.archive.removeprefix("Lưu ").rstrip(".") if body else ""

    body = []
    for e in entries:
        kind = find_kind(e["kind_code"])
        body.append([e["symbol"], _day(e["date"]), " ".join(p for p in (kind.name if kind else "", e["subject"]) if p),
                     e["signer"], "\n".join(recipients.get(e["id"], [])), kept(e), "", None, "", note(e)])
    return Book("SỔ ĐĂNG KÝ VĂN BẢN ĐI", _issuer(profile), _period_lines(year, period, []),
                ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản", "Người ký",
                 "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận",
                 "Ghi chú"], [25, 23, 56, 28, 40, 26, 14, 17, 12, 21], body, centred=(1, 6, 7))


def shown(value: Cell | None) -> str:
    """A cell as the printed book writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}\n{value:%H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def render(book: Book, profile: Profile, fmt: str, to_pdf: Callable[[bytes], bytes]) -> bytes:
    """The book as ``pdf``, ``docx`` or ``xlsx`` bytes."""
    if fmt == "xlsx":
        from incoming.sheets import xlsx_bytes

        return xlsx_bytes(book, profile.typography.font)
    from incoming.pages import docx_bytes

    document = docx_bytes(book, profile.typography.font)
    return document if fmt == "docx" else to_pdf(document)


def file_stem(title: str, year: int) -> str:
    """``so-dang-ky-van-ban-den-2026``: a book's file name, ASCII as browsers and mail keep it."""
    from docgen.text import fold

    return "-".join(fold(title).split()) + f"-{year}"
