"""PDFs made by the real LibreOffice, read back with poppler's pdftotext and pdffonts."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from conftest import CONG_VAN, EXAMPLES, add_settings

from docgen.errors import ConversionFailed, VanthuError
from docgen.pdf import UNOSERVER, WarmConverter, convert_to_pdf, group_members, preview_pdf

SUBJECT_LINE = "Về việc rà soát tiến độ"  # dated 03/6/2026: 05-HD/VPTW


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
                     "Lâm Đồng, ngày 03 tháng 6 năm 2026", SUBJECT_LINE, "Kính gửi:",
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
    assert "Về việc việc 2" in pdftext(pdfs[2])
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


@pytest.fixture(scope="module")
def warm():
    with WarmConverter(timeout=60) as converter:
        assert converter.warm, converter.fallback_reason
        yield converter


@pytest.fixture
def draft(run, datafile) -> Path:
    """A real draft Công văn rendered by ``vanthu new --draft``, as the web preview gets it."""
    result = run("new", "cong-van", str(datafile(CONG_VAN)), "--draft", "--json")
    assert result.exit_code == 0, result.output
    return Path(json.loads(result.output)["docx"])


@pytest.fixture
def private_tmp(tmp_path, monkeypatch) -> Path:
    """Temporary files of the code under test go here, so a test can see what is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_warm_converter_makes_the_draft_pdf_and_reuses_libreoffice(warm, draft, private_tmp):
    office = warm.office_pid
    pdf = warm.convert(draft)
    assert pdf == draft.with_suffix(".pdf")
    assert SUBJECT_LINE in pdftext(pdf)
    for attempt in (2, 3):
        previewed = private_tmp / f"preview{attempt}.pdf"
        previewed.write_bytes(preview_pdf(warm, draft.read_bytes()))
        assert SUBJECT_LINE in pdftext(previewed)
        assert warm.office_pid == office
    assert sorted(p.name for p in private_tmp.iterdir()) == ["preview2.pdf", "preview3.pdf"]
    assert sorted(p.name for p in draft.parent.iterdir()) == [draft.name, pdf.name]


def page_images(pdf: Path, folder: Path) -> list[bytes]:
    folder.mkdir()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(folder / "page")], check=True)
    return [page.read_bytes() for page in sorted(folder.glob("page*.png"))]


def font_names(pdf: Path) -> list[str]:
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    return sorted(line.split()[0].split("+")[-1] for line in lines)


def test_warm_pdf_is_the_cold_pdf(warm, draft, tmp_path):
    cold_docx, warm_docx = tmp_path / "cold" / "a.docx", tmp_path / "warm" / "a.docx"
    for copy in (cold_docx, warm_docx):
        copy.parent.mkdir()
        shutil.copy(draft, copy)
    [cold] = convert_to_pdf([cold_docx])
    made = warm.convert(warm_docx)
    assert font_names(made) == font_names(cold)
    assert set(font_names(made)) <= {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic",
                                     "LiberationSerif-BoldItalic"}
    assert page_images(made, tmp_path / "warm-png") == page_images(cold, tmp_path / "cold-png")


def test_threads_share_one_converter(warm, draft, tmp_path):
    copies = []
    for i in range(3):
        copies.append(tmp_path / f"t{i}" / "a.docx")
        copies[-1].parent.mkdir()
        shutil.copy(draft, copies[-1])
    office = warm.office_pid
    threads = [threading.Thread(target=warm.convert, args=(copy,)) for copy in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(SUBJECT_LINE in pdftext(copy.with_suffix(".pdf")) for copy in copies)
    assert warm.office_pid == office


def test_a_hung_libreoffice_times_out_and_the_next_conversion_recovers(warm, draft):
    hung, group = warm.office_pid, warm.pgid
    os.kill(hung, signal.SIGSTOP)
    with pytest.raises(ConversionFailed, match="không trả lời sau 2 giây"):
        warm.convert(draft, timeout=2)
    assert group_members(group) == {}
    assert not draft.with_suffix(".pdf").exists()
    assert SUBJECT_LINE in pdftext(warm.convert(draft))
    assert warm.office_pid not in (None, hung)


def test_a_killed_libreoffice_is_restarted_and_close_leaves_nothing(draft, private_tmp):
    converter = WarmConverter().start()
    first = converter.office_pid
    assert first and converter.warm, converter.fallback_reason
    os.kill(first, signal.SIGKILL)
    assert SUBJECT_LINE in pdftext(converter.convert(draft))
    second, group = converter.office_pid, converter.pgid
    assert second not in (None, first)
    assert SUBJECT_LINE in pdftext(converter.convert(draft))
    assert converter.office_pid == second
    converter.close()
    assert group_members(group) == {}
    assert not converter.warm
    assert list(private_tmp.iterdir()) == []


def test_without_uno_the_converter_falls_back_to_the_cold_path(draft, tmp_path, caplog):
    """The project's own Python cannot import uno: unoserver dies, and the cold path takes over."""
    site = next(UNOSERVER.parent.parent.glob("lib/python3*/site-packages"))
    wrapper = tmp_path / "unoserver-without-uno"
    wrapper.write_text(f'#!/bin/sh\nPYTHONPATH="{site}" exec "{sys.executable}" "{UNOSERVER}" "$@"\n')
    wrapper.chmod(0o755)
    with caplog.at_level(logging.WARNING, logger="docgen.pdf"), WarmConverter(unoserver=wrapper) as converter:
        assert not converter.warm
        assert "uno" in converter.fallback_reason
        assert SUBJECT_LINE in pdftext(converter.convert(draft))
    [record] = caplog.records
    assert "dùng cách chuyển thường" in record.getMessage() and record.exc_info is None


def test_a_converter_must_be_started(draft):
    with pytest.raises(VanthuError, match="chưa được khởi động"):
        WarmConverter().convert(draft)


def test_a_day_of_conversions_leaves_nothing_in_the_system_temp_folder(draft, tmp_path, monkeypatch):
    """LibreOffice leaves a ``lu*.tmp`` folder in ``$TMPDIR`` each time it is stopped: a service that
    starts and stops it every day would fill ``/tmp``; its temporary files live in vanthu's own folders."""
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    with WarmConverter(timeout=60) as converter:
        assert converter.convert(draft).is_file()
    convert_to_pdf([draft])
    assert sorted(p.name for p in system_tmp.iterdir()) == []
