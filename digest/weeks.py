"""Report weeks: a week ends at the teams' deadline, Friday 09:00 by default.

A week is named by the ISO week its deadline falls in (``2026-W21``) and runs
from the previous deadline to its own: the Friday-09:00-to-Friday-09:00 week
in which the Văn phòng collects the teams' quick reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from docgen.dates import parse_date
from docgen.errors import InvalidInput

_LABEL = re.compile(r"^(\d{4})-W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Week:
    year: int
    number: int
    weekday: int = 4  # Friday (Monday is 0)
    at: time = time(9, 0)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def deadline(self) -> datetime:
        return datetime.combine(date.fromisocalendar(self.year, self.number, self.weekday + 1), self.at)

    @property
    def start(self) -> datetime:
        return self.deadline - timedelta(days=7)

    def holds_day(self, day: date) -> bool:
        """A date without a time counts as its whole day."""
        return datetime.combine(day, time.min) < self.deadline and \
            datetime.combine(day + timedelta(days=1), time.min) > self.start

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment < self.deadline

    def shift(self, weeks: int) -> Week:
        iso = (self.deadline + timedelta(weeks=weeks)).isocalendar()
        return Week(iso.year, iso.week, self.weekday, self.at)


def parse_week(text: str, weekday: int = 4, at: time = time(9, 0)) -> Week:
    match = _LABEL.match(text.strip())
    if match:
        try:
            week = Week(int(match[1]), int(match[2]), weekday, at)
            week.deadline  # noqa: B018 - raises for W54
            return week
        except ValueError:
            pass
    try:  # a date: the report week that holds it (a Friday before the deadline hour is its last day)
        return week_due(datetime.combine(parse_date(text), time.min), weekday, at)
    except ValueError:
        pass
    raise InvalidInput(f"«{text}» không phải là tuần hợp lệ (viết như 2026-W21, hoặc một ngày trong tuần "
                       "như 27/11/2026)", field="--week")


def week_due(moment: datetime, weekday: int = 4, at: time = time(9, 0)) -> Week:
    """The week whose deadline comes next after ``moment``."""
    iso = moment.date().isocalendar()
    week = Week(iso.year, iso.week, weekday, at)
    return week if moment < week.deadline else week.shift(1)
