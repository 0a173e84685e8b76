"""Hostile PDFs beside a good one: each is quarantined with the limit it broke, the good one is archived.

The limits are set small through ``[settings]`` so that each bomb trips its
limit in a second or two; the defaults are the same code with larger numbers.
"""

from __future__ import annotations

import json
import time
import traceback
from pathlib import Path

import bombs
import pytest
from click.testing import CliRunner
from conftest import add_settings
from watching import WatchProcess

from vanthu.cli import cli

SMALL = {"limit_stream_mb": 20, "limit_pages": 200, "limit_depth": 50, "limit_file_mb": 50,
         "limit_page_seconds": 1.0, "limit_file_seconds": 20.0, "limit_memory_mb": 1024}

# file name → (its bytes, or None for the sparse 200 MB file; the reason it must be quarantined with)
BOMBS = {
    "bom-giai-nen.pdf": (lambda: bombs.inflate_bomb(60),
                         "vượt giới hạn dung lượng giải nén của một luồng dữ liệu 20 MB"),
    "long-sau.pdf": (lambda: bombs.deep_nesting(100_000), "vượt giới hạn độ lồng đối tượng 50 cấp"),
    "nhieu-trang.pdf": (lambda: bombs.many_pages(2_000),
                        "vượt giới hạn số trang 200 trang (tệp có 2000 trang)"),
    "cham.pdf": (lambda: bombs.slow_text(4_000_000),
                 "vượt giới hạn thời gian xử lý một trang 1 giây (trang 1)"),
    "qua-lon.pdf": (None, "vượt giới hạn kích thước tệp 50 MB (tệp 200 MB)"),
}


def vanthu(workspace, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(workspace.root)])


def _drop_bombs(inbox: Path) -> None:
    for name, (make, _reason) in BOMBS.items():
        if make is None:
            bombs.sparse_file(inbox / name, 200)
        else:
            (inbox / name).write_bytes(make())


def _rows(output: str) -> dict[str, dict]:
    return {Path(r["file"]).name: r for r in (json.loads(line) for line in output.splitlines()
                                              if line.startswith("{"))}


def _reasons(quarantine: Path) -> dict[str, str]:
    return {p.name.removesuffix(".reason.txt"): p.read_text("utf-8")
            for p in quarantine.glob("*.reason.txt")}


def test_ingest_quarantines_each_bomb_with_its_limit_and_archives_the_good_file(archive_ws, issued):
    add_settings(archive_ws, **SMALL, ingest_workers=2)
    _drop_bombs(archive_ws.inbox)
    (archive_ws.inbox / "loop.pdf").write_bytes(bombs.xref_loop())
    (archive_ws.inbox / "tot.pdf").write_bytes(issued.pdfs["cv1"])
    result = vanthu(archive_ws, "ingest", str(archive_ws.inbox), "--json")
    assert result.exit_code == 2, result.output
    rows = _rows(result.output)
    assert rows["tot.pdf"]["status"] == "archived" and rows["tot.pdf"]["symbol"] == "01-CV/TU"
    # pypdf stops at the circular chain itself; the page it reaches is read and archived
    assert rows["loop.pdf"]["status"] == "archived"
    notes = _reasons(archive_ws.quarantine)
    for name, (_make, reason) in BOMBS.items():
        assert rows[name]["status"] == "quarantined" and rows[name]["reason"] == reason, rows[name]
        assert reason in notes[name]
        assert (archive_ws.quarantine / name).is_file()
    assert list(archive_ws.inbox.iterdir()) == []
    check = vanthu(archive_ws, "check")
    assert check.exit_code == 0, (check.output, "".join(traceback.format_exception(*check.exc_info)))


def test_a_worker_past_its_time_or_memory_is_replaced_and_the_batch_goes_on(archive_ws, issued):
    add_settings(archive_ws, limit_file_seconds=1.5, limit_page_seconds=60.0, limit_stream_mb=500,
                 limit_memory_mb=200, ingest_workers=1)
    (archive_ws.inbox / "a-cham.pdf").write_bytes(bombs.slow_text(4_000_000))
    (archive_ws.inbox / "b-bo-nho.pdf").write_bytes(bombs.inflate_bomb(150))
    (archive_ws.inbox / "c-tot.pdf").write_bytes(issued.pdfs["cv2"])
    (archive_ws.inbox / "d-tot.pdf").write_bytes(issued.pdfs["tb"])
    result = vanthu(archive_ws, "ingest", str(archive_ws.inbox), "--json")
    assert result.exit_code == 2, result.output
    rows = _rows(result.output)
    assert rows["a-cham.pdf"]["reason"] == "vượt giới hạn thời gian xử lý 1,5 giây"
    assert rows["b-bo-nho.pdf"]["reason"] == "vượt giới hạn bộ nhớ 200 MB"
    assert rows["c-tot.pdf"]["status"] == rows["d-tot.pdf"]["status"] == "archived"


def test_the_watcher_quarantines_bombs_and_keeps_archiving(archive_ws, issued):
    add_settings(archive_ws, **{**SMALL, "limit_file_seconds": 2.0, "limit_page_seconds": 30.0},
                 stability_delay=0.2)
    watcher = WatchProcess(archive_ws.root)
    try:
        (archive_ws.inbox / "cham.pdf").write_bytes(bombs.slow_text(4_000_000))
        (archive_ws.inbox / "bom-giai-nen.pdf").write_bytes(bombs.inflate_bomb(60))
        bombs.sparse_file(archive_ws.inbox / "qua-lon.pdf", 200)
        time.sleep(0.5)
        (archive_ws.inbox / "tot.pdf").write_bytes(issued.pdfs["tb"])
        seen = {Path(o["file"]).name: o for o in watcher.wait_for(4, timeout=60)}
    finally:
        code, stderr = watcher.stop()
    assert code == 0, stderr
    assert seen["tot.pdf"]["status"] == "archived"
    assert seen["cham.pdf"]["reason"] == "vượt giới hạn thời gian xử lý 2 giây"
    assert seen["bom-giai-nen.pdf"]["reason"].startswith("vượt giới hạn dung lượng giải nén")
    assert seen["qua-lon.pdf"]["reason"].startswith("vượt giới hạn kích thước tệp 50 MB")
    assert sorted(p.name for p in archive_ws.inbox.iterdir()) == []


@pytest.mark.parametrize("name, value", [("limit_pages", "nhiều"), ("limit_memory_mb", 1.5)])
def test_a_limit_of_the_wrong_type_is_refused_naming_the_setting(archive_ws, name, value):
    add_settings(archive_ws, **{name: value})
    result = vanthu(archive_ws, "settings")
    assert result.exit_code == 2 and f"settings.{name}" in result.output
