"""The watcher on real folders: stability, temporary files, bad input, clean stop."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from conftest import add_settings
from watching import WatchProcess

from archive.watcher import FileStabilityTracker, RetrySchedule, is_ignored


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_file_is_ready_only_after_it_stopped_changing(tmp_path):
    clock = Clock()
    tracker = FileStabilityTracker(2.0, clock)
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1")
    tracker.touch(path)
    assert tracker.ready() == []
    clock.now = 1.5
    assert tracker.ready() == []
    path.write_bytes(b"%PDF-1.7 more")
    clock.now = 3.0
    assert tracker.ready() == []  # changed: the wait starts again
    clock.now = 4.9
    assert tracker.ready() == []
    clock.now = 5.0
    assert tracker.ready() == [path]
    assert len(tracker) == 0


def test_a_file_that_vanishes_is_forgotten(tmp_path):
    tracker = FileStabilityTracker(0.0, Clock())
    path = tmp_path / "a.pdf"
    path.write_bytes(b"x")
    tracker.touch(path)
    path.unlink()
    assert tracker.ready() == [] and len(tracker) == 0


def test_temporary_and_hidden_files_are_ignored():
    for name in ("a.pdf.part", "b.crdownload", "~$c.docx", ".d.pdf", "Thumbs.db", "e.PDF.PART"):
        assert is_ignored(Path(name)), name
    assert not is_ignored(Path("1417-CV-TU.pdf"))


def test_retries_back_off_and_are_capped():
    clock = Clock()
    retries = RetrySchedule(cap=5.0, clock=clock)
    waits = [retries.schedule(Path("x")) for _ in range(4)]
    assert waits == [2.0, 4.0, 5.0, 5.0]
    assert retries.due() == []
    clock.now = 5.0
    assert retries.due() == [Path("x")]
    retries.forget(Path("x"))
    assert retries.due() == []


def test_watch_takes_what_is_there_a_slow_copy_and_survives_bad_files(archive_ws, issued):
    add_settings(archive_ws, stability_delay=0.5)
    (archive_ws.inbox / "co-san.pdf").write_bytes(issued.pdfs["cv1"])
    watcher = WatchProcess(archive_ws.root)
    [first] = watcher.wait_for(1)
    assert (Path(first["file"]).name, first["status"]) == ("co-san.pdf", "archived")

    (archive_ws.inbox / "hong.pdf").write_bytes(b"day khong phai PDF")
    partial = archive_ws.inbox / "dang-chep.pdf.part"
    partial.write_bytes(issued.pdfs["tb"])
    data = issued.pdfs["cv2"]
    slow = archive_ws.inbox / "cham.pdf"
    with slow.open("wb") as stream:
        for start in range(0, len(data), len(data) // 8 + 1):
            stream.write(data[start:start + len(data) // 8 + 1])
            stream.flush()
            time.sleep(0.2)
    outcomes = {Path(o["file"]).name: o for o in watcher.wait_for(3)[1:]}
    assert outcomes["hong.pdf"]["status"] == "quarantined"
    assert outcomes["cham.pdf"]["status"] == "archived"
    archived = next(archive_ws.archive.rglob(f"*__{outcomes['cham.pdf']['id']}.pdf"))
    assert hashlib.sha256(archived.read_bytes()).hexdigest().startswith(outcomes["cham.pdf"]["id"])
    assert archived.read_bytes() == data

    partial.rename(archive_ws.inbox / "da-chep-xong.pdf")
    [*_, last] = watcher.wait_for(4)
    assert (Path(last["file"]).name, last["symbol"]) == ("da-chep-xong.pdf", "01-TB/TU")
    code, stderr = watcher.stop()
    assert code == 0 and "Đã dừng theo dõi." in stderr
    assert len(watcher.seen) == 4
    assert sorted(p.name for p in archive_ws.inbox.iterdir()) == []


def test_polling_mode_archives_too(archive_ws, issued):
    add_settings(archive_ws, stability_delay=0.3, poll_seconds=0.2)
    watcher = WatchProcess(archive_ws.root, "--polling")
    time.sleep(0.5)
    (archive_ws.inbox / "mang.pdf").write_bytes(issued.pdfs["tb"])
    [outcome] = watcher.wait_for(1)
    assert outcome["status"] == "archived"
    assert watcher.stop()[0] == 0
