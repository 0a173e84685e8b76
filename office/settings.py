"""The workspace's settings: one typed table, with defaults and help text.

Settings are how vanthu runs on this machine (which LibreOffice, how long to
wait), as opposed to the format profile, which is how documents look. They
are read once, from the ``[settings]`` table of ``vanthu.toml``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import Any

from docgen.errors import InvalidInput


def _setting(default: Any, help_text: str) -> Any:
    return field(default=default, metadata={"help": help_text})


@dataclass(frozen=True)
class Settings:
    soffice: str = _setting("soffice", "Lệnh LibreOffice dùng để chuyển DOCX sang PDF.")
    pdf_timeout: float = _setting(300.0, "Số giây tối đa chờ LibreOffice chuyển xong một lô PDF.")
    unoserver: str = _setting(
        "", "Lệnh unoserver giữ LibreOffice chạy sẵn cho dịch vụ web (trống: .venv-uno của dự án).")
    stability_delay: float = _setting(
        2.0, "Số giây một tệp trong inbox/ phải đứng yên (không đổi cỡ, giờ sửa) mới được lưu trữ.")
    rescan_minutes: float = _setting(
        5.0, "Cứ bấy nhiêu phút, vanthu watch quét lại toàn bộ inbox/ để không sót tệp.")
    poll_seconds: float = _setting(
        1.0, "Chu kỳ (giây) kiểm tra inbox/ khi chạy vanthu watch --polling (ổ mạng).")
    ingest_workers: int = _setting(
        max(1, os.cpu_count() or 1), "Số tiến trình đọc PDF song song khi chạy vanthu ingest.")
    report_weekday: int = _setting(
        4, "Ngày hạn báo cáo nhanh của các Tổ trong tuần (0 = thứ Hai … 4 = thứ Sáu).")
    report_time: str = _setting("09:00", "Giờ hạn báo cáo nhanh (giờ:phút); tuần tổng hợp kết thúc lúc này.")
    retry_cap_seconds: float = _setting(
        300.0, "Thời gian chờ tối đa (giây) giữa hai lần thử lại một tệp bị khóa.")
    upload_limit_mb: float = _setting(
        50.0, "Dung lượng tối đa (MB) của một tệp tải lên dịch vụ web; tệp lớn hơn bị từ chối.")
    upload_max_files: int = _setting(20, "Số tệp tối đa trong một lần tải lên dịch vụ web.")
    search_processes: int = _setting(
        2, "Số tiến trình tìm kiếm của dịch vụ web (nên bằng số nhân CPU); 0: tìm ngay trong tiến trình chính.")
    limit_file_seconds: float = _setting(
        60.0, "Thời gian tối đa (giây) đọc một tệp PDF; quá thì tệp bị cách ly, tiến trình đọc được thay.")
    limit_page_seconds: float = _setting(20.0, "Thời gian tối đa (giây) trích chữ một trang PDF.")
    limit_memory_mb: int = _setting(2048, "Bộ nhớ tối đa (MB) của một tiến trình đọc tệp PDF.")
    limit_stream_mb: int = _setting(
        100, "Dung lượng tối đa (MB) của một luồng dữ liệu PDF sau khi giải nén (chống «bom giải nén»).")
    limit_pages: int = _setting(3000, "Số trang tối đa của một tệp PDF được lưu trữ.")
    limit_depth: int = _setting(100, "Số cấp lồng nhau tối đa của các đối tượng trong tệp PDF.")
    limit_file_mb: int = _setting(150, "Kích thước tối đa (MB) của một tệp đưa vào lưu trữ.")
    ocr: bool = _setting(
        True, "Nhận dạng chữ (OCR, tiếng Việt) các trang quét không có lớp chữ; false để tắt.")
    ocr_page_seconds: float = _setting(
        120.0, "Thời gian tối đa (giây) nhận dạng chữ một trang quét; quá thì bỏ qua trang đó.")
    ocr_confidence: float = _setting(
        85.0, "Độ tin cậy (0-100) tối thiểu của một trường đọc bằng OCR; thấp hơn thì chỉ là đề xuất "
              "chờ văn thư xác nhận.")
    ocr_handwriting_confidence: float = _setting(
        98.0, "Độ tin cậy tối thiểu để số và ngày (thường viết tay) của văn bản quét được coi là chắc chắn.")
    report_max_mb: int = _setting(20, "Kích thước tối đa (MB) của một tệp báo cáo nhanh (YAML, DOCX, PDF).")
    report_max_inflated_mb: int = _setting(
        100, "Tổng dung lượng tối đa (MB) sau khi giải nén của một tệp báo cáo DOCX.")
    incoming_auto_register: bool = _setting(
        False, "Tự động vào sổ văn bản đến mỗi văn bản tải lên dịch vụ web (trừ văn bản đi của cơ quan và văn "
               "bản còn trường chờ xác nhận).")
    incoming_due_soon_days: int = _setting(
        7, "Văn bản đến còn bấy nhiêu ngày nữa đến hạn giải quyết thì được nhắc (trang chủ, Báo cáo tuần, "
           "báo cáo tổng hợp).")
    incoming_units: tuple[str, ...] = _setting(
        ("Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy",
         "Ban Nội chính Tỉnh ủy", "Đảng ủy các cơ quan Đảng tỉnh", "Đảng ủy Ủy ban nhân dân tỉnh",
         "Phòng Tổng hợp, Văn phòng Tỉnh ủy"),
        "Các đơn vị (ngoài các Tổ theo dõi địa bàn) được chọn chủ trì giải quyết văn bản đến: các cơ quan "
        "tham mưu, giúp việc của Tỉnh ủy và các phòng của Văn phòng; người chủ trì chọn trong danh sách "
        "người dùng.")
    report_max_ratio: float = _setting(
        100.0, "Tỉ lệ nén tối đa của một tệp báo cáo DOCX (dung lượng giải nén / dung lượng tệp).")

    @classmethod
    def from_table(cls, table: Any, source: str) -> Settings:
        if not isinstance(table, dict):
            raise InvalidInput("phải là một bảng (table)", file=source, field="settings")
        known = {f.name: f for f in fields(cls)}
        values = {}
        for name, value in table.items():
            if name not in known:
                raise InvalidInput(f"không có thiết lập này (có: {', '.join(known)})",
                                   file=source, field=f"settings.{name}")
            expected = type(known[name].default)
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if expected is tuple and isinstance(value, list) and all(isinstance(item, str) for item in value):
                value = tuple(item.strip() for item in value if item.strip())  # a list of names
            if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
                raise InvalidInput(f"giá trị «{value}» không đúng kiểu", file=source,
                                   field=f"settings.{name}")
            values[name] = value
        return cls(**values)

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """(name, default, help) of every setting, for ``vanthu settings``."""
        return [(f.name, f.default, f.metadata["help"]) for f in fields(cls)]
