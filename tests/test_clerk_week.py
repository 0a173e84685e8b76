"""The slips a new clerk hit in a real week (issue 12), each reproduced through the real CLI."""

from __future__ import annotations

import subprocess
from pathlib import Path

from archive.metadata import read_metadata

CLOSING_RECIPIENTS = ["Thường trực Tỉnh ủy", "Tổ theo dõi địa bàn số 9", "Đảng ủy xã Đắk Song",
                      "Ban Tổ chức Tỉnh ủy"]


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


def _thong_bao(paragraphs: int) -> dict:
    body = "\n\n".join(f"Đoạn {i}: Thường trực Tỉnh ủy yêu cầu các cơ quan, đơn vị tiếp tục thực hiện "
                       "nghiêm các nhiệm vụ đã đề ra." for i in range(paragraphs))
    return {"subject": "kết luận của Thường trực Tỉnh ủy tại buổi làm việc", "body": body,
            "date": "2026-11-20", "recipients": CLOSING_RECIPIENTS, "signer": "tl-cvp"}


def test_the_closing_block_never_splits_across_pages(run, datafile, workspace):
    """Bodies one paragraph longer each: wherever the page ends, Nơi nhận, the signature block and
    the body's last paragraph stand on one page."""
    files = [str(datafile(_thong_bao(n))) for n in range(24, 34)]
    result = run("new", "thong-bao", *files, "--pdf")
    assert result.exit_code == 0, result.output
    for n, pdf in zip(range(24, 34), sorted(workspace.out.glob("*-TB-TU.pdf")), strict=True):
        pages = page_texts(pdf)
        [closing] = [page for page in pages if "Nơi nhận:" in page]
        for piece in ("CHÁNH VĂN PHÒNG", "Trần Minh Khoa", "Lưu Văn phòng Tỉnh ủy", f"Đoạn {n - 1}:",
                      *CLOSING_RECIPIENTS):
            assert piece in closing, (pdf.name, piece)


# Texts pypdf read from PDFs whose closing table was split by a page break (older templates,
# other software): the next page's number and the signature column stand between the items.
SPLIT_AFTER_THREE = ("nghiêm các nhiệm vụ đã đề ra.\nNơi nhận:\n- Thường trực Tỉnh ủy,\n- Tổ theo dõi địa bàn "
                     "số 9,\n- Đảng ủy xã Đắk Song,\nT/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG\n3\n- Ban Tổ chức "
                     "Tỉnh ủy,\n- Lưu Văn phòng Tỉnh ủy, TH.\nTrần Minh Khoa")
SPLIT_AFTER_LABEL = ("nghiêm các nhiệm vụ đã đề ra.\nNơi nhận: T/L BAN THƯỜNG VỤ\n3\n- Thường trực Tỉnh ủy,\n"
                     "- Tổ theo dõi địa bàn số 9,\n- Đảng ủy xã Đắk Song,\n- Ban Tổ chức Tỉnh ủy,\n"
                     "- Lưu Văn phòng Tỉnh ủy, TH.\nCHÁNH VĂN PHÒNG\nTrần Minh Khoa")


def test_recipients_are_read_across_a_page_break():
    for text in (SPLIT_AFTER_THREE, SPLIT_AFTER_LABEL):
        meta = read_metadata(text)
        assert meta.recipients == [*CLOSING_RECIPIENTS, "Lưu Văn phòng Tỉnh ủy, TH"]
        assert meta.signer == "Trần Minh Khoa"
