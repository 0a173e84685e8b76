"""Reading a document's components from PDF text, in the orders and spellings real files have."""

from __future__ import annotations

import unicodedata

from archive.metadata import read_metadata

# Left column first, as LibreOffice and vanthu's own PDFs give it.
TABLE_ORDER = """TỈNH ỦY LÂM ĐỒNG
*
Số 1502-CV/TU
V/v tăng cường kiểm tra tiến độ
thu ngân sách cuối năm
ĐẢNG CỘNG SẢN VIỆT NAM
Lâm Đồng, ngày 07 tháng 02 năm 2026
Kính gửi:
- Đảng ủy các xã, phường, đặc khu,
- Các Tổ theo dõi địa bàn.
Thực hiện Kết luận số 12-KL/TU, ngày 05/01/2026 của Ban Thường vụ Tỉnh ủy và Công văn
số 1417-CV/TU của Ban Thường vụ Tỉnh ủy, đề nghị các đơn vị rà soát nguồn thu.
Nơi nhận:
- Thường trực Tỉnh ủy,
- Như trên,
- Lưu VP, TH.
K/T BÍ THƯ
PHÓ BÍ THƯ
Nguyễn Thị Minh Hằng
"""

# Both columns interleaved line by line, old tone marks, a sub-body.
INTERLEAVED = """TỈNH UỶ LÂM ĐỒNG ĐẢNG CỘNG SẢN VIỆT NAM
BAN TỔ CHỨC
*
Số 07-QC/BTCTU Lâm Đồng, ngày 20 tháng 02 năm 2026
MẬT
QUY CHẾ
phối hợp giữa Ban Tổ chức Tỉnh uỷ và các
đảng uỷ xã, phường trong công tác cán bộ
Căn cứ Quy định số 12-QĐi/TW, ngày 03/6/2025 của Ban Chấp hành Trung ương;
Nơi nhận: TRƯỞNG BAN
- Thường trực Tỉnh uỷ,
- Lưu Ban Tổ chức.
Lê Văn Hoà
"""


def test_table_order_cong_van():
    meta = read_metadata(TABLE_ORDER)
    assert (meta.issuer, meta.symbol, meta.kind, meta.body_code) == ("TỈNH ỦY LÂM ĐỒNG", "1502-CV/TU",
                                                                    "CV", "TU")
    assert (meta.date, meta.place) == ("2026-02-07", "Lâm Đồng")
    assert meta.subject == "V/v tăng cường kiểm tra tiến độ thu ngân sách cuối năm"
    assert meta.to == ["Đảng ủy các xã, phường, đặc khu", "Các Tổ theo dõi địa bàn"]
    assert meta.recipients == ["Thường trực Tỉnh ủy", "Như trên", "Lưu VP, TH"]
    assert (meta.authority, meta.signer_title, meta.signer) == ("K/T BÍ THƯ", "PHÓ BÍ THƯ",
                                                                "Nguyễn Thị Minh Hằng")
    assert meta.cites == [
        {"kind": "Kết luận", "symbol": "12-KL/TU", "date": "2026-01-05"},
        {"kind": "Công văn", "symbol": "1417-CV/TU", "date": ""},
    ]
    assert meta.missing == []


def test_interleaved_sub_body_with_old_tone_marks_kept_as_printed():
    meta = read_metadata(INTERLEAVED)
    assert meta.issuer == "TỈNH UỶ LÂM ĐỒNG BAN TỔ CHỨC"
    assert (meta.symbol, meta.kind, meta.kind_name) == ("07-QC/BTCTU", "QC", "Quy chế")
    assert (meta.date, meta.place) == ("2026-02-20", "Lâm Đồng")
    assert meta.marks == ["MẬT"]
    assert meta.subject == ("phối hợp giữa Ban Tổ chức Tỉnh uỷ và các đảng uỷ xã, phường "
                            "trong công tác cán bộ")
    assert meta.recipients == ["Thường trực Tỉnh uỷ", "Lưu Ban Tổ chức"]
    assert (meta.signer, meta.signer_title) == ("Lê Văn Hoà", "TRƯỞNG BAN")
    assert meta.cites == [{"kind": "Quy định", "symbol": "12-QĐi/TW", "date": "2025-06-03"}]


def test_decomposed_unicode_reads_the_same():
    decomposed = unicodedata.normalize("NFD", TABLE_ORDER)
    assert decomposed != TABLE_ORDER
    assert read_metadata(decomposed) == read_metadata(TABLE_ORDER)


def test_one_recipient_on_the_kinh_gui_line():
    text = TABLE_ORDER.replace("Kính gửi:\n- Đảng ủy các xã, phường, đặc khu,\n- Các Tổ theo dõi địa bàn.",
                               "Kính gửi: Đảng ủy xã Đắk Song")
    assert read_metadata(text).to == ["Đảng ủy xã Đắk Song"]


def test_kind_from_the_title_when_there_is_no_symbol():
    meta = read_metadata("THÔNG BÁO\nkết luận của Thường trực về công tác cán bộ\nNgày 10/11/2026, ...")
    assert (meta.kind, meta.symbol, meta.subject) == ("TB", "", "kết luận của Thường trực về công tác cán bộ")
    assert meta.missing == ["symbol", "date", "signer", "issuer"]


def test_text_with_nothing_recognisable_reads_empty():
    meta = read_metadata("Biên lai thu tiền điện tháng 10\nSố tiền: 450.000 đồng")
    assert meta.symbol == "" and meta.date == "" and "subject" in meta.missing
