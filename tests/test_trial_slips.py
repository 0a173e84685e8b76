"""The slips a trial of the service as a new văn thư found on main, each as the clerk met it: a voided
answer still standing, a draft saved with an impossible date, the incoming form's errors at the top,
the lead handler typed freely, a draft's preview titled «-CV/TU». The workspace of ``test_incoming``
(other bodies' documents ingested beside the office's own) is reused, one copy per test."""

from __future__ import annotations

import io
import re
from datetime import date

import docx
import test_incoming
from conftest import PASSWORD
from pypdf import PdfReader
from test_incoming import _sheet_text, doc, ok_json, vanthu
from web_client import client

import office
from docgen.secrecy import CONSOLE

arrived, ws = test_incoming.arrived, test_incoming.ws  # its fixtures: one workspace ingested, a copy per test
NOTE = "đã báo cáo Thường trực bằng văn bản"
REASON = "ban hành nhầm đối tượng"


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def _entry(workspace, symbol: str) -> dict:
    return next(r for r in office.register_entries(workspace, CONSOLE) if r["symbol"] == symbol)


def _answered(workspace, key: str, *args: str, again: bool = False) -> dict:
    """Register ``key`` (``again``: once more), direct it to Tổ 9, close it with ``args``: the row's JSON."""
    row = ok_json(workspace, "incoming", "add", key, *(["--again"] if again else []))
    ref, book = f"{row['number']}/{row['year']}", ["--book", row["book"]] if row["book"] else []
    ok_json(workspace, "incoming", "direct", ref, "--lead", "Tổ 9", *book)
    return ok_json(workspace, "incoming", "done", ref, *args, *book)


def _void(c, csrf: str, entry: dict) -> None:
    done = c.post(f"/so-dang-ky/{entry['id']}/huy", data={"csrf": csrf, "reason": REASON, "confirm": "1"})
    assert done.status_code == 200 and f"Đã hủy số {entry['symbol']}" in done.text


def test_a_voided_answer_reads_so_da_huy_and_its_files_say_so(ws):
    row = _answered(ws, "318-CV/BTGDVTU", "--reply", "01-CV/TU")
    secret = _answered(ws, doc(ws, "ubnd-hoa-toc"), "--reply", "02-CV/TU", "--note", NOTE)  # 02-CV/TU is MẬT
    alone = _answered(ws, doc(ws, "ubnd-gui-lai"), "--no-reply", "--note", NOTE, again=True)
    url = f"/van-ban-den/{row['year']}/{row['number']}"
    plain, hidden = _entry(ws, "01-CV/TU"), _entry(ws, "02-CV/TU")
    with client(ws, "vt") as (c, csrf):
        _void(c, csrf, plain)
        _void(c, csrf, hidden)
        page, api = c.get(url).text, c.get(f"/api/incoming/{row['number']}?year={row['year']}").json()
        book = _sheet_text(c.get(f"/van-ban-den/so.xlsx?nam={row['year']}&theo-doi=1").content)
        docx_file, pdf_file = c.get(f"/so-dang-ky/{plain['id']}/docx"), c.get(f"/so-dang-ky/{plain['id']}/pdf")
        register = c.get("/so-dang-ky").text
    assert api["reply"] == "01-CV/TU" and api["reply_void"] == REASON
    assert "số đã hủy" in _text(page) and f"Số 01-CV/TU của văn bản trả lời đã bị hủy (lý do: {REASON})" in _text(page)
    assert 'name="reply" value=""' in page  # the done form asks for the new answer, not the voided one
    assert f"01-CV/TU (số đã hủy: {REASON})" in book
    shown = vanthu(ws, "incoming", "show", f"{row['number']}/{row['year']}")
    assert shown.exit_code == 0 and "số đã hủy" in shown.output
    # The files: the DOCX and the PDF of the voided number say so on their first page and in their name.
    assert "01-CV-TU-da-huy.docx" in docx_file.headers["content-disposition"]
    first = docx.Document(io.BytesIO(docx_file.content)).paragraphs[0].text
    assert first.startswith("SỐ ĐÃ HỦY 01-CV/TU") and REASON in first
    assert pdf_file.status_code == 200 and "01-CV-TU-da-huy.pdf" in pdf_file.headers["content-disposition"]
    assert "SỐ ĐÃ HỦY 01-CV/TU" in PdfReader(io.BytesIO(pdf_file.content)).pages[0].extract_text()
    assert "bản có dòng «Số đã hủy»" in register
    # Who may not read the secret answer reads its row exactly as one closed without an answer, voided or not.
    outcome = ("status", "reply", "reply_doc", "reply_void", "done_note", "done_by")
    with client(ws, "cv") as (c, _):
        seen = c.get(f"/api/incoming/{secret['number']}?year={secret['year']}").json()
        other = c.get(f"/api/incoming/{alone['number']}?year={alone['year']}").json()
    assert {k: seen[k] for k in outcome} == {k: other[k] for k in outcome}
    assert ok_json(ws, "incoming", "show", f"{secret['number']}/{secret['year']}")["reply_void"] == REASON


def _beside(page: str, field: str) -> str:
    """The error the form shows beside ``field`` ('' when none)."""
    found = re.search(rf'<span class="field-error" id="{field}-error"[^>]*>(.*?)</span>', page, re.S)
    return _text(found[1]).strip() if found else ""


def test_an_impossible_date_is_said_beside_its_field_with_every_other_problem(office_ws):
    form = {"subject": "kiểm tra công tác chuyển đổi số", "to": "Đảng ủy các xã", "date": "31/02/2026"}
    with client(office_ws, "vt") as (c, csrf):
        saved = c.post("/soan/cong-van", data={**form, "csrf": csrf, "action": "save"})
        issued = c.post("/soan/cong-van", data={**form, "csrf": csrf, "action": "issue", "subject": ""})
        drafts = c.get("/soan").text
    said = ("«31/02/2026» không phải là ngày hợp lệ: tháng 2 năm 2026 chỉ có 28 ngày "
            "(viết ngày/tháng/năm, ví dụ 31/01/2026)")
    assert saved.status_code == 422 and _beside(saved.text, "date") == said and "Dự thảo chưa được lưu" in saved.text
    assert "kiểm tra công tác chuyển đổi số" not in drafts  # nothing saved
    assert issued.status_code == 422 and _beside(issued.text, "date") == said
    assert _beside(issued.text, "subject") and _beside(issued.text, "body")  # all at once, each beside its field
    assert [e["symbol"] for e in office.register_entries(office_ws, CONSOLE)] == ["01-CV/TU", "02-CV/TU", "01-TB/TU"]


def test_the_incoming_form_says_each_problem_beside_its_field_and_the_archive_page_asks_the_day(ws):
    key = doc(ws, "ubnd-hoa-toc")
    with client(ws, "vt") as (c, csrf):
        wrong = c.post("/van-ban-den", data={"csrf": csrf, "key": key, "received": "31/02/2026", "note": "x" * 2001})
        early = c.post("/van-ban-den", data={"csrf": csrf, "key": key, "received": "01/01/2001"})
        uploaded = c.post("/luu-tru", data={"csrf": csrf}, files=[("file", ("ban-gui-lai.pdf", test_incoming.BOARD_PDF,
                                                                             "application/pdf"))]).text
        yesterday = test_incoming._day(-1)
        board = doc(ws, "btgdv-cong-van")
        registered = c.post("/van-ban-den", data={"csrf": csrf, "key": board,
                                                  "received": f"{yesterday:%d/%m/%Y} 08:15"})
    assert wrong.status_code == 422 and early.status_code == 422
    assert _beside(wrong.text, "in-received") == ("«31/02/2026» không phải ngày giờ hợp lệ: tháng 2 năm 2026 chỉ có 28 "
                                                  "ngày (viết ngày/tháng/năm giờ:phút, ví dụ 31/01/2026 08:30)")
    assert _beside(wrong.text, "in-note") == "dài 2.001 ký tự; tối đa 2.000 ký tự"  # both at once, each beside its own
    assert "--" not in _text(wrong.text[wrong.text.index('id="vao-so"'):])
    dated = ok_json(ws, "show", key)["date"]
    assert _beside(early.text, "in-received") == (f"ngày đến 01/01/2001 trước ngày của văn bản "
                                                  f"({dated[8:10]}/{dated[5:7]}/{dated[:4]})")
    # Registering from the archive page's results: «Ngày giờ đến», today unless the clerk changes it.
    assert re.search(rf'name="received" value="{date.today():%d/%m/%Y} \d\d:\d\d"', uploaded)
    assert registered.status_code == 200 and "Đã vào sổ văn bản đến" in registered.text
    assert ok_json(ws, "incoming", "list")[0]["received"] == f"{yesterday.isoformat()}T08:15"


def _options(page: str) -> dict[str, list[tuple[str, str]]]:
    """The «Chủ trì» list as the form offers it: each group's (value, label)."""
    select = re.search(r'<select id="lead".*?</select>', page, re.S)[0]
    return {group: re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', body)
            for group, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)}


def test_the_lead_is_chosen_by_name_from_one_grouped_list_and_nothing_else(ws):
    with ws.users() as users:
        users.add("binh", role="chuyen-vien", password=PASSWORD, name="Trần Văn Bình", team=11)
        users.add("hanh", role="lanh-dao", password=PASSWORD, name="Lê Thị Hạnh", clearance=1)
    with ws.config.open("a", encoding="utf-8") as config:  # the workspace's [settings] table is the last one
        config.write('incoming_units = ["Phòng Tổng hợp"]\n')
    row = ok_json(ws, "incoming", "add", "318-CV/BTGDVTU")
    secret = ok_json(ws, "incoming", "add", "812/SNV-TCBC")  # MẬT: only who may read it is offered
    url = f"/van-ban-den/{row['year']}/{row['number']}"
    with client(ws, "ld") as (c, csrf):
        offered = _options(c.get(url).text)
        offered_secret = _options(c.get(f"/van-ban-den/{secret['year']}/{secret['number']}?so=mat").text)
        typed = c.post(f"{url}/chi-dao", data={"csrf": csrf, "lead": "Phòng Ma", "note": "khẩn trương"})
        chosen = c.post(f"{url}/chi-dao", data={"csrf": csrf, "lead": "binh"})
    assert list(offered) == ["Tổ theo dõi địa bàn", "Đơn vị", "Người"]
    assert offered["Tổ theo dõi địa bàn"][8] == ("Tổ 9", "Tổ 9 (Tổ theo dõi địa bàn số 9)")
    assert offered["Đơn vị"] == [("Phòng Tổng hợp", "Phòng Tổng hợp")]
    assert ("binh", "Trần Văn Bình — Chuyên viên, Tổ 11") in offered["Người"]
    assert ("hanh", "Lê Thị Hạnh — Lãnh đạo") in offered["Người"]
    assert "binh" not in dict(offered_secret["Người"]) and "hanh" in dict(offered_secret["Người"])
    assert typed.status_code == 422 and "«Phòng Ma» không có trong danh sách chủ trì" in _beside(typed.text, "lead")
    assert "khẩn trương</textarea>" in typed.text  # what was typed stays in the form
    assert chosen.status_code == 200 and "<dd>Trần Văn Bình</dd>" in chosen.text
    ref = f"{row['number']}/{row['year']}"
    assert ok_json(ws, "incoming", "direct", ref, "--lead", "phòng tổng hợp")["lead"] == "Phòng Tổng hợp"
    refused = vanthu(ws, "incoming", "direct", ref, "--lead", "Phòng Ma")
    assert refused.exit_code == 2 and "«Đơn vị hoặc người chủ trì (--lead)»" in refused.output


def test_a_drafts_preview_is_titled_as_a_clerk_knows_it(office_ws):
    form = {"subject": "kiểm tra công tác chuyển đổi số cấp xã", "to": "Đảng ủy các xã, phường, đặc khu",
            "body": "Đề nghị các đơn vị báo cáo kết quả.", "recipients": "Thường trực Tỉnh ủy"}
    with client(office_ws, "vt") as (c, csrf):
        preview = c.post("/soan/cong-van", data={**form, "csrf": csrf, "action": "preview"})
    assert preview.headers["content-type"] == "application/pdf"
    title = PdfReader(io.BytesIO(preview.content)).metadata.title
    assert title == "Dự thảo Công văn (chưa cấp số) – kiểm tra công tác chuyển đổi số cấp xã"
