"""The index follows the archive: ingest indexes, a broken index never stops ingestion."""

from __future__ import annotations

import json
import time

from click.testing import CliRunner
from conftest import add_settings
from pdf_factory import sign_pdf
from watching import WatchProcess

from archive.store import ArchiveStore
from docgen.secrecy import CONSOLE
from indexer.search import SearchRequest, search
from vanthu.cli import cli


def vanthu(workspace, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(workspace.root)])


def total(workspace, *args: str) -> int:
    result = vanthu(workspace, "search", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["total"]


def test_archiving_a_document_makes_it_searchable(archive_ws, issued):
    (archive_ws.inbox / "tb.pdf").write_bytes(issued.pdfs["tb"])
    assert vanthu(archive_ws, "ingest", str(archive_ws.inbox)).exit_code == 0
    answer = json.loads(vanthu(archive_ws, "search", "ban giao mat bang", "--json").output)
    [hit] = answer["hits"]
    assert hit["symbol"] == "01-TB/TU" and hit["localities"] == ["Xã Đắk Song"]
    assert total(archive_ws, "--locality", "Đắk Song") == 1


def test_a_broken_index_does_not_stop_ingestion_and_rebuild_catches_up(archive_ws, issued):
    for path in archive_ws.index.iterdir():
        path.write_bytes(b"hong")
    (archive_ws.inbox / "cv1.pdf").write_bytes(issued.pdfs["cv1"])
    result = vanthu(archive_ws, "ingest", str(archive_ws.inbox))
    assert result.exit_code == 0
    assert "Đã lưu trữ" in result.output and "vanthu index rebuild" in result.output
    catalog = archive_ws.catalog()
    assert len(catalog.unindexed()) == 1
    catalog.close()
    assert vanthu(archive_ws, "index", "rebuild").exit_code == 0
    assert total(archive_ws, "thu ngân sách") == 1
    catalog = archive_ws.catalog()
    assert catalog.unindexed() == []
    catalog.close()


def test_search_answers_while_the_watcher_writes(archive_ws, issued):
    add_settings(archive_ws, stability_delay=0.2)
    watcher = WatchProcess(archive_ws.root)
    index, store = archive_ws.search_index(), ArchiveStore(archive_ws.archive)
    totals = []
    for round_number in range(4):
        data = sign_pdf(issued.pdfs["cv2"], issued.signer, issued.ca)
        (archive_ws.inbox / f"r{round_number}.pdf").write_bytes(data)
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            answer = search(index, store, SearchRequest("chuyển đổi số"), archive_ws.gazetteer,
                            archive_ws.taxonomy, CONSOLE)
            totals.append(answer["total"])
            time.sleep(0.05)
    watcher.wait_for(4)
    time.sleep(0.5)  # the watcher indexes at the end of its tick
    totals.append(search(index, store, SearchRequest("chuyển đổi số"), archive_ws.gazetteer,
                         archive_ws.taxonomy, CONSOLE)["total"])
    assert watcher.stop()[0] == 0
    index.close()
    assert totals == sorted(totals) and totals[-1] == 1  # four signed files of one document: one hit
    assert len(totals) > 30
    assert len(json.loads(vanthu(archive_ws, "show", "02-CV/TU", "--json").output)["files"]) == 4
