"""What a scan's hand and OCR's slips do to the fields a clerk registers, each family met on the real set's
scans (``bench/bench_real.py``) reproduced by a page or a text made here.

- the number and the day written by hand: a ``1`` with a long flag that Tesseract reads ``4`` (``981`` as
  ``484``, ``1114`` as ``4444``), digits the page's reading drops (``1114`` as ``4``), the label's colon;
  a hand Tesseract reads as other digits (``753`` as ``752``, ``14`` as ``11``), which the second engine
  (``archive/recognizer.py``) reads;
- the date's line with its comma lost (``Hà Nội ngày 08 tháng 4 năm 2026``), and a body's date that is not it;
- a mark the page's layout cut off its letter (``tô chức`` for ``tổ chức`` in a heavy toner's print), read
  right on its line alone, a word the line alone reads worse or with other letters kept as the page read it;
- the number's label and the date's line as OCR reads them (``số: 3 /KH-DCT``, ``ngày¿2tháng``), which must
  still end the issuing block;
- the ``ĐẾN`` stamp's lines and a speck run into the subject, its ``Về việc`` read ``và việc``;
- a syllable one diacritic off where only one word can stand: no syllable at all (``lĩnh vục``), a family
  name (``Trân Phước Hiền``), a body's name in the header (``CỤC THUE``).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PIL import Image, ImageDraw, ImageFont
from producers import state_pdf
from state_scans import FONTS, QUYET_DINH, image_pdf, printed_and_scanned
from state_scans import _hand as ink_hand

from archive import digits, ocr, recognizer, vocabulary
from archive.limits import Limits
from archive.metadata import read_metadata
from archive.proposals import judge
from archive.reading import read_pdf

HEIGHT = 46  # a handwritten digit at 200 dpi, as on the Government's scans
STROKE = 5


def _one(draw: ImageDraw.ImageDraw, x: int, y: int, h: int = HEIGHT) -> int:
    """A hand's 1: a slanted stem and a long flag down its left from the top (no crossbar)."""
    top = (x + round(0.45 * h), y)
    draw.line([top, (x + round(0.2 * h), y + h)], fill=0, width=STROKE)
    draw.line([top, (x, y + round(0.4 * h))], fill=0, width=STROKE)
    return x + round(0.6 * h)


def _four(draw: ImageDraw.ImageDraw, x: int, y: int, h: int = HEIGHT) -> int:
    """A hand's open 4: its diagonal, its crossbar right across, its stem through the bar."""
    bar = y + round(0.65 * h)
    draw.line([(x + round(0.4 * h), y), (x, bar)], fill=0, width=STROKE)
    draw.line([(x, bar), (x + round(0.7 * h), bar)], fill=0, width=STROKE)
    draw.line([(x + round(0.55 * h), y + round(0.25 * h)), (x + round(0.5 * h), y + h)], fill=0, width=STROKE)
    return x + round(0.85 * h)


def _hand(draw: ImageDraw.ImageDraw, x: int, y: int, number: str) -> int:
    for digit in number:
        x = {"1": _one, "4": _four}[digit](draw, x, y) + 8
    return x


def test_a_flagged_one_is_told_from_a_four_by_its_crossbar_and_the_label_s_colon_is_no_glyph():
    blank = Image.new("L", (340, 90), 255)
    draw = ImageDraw.Draw(blank)
    draw.ellipse((4, 40, 10, 46), fill=0)  # the label's colon, where the hand starts over it
    draw.ellipse((4, 62, 10, 68), fill=0)
    _hand(draw, 30, 25, "1114")
    draw.line([(0, 84), (339, 84)], fill=0, width=2)  # a dotted blank's rule under the number
    found = digits.glyphs(blank)
    assert len(found) == 4 and digits.digit_count(found) == [1, 1, 1, 1]
    assert [digits.crossbar(g) >= digits.CROSSBAR for g in found] == [False, False, False, True]
    assert digits.ones_for_fours("4444", found) == "1114"
    assert digits.ones_for_fours("4414", found) == "1114"
    assert digits.ones_for_fours("444", found) == "444"  # a reading that lost a digit is not guessed at


def _header_page(number: str, day: str, *, inked: bool = False) -> Image.Image:
    """The top of a state document: its issuer, ``Số:`` and the date line's printed words, the number and
    the day written by hand in their blanks: in strokes (a flagged ``1``, an open ``4``), or ``inked``, in
    blue ink with a pen's slant."""
    page = Image.new("RGB", (1654, 2339), "white")
    draw = ImageDraw.Draw(page)
    bold = ImageFont.truetype(str(FONTS / "LiberationSerif-Bold.ttf"), 34)
    regular = ImageFont.truetype(str(FONTS / "LiberationSerif-Regular.ttf"), 36)
    italic = ImageFont.truetype(str(FONTS / "LiberationSerif-Italic.ttf"), 36)

    def write(x: int, text: str) -> int:
        if inked:
            ink_hand(page, x - 5, 262, text)
            return x + 30 + 40 * len(text)
        return _hand(draw, x, 282, text)

    draw.text((200, 150), "THỦ TƯỚNG CHÍNH PHỦ", font=bold, fill="black")
    draw.text((820, 150), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=bold, fill="black")
    draw.text((960, 200), "Độc lập - Tự do - Hạnh phúc", font=bold, fill="black")
    draw.text((260, 290), "Số:", font=regular, fill="black")
    draw.text((write(330, number) + 14, 290), "/QĐ-TTg", font=regular, fill="black")
    draw.text((860, 290), "Hà Nội, ngày", font=italic, fill="black")
    draw.text((write(1075, day) + 14, 290), "tháng 9 năm 2024", font=italic, fill="black")
    draw.text((690, 420), "QUYẾT ĐỊNH", font=bold, fill="black")
    draw.text((420, 470), "Về việc kiện toàn Ban Chỉ đạo quốc gia về chuyển đổi số", font=bold, fill="black")
    draw.text((200, 600), "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;", font=italic, fill="black")
    return page


@pytest.mark.skipif(not ocr.available(), reason="Tesseract and poppler are needed to read a scan")
def test_a_handwritten_number_the_page_read_short_is_read_again_from_its_glyphs_and_proposed():
    """The page's reading gives ``Số: 4 /QĐ-TTg`` for the hand's ``1114``: fewer digits than the blank's glyphs,
    so the blank is read again from them. What OCR read stays a proposal."""
    content = read_pdf(image_pdf(_header_page("1114", "14")))
    assert content.ocr
    meta = read_metadata(content.text, ocr=True)
    assert (meta.symbol.replace(" ", ""), meta.date) == ("1114/QĐ-TTg", "2024-09-14"), content.text[:300]
    review = judge(meta, content.ocr_lines, Limits())
    assert review["proposed"]["symbol"]["value"].replace(" ", "") == "1114/QĐ-TTg"
    assert review["proposed"]["date"]["value"] == "2024-09-14" and meta.symbol == meta.date == ""


@pytest.mark.skipif(not (ocr.available() and recognizer.available()),
                    reason="Tesseract, poppler and RapidOCR are needed to read a scan's hand")
def test_a_hand_tesseract_reads_as_other_digits_is_read_by_the_second_engine_and_proposed():
    """Tesseract alone reads this hand's ``753`` as ``752`` and its ``14`` as ``11``: the blanks are read by
    the engine that knows handwriting. What it read stays a proposal a clerk confirms."""
    content = read_pdf(image_pdf(_header_page("753", "14", inked=True)))
    meta = read_metadata(content.text, ocr=True)
    assert (meta.symbol.replace(" ", ""), meta.date) == ("753/QĐ-TTg", "2024-09-14"), content.text[:300]
    review = judge(meta, content.ocr_lines, Limits())
    assert review["proposed"]["symbol"]["value"].replace(" ", "") == "753/QĐ-TTg"
    assert review["proposed"]["date"]["value"] == "2024-09-14" and meta.symbol == meta.date == ""


def test_two_ones_a_hand_joined_are_read_as_ones_where_the_second_engine_reads_an_h_before_a_digit():
    """The Thủ tướng's ``1160``, its two 1s joined by a stroke, read ``H60`` by the second engine."""
    read = [(":", 0.5), ("H", 0.86), ("6", 1.0), ("0", 0.98)]
    assert digits._ones_joined(read) == [(":", 0.5), ("1", 0.86), ("1", 0.86), ("6", 1.0), ("0", 0.98)]
    assert digits._ones_joined([("H", 0.9), ("D", 0.9)]) == [("H", 0.9), ("D", 0.9)]  # a symbol's letters


def test_a_date_line_whose_comma_ocr_lost_is_read_but_not_a_body_s_date():
    head = "BỘ TÀI CHÍNH\nCỤC THUẾ\nSố: 2191 /CT-CS\n"
    meta = read_metadata(head + "Hà Nội ngày 08 tháng 4 năm 2026\nV/v chính sách thuế\nKính gửi: Thuế tỉnh.\n",
                         ocr=True)
    assert (meta.date, meta.place) == ("2026-04-08", "Hà Nội")
    body = head + "Hà Nội ngày tháng 4 năm 2026\nQUYẾT ĐỊNH\nCăn cứ Luật\nTổ chức Chính phủ ngày 19 tháng 6 năm 2015;\n"
    assert read_metadata(body, ocr=True).date == ""
    assert read_metadata(head + "Hà Nội ngày 08 tháng 4 năm 2026\n").date == ""  # a text layer's words are as printed


@pytest.mark.skipif(not ocr.available(), reason="Tesseract and poppler are needed to read a scan")
def test_a_mark_the_page_s_layout_cut_off_is_read_from_the_line_alone():
    """Printed with a heavy toner and scanned, the subject's ``tổ`` comes out of the page's reading as ``tố``;
    its line, read alone, keeps the mark."""
    subject = ["V/v triển khai thủ tục cấp giấy phép", "cơ cấu tổ chức của Sở Công Thương"]
    content = read_pdf(printed_and_scanned(state_pdf(replace(QUYET_DINH, subject=subject)), ink=150))
    assert content.ocr
    assert read_metadata(content.text, ocr=True).subject == " ".join(subject), content.text[:400]


def test_a_word_read_again_on_its_line_alone_is_taken_only_where_surer_and_only_its_marks_differ():
    def word(text: str, conf: float, left: int = 100) -> ocr.Word:
        return ocr.Word(text, conf, left, 50, 60, 30)

    assert ocr._better(word("đối", 31), [word("đổi", 88, 104)]).text == "đổi"
    assert ocr._better(word("Chủ", 96), [word("Chú", 94)]).text == "Chủ"  # less sure: the page's stands
    assert ocr._better(word("V/V", 62), [word("V¿v", 91)]).text == "V/V"  # other letters: the page's stands
    assert ocr._better(word("HĐND", 91), [word("HDND", 92)]).text == "HĐND"  # đ is a letter, not a mark
    assert ocr._better(word("tô", 77), [word("tổ", 93, 300)]).text == "tô"  # not where it stands
    assert ocr._better(word("tô", 77), [word("tổ", 93, 90), word("c", 93, 130)]).text == "tô"  # two there
    if vocabulary.syllables():
        assert ocr._better(word("icỳ", 44), [word("kỳ", 97)]).text == "kỳ"  # no syllable, for one
        assert ocr._better(word("thì", 44), [word("kỳ", 97)]).text == "thì"  # a syllable, for another


OCR_HEAD = ("BỘ CÔNG THƯƠNG\nTRƯỜNG ĐẠI HỌC CÔNG THƯƠNG\nsố: Š /KH-DCT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\nThành phố Hồ Chí Minh, ngày¿2tháng 6 năm 2026\n")


def test_the_number_s_and_the_date_s_lines_as_ocr_reads_them_end_the_issuer():
    meta = read_metadata(OCR_HEAD + "KẾ HOẠCH\nKhảo sát chỉ số hài lòng của người dân\nCăn cứ Luật Giáo dục;\n",
                         ocr=True)
    assert meta.issuer == "BỘ CÔNG THƯƠNG TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG"
    head = OCR_HEAD.replace("số: Š /KH-DCT", "số. 28 b BCT-ATMT").replace("ngày¿2tháng", "ngày ?? tháng")
    meta = read_metadata(head.replace("TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG\n", "") + "V/v cấp giấy phép\nKính gửi: Sở.\n",
                         ocr=True)
    assert (meta.issuer, meta.subject) == ("BỘ CÔNG THƯƠNG", "V/v cấp giấy phép")


def test_the_den_stamp_s_lines_and_a_speck_are_not_the_subject_and_its_ve_viec_is_read():
    stamp = ("THỦ TƯỚNG CHÍNH PHỦ\nSố: 970/QĐ-TTg\nHà Nội, ngày 13 tháng 9 năm 2024\nQUYẾT ĐỊNH\n"
             "Ban hành danh mục dịch vụ sự nghiệp công\nthuộc lĩnh vực tài chính\n"
             "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHÙ\nGiờ... ẮC...... <ceee\nĐẾN vu 221812014...\n"
             "THỦ TƯỚNG CHÍNH PHỦ\nCăn cứ Luật Tổ chức Chính phủ;\n")
    assert read_metadata(stamp, ocr=True).subject == "Ban hành danh mục dịch vụ sự nghiệp công thuộc lĩnh vực tài chính"
    dotted = stamp.replace("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHÙ\nGiờ... ẮC...... <ceee\n", "0 S25 5314......\n")
    assert read_metadata(dotted, ocr=True).subject.endswith("lĩnh vực tài chính")
    speck = stamp.replace("Ban hành", "~Ì Ban hành")
    assert read_metadata(speck, ocr=True).subject.startswith("Ban hành danh mục")
    about = stamp.replace("Ban hành danh mục", "và việc ban hành danh mục")
    assert read_metadata(about, ocr=True).subject.startswith("Về việc ban hành danh mục")
    assert read_metadata(about).subject.startswith("và việc")  # a text layer's words are as printed


@pytest.mark.skipif(not vocabulary.syllables(), reason="Tesseract's Vietnamese word list is needed")
def test_a_word_one_diacritic_off_is_put_right_only_where_one_word_can_stand():
    text = ("BỘ TÀI CHÍNH\nCỤC THUE\nSố: 2191/CT-CS\nHà Nội, ngày 08 tháng 4 năm 2026\n"
            "V/v triên khai chính sách thuê thuộc lĩnh vục tài chính\nKính gửi: Thuế tỉnh Ninh Bình.\n"
            "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CỤC TRƯỞNG\nPHÓ CỤC TRƯỞNG\nTrân Phước Hiền\n")
    meta = read_metadata(text, ocr=True)
    assert meta.issuer == "BỘ TÀI CHÍNH CỤC THUẾ"
    # no syllable (triên, vục) → the one it can be; a real one (thuê: rent, not thuế: tax) stays as read
    assert meta.subject == "V/v triển khai chính sách thuê thuộc lĩnh vực tài chính"
    assert meta.signer == "Trần Phước Hiền"
    assert read_metadata(text.replace("Trân", "La"), ocr=True).signer == "La Phước Hiền"
    assert read_metadata(text).signer == "Trân Phước Hiền"  # a text layer is as printed


def test_lines_read_again_past_the_page_s_time_keep_the_page_s_reading(tmp_path):
    """The page was read in time; its lines' second reading, out of time, leaves them as they were read
    rather than failing the page."""
    import time

    page = Image.new("L", (400, 100), 255)
    lines = [[ocr.Word("tô", 77, 10, 10, 60, 30)], [ocr.Word("chức", 90, 80, 10, 80, 30)]]
    assert ocr._lines_read_again(page, lines, tmp_path, time.monotonic() - 1, 1, lambda line: True) == lines
