"""Faults a real office meets: the disk full at every step of an archive write, the database locked
for a long time, the index folder deleted. After each, once the fault is gone: no inbox file lost,
nothing archived twice, ``vanthu check`` clean."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import add_settings
from pdf_factory import sign_pdf

from office.workspace import Workspace
from vanthu.cli import cli

DISK = 24 * 1024 * 1024
STEP = 20 * 1024  # free space left on the disk grows by this much from one trial to the next
TRIALS = 30
LOCKER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def vanthu(home: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(home)])


def _archived(workspace: Workspace) -> list[str]:
    return [json.loads(p.read_text("utf-8"))["sha256"] for p in workspace.archive.rglob("*.json")]


def _inbox(workspace: Workspace) -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in workspace.inbox.iterdir() if p.is_file()}


def _assert_nothing_lost_or_doubled(workspace: Workspace, dropped: set[str]) -> None:
    archived = _archived(workspace)
    assert len(archived) == len(set(archived)), "a document was archived twice"
    assert dropped <= set(archived) | _inbox(workspace), "a file was lost"


@pytest.fixture
def small_disk(tmp_path):
    """A real 24 MB file system (tmpfs), so that ENOSPC comes from the kernel, not from a mock."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK}", "tmpfs",
                                            str(mount)], capture_output=True).returncode != 0:
        pytest.skip("cần quyền root để gắn một tmpfs nhỏ")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """Take all but ``leave`` bytes of the disk."""
    filler = disk / "filler"
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    with filler.open("wb") as stream:
        if free > leave:
            os.posix_fallocate(stream.fileno(), 0, free - leave)
    return filler


def test_disk_full_at_every_write_step_loses_and_doubles_nothing(archive_ws, issued, small_disk):
    root = small_disk / "ws"
    shutil.copytree(archive_ws.root, root)
    workspace = Workspace(root)
    add_settings(workspace, ingest_workers=1)
    dropped: set[str] = set()
    outcomes: Counter[str] = Counter()
    for trial in range(TRIALS):
        for name in ("cv1", "tb"):
            data = sign_pdf(issued.pdfs[name], issued.signer, issued.ca)
            (workspace.inbox / f"t{trial:02d}-{name}.pdf").write_bytes(data)
            dropped.add(hashlib.sha256(data).hexdigest())
        filler = _fill(small_disk, trial * STEP)
        result = vanthu(root, "ingest", str(workspace.inbox))
        filler.unlink()
        assert result.exit_code in (0, 1), (trial, result.output, result.exception)
        assert "Traceback" not in result.output
        if result.exit_code == 1:
            assert "ổ đĩa đã đầy" in result.output, result.output
        outcomes["đầy" if result.exit_code else "xong"] += 1
        _assert_nothing_lost_or_doubled(workspace, dropped)
        assert list(workspace.quarantine.iterdir()) == []
        again = vanthu(root, "ingest", str(workspace.inbox))
        assert again.exit_code == 0, again.output
        assert sorted(_archived(workspace)) == sorted(dropped) and _inbox(workspace) == set()
        check = vanthu(root, "check")
        assert check.exit_code == 0, check.output
    assert outcomes["đầy"] >= TRIALS // 2 and outcomes["xong"] >= 1, outcomes
    rebuilt = vanthu(root, "index", "rebuild")
    assert rebuilt.exit_code == 0 and f"{len(dropped)} văn bản" in rebuilt.output


def test_the_database_locked_for_a_long_time_delays_but_loses_nothing(archive_ws, issued):
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(archive_ws.register_path), "4"],
                              stdout=subprocess.PIPE, text=True)
    assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
    data = sign_pdf(issued.pdfs["cv2"], issued.signer, issued.ca)
    (archive_ws.inbox / "khoa.pdf").write_bytes(data)
    started = time.monotonic()
    result = vanthu(archive_ws.root, "ingest", str(archive_ws.inbox))
    waited = time.monotonic() - started
    locker.wait(30)
    assert result.exit_code == 0, result.output
    assert waited >= 2  # it waited for the lock rather than failing or skipping the file
    assert _archived(archive_ws) == [hashlib.sha256(data).hexdigest()] and _inbox(archive_ws) == set()
    assert vanthu(archive_ws.root, "check").exit_code == 0


def test_a_deleted_index_folder_stops_nothing_and_is_rebuilt(archive_ws, issued):
    shutil.rmtree(archive_ws.index)
    (archive_ws.inbox / "a.pdf").write_bytes(issued.pdfs["cv1"])
    result = vanthu(archive_ws.root, "ingest", str(archive_ws.inbox))
    assert result.exit_code == 0, result.output
    assert "vanthu index rebuild" in result.output
    assert len(_archived(archive_ws)) == 1 and _inbox(archive_ws) == set()
    assert vanthu(archive_ws.root, "check").exit_code == 0
    assert vanthu(archive_ws.root, "index", "rebuild").exit_code == 0
    answer = json.loads(vanthu(archive_ws.root, "search", "thu ngân sách", "--json").output)
    assert [hit["symbol"] for hit in answer["hits"]] == ["01-CV/TU"]


def test_a_lost_database_gets_its_catalog_and_index_back_from_the_sidecars(archive_ws, issued):
    for name in ("cv1", "tb"):
        (archive_ws.inbox / f"{name}.pdf").write_bytes(issued.pdfs[name])
    assert vanthu(archive_ws.root, "ingest", str(archive_ws.inbox)).exit_code == 0
    archive_ws.register_path.unlink()
    shutil.rmtree(archive_ws.index)
    result = vanthu(archive_ws.root, "index", "rebuild")
    assert result.exit_code == 0, result.output
    assert "Đã bổ sung vào danh mục 2 văn bản" in result.output
    check = vanthu(archive_ws.root, "check")
    assert check.exit_code == 0 and "Kho lưu trữ nguyên vẹn: 2 văn bản" in check.output
    shown = vanthu(archive_ws.root, "show", "01-TB/TU")
    assert shown.exit_code == 0 and "Số, ký hiệu: 01-TB/TU" in shown.output
