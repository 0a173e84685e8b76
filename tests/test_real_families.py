"""What real documents from every producer do that ours did not: each family of faults met on the real set
(``bench/bench_real.py``), reproduced by a file made here, so that the suite needs no ``../shared``."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from pdf_factory import make_identity, sign_pdf
from producers import state_pdf, wrong_tounicode
from state_scans import CONG_VAN, QUYET_DINH, UBND
from test_archive import drop, ingest_inbox, vanthu

from archive.limits import LimitExceeded, check_depth
from archive.metadata import read_metadata
from archive.reading import read_pdf
from archive.textlayer import broken
from docgen.kinds import KINDS, STATE_KINDS
from docgen.text import fold

PARTY_HEAD = "TỈNH ỦY LÂM ĐỒNG\n*\nSố {symbol}\nĐẢNG CỘNG SẢN VIỆT NAM\nLâm Đồng, ngày 04 tháng 6 năm 2026\n"
STATE_HEAD = ("BỘ CÔNG THƯƠNG\nCỤC HÓA CHẤT\nSố: {symbol}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Độc lập - Tự do - Hạnh phúc\nHà Nội, ngày 04 tháng 6 năm 2026\n")
BODY = "Căn cứ Luật Hóa chất ngày 21 tháng 11 năm 2007;\nNội dung văn bản.\n"


def _closing(levels: str, title: str, name: str) -> str:
    return f"Nơi nhận:\n- Như trên;\n- Lưu: VT.\n{levels}\n{title}\n{name}\n"


def test_every_kind_is_read_from_its_title_line_party_and_state():
    """Quy định 399-QĐ/TW's kinds and Nghị định 30's (joint ones too): the title names the kind, whatever
    code the symbol carries (a Quy định of the Central Committee is numbered ``294-QĐ/TW``)."""
    for kind in KINDS:
        if kind.code == "CV":
            continue
        text = (PARTY_HEAD.format(symbol="294-QĐ/TW") + f"{kind.title}\nvề công tác kiểm tra năm 2026\n" + BODY
                + _closing("T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Lê Văn Hoà"))
        meta = read_metadata(text)
        assert (meta.kind, meta.kind_name, meta.symbol) == (kind.code, kind.name, "294-QĐ/TW"), kind
    for kind in STATE_KINDS:
        if kind.code == "CV":
            continue
        text = (STATE_HEAD.format(symbol=f"12/{kind.code}-CHC") + f"{kind.title}\nVề việc an toàn hóa chất\n"
                + BODY + _closing("KT. CỤC TRƯỞNG", "PHÓ CỤC TRƯỞNG", "Nguyễn Văn An"))
        meta = read_metadata(text)
        assert (meta.kind, meta.kind_name, meta.layout) == (kind.code, kind.name, "state"), kind


def test_a_cong_van_is_told_by_its_v_v_though_its_body_code_looks_like_a_kind():
    """``Số: 2191 /CT-CS`` is a Công văn of the Cục Thuế (CT), not a Chỉ thị: no title, a ``V/v``."""
    text = (STATE_HEAD.format(symbol="2191 /CT-CS") + "V/v chính sách thuế TNDN\nKính gửi: Thuế tỉnh Lâm Đồng.\n"
            + BODY + _closing("TL. CỤC TRƯỞNG", "PHÓ TRƯỞNG BAN", "Mạnh Thị Tuyết"))
    meta = read_metadata(text)
    assert (meta.kind, meta.symbol, meta.subject) == ("CV", "2191 /CT-CS", "V/v chính sách thuế TNDN")


@pytest.mark.parametrize(("line", "symbol", "kind"), [
    ("Số: 1074/QĐ-BXD", "1074/QĐ-BXD", "QĐ"),
    ("Số: 3 /2025/QĐ-UBND", "3 /2025/QĐ-UBND", "QĐ"),
    ("Số: 24/HDLN-BCA-BQP-BYT-BCT-BTC-VKSNDTC-TANDTC", "24/HDLN-BCA-BQP-BYT-BCT-BTC-VKSNDTC-TANDTC", "HDLN"),
    ("Số 38 - HD/BTCTW", "38 - HD/BTCTW", "HD"),
    ("Số 01-HD/BTCTW-BTGTW", "01-HD/BTCTW-BTGTW", "HD"),
    ("Số: 77/CAT-PA03", "77/CAT-PA03", "CV"),  # a unit's code ends in its number (Công an tỉnh's PA03)
    ("Số: 301/SNN-TT1A", "301/SNN-TT1A", "CV"),
])
def test_symbols_are_stored_as_printed_in_every_form(line, symbol, kind):
    head = STATE_HEAD if "/" in line.split("-")[0] or line.startswith("Số:") else PARTY_HEAD
    text = head.replace("Số: {symbol}", line).replace("Số {symbol}", line) + "V/v phối hợp\n" + BODY
    meta = read_metadata(text)
    assert meta.symbol == symbol and meta.kind in (kind, "CV")


def test_subjects_end_where_the_body_starts_keep_their_capitals_and_lose_their_parentheses():
    capitals = (STATE_HEAD.format(symbol="45/2026/NĐ-CP") + "NGHỊ ĐỊNH\nQUY ĐỊNH QUẢN LÝ ĐẦU TƯ ỨNG DỤNG\n"
                "NGUỒN VỐN NGÂN SÁCH NHÀ NƯỚC\nCHÍNH PHỦ\n" + BODY)
    assert read_metadata(capitals).subject == "QUY ĐỊNH QUẢN LÝ ĐẦU TƯ ỨNG DỤNG NGUỒN VỐN NGÂN SÁCH NHÀ NƯỚC"
    bracketed = (STATE_HEAD.format(symbol="01/TB-BGH") + "THÔNG BÁO\n(V/v Tăng cường giám sát\ntrong phòng thi)\n"
                 "Hiện nay nhà trường nhận được phản ánh về việc mất tài sản.\n" + BODY)
    meta = read_metadata(bracketed)
    assert (meta.kind, meta.subject) == ("TB", "V/v Tăng cường giám sát trong phòng thi")


def test_the_signing_block_is_the_first_with_every_level_not_an_appendix_form():
    text = (STATE_HEAD.format(symbol="45/2026/NĐ-CP") + "NGHỊ ĐỊNH\nQuy định quản lý đầu tư\n" + BODY
            + "TM. CHÍNH PHỦ\n" + _closing("KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG", "Nguyễn Chí Dũng")
            + "PHỤ LỤC\nMẫu số 01. Tờ trình\nCƠ QUAN TRÌNH\nSố:\nNơi nhận:\n- Như trên;\n"
              "ĐẠI DIỆN CƠ QUAN TRÌNH\n(Ký, ghi rõ họ tên)\nNguyễn Văn Bình\n")
    meta = read_metadata(text)
    assert (meta.authority, meta.signer_title, meta.signer) == ("TM. CHÍNH PHỦ KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG",
                                                                 "Nguyễn Chí Dũng")


def test_ocr_specks_beside_the_issuing_block_are_not_its_name():
    for speck in ("T1-P7", "Ỉ", ", 7T TÍÝ}T ”. J"):
        text = f"{speck} THỦ TƯỚNG CHÍNH PHỦ\nSố: 970/QĐ-TTg\nHà Nội, ngày 13 tháng 9 năm 2024\nQUYẾT ĐỊNH\nVề việc\n"
        assert read_metadata(text, ocr=True).issuer == "THỦ TƯỚNG CHÍNH PHỦ", speck


def test_a_broken_or_poor_text_layer_is_told_from_a_good_one():
    good = " ".join(QUYET_DINH.body) * 2
    assert broken(good) == ""
    mojibake = good.translate(str.maketrans({ch: chr(0x400 + (ord(ch) & 0xFF)) for ch in set(good) if ord(ch) > 0x7F}))
    assert "bảng mã" in broken(mojibake)
    old_ocr = fold(good) + " Ding Cong sin Viet Nam Doc lap Tu do Hanh phuc" * 3  # no diacritic left
    assert "thiếu dấu" in broken(old_ocr) or "không phải tiếng Việt" in broken(old_ocr)


def test_a_stream_ended_by_a_bare_cr_is_data_not_nesting_and_a_real_bomb_still_stops():
    """HP's scanner software writes ``stream\\r``: its JPEG's bytes hold hundreds of ``[``."""
    image = b"\xff\xd8" + b"[<<" * 400 + b"\xff\xd9"
    pdf = (b"%PDF-1.4\n1 0 obj\n<< /Type /XObject /Subtype /Image /Length " + str(len(image)).encode()
           + b" >> stream\r" + image + b"\nendstream\nendobj\n%%EOF\n")
    check_depth(pdf)
    with pytest.raises(LimitExceeded):
        check_depth(b"%PDF-1.4\n1 0 obj\n" + b"[" * 500 + b"]" * 500 + b"\nendobj\n%%EOF\n")


@pytest.fixture(scope="module")
def portal() -> tuple:
    ca = make_identity("CA thử nghiệm")
    return ca, make_identity("TRUNG TÂM CÔNG BÁO VÀ TIN HỌC", ca, organization="ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG")


def test_a_signature_box_above_a_two_line_issuer_is_not_the_documents_and_a_stamped_number_is(portal):
    """A province's born-digital Thông báo: the number and day stamped by the signing step into their
    blanks (signature fields of their own), then the gazette centre's box signed above the header."""
    ca, centre = portal
    doc = replace(UBND, title="THÔNG BÁO", code="/TB-UBND", number="11", day="8", month=1, year=2025,
                  subject=["Kết luận của Chủ tịch Ủy ban nhân dân tỉnh", "tại cuộc họp giao ban tháng 01"])
    pdf = state_pdf(doc, blanks=True, letters={"Ư": "Ƣ", "ư": "ƣ"})
    pdf = sign_pdf(pdf, centre, ca, "So", box=(117, 671, 139, 688), stamp="11")  # in «Số: ___ /TB-UBND»
    pdf = sign_pdf(pdf, centre, ca, "Ngay", box=(396, 671, 416, 688), stamp="08")
    box = "Ký bởi: TRUNG TÂM CÔNG BÁO VÀ TIN HỌC\nCơ quan: ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG\nThời gian ký: 09.01.2025"
    pdf = sign_pdf(pdf, centre, ca, "Box", box=(60, 760, 330, 800), stamp=box)
    content = read_pdf(pdf)
    meta = read_metadata(content.text)
    assert not content.ocr and "TRUNG TÂM" not in content.text and "Ký bởi" not in content.text
    assert any("TRUNG TÂM CÔNG BÁO" in line for line in content.appearance)
    assert meta.issuer == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG" and meta.kind == "TB"
    assert (meta.symbol, meta.date) == ("11 /TB-UBND", "2025-01-08")
    assert meta.subject == "Kết luận của Chủ tịch Ủy ban nhân dân tỉnh tại cuộc họp giao ban tháng 01"
    assert "ƣ" not in content.text and "Ƣ" not in content.text and "Chương" not in content.text


def test_a_text_layer_with_a_wrong_tounicode_map_is_read_by_ocr_and_stays_a_proposal():
    content = read_pdf(wrong_tounicode(state_pdf(QUYET_DINH)))
    assert content.ocr and any("bảng mã phông chữ sai" in warning for warning in content.warnings)
    assert "QUYẾT ĐỊNH" in content.text or "QUYÉT ĐỊNH" in content.text
    meta = read_metadata(content.text, ocr=True)
    assert meta.kind == "QĐ" and "ngân sách" not in meta.issuer
    assert fold(meta.issuer) == fold("THỦ TƯỚNG CHÍNH PHỦ")


def test_a_symbol_a_clerk_corrects_is_searchable_at_once(archive_ws):
    """The number OCR read is not the printed one (``384`` for ``981``): the clerk's correction is
    found by search, in the form it was typed and folded, though no text read holds it."""
    doc = replace(CONG_VAN, number="9734")
    drop(archive_ws, "cv.pdf", state_pdf(doc))
    code, [row] = ingest_inbox(archive_ws)
    assert code == 0 and row["status"] == "archived"
    assert json.loads(vanthu(archive_ws, "search", "981/QĐ-TTg", "--json").output)["hits"] == []
    done = vanthu(archive_ws, "edit", row["id"], "--symbol", "981/QĐ-TTg")
    assert done.exit_code == 0, done.output
    for query in ("981/QĐ-TTg", "981/qd-ttg"):
        found = vanthu(archive_ws, "search", query, "--json")
        assert found.exit_code == 0 and row["id"] in [hit["id"] for hit in json.loads(found.output)["hits"]]


def test_ocr_runs_a_stamp_into_the_title_and_marks_before_the_name_and_neither_is_read():
    """The portal's ``ĐẾN`` stamp beside the subject (``CÔNG. THÔNG TÍN mà TỦ CHÍNH PHỦ Quy định …``),
    quote marks before the signer's name, a seal's letter under the authority: none is the document's."""
    text = ("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố: 3 /2025/QĐ-UBND\nLâm Đồng, ngày 1 tháng 7 năm 2025\nQUYẾT ĐỊNH\n"
            "CÔNG. THÔNG TÍN mà TỦ CHÍNH PHỦ Quy định chức năng, nhiệm vụ của Sở Công Thương\n"
            "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG\n" + BODY + "Nơi nhận:\n- Như Điều 3;\n- Lưu: VT.\n"
            "KT. CHỦ TỊCH\ny Đ\nPHÓ CHỦ TỊCH\n- \"Trần Duy Đông\n")
    meta = read_metadata(text, ocr=True)
    assert meta.subject == "Quy định chức năng, nhiệm vụ của Sở Công Thương"
    assert any("CHÍNH PHỦ" in line for line in meta.received)
    assert (meta.authority, meta.signer_title, meta.signer) == ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Duy Đông")


def _signing_block_read(block: str) -> tuple[str, str, str]:
    """A province's Báo cáo as OCR reads its page, its signing block as given; (authority, title, signer)."""
    text = ("ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố: 280 /BC-UBND\nLâm Đồng, ngày 22 tháng 11 năm 2024\nBÁO CÁO\n"
            "Kết quả thực hiện nhiệm vụ năm 2024\n" + BODY + "Nơi nhận:\n- Như trên;\n- Lưu: VT, TH.\n" + block)
    meta = read_metadata(text, ocr=True)
    return meta.authority, meta.signer_title, meta.signer


@pytest.mark.parametrize(("block", "authority", "title"), [
    # the last letter of the deputy's title lost at the seal's edge
    ("TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊC\nTrần Phước Hiền\n",
     "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    # a letter of it misread under the seal, a speck's letter before it
    ("KT. GIÁM ĐÓC\nH =\nN. ĐHỌ GIAM ĐỌC\n» Hoàng Văn Thuân\n", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    # its first word lost under the signature: only the deputy's title ends so under a KT. BỘ TRƯỞNG
    ("-_ KT. BỘ TRƯỞNG\ny Đ\nSẽ ai! TRƯỞNG\n- \"Trương Thanh Hoài\n", "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"),
    # specks glued to the authority's mark; the deputy's title's start lost under the seal
    ("._KT. BỘ TRƯỞNG\ny Đ\nSẽ THỰ TRƯỞNG\n- \"Trương Thanh Hoài\n", "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"),
    ("KT. TRƯỞNG BAN\nPID Eh ƯỞNG BAN\nMạnh Thị Tuyết Mai\n", "KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"),
    # a speck after the title, the name not read at all (under the seal)
    ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH.\n:\n- Các sở, ban, ngành;\nTrần Duy Đông\n", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
    # two levels and the title run into one line
    ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH\nTrần Phước Hiền\n",
     "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
])
def test_a_scans_signing_block_is_read_line_by_line_its_titles_as_the_listed_ones(block, authority, title):
    read_authority, read_title, signer = _signing_block_read(block)
    assert (read_authority, read_title) == (authority, title)
    assert signer and signer == block.splitlines()[-1].lstrip("»-_\" ")


def test_an_authority_line_keeps_its_bodys_name_past_a_comma_and_an_unread_title_is_not_guessed():
    """``KT. TRƯỞNG BAN BAN CHÍNH SÁCH, THUẾ QUỐC TẾ`` is one printed line; the deputy's line under the seal,
    which OCR did not read at all, is left for the clerk (it may carry a rank: ``PHÓ TRƯỞNG BAN THƯỜNG TRỰC``)."""
    authority, title, _ = _signing_block_read("TL. CỤC TRƯỞNG\nKT. TRƯỞNG BAN BAN CHÍNH SÁCH, THUẾ QUỐC TẾ\nb).Ả⁄\n")
    assert (authority, title) == ("TL. CỤC TRƯỞNG KT. TRƯỞNG BAN BAN CHÍNH SÁCH, THUẾ QUỐC TẾ", "")


def test_a_title_a_letter_from_two_listed_ones_or_a_ranked_deputys_stays_as_read():
    """Only a title that can be one listed title alone is put right; a deputy's rank after it is kept."""
    assert _signing_block_read("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH THƯỜNG TRỰC\nLê Văn An\n")[1] == "PHÓ CHỦ TỊCH THƯỜNG TRỰC"
    assert _signing_block_read("TM. BAN THƯỜNG VỤ\nPHÓ BÍ THƯ THƯỜNG TRỰC\nLê Văn An\n")[1] == "PHÓ BÍ THƯ THƯỜNG TRỰC"



def test_a_signing_block_line_the_page_reading_left_out_is_read_from_the_block_alone(tmp_path):
    """Beside a seal Tesseract's page layout may drop a line of the signing block (a picture, to it: the
    Phú Thọ chairman's ``CHỦ TỊCH``); the block read alone gives it back, below its column's lines, and
    what the page read stands (``CHU TỊCH`` here), nothing read twice."""
    import time

    from state_scans import scan

    from archive import ocr

    pdf = tmp_path / "ubnd.pdf"
    pdf.write_bytes(scan(UBND))
    deadline = time.monotonic() + 60
    image, dpi = ocr._page_image(pdf, 1, tmp_path, deadline, 595.0)
    read = ocr._lines(ocr._words_of(ocr._tesseract(image, tmp_path, "page", deadline, 1)))
    dropped = [line for line in read if "Mười" not in " ".join(word.text for word in line)]
    assert len(dropped) == len(read) - 1 and dpi == 200
    lines = [" ".join(word.text for word in line) for line in ocr._signing_read(image, dropped, tmp_path,
                                                                                  deadline, 1, dpi)]
    assert lines.count("Hồ Văn Mười") == 1 and len(lines) == len(read)
    title = next(at for at, line in enumerate(lines) if "TỊCH" in line)
    assert lines.index("Hồ Văn Mười") > title and lines[title] == " ".join(
        word.text for word in next(line for line in read if "TỊCH" in " ".join(word.text for word in line)))
