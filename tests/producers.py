"""Party documents as other producers lay them out: the fidelity test set.

One ``Paper`` says what the paper says; each producer draws it its own way:

- ``docgen``: vanthu's own templates, converted by LibreOffice;
- ``docx``: a DOCX laid out by another office (two-line issuer, ``K/T TRƯỞNG BAN``), converted by LibreOffice;
- ``fpdf2``: a generator that writes both columns of the header and of the closing table on shared
  baselines, so that text in line order interleaves them (``- Lưu Văn phòng Tỉnh ủy. Y Thanh Hà Niê Kdăm``);
- ``reportlab``: a canvas drawing each column in turn, the columns' baselines a little apart;
- ``scan``: a page of one of the above printed and scanned (turned, blurred, speckled, 1-bit, image only).

Every value is what a reader must give back exactly as printed (``Hoà Ninh`` stays ``Hoà Ninh``).
The content is written for vanthu's tests.
"""

from __future__ import annotations

import io
import random
import subprocess
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from fpdf import FPDF
from PIL import Image, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from state_scans import FONTS, image_pdf

from docgen.kinds import find_kind

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
TU = ["TỈNH ỦY LÂM ĐỒNG"]
FIELDS = ("symbol", "date", "kind", "subject", "issuer", "signer", "signer_title")


@dataclass(frozen=True)
class Paper:
    """One document as printed."""

    name: str
    issuer: list[str]
    number: int
    kind: str  # the kind code: CV, KL, QĐi …
    body: str  # the body code: TU, BTGDVTU …
    day: date
    subject: list[str]  # as the lines print it: ``V/v …``/``Về việc …`` for a Công văn
    title: str  # the signer's title: ``PHÓ BÍ THƯ``
    signer: str
    authority: str = ""  # ``T/M BAN THƯỜNG VỤ``; empty when the head signs in his own name
    place: str = "Lâm Đồng"
    to: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=lambda: ["Thường trực Tỉnh ủy,", "Như trên,",
                                                           "Lưu Văn phòng Tỉnh ủy."])
    beside: str = "number"  # what the date stands beside: the number's line, or the trích yếu's first line
    gap: int = 3  # blank lines between the signer's title and name
    right_first: bool = False  # the producer writes the right column of a shared line first

    @property
    def symbol(self) -> str:
        return f"{self.number:02d}-{self.kind}/{self.body}"

    @property
    def kind_title(self) -> str:
        return "" if self.kind == "CV" else find_kind(self.kind).title

    @property
    def date_line(self) -> str:
        month = f"{self.day.month:02d}" if self.day.month < 3 else str(self.day.month)
        return f"{self.place}, ngày {self.day.day:02d} tháng {month} năm {self.day.year}"

    def expected(self) -> dict[str, str]:
        """What the archive must read: every field of ``FIELDS``."""
        return {"symbol": self.symbol, "date": self.day.isoformat(), "kind": self.kind,
                "subject": " ".join(self.subject), "issuer": " ".join(self.issuer), "signer": self.signer,
                "signer_title": self.title}


@dataclass
class Sample:
    name: str
    producer: str
    pdf: bytes
    expected: dict[str, str]


_BODY = [
    "Thời gian qua, các cấp ủy đã bám sát nhiệm vụ được giao, tuy nhiên một số nơi triển khai còn chậm, "
    "việc kiểm tra, đôn đốc chưa thường xuyên, báo cáo gửi về chưa đúng thời hạn.",
    "Đề nghị các đơn vị rà soát kết quả thực hiện, làm rõ nguyên nhân của từng hạn chế và đề ra giải pháp "
    "khắc phục cụ thể, gửi báo cáo về Văn phòng Tỉnh ủy trước ngày 30 hằng tháng.",
]

PAPERS = [
    # fpdf2: shared baselines, both columns interleaved in line order
    Paper("fpdf-cv-ve-viec-1", TU, 1775, "CV", "TU", date(2026, 6, 4),
          ["Về việc chuẩn bị hội nghị sơ kết dân vận"], "PHÓ BÍ THƯ THƯỜNG TRỰC",
          "Y Thanh Hà Niê Kdăm", "T/M BAN THƯỜNG VỤ", to=["Các Tổ theo dõi địa bàn"], gap=0),
    Paper("fpdf-cv-ve-viec-2-date", TU, 1776, "CV", "TU", date(2026, 6, 5),
          ["Về việc đẩy nhanh tiến độ giải ngân", "vốn đầu tư công năm 2026"], "PHÓ BÍ THƯ",
          "Nguyễn Thị Minh Hằng", "K/T BÍ THƯ", to=["Đảng ủy các xã, phường, đặc khu"], beside="date"),
    Paper("fpdf-cv-ve-viec-3", ["TỈNH ỦY LÂM ĐỒNG", "VĂN PHÒNG"], 412, "CV", "VPTU", date(2026, 7, 9),
          ["Về việc rà soát, cập nhật danh mục", "hồ sơ lưu trữ của các cơ quan", "tham mưu, giúp việc Tỉnh ủy"],
          "CHÁNH VĂN PHÒNG", "Điểu Kré", "", to=["Các cơ quan tham mưu, giúp việc Tỉnh ủy"], right_first=True),
    Paper("fpdf-cv-ve-viec-4-date", TU, 1802, "CV", "TU", date(2026, 8, 12),
          ["Về việc phòng, chống thiên tai và", "tìm kiếm cứu nạn trong mùa mưa bão",
           "năm 2026 tại các xã vùng sâu, vùng xa", "của tỉnh"], "PHÓ BÍ THƯ",
          "Nguyễn Huỳnh Thị Ngọc Bảo Trâm", "K/T BÍ THƯ", beside="date", gap=1),
    Paper("fpdf-kl", TU, 31, "KL", "TU", date(2026, 3, 17),
          ["về tình hình thực hiện nhiệm vụ phát triển", "kinh tế - xã hội quý I năm 2026"], "BÍ THƯ",
          "Lê Văn Hoà", "T/M BAN THƯỜNG VỤ", place="Hoà Ninh", right_first=True),
    Paper("fpdf-ct", TU, 9, "CT", "TU", date(2026, 2, 3),
          ["về tăng cường sự lãnh đạo của các cấp ủy đảng", "đối với công tác bảo vệ rừng"], "BÍ THƯ",
          "Ka Huyền", "T/M BAN THƯỜNG VỤ", gap=0),
    Paper("fpdf-tb", TU, 88, "TB", "TU", date(2026, 9, 21),
          ["kết luận của Thường trực Tỉnh ủy tại buổi làm việc", "với Ban Thường vụ Đảng ủy xã Hoà Ninh"],
          "PHÓ BÍ THƯ THƯỜNG TRỰC", "Y Thanh Hà Niê Kdăm", "T/L BAN THƯỜNG VỤ"),
    # reportlab: each column drawn in turn, baselines a little apart
    Paper("rl-cv-ve-viec-2", TU, 1810, "CV", "TU", date(2026, 8, 25),
          ["Về việc tổ chức các hoạt động kỷ niệm", "ngày thành lập Đảng bộ tỉnh"], "PHÓ BÍ THƯ",
          "Trần Đình Khoa", "K/T BÍ THƯ", to=["Các đảng ủy trực thuộc Tỉnh ủy"]),
    Paper("rl-cv-v-v", ["TỈNH ỦY LÂM ĐỒNG", "BAN TỔ CHỨC"], 57, "CV", "BTCTU", date(2026, 5, 6),
          ["V/v đề nghị báo cáo số lượng đảng viên", "được miễn sinh hoạt đảng"], "TRƯỞNG BAN", "Ma Thị Thuý",
          "", right_first=True, gap=0),
    Paper("rl-nq", TU, 12, "NQ", "TU", date(2026, 4, 2),
          ["về phát triển nông nghiệp công nghệ cao", "gắn với xây dựng nông thôn mới đến năm 2030"], "BÍ THƯ",
          "Nguyễn Ngọc Phúc", "T/M BAN CHẤP HÀNH"),
    Paper("rl-kh", TU, 140, "KH", "TU", date(2026, 10, 14),
          ["tổ chức kiểm tra, giám sát chuyên đề", "năm 2027 của Ban Thường vụ Tỉnh ủy"], "PHÓ BÍ THƯ",
          "Ka Sô Liễng", "T/M BAN THƯỜNG VỤ", right_first=True),
    Paper("rl-bc", ["TỈNH ỦY LÂM ĐỒNG", "BAN DÂN VẬN"], 23, "BC", "BDVTU", date(2026, 11, 30),
          ["kết quả thực hiện công tác dân vận", "11 tháng năm 2026"], "PHÓ TRƯỞNG BAN",
          "Hoàng Thị Thuỳ Dương", "K/T TRƯỞNG BAN", gap=1),
    # DOCX from another office, converted by LibreOffice
    Paper("docx-kl-btgdv", ["TỈNH ỦY LÂM ĐỒNG", "BAN TUYÊN GIÁO VÀ DÂN VẬN"], 15, "KL", "BTGDVTU",
          date(2026, 5, 19), ["về công tác thông tin đối ngoại", "sáu tháng đầu năm 2026"], "PHÓ TRƯỞNG BAN",
          "Y Thanh Hà Niê Kdăm", "K/T TRƯỞNG BAN"),
    Paper("docx-qc", ["TỈNH ỦY LÂM ĐỒNG", "BAN TUYÊN GIÁO VÀ DÂN VẬN"], 4, "QC", "BTGDVTU", date(2026, 1, 8),
          ["làm việc của Ban Tuyên giáo và Dân vận", "Tỉnh ủy nhiệm kỳ 2025 - 2030"], "TRƯỞNG BAN",
          "Phan Thị Hoà", ""),
    Paper("docx-qdi", TU, 6, "QĐi", "TU", date(2026, 3, 30),
          ["về chế độ thông tin, báo cáo", "của các tổ chức đảng trực thuộc Tỉnh ủy"], "PHÓ BÍ THƯ THƯỜNG TRỰC",
          "Võ Ngọc Hiệp", "T/M BAN THƯỜNG VỤ", gap=0),
    Paper("docx-kh", ["TỈNH ỦY LÂM ĐỒNG", "BAN TUYÊN GIÁO VÀ DÂN VẬN"], 77, "KH", "BTGDVTU",
          date(2026, 9, 2), ["tuyên truyền kỷ niệm 80 năm", "Ngày Quốc khánh"], "PHÓ TRƯỞNG BAN",
          "Bơ Ya Ha Ly", "K/T TRƯỞNG BAN"),
    Paper("docx-cv-ve-viec", ["TỈNH ỦY LÂM ĐỒNG", "BAN TUYÊN GIÁO VÀ DÂN VẬN"], 318, "CV", "BTGDVTU",
          date(2026, 6, 23), ["Về việc định hướng tuyên truyền", "kết quả kỳ họp thứ mười", "Hội đồng nhân dân tỉnh"],
          "PHÓ TRƯỞNG BAN", "Nguyễn Văn Thuỷ", "K/T TRƯỞNG BAN", to=["Các cơ quan báo chí của tỉnh"]),
    Paper("docx-ct", TU, 21, "CT", "TU", date(2026, 12, 1),
          ["về lãnh đạo tổ chức Tết Nguyên đán", "Đinh Mùi năm 2027"], "BÍ THƯ", "Đinh Văn Tuấn",
          "T/M BAN THƯỜNG VỤ"),
]

# vanthu's own templates (docgen), converted by LibreOffice: (name, kind, number, body code, data)
DOCGEN = [
    ("docgen-cv", "CV", 1780, "TU", {
        "subject": "chuẩn bị đón đoàn kiểm tra của Trung ương tại xã Hoà Ninh",
        "to": ["Đảng ủy xã Hoà Ninh"], "body": "\n\n".join(_BODY), "recipients": ["Như trên"],
        "signer": {"authority": "T/M BAN THƯỜNG VỤ", "title": "PHÓ BÍ THƯ THƯỜNG TRỰC",
                   "name": "Y Thanh Hà Niê Kdăm"}}),
    ("docgen-qd", "QĐ", 301, "TU", {
        "subject": "Thành lập Tổ công tác rà soát hồ sơ đảng viên",
        "bases": ["Căn cứ Điều lệ Đảng"], "proposer": "Trưởng Ban Tổ chức Tỉnh ủy",
        "articles": ["Thành lập Tổ công tác rà soát hồ sơ đảng viên.", "Quyết định có hiệu lực kể từ ngày ký."],
        "recipients": ["Như Điều 2"],
        "signer": {"authority": "T/M BAN THƯỜNG VỤ", "title": "BÍ THƯ", "name": "Lê Văn Hoà"}}),
    ("docgen-tb", "TB", 90, "TU", {
        "subject": "kết luận của Thường trực Tỉnh ủy về công tác chuyển đổi số",
        "body": "\n\n".join(_BODY), "recipients": ["Các Tổ theo dõi địa bàn"],
        "signer": {"authority": "T/L BAN THƯỜNG VỤ", "title": "CHÁNH VĂN PHÒNG", "name": "Ka Bình"}}),
    ("docgen-bc", "BC", 45, "TU", {
        "subject": "tình hình thu ngân sách quý III năm 2026",
        "body": "\n\n".join(_BODY), "recipients": ["Thường trực Tỉnh ủy"],
        "signer": {"authority": "T/M BAN THƯỜNG VỤ", "title": "PHÓ BÍ THƯ", "name": "Nguyễn Thị Minh Hằng"}}),
]

# Pages printed and scanned: (name, the sample scanned)
SCANS = [("scan-fpdf-cv", "fpdf-cv-ve-viec-2-date"), ("scan-fpdf-cv-lu", "fpdf-cv-ve-viec-1"), ("scan-rl-kh", "rl-kh"),
         ("scan-docx-kl", "docx-kl-btgdv")]
NAMES = [paper.name for paper in PAPERS] + [name for name, *_ in DOCGEN] + [name for name, _ in SCANS]


def _rows(paper: Paper) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The header's and the closing table's rows: (left cell, right cell), one baseline each."""
    left = [*paper.issuer, "*", f"Số {paper.symbol}"]
    right = [PARTY] + [""] * (len(left) - 2) + ["" if paper.beside == "date" else paper.date_line]
    if paper.kind == "CV":
        left += paper.subject
        right += [paper.date_line if paper.beside == "date" else ""] + [""] * (len(paper.subject) - 1)
    header = list(zip(left, right, strict=True))
    items = ["Nơi nhận:", *(f"- {item}" for item in paper.recipients)]
    sign = [paper.authority] if paper.authority else []
    sign += [paper.title] + [""] * paper.gap + [paper.signer]
    rows = max(len(items), len(sign))
    items += [""] * (rows - len(items))
    sign = [""] * (rows - len(sign)) + sign  # the name on the last item's baseline
    return header, list(zip(items, sign, strict=True))


def _body_lines(paper: Paper) -> list[str]:
    lines = []
    if paper.to:
        lines.append(f"Kính gửi: {paper.to[0]}")
    return lines + (paper.text or _BODY)


def fpdf_pdf(paper: Paper) -> bytes:
    """Both columns on shared baselines, as an fpdf-like generator writes a borderless table."""
    pdf = FPDF(format="A4", unit="mm")
    for style, suffix in (("", "Regular"), ("B", "Bold"), ("I", "Italic")):
        pdf.add_font("Serif", style, str(FONTS / f"LiberationSerif-{suffix}.ttf"))
    pdf.set_margins(30, 20, 15)
    pdf.add_page()
    header, closing = _rows(paper)
    y = 20.0
    for left, right in header:
        cells = [(30, 75, left, "B" if left in paper.issuer[-1:] else ""), (105, 90, right, "I" if "ngày" in right
                                                                            else "B")]
        for x, width, text, style in (reversed(cells) if paper.right_first else cells):
            pdf.set_font("Serif", style, 12 if text in paper.subject else 14)
            pdf.set_xy(x, y)
            pdf.cell(width, 6, text, align="C")
        y += 6.5
    y = _fpdf_title(pdf, paper, y + 6)
    pdf.set_font("Serif", "", 14)
    pdf.set_xy(30, y)
    for paragraph in _body_lines(paper):
        pdf.multi_cell(165, 7, paragraph, align="J", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 6
    for left, right in closing:
        cells = [(30, 75, left, "B" if left == "Nơi nhận:" else "", 12, "L"), (110, 85, right, "B", 14, "C")]
        for x, width, text, style, size, align in (reversed(cells) if paper.right_first else cells):
            pdf.set_font("Serif", style, size)
            pdf.set_xy(x, y)
            pdf.cell(width, 6, text, align=align)
        y += 6.5
    return bytes(pdf.output())


def _fpdf_title(pdf: FPDF, paper: Paper, y: float) -> float:
    if not paper.kind_title:
        return y
    pdf.set_font("Serif", "B", 15)
    pdf.set_xy(30, y)
    pdf.cell(165, 7, paper.kind_title, align="C")
    pdf.set_font("Serif", "B", 14)
    for line in paper.subject:
        y += 7
        pdf.set_xy(30, y)
        pdf.cell(165, 7, line, align="C")
    pdf.set_xy(30, y + 7)
    pdf.cell(165, 7, "-----", align="C")
    return y + 16


_RL_FONTS = {"": "Serif", "B": "Serif-Bold", "I": "Serif-Italic"}


def _rl_fonts() -> None:
    for style, name in _RL_FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            suffix = {"": "Regular", "B": "Bold", "I": "Italic"}[style]
            pdfmetrics.registerFont(TTFont(name, str(FONTS / f"LiberationSerif-{suffix}.ttf")))


def reportlab_pdf(paper: Paper) -> bytes:
    """A canvas drawing the left column, then the right (or the other way): baselines 1.5 pt apart."""
    _rl_fonts()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    _, height = A4
    header, closing = _rows(paper)
    columns = [(180, 0, [row[0] for row in header]), (410, 1.5, [row[1] for row in header])]
    for x, shift, texts in (reversed(columns) if paper.right_first else columns):
        for row, text in enumerate(texts):
            bold = text in paper.issuer[-1:] or text == PARTY
            page.setFont(_RL_FONTS["B" if bold else "I" if "ngày" in text else ""], 12.5 if text in paper.subject
                         else 13.5)
            page.drawCentredString(x, height - 70 - row * 19 - shift, text)
    y = height - 90 - len(header) * 19
    if paper.kind_title:
        page.setFont(_RL_FONTS["B"], 15)
        page.drawCentredString(325, y, paper.kind_title)
        for line in paper.subject:
            y -= 19
            page.drawCentredString(325, y, line)
        y -= 34
    page.setFont(_RL_FONTS[""], 13.5)
    for paragraph in _body_lines(paper):
        for line in _wrap(paragraph, 88):
            page.drawString(85, y, line)
            y -= 19
    y -= 14
    columns = [(85, 0, "L", [row[0] for row in closing]), (420, 1.5, "C", [row[1] for row in closing])]
    for x, shift, align, texts in (reversed(columns) if paper.right_first else columns):
        for row, text in enumerate(texts):
            page.setFont(_RL_FONTS["" if align == "L" and row else "B"], 12 if align == "L" else 13.5)
            draw = page.drawString if align == "L" else page.drawCentredString
            draw(x, y - row * 18 - shift, text)
    page.showPage()
    page.save()
    return out.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line]


def _cell(cell, lines: list[str], *, bold: set[str], size: float, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    cell.paragraphs[0].text = ""
    for index, text in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.font.size, run.font.name = Pt(size), "Liberation Serif"
        run.bold = text in bold
        run.italic = "ngày" in text and "tháng" in text


def docx_bytes(paper: Paper) -> bytes:
    """Another office's DOCX: two borderless tables, paragraphs in cells, the name under blank paragraphs."""
    document = DocxDocument()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin, section.top_margin = Mm(30), Mm(15), Mm(20)
    header = document.add_table(rows=1, cols=2)
    left = [*paper.issuer, "*", f"Số {paper.symbol}", *(paper.subject if paper.kind == "CV" else [])]
    _cell(header.cell(0, 0), left, bold=set(paper.issuer[-1:]), size=14)
    _cell(header.cell(0, 1), [PARTY, paper.date_line], bold={PARTY}, size=14)
    if paper.kind_title:
        document.add_paragraph()
        for text in [paper.kind_title, *paper.subject]:
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            size = Pt(15 if text == paper.kind_title else 14)
            run.bold, run.font.size, run.font.name = True, size, "Liberation Serif"
    for text in _body_lines(paper):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        run = paragraph.add_run(text)
        run.font.size, run.font.name = Pt(14), "Liberation Serif"
    closing = document.add_table(rows=1, cols=2)
    _cell(closing.cell(0, 0), ["Nơi nhận:", *(f"- {item}" for item in paper.recipients)], bold={"Nơi nhận:"},
          size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    sign = [*([paper.authority] if paper.authority else []), paper.title, *[""] * paper.gap, paper.signer]
    _cell(closing.cell(0, 1), sign, bold=set(sign), size=14)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _libreoffice(sources: dict[str, bytes], work: Path, soffice: str) -> dict[str, bytes]:
    """DOCX files converted by LibreOffice in one run."""
    from docgen.pdf import convert_to_pdf

    paths = []
    for name, data in sources.items():
        path = work / f"{name}.docx"
        path.write_bytes(data)
        paths.append(path)
    return {path.stem: path.read_bytes() for path in convert_to_pdf(paths, soffice)}


def _docgen_sources(work: Path) -> tuple[dict[str, bytes], dict[str, dict[str, str]]]:
    """vanthu's own DOCX (its templates, its profile) and what each says."""
    from docgen.documents import build_document
    from docgen.rendering import subject_line
    from office.workspace import init_workspace

    workspace = init_workspace(work / "ws")
    sources, expected = {}, {}
    for name, code, number, body, data in DOCGEN:
        kind = find_kind(code)
        document = build_document({**data, "body_code": body}, kind, workspace.profile, name)
        day = date(2026, 7, 15)
        sources[name] = workspace.renderer().render(document, number, day)
        symbol = f"{number:02d}-{kind.code}/{body}"
        subject = subject_line(document, workspace.profile.at(day).text)  # «Về việc …» by 05-HD/VPTW
        signer = data["signer"]
        expected[name] = {"symbol": symbol, "date": day.isoformat(), "kind": kind.code, "subject": subject,
                          "issuer": " ".join(TU), "signer": signer["name"], "signer_title": signer["title"]}
    return sources, expected


def office_scan(pdf: bytes, seed: int = 9) -> bytes:
    """Page 1 printed and scanned: 200 dpi, turned 0.7°, blurred, speckled, 1-bit, image only."""
    with tempfile.TemporaryDirectory(prefix="vanthu-scan-") as work:
        source = Path(work) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", "-f", "1", "-l", "1",
                        str(source), str(Path(work) / "page")], check=True)
        page = Image.open(Path(work) / "page.png").convert("L")
    dots = random.Random(seed)
    page = page.rotate(dots.uniform(-1, 1), fillcolor=255, resample=Image.BICUBIC)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    for _ in range(400):
        page.putpixel((dots.randrange(page.width), dots.randrange(page.height)), 0)
    return image_pdf(page.convert("RGB"))


def samples(soffice: str = "soffice", *, scans: bool = True) -> list[Sample]:
    """Every PDF of the set, made now by its producer, with what it says."""
    made: list[Sample] = []
    for paper in PAPERS:
        if paper.name.startswith("fpdf"):
            made.append(Sample(paper.name, "fpdf2", fpdf_pdf(paper), paper.expected()))
        elif paper.name.startswith("rl"):
            made.append(Sample(paper.name, "reportlab", reportlab_pdf(paper), paper.expected()))
    with tempfile.TemporaryDirectory(prefix="vanthu-producers-") as work:
        sources, expected = _docgen_sources(Path(work))
        docx = {paper.name: docx_bytes(paper) for paper in PAPERS if paper.name.startswith("docx")}
        pdfs = _libreoffice({**sources, **docx}, Path(work), soffice)
    made += [Sample(name, "libreoffice", pdfs[name], expected[name]) for name in expected]
    made += [Sample(paper.name, "libreoffice", pdfs[paper.name], paper.expected())
             for paper in PAPERS if paper.name in docx]
    if scans:
        by_name = {sample.name: sample for sample in made}
        made += [replace(by_name[source], name=name, producer="scan", pdf=office_scan(by_name[source].pdf, seed))
                 for seed, (name, source) in enumerate(SCANS)]
    return made


def read_fields(pdf: bytes) -> dict[str, str]:
    """What the archive reads from ``pdf``, as its reading worker does (reading → metadata → proposals):
    a scan's doubtful value counts as what the clerk is shown, its proposal."""
    from archive.limits import Limits
    from archive.metadata import read_metadata
    from archive.proposals import judge
    from archive.reading import read_pdf

    content = read_pdf(pdf)
    meta = read_metadata(content.text, ocr=content.ocr)
    read = {name: str(getattr(meta, name) or "") for name in FIELDS}
    if content.ocr:
        for name, proposal in judge(meta, content.ocr_lines, Limits())["proposed"].items():
            if name in read and not read[name]:
                read[name] = str(proposal["value"])
    return read


SIMILAR = 0.9  # a scan's words, read by OCR, may slip a diacritic: similarity, not equality
EXACT_ON_SCANS = ("symbol", "date", "kind")


def similarity(a: str, b: str) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio()


def right(producer: str, name: str, want: str, got: str) -> bool:
    """Whether a field was read right: exactly, or for a scan's words, by similarity."""
    if producer != "scan" or name in EXACT_ON_SCANS:
        return got == want
    return similarity(got, want) >= SIMILAR


def state_pdf(doc, *, blanks: bool = False, letters: dict[str, str] | None = None) -> bytes:
    """A state document (``tests/state_scans.py``'s ``StateDocument``) typeset born-digital, as a ministry's
    or a province's word processor prints it: two-line issuer over a rule, motto, ``Số: …`` and the date,
    title, subject, body, ``Nơi nhận`` beside the signing levels. ``blanks``: the number and the day left
    blank, for the signing step to stamp (``pdf_factory.sign_pdf(…, box=…)``); ``letters`` replaces
    characters as a font's own encoding would print them (``{"Ư": "Ƣ"}``)."""
    pdf = FPDF(format="A4", unit="pt")
    for style, suffix in (("", "Regular"), ("B", "Bold"), ("I", "Italic")):
        pdf.add_font("Serif", style, str(FONTS / f"LiberationSerif-{suffix}.ttf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    table = str.maketrans(letters or {})

    def line(x: float, width: float, y: float, text: str, style: str = "", size: float = 13, align: str = "C"):
        pdf.set_font("Serif", style, size)
        pdf.set_xy(x, y)
        pdf.cell(width, size + 2, text.translate(table), align=align)

    left, right = (40, 220), (250, 320)
    y = 110
    for index, text in enumerate(doc.issuer):
        line(*left, y, text, "B" if index == len(doc.issuer) - 1 else "")
        y += 16
    line(*right, 110, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "B")
    line(*right, 126, "Độc lập - Tự do - Hạnh phúc", "B")
    number, day = ("       ", "      ") if blanks else (doc.number, doc.day)
    line(*left, y + 14, f"Số: {number}{doc.code}")
    line(*right, y + 14, f"{doc.place}, ngày {day} tháng {doc.month} năm {doc.year}", "I")
    y += 40
    if not doc.title:
        for text in doc.subject:
            line(*left, y, text, size=12)
            y += 14
    else:
        line(40, 515, y + 10, doc.title, "B", 14)
        y += 28
        for text in doc.subject:
            line(40, 515, y, text, "B")
            y += 16
    y += 24
    for text in doc.body:
        line(60, 495, y, text, align="L")
        y += 18
    y += 16
    line(40, 200, y, "Nơi nhận:", "B", 11, "L")
    for offset, text in enumerate(doc.recipients, start=1):
        line(40, 200, y + offset * 13, text, size=10, align="L")
    for offset, text in enumerate(doc.authority):
        line(300, 250, y + offset * 16, text, "B")
    line(300, 250, y + 110, doc.signer, "B")
    return bytes(pdf.output())


def wrong_tounicode(pdf: bytes) -> bytes:
    """The PDF as a rewriting tool leaves it when it pairs a font with another font's ToUnicode map: the
    page renders as before, its text layer reads every letter beyond ASCII as another (``Kết`` → ``KӃt``)."""
    import re

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    def shifted(match: re.Match[bytes]) -> bytes:  # a letter beyond ASCII → a Cyrillic one
        code = int(match[2], 16)
        return match[1] + b"<%04X>" % (0x400 + (code & 0xFF) if code > 0x7F else code)

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        for font in page["/Resources"]["/Font"].values():
            cmap = font.get_object()["/ToUnicode"].get_object()
            data = re.sub(rb"(<[0-9A-Fa-f]{4}> ?)<([0-9A-Fa-f]{4})>", shifted, cmap.get_data())
            cmap.set_data(data)
            font.get_object()[NameObject("/ToUnicode")] = cmap.indirect_reference or cmap
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
