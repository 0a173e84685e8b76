"""What a trial of the service as an attacker found, each now a test that would fail again."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
from web_client import client

import office
from docgen.secrecy import CONSOLE, Viewer


def test_an_issued_digest_is_as_secret_as_what_it_lists(office_ws):
    with client(office_ws, "vt") as (c, csrf):
        done = c.post("/bao-cao-tuan/tong-hop", data={"csrf": csrf, "week": "2026-W23", "issue": "1"})
    assert done.status_code == 200 and "Đã cấp số 01-BC/VPTU" in done.text
    entry = next(r for r in office.register_entries(office_ws, CONSOLE) if r["symbol"] == "01-BC/VPTU")
    assert entry["secrecy"] == "MẬT"
    text = pypdf.PdfReader(io.BytesIO(Path(entry["pdf_path"]).read_bytes())).pages[0].extract_text()
    assert "MẬT" in text.splitlines()[:12]  # the mark is printed under the number
    unclear = [r["symbol"] for r in office.register_entries(office_ws, Viewer("ld0", 0))]
    assert "01-BC/VPTU" not in unclear and "01-CV/TU" in unclear


def test_staff_cannot_mark_a_draft_above_their_clearance_through_the_api(office_ws):
    with client(office_ws, "cv") as (c, csrf):
        refused = c.post("/api/documents?kind=cong-van&draft=true", headers={"X-CSRF-Token": csrf},
                         json={"subject": "thử", "to": ["Ban A"], "body": "Nội dung.", "secrecy": "TUYỆT MẬT"})
        made = c.post("/api/documents?kind=cong-van&draft=true", headers={"X-CSRF-Token": csrf},
                      json={"subject": "dự thảo qua API", "to": ["Ban A"], "body": "Nội dung."})
        listed = c.get("/soan").text
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "secrecy"
    assert made.status_code == 201 and made.json()["draft_id"] and "dự thảo qua API" in listed


def test_an_administrator_grants_no_more_than_their_own_clearance_and_sees_no_secret_symbol(office_ws):
    with client(office_ws, "ld") as (c, _):
        c.get("/van-ban/02-CV/TU")  # a cleared reader's view of the MẬT document is audited
    with client(office_ws, "qt") as (c, csrf):
        grant = c.post("/quan-tri/them", data={"csrf": csrf, "login": "moi", "role": "lanh-dao",
                                               "clearance": "MẬT", "password": "mat-khau-dai-9"})
        token = c.post("/quan-tri/ma", data={"csrf": csrf, "login": "vt", "token_name": "mượn"})
        page = c.get("/quan-tri").text
    assert grant.status_code == 422 and token.status_code == 422
    with office_ws.users() as users:
        assert users.get("moi") is None and users.tokens() == []
    assert "02-CV/TU" not in page
    with client(office_ws, "qt") as (c, _):
        audit = c.get("/nhat-ky").text
    assert "<td>xem văn bản mật</td>" not in audit and "02-CV/TU" not in audit  # not even a masked line


def test_an_administrator_changes_a_role_the_user_logs_in_again_under_it(office_ws):
    with client(office_ws, "cv") as (staff, _):
        assert staff.get("/bao-cao-tuan").status_code == 200
        with client(office_ws, "qt") as (c, csrf):
            changed = c.post("/quan-tri/sua", data={"csrf": csrf, "login": "cv", "role": "lanh-dao", "team": ""})
            too_high = c.post("/quan-tri/sua", data={"csrf": csrf, "login": "cv", "role": "lanh-dao",
                                                     "clearance": "MẬT"})
            own = c.post("/quan-tri/sua", data={"csrf": csrf, "login": "qt", "role": "chuyen-vien"})
        after = staff.get("/api/register")
    assert changed.status_code == 200 and "Đã sửa vai trò, tổ, độ mật được xem của cv" in changed.text
    assert too_high.status_code == 422 and own.status_code == 422
    assert after.status_code == 401  # the old session ended with the change
    with office_ws.users() as users:
        cv, qt = users.get("cv"), users.get("qt")
    assert (cv.role, cv.team, cv.clearance) == ("lanh-dao", None, 0) and qt.role == "quan-tri"
    with client(office_ws, "cv") as (c, _):
        assert c.get("/api/digest").status_code == 200  # a leader's right, which staff did not have


def test_odd_names_and_weeks_get_answers_not_errors(office_ws, issued):
    with client(office_ws, "vt") as (c, csrf):
        long_name = c.post("/api/archive", headers={"X-CSRF-Token": csrf},
                           files=[("file", ("ừ" * 200 + ".pdf", issued.pdfs["tb"], "application/pdf"))])
        weeks = [c.get(f"/api/digest?week={w}").status_code for w in ("0001-W01", "2026-W00", "9999-W52")]
        page = c.get("/bao-cao-tuan?week=0001-W01")
        notice = c.get("/luu-tru?notice=Gửi mật khẩu cho quantri").text
    assert long_name.status_code == 200 and long_name.json()[0]["status"] == "archived"
    assert weeks == [422, 422, 422]
    assert page.status_code == 422 and "Tuần" in page.text
    assert "Gửi mật khẩu" not in notice


def test_a_file_past_the_limit_is_refused_while_it_streams_and_other_bodies_stay_small(office_ws):
    from conftest import add_settings

    add_settings(office_ws, upload_limit_mb=1.0, upload_max_files=5)
    office_ws = type(office_ws)(office_ws.root)

    def body(size: int):
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pdf\"\r\n\r\n"
        for _ in range(size):
            yield b"0" * 65536
        yield b"\r\n--b--\r\n"

    with client(office_ws, "vt") as (c, csrf):
        big = c.post("/api/archive", headers={"X-CSRF-Token": csrf, "Content-Type": "multipart/form-data; boundary=b"},
                     content=body(40))
        login = c.post("/dang-nhap", headers={"Content-Type": "application/x-www-form-urlencoded"},
                       content=(b"a" * 65536 for _ in range(50)))
    assert big.status_code == 413 and "x.pdf" in big.json()["error"]
    assert login.status_code == 413


def test_the_edit_form_keeps_what_is_left_alone(office_ws):
    with office_ws.users() as users:
        before = users.get("cv")
    with client(office_ws, "qt") as (c, csrf):
        form = c.get("/quan-tri").text
        changed = c.post("/quan-tri/sua", data={"csrf": csrf, "login": "cv", "role": "giu-nguyen", "team": "9",
                                                "clearance": "giu-nguyen"})
    assert form.count('<option value="giu-nguyen" selected>Giữ nguyên</option>') == 3
    with office_ws.users() as users:
        after = users.get("cv")
        users.change("cv", role=before.role, name=before.name, team=before.team, clearance=before.clearance)
    assert changed.status_code == 200
    assert (after.role, after.team, after.clearance) == (before.role, 9, before.clearance)


def test_voiding_a_number_twice_is_a_conflict_in_vietnamese_not_a_server_error(office_ws):
    entry = office.register_entries(office_ws, CONSOLE, kind="CV")[0]
    with client(office_ws, "vt") as (c, csrf):
        first = c.post(f"/so-dang-ky/{entry['id']}/huy", data={"csrf": csrf, "reason": "gửi nhầm", "confirm": "1"})
        again = c.post(f"/so-dang-ky/{entry['id']}/huy", data={"csrf": csrf, "reason": "gửi nhầm lần nữa",
                                                                "confirm": "1"})
    assert first.status_code == 200 and entry["symbol"] in first.text
    assert again.status_code == 409 and "Xung đột" in again.text
    assert f"văn bản {entry['symbol']} đã bị hủy trước đó" in again.text


def test_a_document_numbered_in_an_earlier_term_still_shows(office_ws):
    config = office_ws.config.read_text("utf-8")
    office_ws.config.write_text(config.replace("term_start = 2025-07-01", "term_start = 2030-10-01"), "utf-8")
    office_ws = type(office_ws)(office_ws.root)
    with client(office_ws, "vt") as (c, _):
        page = c.get("/van-ban/01-CV/TU")
        api = c.get("/api/documents/01-CV/TU")
    assert page.status_code == 200 and "01-CV/TU" in page.text
    assert api.status_code == 200
    with client(office_ws, "vt") as (c, csrf):
        old = office.register_entries(office_ws, CONSOLE, kind="CV")[0]
        refused = c.post(f"/so-dang-ky/{old['id']}/huy", data={"csrf": csrf, "reason": "gửi nhầm", "confirm": "1"})
    assert refused.status_code == 409 and "nhiệm kỳ trước" in refused.text
    assert office.register_entries(office_ws, CONSOLE, kind="CV")[0]["status"] != "void"


def test_locking_asks_first_and_an_administrator_unlocks_the_account(office_ws):
    from conftest import PASSWORD
    from web_client import log_in

    with client(office_ws, "qt") as (c, csrf):
        asked = c.post("/quan-tri/khoa", data={"csrf": csrf, "login": "cv"})
        with office_ws.users() as users:
            still_active = users.get("cv").active
        locked = c.post("/quan-tri/khoa", data={"csrf": csrf, "login": "cv", "confirm": "1"})
        with client(office_ws) as (other, _):
            refused = log_in(other, "cv")
        page = c.get("/quan-tri").text
        unlocked = c.post("/quan-tri/mo-khoa", data={"csrf": csrf, "login": "cv"})
        no_csrf = c.post("/quan-tri/mo-khoa", data={"login": "cv"})
    assert asked.status_code == 200 and still_active
    assert "Khóa tài khoản" in asked.text and 'name="confirm" value="1"' in asked.text and "cv" in asked.text
    assert locked.status_code == 200 and "Đã khóa tài khoản" in locked.text and refused == ""
    assert "Mở khóa" in page
    assert unlocked.status_code == 200 and "Đã mở khóa tài khoản" in unlocked.text and no_csrf.status_code == 403
    with client(office_ws) as (c, _):
        assert log_in(c, "cv", PASSWORD)
        for _ in range(5):
            log_in(c, "vt", "sai-mat-khau")
        assert log_in(c, "vt", PASSWORD) == ""  # locked after five failures
    with client(office_ws, "qt") as (c, csrf):
        assert "Tạm khóa" in c.get("/quan-tri").text
        c.post("/quan-tri/mo-khoa", data={"csrf": csrf, "login": "vt"})
    with client(office_ws) as (c, _):
        assert log_in(c, "vt", PASSWORD)


DRAFT = {"subject": "kiểm tra công tác chuyển đổi số cấp xã", "to": "Đảng ủy các xã, phường, đặc khu",
         "body": "Đề nghị các đơn vị báo cáo kết quả.", "recipients": "Thường trực Tỉnh ủy"}


def test_a_far_future_date_or_an_overlong_subject_is_refused_and_spends_no_number(office_ws):
    before = office.register_entries(office_ws, CONSOLE)
    with client(office_ws, "vt") as (c, csrf):
        far = c.post("/soan/cong-van", data={**DRAFT, "date": "05/01/2099", "csrf": csrf, "action": "issue"})
        long = c.post("/soan/cong-van", data={**DRAFT, "subject": "rà soát " * 63, "csrf": csrf, "action": "issue"})
        api = c.post("/api/documents?kind=cong-van", headers={"X-CSRF-Token": csrf},
                     json={**DRAFT, "to": [DRAFT["to"]], "date": "2099-01-05"})
    assert far.status_code == 422 and 'id="date-error"' in far.text and "quá xa trong tương lai" in far.text
    assert long.status_code == 422 and 'id="subject-error"' in long.text and "tối đa 500 ký tự" in long.text
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "date"
    assert office.register_entries(office_ws, CONSOLE) == before


def test_only_the_author_or_a_clerk_changes_a_draft(office_ws):
    with office_ws.users() as users:
        users.add("cv2", role="chuyen-vien", password="mat-khau-thu-nghiem", team=9)
    with client(office_ws, "cv") as (c, csrf):
        c.post("/soan/cong-van", data={**DRAFT, "csrf": csrf, "action": "save"})
        own = c.post("/soan/cong-van", data={**DRAFT, "subject": "bản của tác giả", "csrf": csrf, "action": "save",
                                             "draft": "1"})
    with client(office_ws, "cv2") as (c, csrf):
        opened = c.get("/soan/cong-van?draft=1").text
        overwrite = c.post("/soan/cong-van", data={**DRAFT, "subject": "ghi đè", "csrf": csrf, "action": "save",
                                                   "draft": "1"})
        copy = c.post("/soan/cong-van", data={**DRAFT, "subject": "bản sao của cv2", "csrf": csrf,
                                              "action": "save"})
    with client(office_ws, "vt") as (c, csrf):
        clerk = c.post("/soan/cong-van", data={**DRAFT, "subject": "văn thư sửa", "csrf": csrf, "action": "save",
                                               "draft": "1"})
    assert own.status_code == 200 and "Đã lưu dự thảo" in own.text
    assert 'name="draft" value="1"' not in opened and "tạo một dự thảo mới của bạn" in opened
    assert overwrite.status_code == 403 and "chỉ người soạn hoặc văn thư" in overwrite.text
    assert copy.status_code == 200 and "Dự thảo 2" in copy.text
    assert clerk.status_code == 200
    with office_ws.drafts() as book:
        first, second = book.get(1, CONSOLE), book.get(2, CONSOLE)
    assert (first.data["subject"], first.author) == ("văn thư sửa", "cv")
    assert (second.data["subject"], second.author) == ("bản sao của cv2", "cv2")


def test_bad_api_filters_are_refused_naming_the_parameter(office_ws):
    with client(office_ws, "vt") as (c, _):
        answers = {url: c.get(url) for url in (
            "/api/search?signature=zzz", "/api/search?team=abc", "/api/search?sort=zzz",
            "/api/tasks?due_within=abc", "/api/tasks?team=abc", "/api/register?year=abc")}
        unsigned = c.get("/api/search?signature=unsigned").json()
        valid = c.get("/api/search?signature=valid").json()
        by_date = c.get("/api/search?sort=ngày")
        page = c.get("/so-dang-ky?year=abc")
        this_year = c.get(f"/api/register?year={office.register_entries(office_ws, CONSOLE)[0]['date'][:4]}")
    assert {url: r.status_code for url, r in answers.items()} == dict.fromkeys(answers, 422)
    for url, name in zip(answers, ("signature", "team", "sort", "due_within", "team", "year"), strict=True):
        assert f"({name})" in answers[url].json()["error"], url
    assert "Chữ ký số" in answers["/api/search?signature=zzz"].json()["error"]
    assert "chọn «liên quan» hoặc «ngày»" in answers["/api/search?sort=zzz"].json()["error"]
    assert "relevance" not in answers["/api/search?sort=zzz"].json()["error"]
    assert unsigned["total"] == 3 and valid["total"] == 0  # the filter is applied, no longer dropped
    assert by_date.status_code == 200 and page.status_code == 422 and "«Năm»" in page.text
    assert this_year.status_code == 200 and len(this_year.json()) == 3


def test_errors_and_answers_name_no_server_folder(office_ws):
    root = str(office_ws.root)
    with client(office_ws, "vt") as (c, csrf):
        api = c.post("/api/reports?team=9", headers={"X-CSRF-Token": csrf},
                     files=[("file", ("bao-cao.docx", b"not a docx", "application/octet-stream"))])
        page = c.post("/bao-cao-tuan/gui", data={"csrf": csrf, "team": "9"},
                      files=[("file", ("bao-cao.yaml", b"noi_bat: [unclosed\n", "text/yaml"))])
        register = c.get("/api/register").json()
        made = c.post("/api/documents?kind=cong-van", headers={"X-CSRF-Token": csrf},
                      json={**DRAFT, "to": [DRAFT["to"]], "subject": "văn bản mới qua API"})
    assert api.status_code == 422 and api.json()["error"].startswith("Tệp bao-cao.docx: không phải tệp DOCX")
    assert "zip file" not in api.json()["error"]
    assert page.status_code == 422 and "Tệp bao-cao.yaml: cú pháp sai" in page.text
    assert ".upload-" not in api.text + page.text and root not in api.text + page.text
    assert {row["docx_path"] for row in register} >= {"01-CV-TU.docx", "01-TB-TU.docx"}
    assert made.status_code == 201 and made.json()["docx"] == "out/03-CV-TU.docx"
    assert "/tmp" not in str(register) + made.text


def test_a_replaced_report_is_said_and_its_search_hit_opens_the_teams_week(office_ws):
    with client(office_ws, "cv") as (c, csrf):
        first = c.post("/bao-cao-tuan/gui", data={"csrf": csrf, "team": "9", "noi_bat": "Tình hình ổn định"})
        second = c.post("/bao-cao-tuan/gui", data={"csrf": csrf, "team": "9", "noi_bat": "Mưa lớn gây sạt lở"})
        found = c.get("/?q=sạt+lở").text
    week = office.current_week(office_ws, None).label
    assert "Đã nhận báo cáo của Tổ 9" in first.text and "thay cho báo cáo" not in first.text
    assert "Đã nhận báo cáo của Tổ 9" in second.text and "thay cho báo cáo Tổ 9 đã gửi trước đó" in second.text
    assert f'href="/bao-cao-tuan/{week}/to/9"' in found and f'href="/van-ban/bc-{week}-09"' not in found
    assert 'id="to-9"' in second.text


def test_the_document_page_and_show_name_the_localities_and_teams(office_ws):
    from click.testing import CliRunner

    from vanthu.cli import cli

    [place] = office_ws.gazetteer.find("đặc khu Phú Quý")
    teams = office_ws.gazetteer.teams_of([place])
    with client(office_ws, "vt") as (c, _):
        page = c.get("/van-ban/02-CV/TU").text
        plain = c.get("/van-ban/01-CV/TU").text
        api = c.get("/api/documents/02-CV/TU").json()
    assert "<dt>Địa bàn</dt>" in page and "Đặc khu Phú Quý</a>" in page
    assert all(f"Tổ {t}" in page for t in teams) and "<dt>Địa bàn</dt><dd>—" in plain
    assert (api["localities"], api["teams"]) == (["Đặc khu Phú Quý"], teams)
    shown = CliRunner().invoke(cli, ["show", "02-CV/TU", "--home", str(office_ws.root)])
    assert shown.exit_code == 0
    assert f"Địa bàn: Đặc khu Phú Quý ({', '.join(f'Tổ {t}' for t in teams)})" in shown.output
