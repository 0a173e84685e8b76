"""Archiving signed PDFs through ``vanthu ingest``, ``show``, ``check`` and ``trust``, on real files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdf_factory import sign_pdf, tamper
from pypdf import PdfWriter

from vanthu.cli import cli


def vanthu(workspace, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(workspace.root)])


def drop(workspace, name: str, data: bytes) -> Path:
    path = workspace.inbox / name
    path.write_bytes(data)
    return path


def ingest_inbox(workspace) -> tuple[int, list[dict]]:
    result = vanthu(workspace, "ingest", str(workspace.inbox), "--json")
    return result.exit_code, [json.loads(line) for line in result.output.splitlines()
                              if line.startswith("{")]


def trust_ca(workspace, issued, tmp_path) -> None:
    cert = tmp_path / "ca.pem"
    cert.write_bytes(issued.ca.pem)
    assert vanthu(workspace, "trust", "add", str(cert)).exit_code == 0


def test_signed_pdf_from_a_trusted_ca_is_archived_valid_with_its_metadata(archive_ws, issued, tmp_path):
    trust_ca(archive_ws, issued, tmp_path)
    drop(archive_ws, "cv1.pdf", sign_pdf(issued.pdfs["cv1"], issued.signer, issued.ca))
    code, [row] = ingest_inbox(archive_ws)
    assert code == 0
    assert row["status"] == "archived" and row["signature"] == "valid"
    assert (row["symbol"], row["kind"], row["date"]) == ("01-CV/TU", "CV", "2026-06-03")
    assert row["subject"] == "Về việc kiểm tra tiến độ thu ngân sách"  # 03/6/2026: Hướng dẫn 05-HD/VPTW
    assert (row["signer"], row["signed_by"]) == ("Đặng Hồng Sỹ", "Đặng Hồng Sỹ")
    assert row["signed_at"][:4] == str(__import__("datetime").date.today().year)
    assert list(archive_ws.inbox.iterdir()) == []
    pdf = archive_ws.archive / "2026" / "CV" / f"01-CV-TU__{row['id']}.pdf"
    sidecar = json.loads(pdf.with_suffix(".json").read_text("utf-8"))
    assert sidecar["sha256"].startswith(row["id"]) and sidecar["issuer"] == "TỈNH ỦY LÂM ĐỒNG"
    assert sidecar["to"] == ["Đảng ủy các xã, phường, đặc khu", "Các Tổ theo dõi địa bàn"]
    assert "Như trên" in sidecar["recipients"] and "khẩn trương" in sidecar["text"]


def test_archiving_marks_the_register_entry_signed(archive_ws, issued):
    drop(archive_ws, "cv2.pdf", sign_pdf(issued.pdfs["cv2"], issued.signer, issued.ca))
    ingest_inbox(archive_ws)
    entries = {e["symbol"]: e for e in json.loads(vanthu(archive_ws, "register", "list", "--json").output)}
    assert entries["02-CV/TU"]["status"] == "signed"
    assert entries["02-CV/TU"]["archive_path"].startswith("2026/CV/02-CV-TU__")
    assert entries["01-CV/TU"]["status"] == "issued"


def test_unknown_chain_is_untrusted_and_unsigned_is_unsigned(archive_ws, issued):
    drop(archive_ws, "a.pdf", sign_pdf(issued.pdfs["cv1"], issued.signer, issued.ca))
    drop(archive_ws, "b.pdf", issued.pdfs["tb"])
    code, rows = ingest_inbox(archive_ws)
    assert code == 0
    assert {r["file"].rsplit("/", 1)[1]: r["signature"] for r in rows} == {"a.pdf": "untrusted",
                                                                          "b.pdf": "unsigned"}
    entries = {e["symbol"]: e["status"] for e in
               json.loads(vanthu(archive_ws, "register", "list", "--json").output)}
    assert entries["01-TB/TU"] == "archived"


def test_changed_after_signing_is_invalid(archive_ws, issued, tmp_path):
    trust_ca(archive_ws, issued, tmp_path)
    signed = sign_pdf(issued.pdfs["cv1"], issued.signer, issued.ca)
    drop(archive_ws, "sua.pdf", tamper(signed))
    broken = bytearray(signed)
    broken[len(broken) // 3:len(broken) // 3 + 4] = b"XXXX"
    drop(archive_ws, "hong.pdf", bytes(broken))
    code, rows = ingest_inbox(archive_ws)
    rows.sort(key=lambda r: Path(r["file"]).name)  # hong.pdf, sua.pdf: the workers finish in any order
    assert code == 0
    assert [r["signature"] for r in rows] == ["invalid", "invalid"]
    by_file = {Path(r["file"]).name: r for r in rows}  # parallel workers answer in any order
    record = json.loads(vanthu(archive_ws, "show", by_file["sua.pdf"]["id"], "--json").output)
    assert record["signature_reason"] == "chữ ký 1 (Đặng Hồng Sỹ): văn bản bị sửa nội dung sau khi ký"
    assert by_file["hong.pdf"]["signature_reason"].startswith("chữ ký 1 (Đặng Hồng Sỹ): chữ ký không khớp")


def test_a_mismatch_with_the_register_is_kept_as_a_warning(archive_ws, issued):
    register = archive_ws.register()
    register.conn.execute("UPDATE entries SET date='2026-06-04', subject='V/v việc khác'")
    register.close()
    drop(archive_ws, "cv1.pdf", issued.pdfs["cv1"])
    ingest_inbox(archive_ws)
    warnings = json.loads(vanthu(archive_ws, "show", "01-CV/TU", "--json").output)["warnings"]
    assert warnings == ["ngày trên văn bản (2026-06-03) khác ngày trong sổ đăng ký (2026-06-04)",
                        "trích yếu khác sổ đăng ký (sổ ghi: «V/v việc khác»)"]


def test_the_same_content_again_is_a_duplicate_kept_in_quarantine(archive_ws, issued):
    drop(archive_ws, "lan1.pdf", issued.pdfs["tb"])
    ingest_inbox(archive_ws)
    drop(archive_ws, "lan2.pdf", issued.pdfs["tb"])
    code, [row] = ingest_inbox(archive_ws)
    assert code == 2 and row["status"] == "duplicate"
    assert "trùng nội dung với văn bản đã lưu trữ 01-TB/TU" in row["reason"]
    assert (archive_ws.quarantine / "lan2.pdf").read_bytes() == issued.pdfs["tb"]
    assert "trùng nội dung" in (archive_ws.quarantine / "lan2.pdf.reason.txt").read_text("utf-8")
    assert len(list(archive_ws.archive.rglob("*.pdf"))) == 1


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _encrypted_pdf(source: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(source))
    writer.encrypt(user_password="mat-khau", owner_password="chu")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


BAD = {
    "rong.pdf": (lambda pdf: b"", "tệp rỗng"),
    "anh.pdf": (lambda pdf: b"\x89PNG\r\n\x1a\n" + b"0" * 100, "không phải tệp PDF"),
    "cat-cut.pdf": (lambda pdf: pdf[: len(pdf) // 2], "bị cắt cụt"),
    "ma-hoa.pdf": (_encrypted_pdf, "mã hóa, cần mật khẩu"),
    "hong.pdf": (lambda pdf: b"%PDF-1.7\n" + b"rac " * 200 + b"\n%%EOF\n", "không đọc được tệp PDF"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_files_go_to_quarantine_with_a_vietnamese_reason(archive_ws, issued, name):
    make, reason = BAD[name]
    data = make(issued.pdfs["cv1"])
    drop(archive_ws, name, data)
    drop(archive_ws, "tot.pdf", issued.pdfs["tb"])
    code, rows = ingest_inbox(archive_ws)
    assert code == 2
    by_file = {Path(r["file"]).name: r for r in rows}
    assert by_file["tot.pdf"]["status"] == "archived"
    assert by_file[name]["status"] == "quarantined" and reason in by_file[name]["reason"]
    assert (archive_ws.quarantine / name).read_bytes() == data
    note = (archive_ws.quarantine / f"{name}.reason.txt").read_text("utf-8")
    assert reason in note and name in note
    assert list(archive_ws.inbox.iterdir()) == []


def test_a_scan_without_text_is_archived_and_flagged(archive_ws):
    drop(archive_ws, "ban-quet.pdf", _blank_pdf())
    code, [row] = ingest_inbox(archive_ws)
    assert code == 0 and row["status"] == "archived" and row["symbol"] == ""
    record = json.loads(vanthu(archive_ws, "show", row["id"], "--json").output)
    assert record["no_text"] is True and "symbol" in record["missing"]
    assert record["path"].startswith(f"{__import__('datetime').date.today().year}/khac/{row['id']}__")


def test_ingest_outside_the_inbox_copies_and_keeps_the_original(archive_ws, issued, tmp_path):
    source = tmp_path / "ho-so-cu"
    source.mkdir()
    (source / "tb.pdf").write_bytes(issued.pdfs["tb"])
    (source / "~$tam.pdf").write_bytes(b"lock file")
    result = vanthu(archive_ws, "ingest", str(source))
    assert result.exit_code == 0, result.output
    assert "Đã lưu trữ" in result.output and "01-TB/TU" in result.output
    assert (source / "tb.pdf").is_file()


def test_check_reports_changed_missing_and_untracked_files(archive_ws, issued):
    drop(archive_ws, "a.pdf", issued.pdfs["cv1"])
    drop(archive_ws, "b.pdf", issued.pdfs["tb"])
    ingest_inbox(archive_ws)
    result = vanthu(archive_ws, "check")
    assert result.exit_code == 0 and "nguyên vẹn: 2 văn bản" in result.output
    cv = next(archive_ws.archive.rglob("01-CV-TU__*.pdf"))
    tb = next(archive_ws.archive.rglob("01-TB-TU__*.pdf"))
    cv.write_bytes(cv.read_bytes() + b"%")
    tb.unlink()
    (archive_ws.archive / "2026" / "la.pdf").write_bytes(b"%PDF")
    result = vanthu(archive_ws, "check")
    assert result.exit_code == 1
    assert f"Bị sửa: archive/{cv.relative_to(archive_ws.archive)}" in result.output
    assert f"Bị mất: archive/{tb.relative_to(archive_ws.archive)}" in result.output
    assert "Không có trong danh mục: archive/2026/la.pdf" in result.output


def test_show_by_symbol_and_unknown_key(archive_ws, issued):
    drop(archive_ws, "a.pdf", issued.pdfs["tb"])
    ingest_inbox(archive_ws)
    result = vanthu(archive_ws, "show", "1-tb/TU")
    assert result.exit_code == 0 and "Số, ký hiệu: 01-TB/TU" in result.output
    assert "Người ký: Trần Minh Khoa" in result.output and "Thẩm quyền ký: T/L BAN THƯỜNG VỤ" in result.output
    result = vanthu(archive_ws, "show", "99-CV/TU")
    assert result.exit_code == 2 and "không có văn bản «99-CV/TU»" in result.output


def test_trust_add_and_list_pem_and_der(archive_ws, issued, tmp_path):
    der = tmp_path / "ca.cer"
    der.write_bytes(issued.ca.der)
    assert vanthu(archive_ws, "trust", "list").output.startswith("Chưa có chứng thư tin cậy nào")
    result = vanthu(archive_ws, "trust", "add", str(der))
    assert result.exit_code == 0 and "CA Thử nghiệm vanthu" in result.output
    [listed] = json.loads(vanthu(archive_ws, "trust", "list", "--json").output)
    assert "CA Thử nghiệm vanthu" in listed["subject"] and len(listed["fingerprint"]) == 64


def test_trust_add_refuses_a_file_that_is_not_a_certificate(archive_ws, tmp_path):
    bad = tmp_path / "khong-phai.pem"
    bad.write_text("xin chào")
    result = vanthu(archive_ws, "trust", "add", str(bad))
    assert result.exit_code == 2 and f"Tệp {bad}" in result.output and "chứng thư số" in result.output
    assert list(archive_ws.trust.iterdir()) == []
