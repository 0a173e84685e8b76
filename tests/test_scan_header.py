"""What crowds a scan's header, each family met on the real set's scans (``bench/bench_real.py``) and
reproduced by a page or a text made here.

- the receiving office's ``ĐẾN`` stamp, a framed box beside the subject's lines, that OCR runs into the
  subject (``CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH Pị Thi hành …``) or takes with it for a picture;
- a subject's line ending lower in one column than the date's first words in the other, which took the
  date's blanks away from their labels (``Hà`` and ``năm 2026`` on the subject's row);
- a seal's ring read as specks run into the title (``(2/8 \\QUYÉT ĐỊNH``), a reader's mark after the
  national motto (``… VIỆT NAM TIJ``);
- the bold subject read worse than the body that restates it (``phòng thì``, ``Ủyb bạn``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from state_scans import FONTS, HAND, image_pdf

from archive import digits, ocr, stamps, vocabulary
from archive.metadata import add_received, read_metadata
from archive.reading import read_pdf

SUBJECT = ["Thi hành kỷ luật đối với ông Nguyễn Văn Phúc,", "Phó Chủ tịch Ủy ban nhân dân tỉnh Lâm Đồng"]


def _font(size: int, style: str = "Regular") -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / f"LiberationSerif-{style}.ttf"), size)


def _centred(draw: ImageDraw.ImageDraw, x: int, y: int, text: str, font: ImageFont.FreeTypeFont) -> int:
    width = draw.textlength(text, font=font)
    draw.text((x - width / 2, y), text, font=font, fill=0)
    return int(x - width / 2)


def _received(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int]) -> None:
    """A portal's ``ĐẾN`` stamp: its frame, its head over a rule, ``ĐẾN``, its dotted blanks, a hand's hour
    and day."""
    left, top, right, _ = box
    draw.rectangle(box, outline=0, width=3)
    draw.text((left + 10, top + 6), "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", font=_font(20, "Bold"), fill=0)
    draw.line((left, top + 34, right, top + 34), fill=0, width=2)
    draw.text((left + 10, top + 60), "ĐẾN", font=_font(46, "Bold"), fill=0)
    draw.text((left + 120, top + 48), "Giờ:" + "." * 40, font=_font(22), fill=0)
    draw.text((left + 120, top + 98), "Ngày:" + "." * 38, font=_font(22), fill=0)
    hand = ImageFont.truetype(str(HAND), 40)
    draw.text((left + 190, top + 30), "8", font=hand, fill=0)
    draw.text((left + 190, top + 80), "11/10/2024", font=hand, fill=0)


def _decision_page() -> Image.Image:
    """A Prime Minister's decision at 200 dpi, received: the ``ĐẾN`` stamp 12 pixels left of its subject."""
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    _centred(draw, 390, 150, "THỦ TƯỚNG CHÍNH PHỦ", _font(34, "Bold"))
    _centred(draw, 1130, 150, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _font(34, "Bold"))
    _centred(draw, 1130, 194, "Độc lập - Tự do - Hạnh phúc", _font(36, "Bold"))
    _centred(draw, 390, 290, "Số: 1160/QĐ-TTg", _font(36))
    _centred(draw, 1130, 290, "Hà Nội, ngày 11 tháng 10 năm 2024", _font(36, "Italic"))
    _centred(draw, 870, 420, "QUYẾT ĐỊNH", _font(40, "Bold"))
    lefts = [_centred(draw, 870, 470 + 48 * at, line, _font(38, "Bold")) for at, line in enumerate(SUBJECT)]
    _centred(draw, 870, 640, "THỦ TƯỚNG CHÍNH PHỦ", _font(38, "Bold"))
    draw.text((230, 740), "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;", font=_font(38, "Italic"), fill=0)
    right = min(lefts) - 12
    _received(draw, (right - 380, 455, right, 610))
    return page


@pytest.mark.skipif(not ocr.available(), reason="Tesseract and poppler are needed to read a scan")
def test_a_received_stamp_beside_the_subject_is_taken_out_before_ocr_reads_the_page():
    """With the stamp on the page, Tesseract reads its head into the subject's first line (``CỔNG THÔNG TIN
    ĐIỆN TỪ CHÍNH Pị Thi hành …``)."""
    content = read_pdf(image_pdf(_decision_page()))
    assert content.ocr
    meta = read_metadata(content.text, ocr=True)
    assert (meta.kind, meta.subject) == ("QĐ", " ".join(SUBJECT)), content.text[:500]
    assert "THÔNG TIN" not in content.text and any("THÔNG TIN" in line for line in content.received)


def _tilted_frame(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], degrees: float) -> None:
    """A frame turned ``degrees`` about its top left corner, its left side broken every 20 pixels (a worn
    stamp, its rule's breaks narrower than a stroke)."""
    left, top, right, bottom = box
    turn = math.radians(degrees)

    def at(x: float, y: float) -> tuple[float, float]:
        return (left + (x - left) * math.cos(turn) - (y - top) * math.sin(turn),
                top + (x - left) * math.sin(turn) + (y - top) * math.cos(turn))

    draw.line([at(left, top), at(right, top), at(right, bottom), at(left, bottom)], fill=0, width=3)
    for y in range(top, bottom, 20):
        draw.line([at(left, y), at(left, min(bottom, y + 18))], fill=0, width=3)


def test_a_stamp_s_frame_and_what_it_holds_are_whitened_and_a_seal_a_mark_s_box_and_the_body_kept():
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    _tilted_frame(draw, (100, 500, 480, 660), 0.5)
    draw.text((130, 560), "ĐẾN  Ngày: 11/10/2024", font=_font(30), fill=0)
    draw.text((470, 470), "V", font=_font(60, "Bold"), fill=0)  # a subject's letter into the frame's corner
    draw.ellipse((700, 450, 980, 730), outline=0, width=6)  # a seal's ring
    draw.rectangle((1050, 500, 1365, 579), outline=0, width=4)  # an urgency mark's box: 40 by 10 mm
    draw.text((1075, 515), "THƯỢNG KHẨN", font=_font(40, "Bold"), fill=0)
    draw.rectangle((200, 1500, 900, 1800), outline=0, width=3)  # a table in the body
    ink = np.asarray(page) < 128
    clean = np.asarray(stamps.whitened(page, stamps.frames(page, 200))) < 128
    assert not clean[495:670, 100:485].any()  # the frame and its words
    assert clean[470:490, 470:520].sum() > 0.8 * ink[470:490, 470:520].sum()  # the letter outside it
    assert (clean[400:800, 650:1400] == ink[400:800, 650:1400]).all()  # the seal, the mark
    assert (clean[1400:] == ink[1400:]).all()  # the body
    unstamped = Image.new("L", (800, 1000), 255)
    assert stamps.frames(unstamped, 200) == [] and stamps.whitened(unstamped, []) is unstamped
    assert stamps.frames(Image.new("L", (3000, 1), 0), 200) == []  # a sliver of a scan: no stamp, no error


def _word(text: str, left: int, top: int, width: int, height: int) -> ocr.Word:
    return ocr.Word(text, 90.0, left, top, width, height)


def test_the_date_s_words_a_subject_s_line_took_are_put_back_on_their_row_with_their_blanks():
    """As Tesseract placed them on a ministry's 150 dpi scan: the subject's line ``V/v … cấp`` in the left
    column, the date's line a few pixels lower in the right, its month written by hand into ``thángh``."""
    subject = [_word("V/v", 209, 237, 37, 19), _word("triển", 253, 237, 45, 19), _word("khai", 305, 237, 42, 18),
               _word("thủ", 456, 237, 32, 18), _word("tục", 494, 240, 30, 19), _word("cấp", 531, 237, 34, 23)]
    date = [_word("Hà", 662, 243, 35, 21), _word("Nội,", 705, 243, 46, 25), _word("ngày02", 762, 242, 87, 28),
            _word("thángh", 857, 240, 84, 31), _word("năm", 953, 242, 49, 20), _word("2026", 1011, 241, 58, 20)]
    rows = digits._rows(subject + date)
    assert [[w.text for w in row] for row in rows] == [[w.text for w in subject], [w.text for w in date]]
    start, end, index = digits._blank(rows[1], digits._MONTH_LABEL, lambda w: w.text == "năm")
    assert (rows[1][index].text, end) == ("thángh", 953) and start < end


def test_a_seal_s_specks_before_the_title_and_a_mark_after_the_motto_are_not_read():
    text = ("THỦ TƯỚNG CHÍNH PHỦ CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM TIJ\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 981/QĐ-TTg\nHà Nội, ngày 14 tháng 9 năm 2024\n(2/8 \\QUYÉT ĐỊNH\n"
            "Phê chuẩn kết quả miễn nhiệm chức vụ Chủ tịch\nỦy ban nhân dân tỉnh Thái Nguyên\n"
            "THỦ TƯỚNG CHÍNH PHỦ\nCăn cứ Luật Tổ chức Chính phủ;\n")
    meta = read_metadata(text, ocr=True)
    assert (meta.issuer, meta.kind) == ("THỦ TƯỚNG CHÍNH PHỦ", "QĐ")
    assert meta.subject == "Phê chuẩn kết quả miễn nhiệm chức vụ Chủ tịch Ủy ban nhân dân tỉnh Thái Nguyên"
    two = text.replace("VIỆT NAM TIJ\n", "VIỆT NAM\n").replace("Độc lập", "VĂN PHÒNG CHÍNH PHỦ Độc lập")
    assert read_metadata(two, ocr=True).issuer == "THỦ TƯỚNG CHÍNH PHỦ VĂN PHÒNG CHÍNH PHỦ"


HEAD = "TRƯỜNG ĐẠI HỌC CÔNG NGHỆ THÔNG TIN\nSố: 01/TB-BGH\nTp. Hồ Chí Minh, ngày 22 tháng 01 năm 2013\n"


@pytest.mark.skipif(not vocabulary.syllables(), reason="Tesseract's Vietnamese word list is needed")
def test_a_scan_s_subject_takes_the_body_s_reading_of_a_word_only_where_the_body_restates_it():
    body = ("1. Cán bộ coi thi có mặt trong phòng thi đúng giờ.\n2. Người không có nhiệm vụ không ở trong\n"
            "phòng thi khi thi.\n")
    notice = HEAD + "THÔNG BÁO\nV/v Tăng cường giám sát trong phòng thì\nKính gửi: Các Khoa, Phòng ban.\n" + body
    assert read_metadata(notice, ocr=True).subject == "V/v Tăng cường giám sát trong phòng thi"
    assert read_metadata(notice).subject.endswith("phòng thì")  # a text layer's words are as printed
    once = notice.replace("phòng thi khi", "phòng họp khi")  # one more OCR reading is no better than the subject's
    assert read_metadata(once, ocr=True).subject.endswith("phòng thì")
    decision = ("THỦ TƯỚNG CHÍNH PHỦ\nSố: 1160/QĐ-TTg\nHà Nội, ngày 11 tháng 10 năm 2024\nQUYẾT ĐỊNH\n"
                "Thí hành kỷ luật đối với ông Nguyễn Văn Phúc, Phó' Chủ tịch Ủyb bạn\nnhân dân tỉnh Lâm Đồng\n"
                "THỦ TƯỚNG CHÍNH PHỦ\nCăn cứ Luật Cán bộ, công chức;\nĐiều 1. Thi hành kỷ luật bằng hình thức\n"
                "khiển trách đối với ông Nguyễn Văn Phúc, Phó Chủ tịch Ủy ban nhân dân tỉnh Lâm Đồng.\n"
                "Điều 2. Ủy ban nhân dân tỉnh thi hành kỷ luật theo quy định.\n")
    assert read_metadata(decision, ocr=True).subject == " ".join(SUBJECT)
    # other letters only where the subject's word is no syllable and no abbreviation; a number as printed
    dispatch = (HEAD + "V/v chính sách thuế TNDN cho hàng hóa loại 1,2,3,4,9 ˆ năm 2021 - 2025\nKính gửi: Sở.\n"
                + "Thuế TTĐB cho hàng hóa loại 1 năm 2021 - 2025.\n" * 2)
    assert read_metadata(dispatch, ocr=True).subject == (
        "V/v chính sách thuế TNDN cho hàng hóa loại 1,2,3,4,9 năm 2021 - 2025")


@pytest.mark.skipif(not ocr.available(), reason="Tesseract and poppler are needed to read a scan")
def test_a_mark_s_box_drawn_as_tall_as_a_stamp_is_still_read_as_the_page_s_mark():
    """A secrecy mark is a field: where an office's ``TỐI MẬT`` box is as tall as a stamp's frame and is taken
    off the page with it, its words, read alone, are still the page's mark."""
    page = _decision_page()
    draw = ImageDraw.Draw(page)
    draw.rectangle((150, 330, 560, 470), fill=255)
    draw.rectangle((170, 340, 530, 460), outline=0, width=5)  # 1.8 by 0.6 inch
    _centred(draw, 350, 370, "TỐI MẬT", _font(48, "Bold"))
    content = read_pdf(image_pdf(page))
    meta = read_metadata(content.text, ocr=True)
    add_received(meta, content.received)
    assert "TỐI MẬT" in meta.marks, (content.received, content.text[:300])
