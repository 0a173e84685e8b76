"""The incoming register on real files: other bodies' documents ingested, registered, directed,
answered by the office's own Công văn, reminded; the books opened back; số đến under concurrency."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import sqlite3
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SECRET_SUBJECT, add_settings
from incoming_papers import Letter, arrivals, letter_pdf
from openpyxl import load_workbook
from web_client import client

from docgen.secrecy import CONSOLE
from incoming.arrivals import Arrival
from incoming.book import IncomingBook
from office.workspace import Workspace
from vanthu.cli import cli

TODAY = date.today()


def _day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def _typed(day: date) -> str:
    return f"{day:%d/%m/%Y}"


ARRIVALS = arrivals(TODAY)  # the files other bodies sent (tests/incoming_papers.py)
BOARD_PDF = ARRIVALS["btgdv-cong-van.pdf"]


def vanthu(workspace: Workspace, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(workspace.root)])


def ok_json(workspace: Workspace, *args: str):
    result = vanthu(workspace, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def arrived(office_template: Path, tmp_path_factory) -> Path:
    """The office's workspace (its own documents, a user a role) with other bodies' documents ingested."""
    root = tmp_path_factory.mktemp("incoming") / "ws"
    shutil.copytree(office_template, root)
    inbox = root / "inbox"
    for name, data in ARRIVALS.items():
        (inbox / name).write_bytes(data)
    result = CliRunner().invoke(cli, ["ingest", str(inbox), "--json", "--home", str(root)])
    assert result.exit_code == 0, result.output
    assert {json.loads(line)["status"] for line in result.output.splitlines()} == {"archived"}
    # The service converts PDFs the cold way here: a warm LibreOffice takes seconds to start and to stop.
    add_settings(Workspace(root), unoserver=str(root / "no-unoserver"))
    return root


def doc(workspace: Workspace, name: str) -> str:
    """The archive id of the file that arrived as ``name``.pdf (two files carry 4521/UBND-VX)."""
    with workspace.catalog() as catalog:
        return next(r.id for r in catalog.archived() if r.record.get("file") == f"{name}.pdf")


@pytest.fixture
def ws(arrived: Path, tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(arrived, root)
    return Workspace(root)


def test_registering_gives_the_next_so_den_and_never_spends_one_on_a_refusal(ws):
    first = ok_json(ws, "incoming", "add", doc(ws, "ubnd-hoa-toc"), "--received", f"{_typed(_day(-5))} 08:30")
    assert {k: first[k] for k in ("number", "received", "symbol", "issuer", "kind", "date", "secrecy", "urgency",
                                  "to", "status")} == {
        "number": 1, "received": f"{_day(-5).isoformat()}T08:30", "symbol": "4521/UBND-VX",
        "issuer": "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "kind": "CV", "date": _day(-6).isoformat(), "secrecy": "",
        "urgency": "HỎA TỐC", "to": "", "status": "registered"}
    assert first["subject"] == "V/v báo cáo tình hình chuẩn bị Tết Nguyên đán năm 2027"
    assert first["same_day"] is True and first["year"] == _day(-5).year
    assert first["due_proposed"] == _day(5).isoformat() and "trước ngày" in first["due_text"]
    again = vanthu(ws, "incoming", "add", doc(ws, "ubnd-hoa-toc"))  # the same document, a second time
    assert again.exit_code == 2 and f"số đến 1/{first['year']}" in again.output
    other = doc(ws, "ubnd-gui-lai")
    refused = vanthu(ws, "incoming", "add", other)  # another file, same số, ký hiệu and issuer
    assert refused.exit_code == 2 and f"đã vào sổ văn bản đến, số đến 1/{first['year']}" in refused.output
    own = vanthu(ws, "incoming", "add", "01-CV/TU")
    assert own.exit_code == 2 and "văn bản đi của cơ quan" in own.output
    future = vanthu(ws, "incoming", "add", "318-CV/BTGDVTU", "--received", _typed(_day(2)))
    assert future.exit_code == 2 and "chưa tới" in future.output
    board = ok_json(ws, "incoming", "add", "318-CV/BTGDVTU", "--to", "Phòng Tổng hợp")
    assert board["number"] == (2 if board["year"] == first["year"] else 1) and board["to"] == "Phòng Tổng hợp"
    forced = ok_json(ws, "incoming", "add", other, "--again")
    assert "vào sổ lại, trùng số đến 1/" in forced["note"]
    with sqlite3.connect(ws.register_path) as conn:
        numbers = conn.execute("SELECT year, number FROM incoming WHERE level = 0 ORDER BY id").fetchall()
    years = [year for year, _ in numbers]
    assert [n for y, n in numbers if y == TODAY.year] == list(range(1, years.count(TODAY.year) + 1))


def test_the_urgent_come_first_and_filters_select_by_status(ws):
    ok_json(ws, "incoming", "add", "318-CV/BTGDVTU", "--received", _typed(_day(-20)))
    ok_json(ws, "incoming", "add", doc(ws, "ubnd-hoa-toc"))
    listed = ok_json(ws, "incoming", "list")
    assert [r["symbol"] for r in listed] == ["4521/UBND-VX", "318-CV/BTGDVTU"]  # HỎA TỐC first, then newest
    assert [r["symbol"] for r in ok_json(ws, "incoming", "list", "--status", "chua-chi-dao")] == [
        "4521/UBND-VX", "318-CV/BTGDVTU"]
    assert ok_json(ws, "incoming", "list", "--status", "da-xong") == []
    wrong = vanthu(ws, "incoming", "list", "--status", "xong-roi")
    assert wrong.exit_code == 2 and "chua-chi-dao" in wrong.output


def test_a_secret_document_has_its_own_book_and_does_not_exist_for_staff(ws):
    with client(ws, "cv") as (c, _):
        before = c.get("/api/incoming").json(), c.get("/van-ban-den").text
    secret = ok_json(ws, "incoming", "add", "812/SNV-TCBC")
    assert (secret["number"], secret["book"], secret["secrecy"]) == (1, "MẬT", "MẬT")
    plain = ok_json(ws, "incoming", "add", "318-CV/BTGDVTU")
    assert plain["number"] == 1 and plain["book"] == ""  # the ordinary book numbers on its own
    with client(ws, "cv") as (c, _):
        assert c.get(f"/van-ban-den/{secret['year']}/1?so=mat").status_code == 404
        assert c.get(f"/api/incoming/1?year={secret['year']}&book=MẬT").status_code == 404
        listed = c.get("/api/incoming").json()
        page = c.get("/van-ban-den").text
    assert [r["symbol"] for r in listed] == ["318-CV/BTGDVTU"] and len(before[0]) == 0
    assert "812/SNV-TCBC" not in page and "sắp xếp tổ chức bộ máy" not in page and "(1)" in page
    assert "Sổ MẬT" not in before[1] and SECRET_SUBJECT not in page
    with client(ws, "ld") as (c, _):
        shown = c.get(f"/van-ban-den/{secret['year']}/1?so=mat")
        sheet = c.get(f"/van-ban-den/so.xlsx?nam={secret['year']}&so=mat")
    assert shown.status_code == 200 and "phương án sắp xếp tổ chức bộ máy" in shown.text
    assert sheet.status_code == 200 and "812/SNV-TCBC" in _sheet_text(sheet.content)
    raised = vanthu(ws, "edit", "318-CV/BTGDVTU", "--secrecy", "MẬT", "--note", "đóng dấu mật trên bản giấy")
    assert raised.exit_code == 0, raised.output
    with client(ws, "cv") as (c, _):  # reclassified: the row keeps its number, and is hidden as its document is
        assert c.get("/api/incoming").json() == [] and c.get(f"/van-ban-den/{plain['year']}/1").status_code == 404
    assert ok_json(ws, "incoming", "show", f"1/{plain['year']}")["secrecy"] == "MẬT"


def _sheet_text(data: bytes) -> str:
    import io

    sheet = load_workbook(io.BytesIO(data)).active
    return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)


def test_a_leader_directs_staff_of_the_lead_team_answer_and_both_documents_link(ws):
    row = ok_json(ws, "incoming", "add", "318-CV/BTGDVTU", "--received", _typed(_day(-20)))
    ref, api, year = f"{row['number']}/{row['year']}", f"/api/incoming/{row['number']}", f"?year={row['year']}"
    with ws.users() as users:
        users.add("cv3", role="chuyen-vien", password="mat-khau-to-ba", team=3)
    with client(ws, "cv") as (c, csrf):  # staff may not direct
        assert c.post(f"{api}/direction{year}", json={"lead": "Tổ 9"},
                      headers={"X-CSRF-Token": csrf}).status_code == 403
    with client(ws, "ld") as (c, csrf):
        page = c.get(f"/van-ban-den/{row['year']}/{row['number']}")
        assert f'value="{_typed(_day(-2))}"' in page.text  # the deadline the text sets, proposed
        directed = c.post(f"/van-ban-den/{row['year']}/{row['number']}/chi-dao", data={
            "csrf": csrf, "lead": "Tổ 9", "supports": "Ban Tổ chức Tỉnh ủy\nPhòng Tổng hợp",
            "due": _typed(_day(-2)), "note": "Giao Tổ 9 chủ trì tham mưu báo cáo"})
    assert directed.status_code == 200 and "Đã ghi ý kiến chỉ đạo" in directed.text
    shown = ok_json(ws, "incoming", "show", ref)
    assert (shown["lead"], shown["supports"], shown["due"], shown["status"]) == (
        "Tổ 9", ["Ban Tổ chức Tỉnh ủy", "Phòng Tổng hợp"], _day(-2).isoformat(), "directed")
    assert shown["overdue"] and shown["days_overdue"] == 2 and shown["handed_at"]
    from web_client import log_in

    with client(ws) as (c, _):  # staff of another team may read, not handle
        csrf = log_in(c, "cv3", "mat-khau-to-ba")
        assert c.post(f"{api}/done{year}", json={"reply": "01-CV/TU"},
                      headers={"X-CSRF-Token": csrf}).status_code == 403
    with client(ws, "cv") as (c, csrf):  # staff of Tổ 9: their start page reminds them; they handle it
        start = c.get("/").text
        assert "Văn bản đến cần giải quyết" in start and "318-CV/BTGDVTU" in start and "quá 2 ngày" in start
        progress = c.post(f"{api}/progress{year}", json={"note": "đã xin số liệu của 12 Tổ"},
                          headers={"X-CSRF-Token": csrf})
        done = c.post(f"{api}/done{year}", json={"reply": "01-cv/tu", "note": "đã gửi báo cáo"},
                      headers={"X-CSRF-Token": csrf})
    assert progress.status_code == 200 and progress.json()["signed_for"] == "cv"
    answer = done.json()
    assert done.status_code == 200 and (answer["status"], answer["reply"]) == ("done", "01-CV/TU")
    assert answer["reply_doc"] and answer["overdue"] is False
    with client(ws, "vt") as (c, _):
        outgoing = c.get(f"/van-ban/{answer['reply_doc']}").text
    assert "Trả lời văn bản đến" in outgoing and f"số {ref}" in outgoing
    history = ok_json(ws, "incoming", "show", ref)["history"]
    assert [(e["who"], e["action"]) for e in history[1:]] == [("ld", "direct"), ("cv", "progress"), ("cv", "done")]
    void = vanthu(ws, "incoming", "done", ref, "--reply", "99-CV/TU")
    assert void.exit_code == 2 and "không có văn bản «99-CV/TU»" in void.output


def test_overdue_and_due_soon_are_reminded_on_the_weekly_page_and_in_the_digest(ws):
    late = ok_json(ws, "incoming", "add", "318-CV/BTGDVTU", "--received", _typed(_day(-20)))
    soon = ok_json(ws, "incoming", "add", doc(ws, "ubnd-hoa-toc"))
    ok_json(ws, "incoming", "direct", f"{late['number']}/{late['year']}", "--lead", "Tổ 9")
    directed = ok_json(ws, "incoming", "direct", f"{soon['number']}/{soon['year']}", "--lead", "cv",
                       "--note", "Khẩn trương tổng hợp")
    assert directed["due"] == _day(5).isoformat() and directed["lead"] == "cv"  # proposed deadline, a person
    overdue = ok_json(ws, "incoming", "list", "--overdue")
    assert [(r["symbol"], r["days_overdue"]) for r in overdue] == [("318-CV/BTGDVTU", 2)]
    assert [r["symbol"] for r in ok_json(ws, "incoming", "list", "--due-within", "7")] == ["4521/UBND-VX"]
    digest = ok_json(ws, "digest")
    assert [r["symbol"] for r in digest["incoming"]["overdue"]] == ["318-CV/BTGDVTU"]
    assert [r["symbol"] for r in digest["incoming"]["due_soon"]] == ["4521/UBND-VX"]
    with client(ws, "vt") as (c, _):
        weekly = c.get("/bao-cao-tuan").text
    assert "Văn bản đến quá hạn giải quyết" in weekly and "quá 2 ngày" in weekly and "còn 5 ngày" in weekly


def test_a_proposed_value_waits_for_the_clerk_at_registration(ws):
    from state_scans import CONG_VAN, scan

    (ws.inbox / "btc.pdf").write_bytes(scan(CONG_VAN))
    key = ok_json(ws, "ingest", str(ws.inbox))["id"]
    refused = vanthu(ws, "incoming", "add", key)
    assert refused.exit_code == 2 and "còn giá trị chờ xác nhận" in refused.output and "9734/BTC-TCDT" in refused.output
    with client(ws, "vt") as (c, csrf):
        form = c.get(f"/van-ban/{key}").text
        assert "Vào sổ văn bản đến" in form and 'value="9734/BTC-TCDT"' in form
        sent = c.post("/van-ban-den", data={"csrf": csrf, "key": key, "symbol": "9734/BTC-TCDT", "secrecy": "thuong",
                                             "date": "", "issuer": "BỘ TÀI CHÍNH",
                                             "subject": " ".join(CONG_VAN.subject)})
    assert sent.status_code == 200 and "Đã vào sổ văn bản đến" in sent.text
    record = ok_json(ws, "show", key)
    # what registration needs is confirmed; the signing block's proposals (every OCR value is one) still wait
    assert record["symbol"] == "9734/BTC-TCDT" and {"symbol", "subject", "issuer"}.isdisjoint(record["needs_review"])
    assert "signer" in record["needs_review"]
    assert {(c["field"], c["who"], c["note"]) for c in record["corrections"]} == {
        (field, "vt", "khi vào sổ văn bản đến") for field in ("symbol", "secrecy", "issuer", "subject")}
    assert ok_json(ws, "incoming", "list")[0]["symbol"] == "9734/BTC-TCDT"


def test_one_click_after_upload_and_the_setting_that_registers_every_upload(ws):
    with client(ws, "vt") as (c, csrf):
        result = c.post("/luu-tru", data={"csrf": csrf}, files={"file": ("ubnd.pdf", letter_pdf(
            Letter(["ỦY BAN NHÂN DÂN", "XÃ HÒA NINH"], "77/UBND", _day(-1), ["V/v đăng ký lịch làm việc"],
                   ["Ủy ban nhân dân xã đăng ký lịch làm việc với Thường trực Tỉnh ủy."])), "application/pdf")})
        assert result.status_code == 200 and ">Vào sổ văn bản đến</button>" in result.text
        key = ok_json(ws, "search", "đăng ký lịch làm việc")["hits"][0]["id"]
        registered = c.post("/van-ban-den", data={"csrf": csrf, "key": key})
    assert registered.status_code == 200 and "Văn bản đến số 1/" in registered.text
    with ws.config.open("a", encoding="utf-8") as config:  # into the [settings] table the fixture wrote
        config.write("incoming_auto_register = true\n")
    with client(Workspace(ws.root), "vt") as (c, csrf):  # the service reads its settings when it starts
        auto = c.post("/api/archive", headers={"X-CSRF-Token": csrf}, files={"file": (
            "btgdv.pdf", BOARD_PDF, "application/pdf")})
    place = auto.json()[0]["incoming"]
    assert place["state"] == "registered" and place["auto"] and place["rows"][0]["number"] == 2


def test_the_books_open_back_in_openpyxl_and_pdftotext(ws, tmp_path):
    first = ok_json(ws, "incoming", "add", doc(ws, "ubnd-hoa-toc"), "--received", f"{_typed(_day(-5))} 08:30")
    second = ok_json(ws, "incoming", "add", "318-CV/BTGDVTU", "--to", "Phòng Tổng hợp")
    ok_json(ws, "incoming", "direct", f"{first['number']}/{first['year']}", "--lead", "Tổ 9", "--due", _typed(_day(5)))
    vanthu(ws, "incoming", "done", f"{first['number']}/{first['year']}", "--reply", "01-CV/TU")
    year = str(first["year"])
    made = vanthu(ws, "incoming", "book", "--year", year, "--xlsx", str(tmp_path / "den.xlsx"), "--pdf",
                  str(tmp_path / "den.pdf"))
    follow = vanthu(ws, "incoming", "book", "--year", year, "--follow-up", "--xlsx", str(tmp_path / "td.xlsx"))
    out = vanthu(ws, "register", "book", "--year", "2026", "--pdf", str(tmp_path / "di.pdf"))
    assert made.exit_code == follow.exit_code == out.exit_code == 0, made.output + follow.output + out.output
    sheet = load_workbook(tmp_path / "den.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "Ngày đến")
    assert any(r[0] == "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" for r in rows[:header])
    assert rows[header] == ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng",
                            "Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận", "Ngày chuyển", "Ký nhận",
                            "Ghi chú"]
    body = rows[header + 2:]
    assert [(r[1], r[3]) for r in body] == [(1, "4521/UBND-VX"), (2, "318-CV/BTGDVTU")] if first["year"] == \
        second["year"] else True
    assert body[0][0].strftime("%d/%m/%Y %H:%M") == f"{_typed(_day(-5))} 08:30" and body[0][6] == "Tổ 9"
    assert body[0][9] == "HỎA TỐC" and sheet.page_setup.orientation == "landscape"
    tracked = _sheet_text((tmp_path / "td.xlsx").read_bytes())
    assert "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN" in tracked and "01-CV/TU" in tracked and "Chủ trì: Tổ 9" in tracked
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "den.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text and "4521/UBND" in text and "Từ số 1 đến số" in text
    size = subprocess.run(["pdfinfo", str(tmp_path / "den.pdf")], capture_output=True, text=True).stdout
    assert "841.89 x 595.3" in size and "(A4)" in size  # A4 landscape
    outgoing = subprocess.run(["pdftotext", "-layout", str(tmp_path / "di.pdf"), "-"], capture_output=True,
                              text=True, check=True).stdout
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in outgoing and "01-CV/TU" in outgoing and "Trả lời" in outgoing
    assert "02-CV/TU" in outgoing  # the console reads the MẬT entry too


def _register_many(path: str, start, worker: int, count: int) -> None:
    book = IncomingBook(Path(path))
    start.wait()
    for n in range(count):
        symbol = f"{worker * 1000 + n + 1}/UBND-VP"
        arrival = Arrival(f"{worker:02d}{n:010d}", f"{worker}-{n}", symbol, "ỦY BAN NHÂN DÂN TỈNH", "CV", "Công văn",
                          "2026-11-02", "thử", "", "", "điện tử", f"{symbol}|2026")
        book.register(arrival, 0, received="2026-11-03T08:00", who=f"p{worker}")
    book.close()


def test_eight_processes_registering_at_once_get_so_den_one_to_eight_hundred(tmp_path):
    folder = Path("/dev/shm") if Path("/dev/shm").is_dir() else tmp_path  # no fsync wait: the test is about locks
    path = Path(folder) / f"incoming-{tmp_path.name}.sqlite3"
    IncomingBook(path).close()
    try:
        context = multiprocessing.get_context("fork")
        start = context.Event()
        workers = [context.Process(target=_register_many, args=(str(path), start, w, 100)) for w in range(8)]
        for worker in workers:
            worker.start()
        start.set()
        for worker in workers:
            worker.join(timeout=120)
            assert worker.exitcode == 0
        with sqlite3.connect(path) as conn:
            numbers = [r[0] for r in conn.execute("SELECT number FROM incoming ORDER BY number")]
            history = conn.execute("SELECT COUNT(*) FROM incoming_history").fetchone()[0]
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    assert numbers == list(range(1, 801)) and history == 800


def test_the_console_and_the_api_give_the_same_rows(ws):
    ok_json(ws, "incoming", "add", doc(ws, "ubnd-hoa-toc"))
    ok_json(ws, "incoming", "add", "812/SNV-TCBC")
    with client(ws, "vt") as (c, _):
        api = c.get("/api/incoming").json()
    assert api == ok_json(ws, "incoming", "list") and {r["book"] for r in api} == {"", "MẬT"}
    assert CONSOLE.clearance >= 1


def test_the_register_pages_print_their_books_for_those_who_keep_them(ws):
    ok_json(ws, "incoming", "add", "318-CV/BTGDVTU")
    with client(ws, "ld") as (c, _):
        register = c.get("/so-dang-ky").text
        sheet = c.get(f"/so-dang-ky/so.xlsx?nam={TODAY.year}")
        books = c.get("/van-ban-den").text
    assert f'href="/so-dang-ky/so.pdf?nam={TODAY.year}"' in register and sheet.status_code == 200
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in _sheet_text(sheet.content)
    assert sheet.headers["content-disposition"] == f'attachment; filename="so-dang-ky-van-ban-di-{TODAY.year}.xlsx"'
    assert f"/van-ban-den/so.pdf?nam={TODAY.year}&amp;theo-doi=1" in books
