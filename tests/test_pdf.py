"""PDFs made by the real LibreOffice, read back with poppler's pdftotext and pdffonts."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from conftest import CONG_VAN, EXAMPLES, add_settings


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def set_soffice(workspace, command: str) -> None:
    add_settings(workspace, soffice=command)


def test_pdf_carries_the_format_and_only_liberation_fonts(run, datafile):
    result = run("new", "cong-van", str(datafile(CONG_VAN)), "--pdf", "--json")
    assert result.exit_code == 0, result.output
    pdf = Path(json.loads(result.output)["pdf"])
    assert pdf.name == "01-CV-TU.pdf"
    text = pdftext(pdf)
    for expected in ("TỈNH ỦY LÂM ĐỒNG", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 01-CV/TU",
                     "Lâm Đồng, ngày 03 tháng 6 năm 2026", "V/v rà soát tiến độ", "Kính gửi:",
                     "Nơi nhận:", "PHÓ BÍ THƯ THƯỜNG TRỰC", "Đặng Hồng Sỹ"):
        assert expected in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all("LiberationSerif" in line for line in fonts), fonts


def test_a_long_document_numbers_its_second_page(run, datafile):
    body = "\n\n".join(f"Đoạn {i}: theo dõi tiến độ đầu tư công, thu ngân sách và chuyển đổi số "
                       "trên địa bàn các xã, phường, đặc khu của tỉnh." * 3 for i in range(20))
    result = run("new", "thong-bao", str(datafile({"subject": "Dài", "body": body})), "--pdf", "--json")
    assert result.exit_code == 0, result.output
    pages = pdftext(Path(json.loads(result.output)["pdf"])).split("\f")
    assert len([p for p in pages if p.strip()]) >= 2
    assert pages[1].strip().splitlines()[0].strip() == "2"
    assert not pages[0].strip().startswith("1")


def test_a_batch_starts_libreoffice_once(workspace, run, datafile, tmp_path):
    log = tmp_path / "soffice.log"
    wrapper = tmp_path / "soffice-wrapper"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{shutil.which("soffice")}" "$@"\n')
    wrapper.chmod(0o755)
    set_soffice(workspace, str(wrapper))
    files = [str(datafile({**CONG_VAN, "subject": f"việc {i}"})) for i in range(3)]
    result = run("new", "cong-van", *files, "--pdf", "--json")
    assert result.exit_code == 0, result.output
    pdfs = [Path(json.loads(line)["pdf"]) for line in result.output.splitlines()]
    assert [p.name for p in pdfs] == ["01-CV-TU.pdf", "02-CV-TU.pdf", "03-CV-TU.pdf"]
    assert "V/v việc 2" in pdftext(pdfs[2])
    assert log.read_text().splitlines() == ["run"]
    assert not list(workspace.out.glob(".vanthu-*"))


def test_without_libreoffice_the_docx_is_still_issued(workspace, run, datafile):
    set_soffice(workspace, "/khong/co/soffice")
    result = run("new", "quyet-dinh", str(EXAMPLES / "quyet_dinh.yaml"), "--pdf")
    assert result.exit_code == 1
    assert "không tìm thấy LibreOffice" in result.output
    assert "Đã cấp số 01-QĐ/TU" in result.output
    assert (workspace.out / "01-QĐ-TU.docx").is_file()
    assert not (workspace.out / "01-QĐ-TU.pdf").exists()
    entries = json.loads(run("register", "list", "--json").output)
    assert [(e["symbol"], e["pdf_path"]) for e in entries] == [("01-QĐ/TU", "")]
