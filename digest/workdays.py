"""Working days: no Saturdays, Sundays or Vietnamese public holidays (Tết, 30/4–1/5, 2/9 …).

Holidays come from the ``holidays`` package, which follows the government's
yearly decisions on days off, so they are never typed by hand here.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    day, left = start, count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day
