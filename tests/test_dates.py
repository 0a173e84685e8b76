from datetime import date

import pytest

from docgen.dates import long_date, parse_date, short_date


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 6, 3), "ngày 03 tháng 6 năm 2026"),
    (date(2026, 2, 20), "ngày 20 tháng 02 năm 2026"),
    (date(2026, 4, 22), "ngày 22 tháng 4 năm 2026"),
    (date(2026, 1, 9), "ngày 09 tháng 01 năm 2026"),
    (date(2025, 12, 3), "ngày 03 tháng 12 năm 2025"),
])
def test_long_date_follows_leading_zero_rule(day, expected):
    assert long_date(day) == expected


@pytest.mark.parametrize(("day", "expected"), [
    (date(2025, 12, 3), "03/12/2025"),
    (date(2025, 6, 9), "09/6/2025"),
    (date(2024, 2, 28), "28/02/2024"),
])
def test_short_date_follows_leading_zero_rule(day, expected):
    assert short_date(day) == expected


@pytest.mark.parametrize("typed", ["2026-06-03", "03/6/2026", "3/06/2026", date(2026, 6, 3)])
def test_parse_date_accepts_what_clerks_type(typed):
    assert parse_date(typed) == date(2026, 6, 3)


@pytest.mark.parametrize("typed", ["31/02/2026", "2026-13-01", "hôm nay", "03-06-2026"])
def test_parse_date_rejects_impossible_dates_in_vietnamese(typed):
    with pytest.raises(ValueError, match="không phải là ngày hợp lệ"):
        parse_date(typed)
