"""One document, many files: the signed original, a re-signed copy, an unsigned copy, a modified file
and another office's file under the same number are one document, listed once, shown with all its files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pdf_factory import change_page, make_crl, sign_pdf

import office
from docgen.secrecy import Viewer
from indexer.search import SearchRequest
from office.workspace import Workspace, init_workspace
from vanthu.cli import cli


def vanthu(home: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(home)])


@pytest.fixture(scope="module")
def other_office(tmp_path_factory) -> bytes:
    """Another office's 01-CV/TU: the same number, another text, marked MẬT."""
    root = tmp_path_factory.mktemp("other") / "ws"
    init_workspace(root)
    source = tmp_path_factory.mktemp("other-data") / "cv.yaml"
    source.write_text(yaml.safe_dump({
        "subject": "chuẩn bị diễn tập phòng thủ khu vực", "to": "Ban Chỉ huy Quân sự", "secrecy": "MẬT",
        "body": "Đề nghị chuẩn bị lực lượng, phương tiện cho diễn tập.", "recipients": ["Như trên"],
        "date": "2026-06-03"}, allow_unicode=True), "utf-8")
    result = vanthu(root, "new", "cong-van", str(source), "--pdf")
    assert result.exit_code == 0, result.output
    return (root / "out" / "01-CV-TU.pdf").read_bytes()


@pytest.fixture
def files(archive_ws, issued, tmp_path) -> dict[str, bytes]:
    for name, data in (("ca.cer", issued.ca.der), ("ca.crl", make_crl(issued.ca))):
        (tmp_path / name).write_bytes(data)
        assert vanthu(archive_ws.root, "trust", "add", str(tmp_path / name)).exit_code == 0
    signed = sign_pdf(issued.pdfs["cv1"], issued.signer, issued.ca)
    return {"1-ban-goc.pdf": signed, "2-ky-lai.pdf": sign_pdf(issued.pdfs["cv1"], issued.signer, issued.ca),
            "3-ban-sao.pdf": issued.pdfs["cv1"], "4-bi-sua.pdf": change_page(signed)}


def ingest(ws: Workspace, folder: Path, items: dict[str, bytes]) -> list[dict]:
    folder.mkdir(exist_ok=True)
    for name, data in items.items():
        (folder / name).write_bytes(data)
    result = vanthu(ws.root, "ingest", *map(str, sorted(folder.glob("*.pdf"))), "--json")
    return [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]


def shown(ws: Workspace, key: str) -> dict:
    result = vanthu(ws.root, "show", key, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_files_of_one_document_are_one_hit_and_one_record(archive_ws, files, tmp_path):
    rows = ingest(archive_ws, tmp_path / "den", files)
    assert len(rows) == 4 and {r["symbol"] for r in rows} == {"01-CV/TU"}
    answer = json.loads(vanthu(archive_ws.root, "search", "thu ngân sách", "--json").output)
    assert answer["total"] == 1 and len(answer["hits"]) == 1
    [hit] = answer["hits"]
    originals = {r["id"] for r in rows if Path(r["file"]).name in ("1-ban-goc.pdf", "2-ky-lai.pdf")}
    assert hit["signature"] == "valid" and hit["id"] in originals and "**thu ngân sách**" in hit["snippet"]
    document = shown(archive_ws, "01-CV/TU")  # no longer "có 2 văn bản khớp"
    assert document["id"] == hit["id"] and document["signature"] == "valid"
    listed = document["files"]
    assert len(listed) == 4 and document["conflicts"] == 1
    tampered = next(r for r in rows if Path(r["file"]).name == "4-bi-sua.pdf")
    # the best first: file 0 is the one to trust, the tampered copy last and marked
    assert listed[-1]["id"] == tampered["id"] and listed[-1]["conflict"].startswith("chữ ký số KHÔNG hợp lệ")
    assert [(f["kind"], f["signature"]) for f in listed[:-1]] == [("original", "valid"), ("original", "valid"),
                                                                    ("copy", "unsigned")]
    assert listed[0]["id"] == hit["id"]
    invalid = json.loads(vanthu(archive_ws.root, "search", "--signature", "invalid", "--json").output)
    assert [h["id"] for h in invalid["hits"]] == [hit["id"]] and hit["signatures"] == ["invalid", "unsigned", "valid"]
    assert all(len(f["sha256"]) == 64 and f["archived_at"] for f in listed)
    assert {f["id"] for f in listed} == {r["id"] for r in rows}
    # by a file's id, that file's fields, with the same files
    copy = next(r for r in rows if Path(r["file"]).name == "3-ban-sao.pdf")
    by_id = shown(archive_ws, copy["id"])
    assert by_id["id"] == copy["id"] and by_id["signature"] == "unsigned" and len(by_id["files"]) == 4
    text = vanthu(archive_ws.root, "show", "01-CV/TU")
    assert text.exit_code == 0
    lines = text.output.splitlines()
    start = lines.index("Các tệp của văn bản (4 tệp, 1 tệp KHÔNG KHỚP):")
    assert lines[start + 1].startswith(f"  1. [{hit['id']}] bản gốc (PDF ký số), chữ ký số: hợp lệ")
    last = next(i for i, line in enumerate(lines) if line.startswith(f"  4. [{tampered['id']}]"))
    assert "KHÔNG hợp lệ" in lines[last] and lines[last + 1].startswith("     KHÔNG KHỚP: chữ ký số KHÔNG hợp lệ")


def test_a_byte_identical_file_is_still_quarantined(archive_ws, files, tmp_path):
    ingest(archive_ws, tmp_path / "den", {"1-ban-goc.pdf": files["1-ban-goc.pdf"]})
    again = tmp_path / "lai"
    again.mkdir()
    (again / "ban-goc-lan-2.pdf").write_bytes(files["1-ban-goc.pdf"])
    result = vanthu(archive_ws.root, "ingest", str(again / "ban-goc-lan-2.pdf"))
    assert result.exit_code != 0 and "trùng" in result.output
    assert len(shown(archive_ws, "01-CV/TU")["files"]) == 1


def test_a_file_with_another_text_is_a_conflict_and_its_secrecy_the_documents(archive_ws, files, other_office,
                                                                              tmp_path):
    ingest(archive_ws, tmp_path / "den", {"1-ban-goc.pdf": files["1-ban-goc.pdf"], "5-noi-khac.pdf": other_office})
    document = shown(archive_ws, "01-CV/TU")
    assert document["secrecy"] == "MẬT" and document["conflicts"] == 1
    first = document["files"][1]  # after the signed original
    assert first["kind"] == "copy" and first["secrecy"] == "MẬT"
    assert first["conflict"].startswith(f"nội dung khác bản có chữ ký số hợp lệ [{document['id']}]")
    check = vanthu(archive_ws.root, "check")
    assert check.exit_code == 0, check.output
    assert f"Tệp không khớp văn bản 01-CV/TU: archive/{first['path']} [{first['id']}] — nội dung khác" in check.output
    assert "1 tệp không khớp văn bản của nó" in check.output
    # Staff not cleared for MẬT: the document does not exist, by symbol, by either file's id, in search.
    staff = Viewer("chuyenvien", 0)
    for key in ("01-CV/TU", document["id"], first["id"]):
        with pytest.raises(office.NotFound):
            office.find_document(archive_ws, key, staff)
    assert office.search_archive(archive_ws, SearchRequest("thu ngân sách"), staff)["total"] == 0
    assert office.search_archive(archive_ws, SearchRequest("thu ngân sách"), Viewer("vt", 1))["total"] == 1


def test_an_unsigned_copy_with_another_text_is_a_conflict_when_nothing_is_signed(archive_ws, issued, other_office,
                                                                                 tmp_path):
    ingest(archive_ws, tmp_path / "den", {"1-ban-in.pdf": issued.pdfs["cv1"], "5-noi-khac.pdf": other_office})
    document = shown(archive_ws, "01-CV/TU")
    assert document["conflicts"] == 1 and [f["signature"] for f in document["files"]] == ["unsigned"] * 2
    assert document["files"][1]["conflict"].startswith(f"nội dung khác bản sao (PDF không ký số) [{document['id']}]")


def test_a_rebuilt_index_lists_each_document_once(archive_ws, files, tmp_path):
    ingest(archive_ws, tmp_path / "den", files)
    shutil.rmtree(archive_ws.index)
    assert vanthu(archive_ws.root, "index", "rebuild").exit_code == 0
    answer = json.loads(vanthu(archive_ws.root, "search", "--kind", "CV", "--json").output)
    assert answer["total"] == 1 and answer["hits"][0]["signature"] == "valid"
    invalid = json.loads(vanthu(archive_ws.root, "search", "--signature", "invalid", "--json").output)
    assert invalid["total"] == 1 and invalid["hits"][0]["signatures"] == ["invalid", "unsigned", "valid"]
