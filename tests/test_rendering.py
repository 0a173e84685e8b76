"""Generated DOCX read back with python-docx, checked against the rules of FORMAT.md."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from conftest import CONG_VAN, EXAMPLES
from docx_reading import cell_texts, default_fonts, flag, mm, paragraph_with, size_pt


def generate(run, datafile, kind: str, data: dict | Path, *extra: str) -> docx.document.Document:
    path = data if isinstance(data, Path) else datafile(data)
    result = run("new", kind, str(path), "--json", *extra)
    assert result.exit_code == 0, result.output
    import json

    return docx.Document(json.loads(result.output.splitlines()[-1])["docx"])


@pytest.fixture
def cong_van(run, datafile):
    return generate(run, datafile, "cong-van", CONG_VAN)


def test_page_is_a4_with_profile_margins(cong_van):
    section = cong_van.sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [mm(m) for m in margins] == [20, 20, 30, 15]


def test_margins_and_sizes_come_from_the_workspace_profile(workspace, run, datafile):
    text = workspace.config.read_text("utf-8")
    text = text.replace("margin_left_mm = 30", "margin_left_mm = 25").replace("\nbody = 14", "\nbody = 13")
    workspace.config.write_text(text, "utf-8")
    document = generate(run, datafile, "cong-van", CONG_VAN)
    assert mm(document.sections[0].left_margin) == 25
    assert size_pt(paragraph_with(document, "Đề nghị các đơn vị")) == 13


def test_every_font_slot_is_times_new_roman_in_vietnamese(cong_van):
    fonts = default_fonts(cong_van)
    assert {fonts[slot] for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    assert not any(key.endswith("Theme") for key in fonts)


def test_header_table_of_a_cong_van(cong_van):
    left, right = cong_van.tables[0].rows[0].cells
    assert cell_texts(left) == ["TỈNH ỦY LÂM ĐỒNG", "*", "Số 01-CV/TU",  # 03/6/2026: Hướng dẫn 05-HD/VPTW
                                "Về việc rà soát tiến độ giải phóng mặt\u00a0bằng"]  # no lone last word
    assert cell_texts(right) == ["ĐẢNG CỘNG SẢN VIỆT NAM", "", "Lâm Đồng, ngày 03 tháng 6 năm 2026"]
    issuer, _star, symbol, subject = left.paragraphs
    assert (size_pt(issuer), flag(issuer, "bold")) == (14, True)
    assert (size_pt(symbol), flag(symbol, "bold")) == (14, False)
    assert (size_pt(subject), flag(subject, "italic")) == (12, True)
    party, _blank, place_date = right.paragraphs
    assert (size_pt(party), flag(party, "bold"), flag(party, "underline")) == (15, True, True)
    assert (size_pt(place_date), flag(place_date, "italic")) == (14, True)


def test_kinh_gui_lists_several_recipients(cong_van):
    label = paragraph_with(cong_van, "Kính gửi:")
    assert label.text == "Kính gửi:" and label.runs[0].italic
    texts = [p.text for p in cong_van.paragraphs]
    start = texts.index("Kính gửi:")
    assert texts[start + 1:start + 3] == ["- Đảng ủy các xã, phường, đặc khu;",
                                          "- Các Tổ theo dõi địa bàn."]


def test_kinh_gui_with_one_recipient_stays_on_one_line(run, datafile):
    document = generate(run, datafile, "cong-van", {**CONG_VAN, "to": "Đảng ủy xã Đắk Song"})
    line = paragraph_with(document, "Kính gửi:")
    assert line.text == "Kính gửi: Đảng ủy xã Đắk Song"
    assert line.runs[0].italic and not line.runs[1].italic


def test_body_markup_becomes_bold_runs_and_justified_paragraphs(cong_van):
    paragraph = paragraph_with(cong_van, "Đề nghị các đơn vị")
    assert [(r.text, bool(r.bold)) for r in paragraph.runs] == [
        ("Đề nghị các đơn vị ", False), ("khẩn trương", True), (" rà soát.", False)]
    assert paragraph.style.name == "VT Body"
    assert paragraph.style.paragraph_format.alignment == 3  # justify
    assert mm(paragraph.style.paragraph_format.first_line_indent) == 10
    assert paragraph_with(cong_van, "- Báo cáo trước").text == "- Báo cáo trước ngày 15/12/2026."


def test_closing_table_with_noi_nhan_and_signature(cong_van):
    left, right = cong_van.tables[-1].rows[0].cells
    assert cell_texts(left) == ["Nơi nhận:", "- Như trên;", "- Thường trực Tỉnh ủy;",  # «Như trên» first
                                "- Lưu Văn phòng Tỉnh ủy, TH."]
    label = left.paragraphs[0]
    assert (size_pt(label), flag(label, "bold"), flag(label, "underline")) == (14, False, True)
    assert size_pt(left.paragraphs[1]) == 12
    assert cell_texts(right) == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ THƯỜNG TRỰC", "Đặng Hồng Sỹ"]
    assert [flag(p, "bold") for p in right.paragraphs] == [True, False, True]  # chức vụ not bold


def test_page_numbers_from_page_two_in_the_header(cong_van):
    section = cong_van.sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml
    assert "PAGE" not in section.first_page_header._element.xml


def test_page_numbers_can_move_to_the_footer(workspace, run, datafile):
    text = workspace.config.read_text("utf-8").replace('page_numbers = "header"',
                                                         'page_numbers = "footer"')
    workspace.config.write_text(text, "utf-8")
    section = generate(run, datafile, "cong-van", CONG_VAN).sections[0]
    assert "PAGE" in section.footer._element.xml and "PAGE" not in section.header._element.xml


def test_values_are_text_never_markup(run, datafile):
    tricky = "Tôm & Cua <b>đậm</b> {{ ten }} {% if x %}"
    document = generate(run, datafile, "cong-van", {
        **CONG_VAN, "subject": tricky, "to": [tricky, "B"], "body": f"Mở đầu {tricky} kết thúc.",
        "recipients": [tricky]})
    assert cell_texts(document.tables[0].rows[0].cells[0])[3] == f"Về việc {tricky}".replace(" %}", "\u00a0%}")
    assert paragraph_with(document, "Mở đầu").text == f"Mở đầu {tricky} kết thúc."
    assert paragraph_with(document, "- Tôm").text == f"- {tricky};"
    assert cell_texts(document.tables[-1].rows[0].cells[0])[2] == f"- {tricky};"


def test_marks_stand_bold_under_the_symbol(run, datafile):
    document = generate(run, datafile, "cong-van", {**CONG_VAN, "secrecy": "mật",
                                                     "urgency": "Hoả tốc"})
    left = document.tables[0].rows[0].cells[0]
    assert cell_texts(left)[-2:] == ["MẬT", "HỎA TỐC"]
    assert all(flag(p, "bold") for p in left.paragraphs[-2:])


def test_a_sub_body_writes_its_parent_then_its_own_name(run, datafile):
    document = generate(run, datafile, "cong-van", {**CONG_VAN, "body_code": "VPTU"})
    left, right = document.tables[0].rows[0].cells
    assert cell_texts(left)[:4] == ["TỈNH ỦY LÂM ĐỒNG", "VĂN PHÒNG", "*", "Số 01-CV/VPTU"]
    assert not flag(left.paragraphs[0], "bold") and flag(left.paragraphs[1], "bold")
    assert cell_texts(right)[-1].startswith("Lâm Đồng, ngày")
    assert cell_texts(right).index(cell_texts(right)[-1]) == 3  # date level with the symbol
    assert cell_texts(document.tables[-1].rows[0].cells[1]) == ["CHÁNH VĂN PHÒNG", "Trần Minh Khoa"]


def test_quyet_dinh_title_bases_and_articles(run, datafile):
    document = generate(run, datafile, "quyet-dinh", EXAMPLES / "quyet_dinh.yaml")
    title = paragraph_with(document, "QUYẾT ĐỊNH")
    assert (size_pt(title), flag(title, "bold")) == (16, True)
    subject = paragraph_with(document, "Ban hành Quy chế")
    assert flag(subject, "bold") and size_pt(subject) == 14
    texts = [p.text for p in document.paragraphs]
    assert texts[texts.index(subject.text) + 1] == "-----"
    assert "- Căn cứ Điều lệ Đảng;" in texts
    assert "Xét đề nghị của Chánh Văn phòng Tỉnh ủy." in texts  # dated today: 05-HD/VPTW ends it with «.»
    assert "BAN THƯỜNG VỤ TỈNH ỦY QUYẾT ĐỊNH" in texts
    article = paragraph_with(document, "Điều 1.")
    assert article.runs[0].text == "Điều 1. " and article.runs[0].bold
    assert paragraph_with(document, "Điều 3.").text.endswith("thi hành Quyết định này.")
    assert cell_texts(document.tables[0].rows[0].cells[0])[2] == "Số 01-QĐ/TU"


def test_without_proposer_the_last_basis_ends_the_block(run, datafile):
    document = generate(run, datafile, "quyet-dinh", {
        "subject": "Thành lập tổ công tác", "bases": ["Căn cứ Điều lệ Đảng", "Căn cứ Quy chế"],
        "articles": ["Thành lập.", "Thi hành."]})
    texts = [p.text for p in document.paragraphs]
    assert texts[texts.index("- Căn cứ Điều lệ Đảng;") + 1] == "- Căn cứ Quy chế."


def test_thong_bao_ket_luan(run, datafile):
    document = generate(run, datafile, "thong-bao", EXAMPLES / "thong_bao_ket_luan.yaml")
    assert paragraph_with(document, "THÔNG BÁO").text == "THÔNG BÁO"
    assert paragraph_with(document, "kết luận của Thường trực").text.endswith("xã Đắk\u00a0Song")
    assert cell_texts(document.tables[-1].rows[0].cells[1])[:2] == ["T/L BAN THƯỜNG VỤ",
                                                                   "CHÁNH VĂN PHÒNG"]


def test_draft_leaves_the_number_blank(run, datafile, workspace):
    document = generate(run, datafile, "cong-van", CONG_VAN, "--draft")
    assert cell_texts(document.tables[0].rows[0].cells[0])[2] == "Số     -CV/TU"
    assert run("register", "list", "--json").output.strip() == "[]"
