"""OCR slips a diacritic now and then (``Đák Song`` for ``Đắk Song``): a scan's locality, team and topics
are still found where the slipped name or keyword is the only one that fits; a text layer must be exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.indexing import index_document
from office.workspace import Workspace, init_workspace

SCANNED = ("V/v đẩy mạnh chuyễn đổi số\nĐề nghị Đảng ủy xã Đák Song và phường Xuân Hưong - Đà Lạt "
           "rà soát dịch vụ công trực tuyên, báo cáo kết quả chuyển đổi sổ.")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Workspace:
    return init_workspace(Path(tmp_path_factory.mktemp("slips")) / "ws")


def _indexed(workspace: Workspace, text: str, *, ocr: bool) -> dict:
    record = {"id": "x", "sha256": "0" * 64, "subject": text.splitlines()[0][4:], "text": text, "ocr": ocr}
    return index_document(record, workspace.gazetteer, workspace.taxonomy)


def _names(workspace: Workspace, codes: str) -> list[str]:
    return [workspace.gazetteer.by_code[code].full_name for code in codes.split(",") if code]


def test_a_scan_with_one_slipped_diacritic_a_name_is_still_found_with_its_team(workspace):
    fields = _indexed(workspace, SCANNED, ocr=True)
    assert _names(workspace, fields["localities"]) == ["Xã Đắk Song", "Phường Xuân Hương - Đà Lạt"]
    found = workspace.gazetteer.find("xã Đắk Song, phường Xuân Hương - Đà Lạt")
    assert fields["teams"] == ",".join(map(str, workspace.gazetteer.teams_of(found)))
    assert "chuyen-doi-so" in fields["topics"].split(",")


def test_the_same_slips_in_a_text_layer_match_nothing(workspace):
    fields = _indexed(workspace, SCANNED, ocr=False)
    assert fields["localities"] == ""
    assert "chuyen-doi-so" not in fields["topics"].split(",")


def test_two_slipped_syllables_are_not_guessed(workspace):
    assert workspace.gazetteer.find("Đề nghị xã Đák Sòng báo cáo.", slips=1) == []
    assert workspace.taxonomy.tag("", "Đẩy mạnh chuyễn đổi sổ trong cơ quan.", slips=1) == []


def test_the_longest_name_that_fits_still_wins_when_slipped(workspace):
    found = workspace.gazetteer.find("các xã Hàm Thuận Bác, Đạ Huoai 2", slips=1)
    assert [loc.full_name for loc in found] == ["Xã Hàm Thuận Bắc", "Xã Đạ Huoai 2"]
