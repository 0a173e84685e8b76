"""The register lost or damaged with no newer backup: rebuilt from the archive and out/, marked as such."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from office.workspace import Workspace
from vanthu.cli import cli


def vanthu(workspace: Workspace, *args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, [*args, "--home", str(workspace.root)], input=stdin)


def _entries(workspace: Workspace) -> dict[str, dict]:
    result = vanthu(workspace, "register", "list", "--json")
    assert result.exit_code == 0, result.output
    return {entry["symbol"]: entry for entry in json.loads(result.output)}


def _archive_first_letter(workspace: Workspace) -> None:
    shutil.copy(workspace.out / "01-CV-TU.pdf", workspace.inbox / "01-CV-TU.pdf")
    result = vanthu(workspace, "ingest", str(workspace.inbox))
    assert result.exit_code == 0, result.output


def test_a_damaged_register_is_kept_aside_and_rebuilt_from_the_archive_and_out(archive_ws):
    _archive_first_letter(archive_ws)
    before = _entries(archive_ws)
    garbage = b"not a database " * 400
    archive_ws.register_path.write_bytes(garbage)
    broken = vanthu(archive_ws, "register", "list")
    assert broken.exit_code == 3 and "vanthu register rebuild" in broken.output

    result = vanthu(archive_ws, "register", "rebuild")
    assert result.exit_code == 0, result.output
    [aside] = archive_ws.root.glob("register.sqlite3.hong-*")
    assert aside.read_bytes() == garbage  # the damaged file is kept, never deleted
    after = _entries(archive_ws)
    assert set(after) == set(before) == {"01-CV/TU", "02-CV/TU", "01-TB/TU"}
    for symbol, entry in after.items():
        assert (entry["date"], entry["subject"]) == (before[symbol]["date"], before[symbol]["subject"]), symbol
        assert entry["rebuilt_from"], symbol
    assert after["01-CV/TU"]["status"] == "archived" and after["01-CV/TU"]["rebuilt_from"].startswith("archive/")
    assert after["02-CV/TU"]["status"] == "issued" and after["02-CV/TU"]["rebuilt_from"] == "out/02-CV-TU.docx"
    assert "(dựng lại)" in vanthu(archive_ws, "register", "list").output
    # the catalog and the index lived in the damaged file too: found again, searchable, checked clean
    assert "01-CV/TU" in vanthu(archive_ws, "search", "thu ngân sách").output
    assert vanthu(archive_ws, "check").exit_code == 0


def test_the_next_number_follows_the_highest_found_and_missing_numbers_are_named(archive_ws, datafile):
    (archive_ws.out / "01-CV-TU.docx").unlink()  # number 1 is nowhere any more
    archive_ws.register_path.unlink()
    result = vanthu(archive_ws, "register", "rebuild")
    assert result.exit_code == 0, result.output
    assert "Chưa tìm thấy CV/TU số: 1 " in result.output
    assert "Đã dựng lại 2 mục" in result.output
    again = vanthu(archive_ws, "register", "rebuild")
    assert again.exit_code == 0 and "Đã dựng lại 0 mục của sổ đăng ký; 2 mục đã có sẵn." in again.output
    made = vanthu(archive_ws, "new", "cong-van", str(datafile({"subject": "họp giao ban tháng 12",
                                                                "to": ["Các Tổ theo dõi địa bàn"],
                                                                "body": "Mời dự họp.", "date": "2026-12-02"})))
    assert made.exit_code == 0, made.output
    assert "03-CV/TU" in made.output
