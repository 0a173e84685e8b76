"""Quiet, exact messages: what pyHanko says of a modified file goes into the record, not the terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pdf_factory import change_page, sign_pdf, tamper

VANTHU = str(Path(sys.executable).parent / "vanthu")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([VANTHU, *args], capture_output=True, text=True, timeout=120)


def test_ingesting_modified_files_prints_no_traceback_and_keeps_the_reason(archive_ws, issued, tmp_path):
    drawn_over = change_page(sign_pdf(issued.pdfs["cv1"], issued.signer, issued.ca))
    relabelled = tamper(sign_pdf(issued.pdfs["cv2"], issued.signer, issued.ca))
    for name, data in (("ve-de.pdf", drawn_over), ("doi-ngon-ngu.pdf", relabelled)):
        (tmp_path / name).write_bytes(data)
    result = run("ingest", str(tmp_path / "ve-de.pdf"), str(tmp_path / "doi-ngon-ngu.pdf"),
                 "--home", str(archive_ws.root))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout and "pyhanko" not in result.stderr.lower()
    assert result.stdout.count("chữ ký số KHÔNG hợp lệ") == 2
    first = json.loads(run("show", "01-CV/TU", "--json", "--home", str(archive_ws.root)).stdout)
    assert first["signature"] == "invalid"
    assert first["signature_detail"].startswith("chữ ký 1 (Đặng Hồng Sỹ): pyHanko báo «SuspiciousModification: ")
    second = run("show", "02-CV/TU", "--home", str(archive_ws.root))
    assert second.returncode == 0 and "Traceback" not in second.stderr
    assert "Trạng thái: KHÔNG hợp lệ" in second.stdout  # in words; pyHanko's English only under --json
    assert "SuspiciousModification" not in second.stdout and "pyHanko" not in second.stdout
    detail = json.loads(run("show", "02-CV/TU", "--json", "--home", str(archive_ws.root)).stdout)["signature_detail"]
    assert "SuspiciousModification: Values for dict key /Lang differ" in detail
