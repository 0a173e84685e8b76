"""The slips a new clerk hit in their second week on the web (issue 24), each through the in-process client."""

from __future__ import annotations

import io

import docx
from conftest import PASSWORD
from pdf_factory import change_page, sign_pdf
from web_client import client, log_in

import office
from docgen.secrecy import CONSOLE, Viewer

DRAFT = {"subject": "kiểm tra công tác chuyển đổi số cấp xã", "to": "Đảng ủy các xã, phường, đặc khu",
         "body": "Đề nghị các đơn vị báo cáo kết quả.", "recipients": "Thường trực Tỉnh ủy"}


def _entry(workspace, symbol: str) -> dict:
    return next(r for r in office.register_entries(workspace, CONSOLE) if r["symbol"] == symbol)


def test_a_void_asks_first_then_closes_the_tasks_and_marks_the_document_everywhere(office_ws, issued):
    entry = _entry(office_ws, "01-TB/TU")
    tasks = [t for t in office.select_tasks(office_ws, CONSOLE) if t["symbol"] == "01-TB/TU"]
    assert tasks  # the conclusion's tasks, open
    with client(office_ws, "vt") as (c, csrf):
        asked = c.post(f"/so-dang-ky/{entry['id']}/huy", data={"csrf": csrf, "reason": "ban hành nhầm"})
        assert asked.status_code == 200 and _entry(office_ws, "01-TB/TU")["status"] != "void"
        assert 'name="confirm" value="1"' in asked.text and "ban hành nhầm" in asked.text
        done = c.post(f"/so-dang-ky/{entry['id']}/huy", data={"csrf": csrf, "reason": "ban hành nhầm", "confirm": "1"})
        hit = c.get("/api/search?q=Đắk+Song").json()["hits"][0]
        page = c.get(f"/van-ban/{hit['id']}").text
        weekly = c.get("/bao-cao-tuan").text
        # a copy archived after the void is void at once
        copy = c.post("/api/archive", headers={"X-CSRF-Token": csrf},
                      files=[("file", ("tb-ban-khac.pdf", issued.pdfs["tb"], "application/pdf"))]).json()[0]
        digest = c.get("/api/digest").json()  # the week the conclusion was issued in: this one
    assert done.status_code == 200 and "Đã hủy số 01-TB/TU" in done.text and f"đóng {len(tasks)} nhiệm vụ" in done.text
    assert hit["symbol"] == "01-TB/TU" and hit["void"] == "ban hành nhầm"
    assert "ĐÃ HỦY SỐ" in page and "Số của văn bản này đã bị hủy trong sổ đăng ký: ban hành nhầm" in page
    assert "Đã đóng (số đã hủy)" in page and "Đóng vì số văn bản đã hủy (ban hành nhầm)" in weekly
    assert [t for t in office.select_tasks(office_ws, CONSOLE) if t["symbol"] == "01-TB/TU"] == []
    assert copy["status"] == "archived" and any("01-TB/TU đã bị hủy" in w for w in copy["warnings"])
    with office_ws.task_book() as book:
        closed = [t for t in book.readable(CONSOLE) if t.symbol == "01-TB/TU"]
    assert len(closed) == 2 * len(tasks) and all(t.status == "done" for t in closed)  # the copy's too
    assert [d["void"] for d in digest["documents"] if d["symbol"] == "01-TB/TU"] == ["ban hành nhầm"]


def test_a_tampered_copy_is_said_at_upload_listed_last_and_found_as_invalid(office_ws, issued):
    signed = sign_pdf(issued.pdfs["cv2"], issued.signer, issued.ca)
    with client(office_ws, "vt") as (c, csrf):
        shown = c.post("/luu-tru", data={"csrf": csrf}, files=[
            ("file", ("bi-sua.pdf", change_page(signed), "application/pdf")),
            ("file", ("ban-goc.pdf", signed, "application/pdf"))])
        found = c.get("/api/search?signature=invalid").json()
        document = c.get(f"/api/documents/{found['hits'][0]['id']}").json()
        first = c.get(f"/api/documents/{document['id']}/files/0")
        page = c.get(f"/van-ban/{document['id']}").text
    assert shown.text.count("Đã lưu trữ") == 2
    assert 'class="archived invalid"' in shown.text and "Chữ ký số của tệp bi-sua.pdf KHÔNG hợp lệ" in shown.text
    assert found["total"] == 1 and found["hits"][0]["signature"] == "untrusted"
    # with the office's own unsigned 02-CV/TU (another text, so a conflict too): best first, the tampered last
    assert [f["signature"] for f in document["files"]] == ["untrusted", "unsigned", "invalid"]
    assert first.content == signed  # file 0 is the best one
    assert "có chữ ký số KHÔNG hợp lệ" in page


def test_the_register_says_who_issued_and_the_digest_is_numbered_once_a_week(office_ws):
    with client(office_ws, "vt") as (c, csrf):
        c.post("/soan/cong-van", data={**DRAFT, "csrf": csrf, "action": "issue", "body_code": "VPTU",
                                       "signer": "cvp"})
        first = c.post("/bao-cao-tuan/tong-hop", data={"csrf": csrf, "week": "2026-W23", "issue": "1"})
        twice = c.post("/bao-cao-tuan/tong-hop", data={"csrf": csrf, "week": "2026-W23", "issue": "1"})
        numbers = [r["symbol"] for r in office.register_entries(office_ws, CONSOLE)]
        again = c.post("/bao-cao-tuan/tong-hop", data={"csrf": csrf, "week": "2026-W23", "issue": "1",
                                                       "again": "1"})
        register = c.get("/so-dang-ky").text
    assert _entry(office_ws, "01-CV/VPTU")["created_by"] == "vt"  # the Văn phòng's own Công văn, from the web
    assert first.status_code == 200 and "Đã cấp số 01-BC/VPTU" in first.text
    assert twice.status_code == 409 and "đã được cấp số 01-BC/VPTU" in twice.text and "--again" not in twice.text
    assert 'name="again" value="1"' in twice.text and numbers.count("02-BC/VPTU") == 0
    assert again.status_code == 200 and "Đã cấp số 02-BC/VPTU" in again.text
    assert "<th>Người cấp số</th>" in register and _entry(office_ws, "02-BC/VPTU")["created_by"] == "vt"


def test_an_administrator_resets_a_password_and_the_user_sets_a_new_one_at_next_login(office_ws):
    with client(office_ws, "qt") as (admin, csrf):
        above = admin.post("/quan-tri/dat-lai-mat-khau", data={"csrf": csrf, "login": "vt"})  # cleared MẬT
        reset = admin.post("/quan-tri/dat-lai-mat-khau", data={"csrf": csrf, "login": "cv"})
        added = admin.post("/quan-tri/them", data={"csrf": csrf, "login": "lan", "name": "Nguyễn Thị Lan",
                                                   "role": "van-thu", "password": "mat-khau-dai-1"})
    assert above.status_code == 422 and "cao hơn độ mật của chính bạn" in above.text
    temporary = reset.text.split("Mật khẩu tạm thời (chỉ hiện một lần, hãy trao tận tay): <code>")[1].split("<")[0]
    assert "Đã thêm người dùng lan (Nguyễn Thị Lan), vai trò" in added.text
    assert log_in_with(office_ws, "cv", PASSWORD) == "" and temporary
    with client(office_ws) as (c, _):
        token = log_in(c, "cv", temporary)
        assert token  # logged in, but every page leads to the password page first
        forced = c.get("/bao-cao-tuan")
        assert forced.url.path == "/doi-mat-khau" and "đã đặt lại mật khẩu của bạn" in forced.text
        wrong = c.post("/doi-mat-khau", data={"csrf": token, "current": temporary, "new": "mat-khau-moi-9",
                                              "again": "mat-khau-moi-8"})
        changed = c.post("/doi-mat-khau", data={"csrf": token, "current": temporary, "new": "mat-khau-moi-9",
                                                "again": "mat-khau-moi-9"})
        after = c.get("/bao-cao-tuan")
    assert wrong.status_code == 422 and "không giống nhau" in wrong.text
    assert changed.status_code == 200 and "Đã đổi mật khẩu của cv" in changed.text
    assert after.status_code == 200 and after.url.path == "/bao-cao-tuan"
    assert log_in_with(office_ws, "cv", "mat-khau-moi-9")


def log_in_with(workspace, login: str, password: str) -> str:
    with client(workspace) as (c, _):
        return log_in(c, login, password)


def test_a_team_report_has_its_page_with_its_sections_and_a_paper_one_its_time(office_ws, tmp_path):
    document = docx.Document()
    for text in ("Báo cáo nhanh Tổ 11", "1. Nổi bật:", "Thu ngân sách xã Đắk Song đạt 80% kế hoạch",
                 "2. Khó khăn, vướng mắc", "Thiếu quỹ đất tái định cư", "Kiến nghị: hỗ trợ kinh phí"):
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    week = office.current_week(office_ws, None)
    earlier = week.start.replace(hour=16, minute=30) if week.start.hour < 16 else week.start
    with client(office_ws, "vt") as (c, csrf):
        empty = c.post("/bao-cao-tuan/gui", data={"csrf": csrf, "team": "9"})
        sent = c.post("/bao-cao-tuan/gui", data={"csrf": csrf, "team": "11", "week": week.label},
                      files=[("file", ("bao-cao-to-11.docx", buffer.getvalue(), "application/octet-stream"))])
        paper = c.post("/bao-cao-tuan/gui", data={"csrf": csrf, "team": "9", "noi_bat": "Ổn định",
                                                  "received": f"{earlier:%d/%m/%Y %H:%M}"})
        hit = c.get("/?q=quỹ+đất+tái+định+cư").text
        page = c.get(f"/bao-cao-tuan/{week.label}/to/11").text
    said = empty.text.split('role="alert">')[1].split("</p>")[0]
    assert empty.status_code == 422 and "«Nổi bật»" in said and "noi_bat" not in said and "to-09.yaml" not in said
    assert sent.status_code == 200 and f'href="/bao-cao-tuan/{week.label}/to/11"' in hit
    assert "<h2>Nổi bật</h2>" in page and "<li>Thiếu quỹ đất tái định cư</li>" in page
    assert "<h2>Kiến nghị, đề xuất</h2>" in page and "<li>hỗ trợ kinh phí</li>" in page
    assert paper.status_code == 200
    report = office.team_report(office_ws, week, 9, CONSOLE)
    assert report["submitted_at"].startswith(earlier.strftime("%Y-%m-%dT%H:%M"))


def test_what_a_person_reads_says_no_technical_word_and_no_contradiction(office_ws):
    with client(office_ws, "cv") as (c, _):
        form = c.get("/soan/cong-van").text
        search = c.get("/?locality=Phú").text
    with client(office_ws, "vt") as (c, _):
        register = c.get("/so-dang-ky?kind=zz").text
        weekly = c.get("/bao-cao-tuan?week=2026-W49").text
    assert 'value="MẬT"' not in form and "T/L BAN THƯỜNG VỤ · CHÁNH VĂN PHÒNG" in form and 'name="body_code"' in form
    assert "Tìm thấy" not in search and 'role="alert"' in search
    assert "không có loại văn bản «zz»" in register and "01-CV/TU" not in register
    assert "tuần 49 năm 2026 (từ 09:00 ngày 27/11/2026 đến 09:00 ngày 04/12/2026)" in weekly
    assert "2026-W49</h1>" not in weekly
    attached = office_ws.taxonomy.attached("phòng cháy, chữa cháy rừng mùa khô", "Đề nghị Ban Chỉ huy Quân sự xã "
                                           "phối hợp lực lượng kiểm lâm phòng cháy, chữa cháy rừng.")
    assert "quoc-phong-an-ninh" not in [t.slug for t in attached]
    assert Viewer("cv", 0).may_read({"secrecy": ""})
