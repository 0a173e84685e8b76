"""Nothing enters the archive by a side door: links and devices in the inbox are refused unread."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import add_settings
from watching import WatchProcess

from archive.store import ArchiveStore
from docgen.errors import InvalidInput
from vanthu.cli import cli

SECRET = "root:x:0:0:mật khẩu của máy chủ\n"


def vanthu(workspace, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(workspace.root)])


def _rows(output: str) -> dict[str, dict]:
    return {Path(r["file"]).name: r for r in (json.loads(line) for line in output.splitlines()
                                              if line.startswith("{"))}


def _quarantined_text(workspace) -> str:
    return "".join(p.read_text("utf-8", errors="replace") for p in workspace.quarantine.iterdir())


def test_links_and_devices_in_the_inbox_are_refused_with_a_note_of_their_target(archive_ws, issued,
                                                                                tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text(SECRET, "utf-8")
    elsewhere = tmp_path / "mat" / "van-ban-mat.pdf"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(issued.pdfs["cv2"])
    inbox = archive_ws.inbox
    (inbox / "passwd.pdf").symlink_to(secret)
    (inbox / "mat.pdf").symlink_to(elsewhere)
    (inbox / "thu-muc").symlink_to(elsewhere.parent, target_is_directory=True)
    os.mkfifo(inbox / "ong.pdf")
    (inbox / "tot.pdf").write_bytes(issued.pdfs["cv1"])

    result = vanthu(archive_ws, "ingest", str(inbox), "--json")
    assert result.exit_code == 2, result.output
    rows = _rows(result.output)
    assert rows["tot.pdf"]["status"] == "archived"
    for name, target in (("passwd.pdf", secret), ("mat.pdf", elsewhere), ("thu-muc", elsewhere.parent)):
        assert rows[name]["status"] == "quarantined"
        assert f"liên kết tượng trưng (symlink) tới {target}" in rows[name]["reason"]
    assert "không phải tệp thông thường" in rows["ong.pdf"]["reason"]
    assert list(inbox.iterdir()) == []  # the links themselves are gone
    assert secret.read_text("utf-8") == SECRET and elsewhere.read_bytes() == issued.pdfs["cv2"]
    assert sorted(p.name for p in archive_ws.quarantine.iterdir()) == sorted(
        f"{n}.reason.txt" for n in ("passwd.pdf", "mat.pdf", "thu-muc", "ong.pdf"))
    assert "mật khẩu" not in _quarantined_text(archive_ws)
    with archive_ws.catalog() as catalog:
        assert [row.symbol for row in catalog.archived()] == ["01-CV/TU"]


def test_a_link_outside_the_inbox_is_refused_and_left_where_it_is(archive_ws, issued, tmp_path):
    folder = tmp_path / "ho-so-cu"
    folder.mkdir()
    (folder / "lien-ket.pdf").symlink_to(archive_ws.root / "out" / "01-CV-TU.pdf")
    result = vanthu(archive_ws, "ingest", str(folder), "--json")
    assert result.exit_code == 2
    assert "liên kết tượng trưng" in _rows(result.output)["lien-ket.pdf"]["reason"]
    assert (folder / "lien-ket.pdf").is_symlink()
    assert list(archive_ws.archive.rglob("*.pdf")) == []


def test_the_watcher_refuses_a_link_at_once_and_archives_the_rest(archive_ws, issued, tmp_path):
    add_settings(archive_ws, stability_delay=0.2)
    secret = tmp_path / "shadow"
    secret.write_text(SECRET, "utf-8")
    watcher = WatchProcess(archive_ws.root)
    try:
        (archive_ws.inbox / "shadow.pdf").symlink_to(secret)
        time.sleep(0.3)
        (archive_ws.inbox / "tot.pdf").write_bytes(issued.pdfs["tb"])
        seen = {Path(o["file"]).name: o for o in watcher.wait_for(2, timeout=30)}
    finally:
        code, stderr = watcher.stop()
    assert code == 0, stderr
    assert seen["tot.pdf"]["status"] == "archived"
    assert seen["shadow.pdf"]["status"] == "quarantined" and str(secret) in seen["shadow.pdf"]["reason"]
    assert list(archive_ws.inbox.iterdir()) == []
    assert "mật khẩu" not in _quarantined_text(archive_ws)


@pytest.mark.parametrize("field, value", [("kind", "../../.."), ("date", "../../etc")])
def test_an_archive_path_read_from_a_document_cannot_leave_the_archive(tmp_path, field, value):
    store = ArchiveStore(tmp_path / "archive")
    record = {"sha256": "ab" * 32, "id": "abababababab", "archived_at": "2026-06-03", "date": "2026-06-03",
              "kind": "CV", "symbol": "", field: value}
    with pytest.raises(InvalidInput, match="nằm ngoài thư mục"):
        store.put(b"%PDF-1.7", record)
    assert not (tmp_path / "etc").exists()
