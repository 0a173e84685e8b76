"""Documents from the state, as the portal publishes them: signed 1-bit scans read by OCR, their
handwritten number and day proposals that a clerk confirms or corrects (``vanthu review``, ``edit``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdf_factory import make_identity, sign_pdf
from state_scans import CONG_VAN, QUYET_DINH, printed_and_scanned, scan
from test_archive import drop, ingest_inbox, vanthu

import office
from archive.limits import Limits
from archive.metadata import Metadata
from archive.ocr import Word, page_png
from archive.proposals import judge
from docgen.secrecy import CONSOLE
from office.workspace import Workspace


@pytest.fixture(scope="module")
def scans(issued) -> dict[str, bytes]:
    ca = make_identity("CA Chính phủ thử nghiệm")
    portal = make_identity("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", ca, organization="VĂN PHÒNG CHÍNH PHỦ")
    return {doc.name: sign_pdf(scan(doc), portal, ca) for doc in (QUYET_DINH, CONG_VAN)}


@pytest.fixture(scope="module")
def state_ws(issued, scans, tmp_path_factory) -> tuple[Workspace, dict[str, dict]]:
    """One workspace with both scans archived (OCR runs once for the module)."""
    root = tmp_path_factory.mktemp("state") / "ws"
    shutil.copytree(issued.root, root)
    workspace = Workspace(root)
    for name, data in scans.items():
        drop(workspace, f"{name}.pdf", data)
    code, rows = ingest_inbox(workspace)
    assert code == 0, rows
    return workspace, {Path(row["file"]).stem: row for row in rows}


def _record(workspace: Workspace, key: str) -> dict:
    result = vanthu(workspace, "show", key, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _value(record: dict, name: str) -> str:
    """What a clerk is shown for a field: the fact, or (``cần xác nhận``) the proposal."""
    return record[name] or record["proposed"].get(name, {}).get("value", "")


def test_a_state_quyet_dinh_is_read_and_its_number_waits_for_a_clerk(state_ws, scans):
    workspace, rows = state_ws
    record = _record(workspace, rows["qd-ttg"]["id"])
    assert record["ocr"] is True and record["no_text"] is False
    assert (workspace.archive / record["path"]).read_bytes() == scans["qd-ttg"]
    # every value OCR reads but the kind (its title's closed vocabulary) waits for a clerk
    assert record["issuer"] == "" and _value(record, "issuer") == "THỦ TƯỚNG CHÍNH PHỦ" and record["layout"] == "state"
    assert record["kind"] == "QĐ" and record["kind_name"] == "Quyết định"
    assert _value(record, "subject").startswith("Phê duyệt Chương trình hành động quốc gia")
    assert record["signer"] == "" and _value(record, "authority") == "KT. THỦ TƯỚNG"
    assert "HỎA TỐC" in record["marks"]
    # the handwritten number is never a fact, whatever OCR made of it
    assert record["symbol"] == "" and "symbol" in record["needs_review"]
    assert record["proposed"]["symbol"]["value"].endswith("/QĐ-TTg")
    assert record["date"] in ("", QUYET_DINH.date)  # the handwritten day: right, or not a fact
    assert all(0 <= c <= 100 for c in record["confidence"].values())
    # what is on the page but not the document's
    assert record["appearance"][0].startswith("Người ký: CỔNG THÔNG TIN")
    sidecar = json.loads((workspace.archive / record["path"]).with_suffix(".json").read_text("utf-8"))
    assert "Phê duyệt Chương trình" in sidecar["text"] and "Thời gian ký" not in sidecar["text"]
    assert any("ĐẾN" in line for line in record["received"])
    assert record["secrecy"] == "MẬT"  # no mark read on a scan: MẬT until a clerk says


def test_a_state_cong_van_is_read_with_its_trich_yeu(state_ws):
    workspace, rows = state_ws
    record = _record(workspace, rows["cv-btc"]["id"])
    assert _value(record, "issuer") == "BỘ TÀI CHÍNH" and record["kind"] == "CV"
    assert _value(record, "subject").startswith("V/v hướng dẫn xuất cấp gạo dự trữ quốc gia")
    assert record["to"] == ["Ủy ban nhân dân tỉnh Lâm Đồng"]
    assert record["symbol"] == "" and record["proposed"]["symbol"]["value"].endswith("/BTC-TCDT")
    assert record["signer"] in ("Nguyễn Đức Chi", "")  # OCR's «Chỉ» is at most a proposal


def test_a_proposal_opens_nothing_until_confirmed_then_everything(state_ws):
    workspace, rows = state_ws
    doc_id = rows["qd-ttg"]["id"]
    assert vanthu(workspace, "show", "970/QĐ-TTg").exit_code != 0
    shown = vanthu(workspace, "show", doc_id)
    assert "(cần xác nhận)" in shown.output
    queue = vanthu(workspace, "review", "--json")
    assert queue.exit_code == 0 and doc_id in [item["id"] for item in json.loads(queue.output)]
    wrong = vanthu(workspace, "edit", doc_id, "--symbol", "970-QĐTTg")
    assert wrong.exit_code != 0 and "số, ký hiệu" in wrong.output
    done = vanthu(workspace, "edit", doc_id, "--symbol", "970/QĐ-TTg", "--date", "13/09/2024",
                  "--secrecy", "", "--note", "đối chiếu bản giấy")
    assert done.exit_code == 0, done.output
    for key in ("970/QĐ-TTg", "970/qd-ttg"):
        record = _record(workspace, key)
        assert record["id"] == doc_id and record["symbol"] == "970/QĐ-TTg" and record["date"] == "2024-09-13"
    assert [c["field"] for c in record["corrections"]] == ["symbol", "date", "secrecy"]
    assert record["corrections"][0]["note"] == "đối chiếu bản giấy"
    assert "symbol" not in record["needs_review"] and record["secrecy"] == ""
    found = json.loads(vanthu(workspace, "search", "970/qd-ttg", "--json").output)
    assert doc_id in [hit["id"] for hit in found["hits"]]
    hit = next(hit for hit in found["hits"] if hit["id"] == doc_id)
    assert "Người ký" not in hit["snippet"] and "Thời gian ký" not in hit["snippet"]
    nothing = vanthu(workspace, "edit", doc_id, "--confirm", "symbol")
    assert nothing.exit_code != 0 and "chờ xác nhận" in nothing.output


def test_ocr_can_be_turned_off(archive_ws, scans):
    with archive_ws.config.open("a", encoding="utf-8") as stream:
        stream.write("\n[settings]\nocr = false\n")
    drop(archive_ws, "qd.pdf", scans["qd-ttg"])
    code, [row] = ingest_inbox(archive_ws)
    assert code == 0 and row["status"] == "archived"
    record = _record(archive_ws, row["id"])
    assert record["ocr"] is False and record["no_text"] is True and record["symbol"] == ""


def _line(*words: tuple[str, float]) -> list[Word]:
    return [Word(text, conf, 0, 0, 10, 10) for text, conf in words]


def test_a_confidently_misread_handwritten_number_is_a_proposal_never_a_fact():
    """OCR reads a handwritten 981 as 384 at 93: the symbol and day stay proposals."""
    meta = Metadata(symbol="384/QĐ-TTg", number=384, kind="QĐ", kind_name="Quyết định", layout="state",
                    date="2024-09-13", issuer="THỦ TƯỚNG CHÍNH PHỦ")
    lines = [_line(("THỦ", 96), ("TƯỚNG", 96), ("CHÍNH", 96), ("PHỦ", 96)),
             _line(("Số:", 96), ("384/QĐ-TTg", 93)), _line(("ngày", 96), ("13", 95), ("tháng", 96),
                                                           ("9", 96), ("năm", 96), ("2024", 96)),
             _line(("QUYẾT", 96), ("ĐỊNH", 96))]
    review = judge(meta, lines, Limits())
    assert meta.symbol == "" and meta.number is None and meta.date == ""
    assert review["proposed"]["symbol"]["value"] == "384/QĐ-TTg" and review["confidence"]["symbol"] == 93
    assert set(review["needs_review"]) >= {"symbol", "date"}
    # sure as Tesseract is, only the title's kind was earned on real scans: the issuer waits for a clerk too
    assert meta.kind == "QĐ" and meta.issuer == "" and review["proposed"]["issuer"]["value"] == "THỦ TƯỚNG CHÍNH PHỦ"


def test_a_day_beyond_its_month_or_in_the_future_is_a_proposal_even_when_sure():
    meta = Metadata(symbol="12/QĐ-UBND", number=12, layout="state", date="2099-01-05")
    lines = [_line(("Số:", 99), ("12/QĐ-UBND", 99)), _line(("ngày", 99), ("5", 99), ("tháng", 99), ("1", 99),
                                                          ("năm", 99), ("2099", 99))]
    review = judge(meta, lines, Limits(ocr_handwriting_confidence=90))
    assert meta.symbol == "" and meta.date == ""
    assert "không thể là ngày ban hành" in review["proposed"]["date"]["reason"]
    assert review["proposed"]["symbol"]["reason"] == "đọc từ bản quét: cần xác nhận"


def test_clerks_review_and_correct_on_the_web_and_an_unconfirmed_scan_stays_secret(office_ws, scans):
    from conftest import PASSWORD
    from web_client import client

    from vanthu.cli import cli

    added = CliRunner().invoke(cli, ["user", "add", "vt2", "--role", "van-thu", "--password-stdin",
                                     "--home", str(office_ws.root)], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    drop(office_ws, "qd.pdf", scans["qd-ttg"])
    code, [row] = ingest_inbox(office_ws)
    assert code == 0
    doc = row["id"]
    with client(office_ws, "vt2") as (c, _csrf):  # a clerk not cleared for MẬT
        assert doc not in c.get("/cho-xac-nhan").text
        assert c.get(f"/van-ban/{doc}/trang/1.png").status_code == 404
        assert c.get(f"/van-ban/{doc}").status_code == 404
    with client(office_ws, "cv") as (c, csrf):
        assert c.post(f"/van-ban/{doc}/sua", data={"csrf": csrf, "symbol": "970/QĐ-TTg"}).status_code == 403
    with client(office_ws, "vt") as (c, csrf):
        queue = c.get("/cho-xac-nhan")
        assert queue.status_code == 200 and f"/van-ban/{doc}/trang/1.png" in queue.text
        assert "cần xác nhận" in queue.text
        image = c.get(f"/van-ban/{doc}/trang/1.png")
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
        page = c.get(f"/van-ban/{doc}")
        assert "cần xác nhận" in page.text and 'action="/van-ban/' in page.text
        refused = c.post(f"/van-ban/{doc}/sua", data={"symbol": "970/QĐ-TTg"})
        assert refused.status_code == 403
        wrong = c.post(f"/van-ban/{doc}/sua", data={"csrf": csrf, "symbol": "chín trăm", "date": "31/02/2024"})
        assert wrong.status_code == 422 and 'id="e-symbol"' in wrong.text
        c.follow_redirects = False
        done = c.post(f"/van-ban/{doc}/sua", data={"csrf": csrf, "symbol": "970/QĐ-TTg", "date": "13/09/2024",
                                                    "confirm": ["secrecy"], "note": "bản giấy"})
        assert done.status_code == 303, done.text
    record = _record(office_ws, "970/qd-ttg")
    assert record["id"] == doc and record["secrecy"] == "" and record["date"] == "2024-09-13"
    assert {c["who"] for c in record["corrections"]} == {"vt"}
    assert (office_ws.archive / record["path"]).read_bytes() == scans["qd-ttg"]
    with client(office_ws, "vt2") as (c, _csrf):  # confirmed ordinary: now every clerk sees it
        assert c.get(f"/van-ban/{doc}").status_code == 200


def test_a_provincial_quyet_dinh_with_printed_number_two_line_issuer_and_tm_block():
    """The People's Committee's layout, read as the worker reads it (no archive needed)."""
    from dataclasses import replace

    from state_scans import UBND

    from archive.metadata import read_metadata
    from archive.reading import read_pdf

    content = read_pdf(scan(replace(UBND, printed=True)))
    meta = read_metadata(content.text, ocr=content.ocr)
    review = judge(meta, content.ocr_lines, Limits())
    proposed = {name: item["value"] for name, item in review["proposed"].items()}
    assert content.ocr and proposed["issuer"] == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG" and meta.kind == "QĐ"
    assert proposed["authority"] == "TM. ỦY BAN NHÂN DÂN" and proposed.get("signer_title") in ("CHỦ TỊCH", None)
    assert proposed["subject"] == "Về việc thành lập Tổ công tác rà soát thủ tục hành chính cấp xã"
    assert meta.symbol == "" and review["proposed"]["symbol"]["value"] == "1039/QĐ-UBND"
    assert meta.date in ("", UBND.date) and review["proposed"].get("date", {}).get("value", UBND.date) == UBND.date


def test_a_scanned_party_document_is_read_and_a_confirmed_number_links_the_register(archive_ws, issued, tmp_path):
    drop(archive_ws, "cv1.pdf", issued.pdfs["cv1"])  # the original, archived before its scan arrives
    code, [original] = ingest_inbox(archive_ws)
    assert code == 0 and original["symbol"] == "01-CV/TU"
    # the number is voided before the scan comes: the original follows at once (issue 24)
    assert office.void_number(archive_ws, "01-CV/TU", "ban hành nhầm")["reached"]["files"] == 1
    assert _record(archive_ws, original["id"])["void"] == "ban hành nhầm"
    data = printed_and_scanned(issued.pdfs["cv1"], dots=400)  # a vanthu PDF printed and scanned
    drop(archive_ws, "cv1-quet.pdf", data)
    code, [row] = ingest_inbox(archive_ws)
    assert code == 0 and "cần xác nhận" not in row.get("symbol", "")
    record = _record(archive_ws, row["id"])
    assert record["ocr"] is True and record["kind"] == "CV" and _value(record, "issuer") == "TỈNH ỦY LÂM ĐỒNG"
    assert "tiến độ thu ngân sách" in (record["subject"] or record["proposed"]["subject"]["value"])
    assert record["symbol"] == "" and record["proposed"]["symbol"]["value"] == "01-CV/TU"
    assert record["register"] == ""  # a proposal files nothing
    assert record["void"] == "ban hành nhầm"  # but a voided proposed number is said before confirmation
    assert "số đề xuất 01-CV/TU đã bị hủy trong sổ đăng ký (ban hành nhầm)" in record["warnings"]
    listed = vanthu(archive_ws, "review")
    assert listed.exit_code == 0 and "01-CV/TU (cần xác nhận" in listed.output
    done = vanthu(archive_ws, "edit", row["id"], "--confirm", "symbol", "--confirm", "secrecy")
    assert done.exit_code == 0, done.output
    assert "số, ký hiệu: «—» → «01-CV/TU»" in done.output
    record = _record(archive_ws, row["id"])
    assert record["symbol"] == "01-CV/TU" and record["register"] == "01-CV/TU" and record["number"] == 1
    assert f"cùng số, ký hiệu 01-CV/TU với văn bản đã lưu trữ {original['id']}" in record["warnings"]
    assert record["void"] == "ban hành nhầm" and "số 01-CV/TU đã bị hủy trong sổ đăng ký (ban hành nhầm)" in \
        record["warnings"] and not any("số đề xuất" in w for w in record["warnings"])
    shown = vanthu(archive_ws, "show", row["id"])
    assert "Đã sửa: symbol: «—» → «01-CV/TU»" in shown.output
    # One document with two files now: the page shown for the scan's id is the scan's, not the original's
    scan_path, _ = office.document_file(archive_ws, row["id"], None, CONSOLE)
    original_path, _ = office.document_file(archive_ws, original["id"], None, CONSOLE)
    assert scan_path != original_path and scan_path.read_bytes() == data
    assert office.page_image(archive_ws, row["id"], 1, CONSOLE) == page_png(scan_path, 1)
