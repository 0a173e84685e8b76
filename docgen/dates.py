"""Dates as Party documents write them, and dates as clerks type them.

Hướng dẫn 36-HD/VPTW writes a day below 10 and the months 1 and 2 with a
leading zero (``ngày 03 tháng 6``, ``ngày 20 tháng 02``), in the header and in
``dd/m/yyyy`` dates of the body alike.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time

_TYPED = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"),
)


def _day(d: date) -> str:
    return f"{d.day:02d}"


def _month(d: date) -> str:
    return f"{d.month:02d}" if d.month < 3 else str(d.month)


def long_date(d: date) -> str:
    """``ngày 03 tháng 6 năm 2026``: the header's place-and-date form."""
    return f"ngày {_day(d)} tháng {_month(d)} năm {d.year}"


def short_date(d: date) -> str:
    """``03/6/2026``, ``20/02/2026``: the body's form."""
    return f"{_day(d)}/{_month(d)}/{d.year}"


# How a date is asked for wherever a person types one: day, month, year, as a clerk writes it.
DATE_HINT = "viết ngày/tháng/năm, ví dụ 31/01/2026"
MOMENT_HINT = "viết ngày/tháng/năm giờ:phút, ví dụ 31/01/2026 08:30"


def not_on_calendar(year: int, month: int, day: int) -> str:
    """Why a day, month and year that read as a date are none: «tháng 2 năm 2026 chỉ có 28 ngày»."""
    if not 1 <= month <= 12:
        return f"không có tháng {month}"
    if not 1 <= year <= 9999:
        return f"không có năm {year}"
    days = calendar.monthrange(year, month)[1]
    return f"tháng {month} năm {year} chỉ có {days} ngày" if day > days else f"không có ngày {day}"


def parse_date(value: object) -> date:
    """A date typed as ``31/01/2026`` or ``2026-01-31`` (YAML may already give a date).

    Raises ValueError with a Vietnamese reason: what is wrong with a date not on the calendar
    (31/02/2026), and how to write one, day first, as clerks do.
    """
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in _TYPED:
        m = pattern.match(text)
        if m:
            year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
            try:
                return date(year, month, day)
            except ValueError:
                raise ValueError(f"«{text}» không phải là ngày hợp lệ: {not_on_calendar(year, month, day)} "
                                 f"({DATE_HINT})") from None
    raise ValueError(f"«{text[:40]}» không phải là ngày hợp lệ ({DATE_HINT})")


_TIME = re.compile(r"^(?P<h>\d{1,2})(?::|h|giờ\s*)(?P<min>\d{2})?(?:\s*phút)?$", re.IGNORECASE)


def parse_moment(value: str) -> datetime:
    """A moment typed as a date and a time, either way round: ``21/5/2026 16:30``, ``16:30 21/5/2026``,
    ``2026-05-21 16:30``; a date alone is its start. Raises ValueError with a Vietnamese reason."""
    parts = str(value).replace(",", " ").replace(" ngày ", " ").split()
    times = [p for p in parts if _TIME.match(p)]
    days = [p for p in parts if p not in times]
    try:
        day = parse_date(days[0]) if len(days) == 1 else None
        hour, minute = (int(_TIME.match(times[0])["h"]), int(_TIME.match(times[0])["min"] or 0)) if times else (0, 0)
        if day is None or len(times) > 1:
            raise ValueError
        return datetime.combine(day, time(hour, minute))
    except ValueError:
        raise ValueError(f"«{value}» không phải thời điểm hợp lệ (viết 21/5/2026 16:30 hoặc 2026-05-21 16:30)")\
            from None
