"""Backups: a consistent online copy, only new files on later runs, restore proven by hashes,
and a damaged database reported in Vietnamese with the way back, never as a traceback."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdf_factory import sign_pdf

from vanthu.cli import cli

WRITER = """
import sys
from datetime import date
from pathlib import Path
from office.workspace import Workspace
register = Workspace(Path(sys.argv[1])).register()  # the workspace's own term, so numbers follow on
for _ in range(int(sys.argv[2])):
    register.allocate("TU", "CV", date(2026, 6, 3))
"""


def vanthu(home: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(home)])


def _hashes(root: Path, folder: str) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / folder).rglob("*")) if p.is_file()}


@pytest.fixture
def filled(archive_ws, issued):
    """A workspace with its three documents archived and signed ones among them."""
    for name, data in issued.pdfs.items():
        (archive_ws.inbox / f"{name}.pdf").write_bytes(sign_pdf(data, issued.signer, issued.ca))
    assert vanthu(archive_ws.root, "ingest", str(archive_ws.inbox)).exit_code == 0
    return archive_ws


def test_backup_then_restore_gives_the_same_workspace(filled, tmp_path):
    dest = tmp_path / "sao-luu"
    result = vanthu(filled.root, "backup", str(dest))
    assert result.exit_code == 0, result.output
    assert "cơ sở dữ liệu: register.sqlite3" in result.output
    verified = vanthu(filled.root, "backup", "--verify", str(dest))
    assert verified.exit_code == 0 and "nguyên vẹn" in verified.output

    restored = tmp_path / "khoi-phuc"
    result = CliRunner().invoke(cli, ["restore", str(dest), "--home", str(restored)])
    assert result.exit_code == 0, result.output
    assert "mọi tệp khớp SHA-256" in result.output and "Đã dựng lại chỉ mục: 3 văn bản" in result.output
    for folder in ("archive", "out", "trust"):
        assert _hashes(restored, folder) == _hashes(filled.root, folder)
    assert vanthu(restored, "register", "list").output == vanthu(filled.root, "register", "list").output
    check = vanthu(restored, "check")
    assert check.exit_code == 0 and "Kho lưu trữ nguyên vẹn: 3 văn bản" in check.output

    def symbols(home: Path) -> list[str]:
        answer = json.loads(vanthu(home, "search", "chuyen doi so", "--json").output)
        return [hit["symbol"] for hit in answer["hits"]]

    assert "02-CV/TU" in symbols(restored) and symbols(restored) == symbols(filled.root)
    assert (restored / "inbox").is_dir() and (restored / "quarantine").is_dir()


def test_a_later_backup_copies_only_what_is_new(filled, issued, tmp_path):
    dest = tmp_path / "sao-luu"
    assert vanthu(filled.root, "backup", str(dest)).exit_code == 0
    first = {p: p.stat().st_mtime_ns for p in (dest / "objects").rglob("*") if p.is_file()}
    again = vanthu(filled.root, "backup", str(dest))
    assert again.exit_code == 0 and "(0 tệp mới" in again.output  # the database snapshot is identical

    (filled.inbox / "moi.pdf").write_bytes(sign_pdf(issued.pdfs["tb"], issued.signer, issued.ca))
    assert vanthu(filled.root, "ingest", str(filled.inbox)).exit_code == 0
    later = vanthu(filled.root, "backup", str(dest))
    assert later.exit_code == 0 and "(3 tệp mới" in later.output  # the PDF, its sidecar, the database
    assert all(p.stat().st_mtime_ns == when for p, when in first.items())  # old copies untouched
    assert len(list((dest / "manifests").iterdir())) == 3


def test_a_damaged_backup_is_found_and_never_restored(filled, tmp_path):
    dest = tmp_path / "sao-luu"
    assert vanthu(filled.root, "backup", str(dest)).exit_code == 0
    manifest = json.loads((dest / "manifest.json").read_text("utf-8"))
    entry = next(e for e in manifest["files"] if e["path"].endswith(".pdf"))
    stored = dest / "objects" / entry["sha256"][:2] / entry["sha256"]
    stored.write_bytes(stored.read_bytes()[:-10] + b"0123456789")
    result = vanthu(filled.root, "backup", "--verify", str(dest))
    assert result.exit_code == 1 and f"bản sao của {entry['path']} bị sửa hoặc hỏng" in result.output
    target = tmp_path / "khoi-phuc"
    result = CliRunner().invoke(cli, ["restore", str(dest), "--home", str(target)])
    assert result.exit_code == 2 and "bản sao lưu không dùng được" in result.output
    assert not target.exists()


def test_restore_refuses_a_folder_that_is_not_empty(filled, tmp_path):
    dest = tmp_path / "sao-luu"
    assert vanthu(filled.root, "backup", str(dest)).exit_code == 0
    result = CliRunner().invoke(cli, ["restore", str(dest), "--home", str(filled.root)])
    assert result.exit_code == 2 and "không trống" in result.output


def test_a_backup_taken_while_another_process_writes_is_consistent(filled, tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(filled.root), "1500"])
    try:
        backups = []
        while writer.poll() is None and len(backups) < 8:
            dest = tmp_path / f"sao-luu-{len(backups)}"
            result = vanthu(filled.root, "backup", str(dest))
            assert result.exit_code == 0, result.output
            backups.append(dest)
    finally:
        writer.wait(120)
    assert writer.returncode == 0 and len(backups) >= 2
    for index, dest in enumerate(backups):
        restored = tmp_path / f"khoi-phuc-{index}"
        assert CliRunner().invoke(cli, ["restore", str(dest), "--home", str(restored)]).exit_code == 0
        rows = json.loads(vanthu(restored, "register", "list", "--kind", "CV", "--json").output)
        numbers = sorted(row["number"] for row in rows)
        assert numbers == list(range(1, len(numbers) + 1))  # a snapshot: no gap, nothing half-written


def _damage(path: Path, where: str) -> None:
    data = bytearray(path.read_bytes())
    assert len(data) > 4 * 4096, "the database should span several pages"
    if where == "header":
        data[:100] = b"\xff" * 100
    else:
        data[4096:] = b"\xa5" * (len(data) - 4096)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("where", ["header", "pages"])
def test_a_damaged_database_names_the_file_and_the_restore_command(filled, tmp_path, where):
    dest = tmp_path / "sao-luu"
    assert vanthu(filled.root, "backup", str(dest)).exit_code == 0
    _damage(filled.register_path, where)
    for args in (["register", "list"], ["check"], ["ingest", str(filled.inbox)], ["show", "01-CV/TU"],
                 ["tasks"], ["backup", str(tmp_path / "sao-luu-moi")]):
        result = vanthu(filled.root, *args)
        assert result.exit_code == 3, (args, result.output, result.exception)
        assert f"cơ sở dữ liệu {filled.register_path} bị hỏng" in result.output
        assert "vanthu restore THƯ_MỤC_SAO_LƯU --home THƯ_MỤC_MỚI" in result.output
        assert "Traceback" not in result.output
    restored = tmp_path / "khoi-phuc"
    assert CliRunner().invoke(cli, ["restore", str(dest), "--home", str(restored)]).exit_code == 0
    assert vanthu(restored, "check").exit_code == 0
