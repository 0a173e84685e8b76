"""Documents other bodies send to the office, as their own software lays them out (fpdf2, with a
text layer): a Công văn of a provincial body in the state layout of Nghị định 30/2020 (its issuer,
number and ``V/v`` on the left, the national motto and the date on the right, the marks under the
number), for the incoming register's tests and the demo. The content is written for vanthu.

``python tests/incoming_papers.py FOLDER`` writes the files of ``arrivals`` there (``make demo``)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from fpdf import FPDF
from state_scans import FONTS


@dataclass(frozen=True)
class Letter:
    issuer: list[str]
    number: str  # ``1234/UBND-VX``
    day: date
    subject: list[str]  # ``V/v …`` lines
    body: list[str]
    to: str = "Văn phòng Tỉnh ủy Lâm Đồng"
    marks: list[str] = field(default_factory=list)  # HỎA TỐC, MẬT …
    place: str = "Lâm Đồng"
    authority: list[str] = field(default_factory=lambda: ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])
    signer: str = "Trần Văn Hiệp"
    recipients: list[str] = field(default_factory=lambda: ["- Như trên;", "- Lưu: VT, TH."])


def _pair(pdf: FPDF, y: float, left: str, right: str, styles: tuple[str, str] = ("B", "B"),
          sizes: tuple[float, float] = (13, 13)) -> None:
    for x, width, text, style, size in ((20, 80, left, styles[0], sizes[0]), (100, 95, right, styles[1], sizes[1])):
        if text:
            pdf.set_font("Serif", style, size)
            pdf.set_xy(x, y)
            pdf.cell(width, 6, text, align="C")


def letter_pdf(letter: Letter) -> bytes:
    pdf = FPDF(format="A4", unit="mm")
    for style, suffix in (("", "Regular"), ("B", "Bold"), ("I", "Italic")):
        pdf.add_font("Serif", style, str(FONTS / f"LiberationSerif-{suffix}.ttf"))
    pdf.set_margins(30, 20, 15)
    pdf.add_page()
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    left = [*letter.issuer]
    y = 18.0
    for index in range(max(len(left), len(right))):
        _pair(pdf, y, left[index] if index < len(left) else "", right[index] if index < len(right) else "")
        y += 6.5
    month = f"{letter.day.month:02d}" if letter.day.month < 3 else str(letter.day.month)
    dated = f"{letter.place}, ngày {letter.day.day:02d} tháng {month} năm {letter.day.year}"
    _pair(pdf, y + 3, f"Số: {letter.number}", dated, ("", "I"), (13, 13))
    y += 10
    for line in letter.subject:
        _pair(pdf, y, line, "", ("", ""), (12, 12))
        y += 6
    for mark in letter.marks:
        _pair(pdf, y + 2, mark, "", ("B", "B"), (13, 13))
        y += 7
    pdf.set_font("Serif", "", 14)
    pdf.set_xy(30, y + 8)
    pdf.multi_cell(165, 7, f"Kính gửi: {letter.to}.", align="C", new_x="LMARGIN", new_y="NEXT")
    for paragraph in letter.body:
        pdf.multi_cell(165, 7, paragraph, align="J", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 6
    closing = ["Nơi nhận:", *letter.recipients]
    signing = [*letter.authority, "", "", letter.signer]
    for index in range(max(len(closing), len(signing))):
        _pair(pdf, y, closing[index] if index < len(closing) else "", signing[index] if index < len(signing) else "",
              ("B" if index == 0 else "", "B"), (11 if index else 12, 13))
        y += 6.5
    return bytes(pdf.output())


def arrivals(today: date) -> dict[str, bytes]:
    """What arrives at the office, dated from ``today``: the province's People's Committee (HỎA TỐC, its
    deadline five days ahead), the same document sent again as another file, a MẬT letter of a department,
    and a Party board's Công văn in the Party layout (its deadline two days past)."""
    from producers import Paper, fpdf_pdf

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    def typed(offset: int) -> str:
        return f"{day(offset):%d/%m/%Y}"

    ubnd = Letter(["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], "4521/UBND-VX", day(-6),
                  ["V/v báo cáo tình hình chuẩn bị", "Tết Nguyên đán năm 2027"],
                  ["Thực hiện chỉ đạo của Thường trực Tỉnh ủy, Ủy ban nhân dân tỉnh đề nghị Văn phòng Tỉnh ủy phối "
                   "hợp tổng hợp tình hình chuẩn bị Tết ở các xã, phường, đặc khu.",
                   f"Đề nghị gửi báo cáo về Ủy ban nhân dân tỉnh trước ngày {typed(5)} để tổng hợp."],
                  marks=["HỎA TỐC"])
    resent = Letter(ubnd.issuer, ubnd.number, ubnd.day, ubnd.subject,
                    ["Ủy ban nhân dân tỉnh gửi lại văn bản qua hệ thống quản lý văn bản điều hành."], marks=["HỎA TỐC"])
    secret = Letter(["ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "SỞ NỘI VỤ"], "812/SNV-TCBC", day(-4),
                    ["V/v phương án sắp xếp tổ chức bộ máy", "khối cơ quan tham mưu"],
                    ["Sở Nội vụ gửi phương án sắp xếp tổ chức bộ máy để Văn phòng Tỉnh ủy cho ý kiến."],
                    marks=["MẬT"], authority=["GIÁM ĐỐC"], signer="Lê Thị Hạnh")
    board = Paper("btgdv-cv", ["TỈNH ỦY LÂM ĐỒNG", "BAN TUYÊN GIÁO VÀ DÂN VẬN"], 318, "CV", "BTGDVTU", day(-30),
                  ["Về việc báo cáo kết quả tuyên truyền", "chuyển đổi số cấp xã"], "PHÓ TRƯỞNG BAN",
                  "Nguyễn Văn Thuỷ", "K/T TRƯỞNG BAN", to=["Văn phòng Tỉnh ủy"],
                  text=["Ban Tuyên giáo và Dân vận Tỉnh ủy đề nghị Văn phòng Tỉnh ủy tổng hợp kết quả tuyên truyền "
                        f"chuyển đổi số ở cấp xã, gửi báo cáo trước ngày {typed(-2)}."])
    return {"ubnd-hoa-toc.pdf": letter_pdf(ubnd), "ubnd-gui-lai.pdf": letter_pdf(resent),
            "so-noi-vu-mat.pdf": letter_pdf(secret), "btgdv-cong-van.pdf": fpdf_pdf(board)}


if __name__ == "__main__":  # run as a script, its folder (tests/) is on the path for its imports
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for name, data in arrivals(date.today()).items():
        (target / name).write_bytes(data)
        print(f"{target / name}")
