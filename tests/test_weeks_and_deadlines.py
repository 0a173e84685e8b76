"""Week boundaries, working days and deadlines read from sentences."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from digest.deadlines import find_tasks
from digest.weeks import parse_week, week_due
from digest.workdays import add_working_days, is_working_day
from docgen.errors import InvalidInput


def test_a_week_runs_from_friday_nine_to_friday_nine():
    week = parse_week("2026-W21")
    assert week.start == datetime(2026, 5, 15, 9, 0) and week.deadline == datetime(2026, 5, 22, 9, 0)
    assert week.holds(datetime(2026, 5, 15, 9, 0)) and week.holds(datetime(2026, 5, 22, 8, 59))
    assert not week.holds(datetime(2026, 5, 22, 9, 0)) and not week.holds(datetime(2026, 5, 15, 8, 59))


def test_a_date_without_time_counts_as_its_whole_day():
    week = parse_week("2026-W21")
    assert week.holds_day(date(2026, 5, 15)) and week.holds_day(date(2026, 5, 22))
    assert not week.holds_day(date(2026, 5, 14)) and not week.holds_day(date(2026, 5, 23))


@pytest.mark.parametrize(("moment", "label"), [
    (datetime(2026, 5, 22, 8, 59), "2026-W21"),
    (datetime(2026, 5, 22, 9, 0), "2026-W22"),
    (datetime(2026, 5, 24, 18, 0), "2026-W22"),
    (datetime(2026, 12, 31, 10, 0), "2026-W53"),  # 2026 has 53 ISO weeks
    (datetime(2027, 1, 1, 9, 30), "2027-W01"),
])
def test_the_default_week_is_the_one_whose_deadline_comes_next(moment, label):
    assert week_due(moment).label == label


def test_bad_week_label_is_refused():
    for text in ("2026-21", "2026-W54", "tuần 21"):
        with pytest.raises(InvalidInput, match="không phải là tuần hợp lệ"):
            parse_week(text)


def test_working_days_skip_tet_and_the_april_may_holidays():
    assert not is_working_day(date(2026, 2, 17))  # Tết
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert not is_working_day(date(2026, 4, 30)) and not is_working_day(date(2026, 5, 1))
    assert add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)
    assert add_working_days(date(2026, 4, 24), 5) == date(2026, 5, 6)  # 27/4 is the Hùng Kings' day off
    assert add_working_days(date(2026, 6, 5), 3) == date(2026, 6, 10)


CONCLUSION = """Thường trực Tỉnh ủy kết luận:
- Đảng ủy xã Đắk Song hoàn thành bàn giao mặt bằng trước ngày 30/5/2026.
- Ủy ban nhân dân phường Phú Thủy rà soát các dự án chậm tiến độ trong tháng 6/2026.
- Giao Ban Tổ chức Tỉnh ủy chủ trì kiện toàn bộ máy trong quý III năm 2026.
- Sở Giáo dục và Đào tạo bố trí đủ phòng học trước năm học 2026 - 2027.
- Văn phòng Tỉnh ủy tổng hợp, báo cáo chậm nhất 05 ngày làm việc kể từ ngày ký.
- Các cơ quan liên quan phối hợp thực hiện."""


def test_each_deadline_form_with_its_sentence_and_acting_body():
    tasks = find_tasks(CONCLUSION, date(2026, 4, 24))
    assert [(t.actor, t.due, t.due_text) for t in tasks] == [
        ("Đảng ủy xã Đắk Song", date(2026, 5, 30), "trước ngày 30/5/2026"),
        ("Ủy ban nhân dân phường Phú Thủy", date(2026, 6, 30), "trong tháng 6/2026"),
        ("Ban Tổ chức Tỉnh ủy", date(2026, 9, 30), "trong quý III năm 2026"),
        ("Sở Giáo dục và Đào tạo", date(2026, 8, 31), "trước năm học 2026 - 2027"),
        ("Văn phòng Tỉnh ủy", date(2026, 5, 6), "chậm nhất 05 ngày làm việc"),
    ]
    assert tasks[0].sentence == "Đảng ủy xã Đắk Song hoàn thành bàn giao mặt bằng trước ngày 30/5/2026."


def test_the_body_asked_acts_when_the_sentence_names_who_asks():
    text = ("Ban Thường vụ Tỉnh ủy đề nghị Đảng ủy xã Đắk Song chủ trì rà soát trước ngày 30/5/2026.\n"
            "Thường trực Tỉnh ủy giao cho Ủy ban nhân dân phường Phú Thủy báo cáo trong tháng 6/2026.\n"
            "Đảng ủy xã Quảng Phú bàn giao mặt bằng cho Ban Quản lý dự án trước ngày 15/6/2026.")
    assert [t.actor for t in find_tasks(text, date(2026, 5, 4))] == [
        "Đảng ủy xã Đắk Song", "Ủy ban nhân dân phường Phú Thủy", "Đảng ủy xã Quảng Phú"]


def test_a_date_that_is_not_a_deadline_is_not_a_task():
    text = "Ngày 10/5/2026, Thường trực làm việc tại xã. Báo cáo số 12 ngày 03/5/2026 đã nêu."
    assert find_tasks(text, date(2026, 5, 11)) == []


def test_a_task_begins_after_the_header_and_the_list_of_kinh_gui():
    # The text of a Công văn as read from its PDF: a recipient's name runs on to a line of its own.
    text = ("TỈNH ỦY LÂM ĐỒNG\n*\nSố 05-CV/TU\nV/v báo cáo tiến độ giải ngân\nĐẢNG CỘNG SẢN VIỆT NAM\n"
            "Lâm Đồng, ngày 20 tháng 5 năm 2026\nKính gửi:\n- Ban Thường vụ Đảng ủy xã\nĐắk Song,\n"
            "- Đảng ủy phường Phú Thủy.\nĐề nghị các đảng ủy báo cáo kết quả\ntrước ngày 30/5/2026.\n"
            "Nơi nhận:\n- Lưu Văn phòng Tỉnh ủy, TH.")
    [task] = find_tasks(text, date(2026, 5, 20))
    assert task.sentence == "Đề nghị các đảng ủy báo cáo kết quả trước ngày 30/5/2026."
