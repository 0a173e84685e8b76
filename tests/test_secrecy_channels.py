"""The side doors of issue 20 that the route table does not walk: logins under concurrency, tokens,
marks typed any way, secret reports, reclassification, the audit page, malformed requests."""

from __future__ import annotations

import http.cookiejar
import json
import re
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import PASSWORD, SECRET_SUBJECT
from serving import served
from starlette.testclient import TestClient
from web_client import client, csrf_of, log_in

import office
from access.users import LoginFailed
from archive.corrections import Edit
from docgen.errors import InvalidInput
from docgen.secrecy import CONSOLE
from web.app import create_app


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                       _NoRedirect())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 303 after a login is the answer itself
        return None


def _attempt(base: str, login: str, password: str, ready: threading.Barrier, results: list) -> None:
    """One browser's login: the form first (its cookie and token), then all at once."""
    opener = _opener()
    form = opener.open(base + "/dang-nhap").read().decode()
    body = urllib.parse.urlencode({"login": login, "password": password, "csrf": csrf_of(form), "next": "/"})
    ready.wait()
    try:
        answer = opener.open(base + "/dang-nhap", body.encode(), timeout=60)
        results.append((password, answer.status))
    except urllib.error.HTTPError as exc:
        results.append((password, exc.code))


def _wait_for_five_counted(workspace) -> None:
    """Until the server has counted five attempts of ``vt`` (being checked, failed, or locked)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with workspace.users() as users:
            pending = users.conn.execute("SELECT COUNT(*) FROM login_attempts WHERE login='vt'").fetchone()[0]
            failed = users.conn.execute("SELECT count, locked_until FROM login_failures WHERE login='vt'").fetchone()
        if (failed and failed[1]) or pending + (failed[0] if failed else 0) >= 5:
            return
        time.sleep(0.01)
    pytest.fail("the server never counted five attempts")


def test_a_burst_of_wrong_passwords_locks_the_login_as_five_in_a_row(office_ws):
    """30 wrong passwords sent at once lock the login, and a right one sent inside the burst (after the
    wrong ones) does not get in; a real server, real threads."""
    with served(office_ws.root) as base:
        ready, results = threading.Barrier(30), []
        threads = [threading.Thread(target=_attempt, args=(base, "vt", "sai-mat-khau-1", ready, results))
                   for _ in range(30)]
        for thread in threads:
            thread.start()
        _wait_for_five_counted(office_ws)  # the right password comes once five wrong ones are counted
        _attempt(base, "vt", PASSWORD, threading.Barrier(1), results)
        for thread in threads:
            thread.join(timeout=120)
    assert len(results) == 31 and all(status in (401, 429) for _p, status in results), results
    assert sum(status == 401 for _p, status in results) <= 10  # the machine's burst was held at ten checks
    with office_ws.users() as users:
        assert "vt" in users.locked_out()
        with pytest.raises(LoginFailed):
            users.authenticate("vt", PASSWORD)
    with office_ws.audit() as log:
        assert not [e for e in log.entries(login="vt") if e.action == "login"]


def test_a_flood_of_failures_from_one_machine_waits_and_a_colleague_logs_in(office_ws):
    app = create_app(office_ws, warm_converter=False)
    with TestClient(app, client=("10.0.0.9", 4000)) as flood, TestClient(app, client=("10.0.0.2", 4000)) as other:
        answers = []
        for number in range(12):
            form = flood.get("/dang-nhap")
            answers.append(flood.post("/dang-nhap", data={"login": f"ai-{number}", "password": "x" * 9,
                                                          "csrf": csrf_of(form.text)}))
        assert [a.status_code for a in answers] == [401] * 10 + [429] * 2
        assert "thử lại sau" in answers[-1].text
        assert log_in(other, "vt", PASSWORD)  # another machine is not held back


def test_a_token_of_a_disabled_user_stays_dead_when_the_user_is_enabled_again(office_ws):
    with office_ws.users() as users:
        _id, token = users.create_token("vt", "hệ thống")
        users.disable("vt")
        users.enable("vt")
    with client(office_ws) as (c, _):
        answer = c.get("/api/search", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401


def test_marks_typed_any_way_are_stored_as_printed_and_a_draft_keeps_its_mark(office_ws):
    with client(office_ws, "vt") as (c, csrf):
        made = c.post("/api/documents?kind=cong-van&draft=true", headers={"X-CSRF-Token": csrf},
                      json={"subject": "dự thảo có độ mật", "to": ["Ban A"], "body": "Nội dung.", "secrecy": "mật",
                            "urgency": "Hoả tốc"})
        unknown = c.post("/api/documents?kind=cong-van&draft=true", headers={"X-CSRF-Token": csrf},
                         json={"subject": "thử", "to": ["Ban A"], "body": "Nội dung.", "urgency": "gấp"})
        form = c.get(f"/soan/cong-van?draft={made.json()['draft_id']}").text
    assert made.status_code == 201, made.text
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "urgency"
    assert '<option value="MẬT" selected>' in form and '<option value="HỎA TỐC" selected>' in form
    with client(office_ws, "cv") as (c, _):  # a MẬT draft does not exist for staff without clearance
        assert "dự thảo có độ mật" not in c.get("/soan").text


def test_a_report_marked_secret_is_hidden_from_staff_and_shown_to_a_cleared_clerk(office_ws, tmp_path):
    report = tmp_path / "bao-cao.yaml"
    report.write_text("noi_bat:\n  - Phương án diễn tập tại đặc khu Phú Quý.\ndo_mat: mật\n", "utf-8")
    receipt = office.receive_report(office_ws, 9, report)
    assert receipt.report["secrecy"] == "MẬT"
    with client(office_ws, "cv") as (c, _):
        staff = c.get("/api/search", params={"q": "diễn tập"}).json()
        weekly = c.get("/bao-cao-tuan").text
    with client(office_ws, "vt") as (c, _):
        clerk = c.get("/api/search", params={"q": "diễn tập"}).json()
        digest = c.get("/api/digest").json()
    assert not any(h["kind"] == "BC" for h in staff["hits"]) and 'class="missing" id="to-9"' in weekly
    assert any(h["kind"] == "BC" and h["secrecy"] == "MẬT" for h in clerk["hits"])
    assert next(t for t in digest["teams"] if t["team"] == 9)["report"]["secrecy"] == "MẬT"


def test_a_replaced_report_shows_the_new_reports_snippet(office_ws, tmp_path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("noi_bat:\n  - Hoàn thành giải ngân vốn đầu tư công quý một.\n", "utf-8")
    second.write_text("noi_bat:\n  - Giải ngân vốn đầu tư công chậm vì vướng mặt bằng.\n", "utf-8")
    with client(office_ws, "vt") as (c, _):
        office.receive_report(office_ws, 9, first)
        before = c.get("/api/search", params={"q": "giải ngân"}).json()
        office.receive_report(office_ws, 9, second)
        after = c.get("/api/search", params={"q": "giải ngân"}).json()
    [old] = [h for h in before["hits"] if h["kind"] == "BC"]
    [new] = [h for h in after["hits"] if h["kind"] == "BC"]
    assert "quý một" in old["snippet"] and "vướng mặt bằng" in new["snippet"] and "quý một" not in new["snippet"]


def test_a_reclassified_document_leaves_the_staffs_tasks_register_and_digest_at_once(office_ws):
    with client(office_ws, "cv") as (c, _):
        tasks_before = c.get("/api/tasks", params={"all": "1"}).json()
    assert any(t["symbol"] == "01-CV/TU" for t in tasks_before)
    office.correct_document(office_ws, "01-CV/TU", Edit({"secrecy": "mật"}, [], "vt"), CONSOLE)
    with client(office_ws, "cv") as (c, _):
        tasks = c.get("/api/tasks", params={"all": "1"}).json()
        hits = c.get("/api/search", params={"q": "rà soát"}).json()
    with client(office_ws, "ld") as (c, _):  # cleared for MẬT: still sees it, marked
        register = {r["symbol"]: r for r in c.get("/api/register").json()}
    assert not any(t["symbol"] == "01-CV/TU" for t in tasks)
    assert "01-CV/TU" not in json.dumps(hits, ensure_ascii=False)
    assert register["01-CV/TU"]["secrecy"] == "MẬT"


def test_the_audit_page_filters_pages_and_names_secret_reads_to_the_cleared_only(office_ws):
    with client(office_ws, "ld") as (c, _):
        c.get("/van-ban/02-CV/TU")
    with office_ws.audit() as log:
        for number in range(60):
            log.record("cv", "download", f"tệp {number}")
    with office_ws.users() as users:
        users.add("qt2", role="quan-tri", password="mat-khau-dai-9", clearance=1)
    with client(office_ws, "qt") as (c, _):
        uncleared = c.get("/nhat-ky", params={"action": "view-secret"}).text
        first = c.get("/nhat-ky", params={"user": "cv", "action": "download"}).text
        second = c.get("/nhat-ky", params={"user": "cv", "action": "download", "page": "2"}).text
        bad = c.get("/nhat-ky", params={"from": "31/02/2026"})
    with client(office_ws) as (c, _):
        assert log_in(c, "qt2", "mat-khau-dai-9")
        cleared = c.get("/nhat-ky", params={"action": "view-secret"}).text
    assert "02-CV/TU" not in uncleared and "0 mục" in uncleared
    assert "02-CV/TU" in cleared and "xem văn bản mật" in cleared
    assert "60 mục" in first and "trang 1/2" in first and "tệp 59" in first and "tệp 0<" not in first
    assert "tệp 0<" in second and "Trang trước" in second
    assert bad.status_code == 422 and "Từ ngày" in bad.text and "tệp 5" not in bad.text


def test_head_changes_nothing(office_ws):
    with client(office_ws, "cv") as (c, _):
        answer = c.request("HEAD", "/soan/cong-van", data={"subject": "gửi bằng HEAD", "action": "save"})
    assert answer.status_code == 200
    with office_ws.drafts() as book:
        assert book.readable(CONSOLE) == []


def test_malformed_requests_answer_404_or_422_with_the_same_headers_never_a_trace(office_ws):
    deep = "[" * 100_000 + "]" * 100_000
    with client(office_ws, "vt") as (c, csrf):
        answers = {
            "huge id": c.get(f"/so-dang-ky/{10 ** 30}/docx"),
            "huge task": c.post(f"/nhiem-vu/{10 ** 30}", data={"csrf": csrf, "action": "done"}),
            "huge page": c.get("/api/search", params={"q": "rà soát", "offset": str(10 ** 30)}),
            "huge year": c.get("/api/register", params={"year": str(10 ** 30)}),
            "deep json": c.post("/api/documents?kind=cong-van", content=deep, headers={"X-CSRF-Token": csrf}),
            "wildcard": c.get("/api/documents/%25"),
            # «²» is a digit to str.isdigit() and no number to int()
            "superscript page": c.get("/api/search", params={"q": "rà soát", "limit": "²"}),
            "superscript year": c.get("/api/register", params={"year": "²"}),
            "superscript offset": c.get("/van-ban-den", params={"tu": "²"}),
            "superscript draft": c.get("/soan/cong-van", params={"draft": "²"}),
            "huge draft": c.get("/soan/cong-van", params={"draft": str(10 ** 30)}),
            "superscript team": c.post("/api/reports?team=²", headers={"X-CSRF-Token": csrf},
                                       files={"file": ("a.yaml", b"noi_bat: [x]", "text/yaml")}),
        }
    for name, answer in answers.items():
        assert answer.status_code in (404, 422), (name, answer.status_code, answer.text[:200])
        assert answer.headers["cache-control"] == "no-store" and "content-security-policy" in answer.headers
        assert "Traceback" not in answer.text


def test_a_server_error_page_carries_the_security_headers(office_ws):
    with office_ws.catalog() as catalog:  # a damaged row: what no view expects
        catalog.conn.execute("UPDATE documents SET record='{' WHERE symbol='01-CV/TU'")
    with client(office_ws, "vt") as (c, _):
        answer = c.get("/van-ban/01-CV/TU")
    assert answer.status_code == 500 and "Đã có lỗi ở máy chủ" in answer.text
    assert answer.headers["cache-control"] == "no-store" and "content-security-policy" in answer.headers
    assert "Traceback" not in answer.text


def test_upload_routes_check_the_role_before_the_body_and_a_report_is_one_file(office_ws):
    with client(office_ws, "ld") as (c, csrf):  # a leader sends no reports and uploads nothing
        report = c.post("/api/reports?team=9", files={"file": ("a.yaml", b"x" * 10, "text/yaml")})
        archive = c.post("/api/archive", files={"file": ("a.pdf", b"%PDF", "application/pdf")})
    assert report.status_code == 403 and archive.status_code == 403
    with client(office_ws, "vt") as (c, csrf):
        two = c.post("/api/reports?team=9", headers={"X-CSRF-Token": csrf},
                     files=[("file", ("a.yaml", b"noi_bat: [a]\n", "text/yaml")),
                            ("file", ("b.yaml", b"noi_bat: [b]\n", "text/yaml"))])
    assert two.status_code == 422
    assert office.week_status(office_ws, office.current_week(office_ws, None))["teams"][8]["status"] == "missing"


def test_a_page_image_is_never_cached(office_ws):
    key = office.find_document(office_ws, "01-CV/TU", CONSOLE)["id"]
    with client(office_ws, "vt") as (c, _):
        answer = c.get(f"/van-ban/{key}/trang/1.png")
    assert answer.status_code == 200 and answer.headers.get_list("cache-control") == ["no-store"]


def test_the_same_document_refused_names_the_secret_one_to_nobody_below_it(office_ws, tmp_path):
    data = {"subject": SECRET_SUBJECT, "to": ["Đảng ủy các xã, phường, đặc khu", "Các Tổ theo dõi địa bàn"],
            "body": "Nội dung khác.", "date": "2026-06-03"}
    with office_ws.users() as users:
        users.add("vt0", role="van-thu", password="mat-khau-dai-9")
    with client(office_ws) as (c, _):
        csrf = log_in(c, "vt0", "mat-khau-dai-9")
        refused = c.post("/api/documents?kind=cong-van", headers={"X-CSRF-Token": csrf}, json=data)
    with client(office_ws, "vt") as (c, csrf):
        named = c.post("/api/documents?kind=cong-van", headers={"X-CSRF-Token": csrf}, json=data)
    assert refused.status_code == 422 and named.status_code == 422
    assert "02-CV/TU" not in refused.text and "không được xem" in refused.text and "--again" in refused.text
    assert "02-CV/TU" in named.text
    assert re.search(r"cấp (thêm )?(một )?số mới", refused.json()["error"])


def test_the_cli_answers_as_a_user_with_as(office_ws):
    from click.testing import CliRunner

    from vanthu.cli import cli

    def run(*args: str):
        return CliRunner().invoke(cli, [*args, "--home", str(office_ws.root)])

    staff, console, nobody = run("show", "02-CV/TU", "--as", "cv"), run("show", "02-CV/TU"), \
        run("search", "--as", "ai-do", "--json")
    register, audit = run("register", "list", "--as", "cv"), run("audit", "--as", "vt")
    assert staff.exit_code != 0 and "không có văn bản" in staff.output
    assert register.exit_code == 2 and "không có quyền" in register.output and "--as" in register.output
    assert audit.exit_code == 2 and "không có quyền" in audit.output
    assert console.exit_code == 0 and "02-CV/TU" in console.output
    assert nobody.exit_code != 0 and "ai-do" in nobody.output
    assert Path(office_ws.root).is_dir()


def test_a_reset_user_gets_a_json_refusal_from_the_api_and_no_password_of_spaces(office_ws):
    with office_ws.users() as users:
        temporary = users.reset_password("cv")
    with client(office_ws) as (c, _):
        log_in(c, "cv", temporary)  # the login itself succeeds; every page then asks for a new password
        answer = c.get("/api/search", params={"q": "rà soát"})
    assert answer.status_code == 403 and "đổi mật khẩu" in answer.json()["error"]
    with office_ws.users() as users, pytest.raises(InvalidInput):
        users.set_password("cv", " " * 12)
