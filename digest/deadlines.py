"""Tasks with a deadline, read from the sentences of a conclusion or directive.

The forms are those the office writes: ``trước ngày 30/5/2026``, ``trong
tháng 6/2026``, ``trong quý III năm 2026``, ``trước năm học 2026 - 2027``,
``chậm nhất 05 ngày làm việc``. Each task keeps the sentence it stands in and,
when the sentence names it, the body that must act. What the reader gets
wrong a clerk corrects with ``vanthu tasks edit``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

from digest.workdays import add_working_days
from docgen.text import canonical

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# School years open in early September; "before the school year" means by the end of August.
SCHOOL_YEAR_DUE = (8, 31)

# Tasks are the document's own units: items (a line opening with a dash, plus or bullet, or an
# inline " - " list) and sentences (a full stop, then a capital). Never at ";", which joins the
# parts of one task, and never inside a name that holds a dash (phường Xuân Hương - Đà Lạt).
_UNIT = re.compile(r"(?<=\.)\s+(?=[^\W\d_])|\s+(?=-\s+[^\W\d_])|\n\s*(?=[-+•]\s)")
_NAME_DASH = "\u2011"  # a non-breaking hyphen holds a dashed name together while units are cut


@cache
def _dashed_names() -> re.Pattern[str] | None:
    from indexer.gazetteer import localities

    names = [loc.name for loc in localities() if " - " in loc.name]
    parts = [r"\s*-\s*".join(r"\s+".join(map(re.escape, side.split())) for side in name.split(" - "))
             for name in sorted(names, key=len, reverse=True)]
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _hold_names(text: str) -> str:
    pattern = _dashed_names()
    if pattern is None:
        return text
    return pattern.sub(lambda m: re.sub(r"\s*-\s*", f" {_NAME_DASH} ", m.group()), text)
# The acting body opens the sentence (after "Giao", "Đề nghị"), capitalised; the verb that follows is
# lower case, which tells "Ban Tổ chức" (a body) from "tổ chức" (to organise).
_ACTOR = re.compile(
    r"^[-+•]?\s*(?:(?i:giao|đề nghị|yêu cầu)\s+)?"
    r"((?i:đảng ủy|ủy ban|ubnd|ban|văn phòng|sở|tổ|hội|mặt trận|công an|bộ phận|thường trực|các|"
    r"trung tâm|chi bộ|đoàn|hội đồng|phòng)\b[^,.;:]*?)\s+"
    r"(?:chủ trì|hoàn thành|rà soát|báo cáo|chỉ đạo|tổ chức|triển khai|xây dựng|phối hợp|tham mưu|"
    r"kiểm tra|thực hiện|giải quyết|bàn giao|khẩn trương|tập trung|theo dõi|đôn đốc|chịu trách nhiệm|"
    r"có trách nhiệm|hướng dẫn|ban hành|xử lý|nghiên cứu|chuẩn bị|lập|điều chỉnh|đẩy nhanh|trình|"
    r"tổng hợp|cung cấp|bố trí|giải ngân|đề xuất)\b"
)


@dataclass(frozen=True)
class Deadline:
    due: date
    text: str


@dataclass(frozen=True)
class Task:
    sentence: str
    actor: str
    due: date
    due_text: str


def _safe(make: Callable[[], date]) -> date | None:
    try:
        return make()
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# (pattern, how a match and the document's date give the due date)
_FORMS: list[tuple[re.Pattern[str], Callable[[re.Match[str], date], date | None]]] = [
    (re.compile(r"(?:trước|chậm nhất(?: là)?(?: vào)?|không quá|hạn chót(?: là)?)\s+(?:ngày\s+)?"
                r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?!\d)", re.IGNORECASE),
     lambda m, on: _safe(lambda: date(int(m[3] or on.year), int(m[2]), int(m[1])))),
    (re.compile(r"trong tháng\s+(\d{1,2})(?:/|\s+năm\s+)(\d{4})", re.IGNORECASE),
     lambda m, on: _safe(lambda: _month_end(int(m[2]), int(m[1])))),
    (re.compile(r"trong quý\s+(IV|III|II|I|[1-4])(?:/|\s+năm\s+)(\d{4})", re.IGNORECASE),
     lambda m, on: _month_end(int(m[2]), ROMAN[m[1].lower()] * 3)),
    (re.compile(r"trước năm học\s+(\d{4})\s*[-–]\s*(\d{4})", re.IGNORECASE),
     lambda m, on: _safe(lambda: date(int(m[1]), *SCHOOL_YEAR_DUE))),
    (re.compile(r"(?:chậm nhất|trong (?:thời hạn|vòng)?)\s*(\d{1,3})\s+ngày làm việc", re.IGNORECASE),
     lambda m, on: add_working_days(on, int(m[1]))),
    (re.compile(r"trong năm\s+(\d{4})", re.IGNORECASE),
     lambda m, on: date(int(m[1]), 12, 31)),
]


def find_deadline(sentence: str, on: date) -> Deadline | None:
    """The earliest-written deadline of a sentence, ``on`` being the document's date."""
    best: tuple[int, Deadline] | None = None
    for pattern, due_of in _FORMS:
        match = pattern.search(sentence)
        if match:
            due = due_of(match, on)
            if due and (best is None or match.start() < best[0]):
                best = (match.start(), Deadline(due, match.group().strip()))
    return best[1] if best else None


# The header's lines a body never holds: the place and date (``Lâm Đồng, ngày 20 tháng 5 năm 2026``)
# and the rules under a name, a motto or a title (``*``, ``-----``); then the list of ``Kính gửi``.
_PLACE_DATE = re.compile(r",\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}\s*$", re.IGNORECASE)
_RULE = re.compile(r"^\s*(?:\*|[-–—_=]{3,})\s*$")
_TO = re.compile(r"^\s*Kính gửi\s*:?(.*)$", re.IGNORECASE)
_HEADER_LINES = 20  # a header, its title and subject take fewer lines than this


def _end_of_to(lines: list[str], start: int) -> int:
    """The line after the ``Kính gửi`` block opening at ``start``: its one name, or its list of items."""
    end = start + 1
    if _TO.match(lines[start])[1].strip():  # ``Kính gửi: Đảng ủy xã …``, perhaps run on in lower case
        while end < len(lines) and lines[end][:1].islower():
            end += 1
        return end
    # ``- A,`` … ``- Z.``: an item, or an item's name run on to a line of its own
    while end < len(lines) and (lines[end].lstrip().startswith(("-", "+", "•"))
                                or not lines[end - 1].rstrip().endswith((",", ";", ".", ":"))):
        end += 1
    return end


def body_of(text: str) -> str:
    """The text after the header: issuer, number, place and date, trích yếu or title, Kính gửi.
    A text that shows no header (a body pasted alone) is kept whole."""
    lines = text.split("\n")
    end = 0
    for index, line in enumerate(lines[:_HEADER_LINES]):
        if _TO.match(line):
            end = max(end, _end_of_to(lines, index))
            break
        if _PLACE_DATE.search(line) or _RULE.match(line):
            end = index + 1
    return "\n".join(lines[end:])


def sentences(text: str) -> list[str]:
    flat = re.sub(r"[ \t]+", " ", body_of(canonical(text)))
    flat = _hold_names(re.sub(r"\n(?![-+•]\s)", " ", flat))
    units: list[str] = []
    for unit in _UNIT.split(flat):
        unit = unit.strip(" -+•\n").replace(_NAME_DASH, "-")
        if not unit:
            continue
        if units and unit[:1].islower() and units[-1].endswith("."):  # "TP. Đà Lạt", "Tp. hồ…"
            units[-1] = f"{units[-1]} {unit}"
        else:
            units.append(unit)
    return units


# "Ban Thường vụ Tỉnh ủy đề nghị Đảng ủy xã … chủ trì …": the body that asks opens the sentence, the
# one that acts follows the lower-case verb of asking, capitalised ("bàn giao" is a task, not an ask).
_ASKED = re.compile(r"^[^,.;:]*?(?<!bàn)\s(?:đề nghị|yêu cầu|giao(?: cho)?)\s+")


def actor_of(sentence: str) -> str:
    """The body that must act: the one asked where the sentence names who asks, else the one it opens with."""
    sentence = sentence.strip()
    asked = _ASKED.match(sentence)
    rest = sentence[asked.end():] if asked else ""
    for text in (rest, sentence) if rest[:1].isupper() else (sentence,):
        match = _ACTOR.match(text)
        if match:
            return match[1].strip()
    return ""


def find_tasks(text: str, on: date) -> list[Task]:
    tasks = []
    for sentence in sentences(text):
        deadline = find_deadline(sentence, on)
        if deadline:
            tasks.append(Task(sentence, actor_of(sentence), deadline.due, deadline.text))
    return tasks
