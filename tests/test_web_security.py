"""The service as a security boundary: CSRF on every state change, lockout, sessions, tokens, escaping."""

from __future__ import annotations

import pytest
from conftest import PASSWORD
from web_client import client, csrf_of, log_in

import office
from docgen.secrecy import CONSOLE

# Every state-changing route, with a form its role would send; none may act without the CSRF token.
POSTS = [
    ("vt", "/so-dang-ky/{entry}/huy", {"reason": "gửi nhầm"}),
    ("vt", "/soan/cong-van", {"action": "save", "subject": "thử"}),
    ("vt", "/luu-tru/cach-ly/x.pdf/loai-bo", {}),
    ("vt", "/bao-cao-tuan/gui", {"team": "9", "noi_bat": "ổn định"}),
    ("vt", "/bao-cao-tuan/tong-hop", {}),
    ("vt", "/nhiem-vu/1", {"action": "done"}),
    ("qt", "/quan-tri/khoa", {"login": "cv"}),
    ("qt", "/quan-tri/sua", {"login": "cv", "role": "lanh-dao"}),
    ("qt", "/quan-tri/them", {"login": "moi", "role": "van-thu", "password": "mat-khau-dai-1"}),
    ("cv", "/dang-xuat", {}),
]


@pytest.mark.parametrize(("login", "path", "form"), POSTS)
def test_a_state_change_without_the_csrf_token_is_refused_and_changes_nothing(office_ws, login, path, form):
    entry = office.register_entries(office_ws, CONSOLE, kind="CV")[0]
    url = path.format(entry=entry["id"])
    with client(office_ws, login) as (c, _csrf):
        refused = c.post(url, data=form)
        forged = c.post(url, data={**form, "csrf": "gia-mao"})
        still_in = c.get("/api/health")
    assert refused.status_code == 403 and forged.status_code == 403
    assert "CSRF" in refused.text and "Traceback" not in refused.text
    assert still_in.status_code == 200
    assert office.register_entries(office_ws, CONSOLE, kind="CV")[0]["status"] != "void"
    with office_ws.users() as users:
        assert users.get("cv").active and users.get("cv").role == "chuyen-vien" and users.get("moi") is None


def test_a_json_state_change_with_a_cookie_needs_the_csrf_header(office_ws):
    with client(office_ws, "vt") as (c, csrf):
        refused = c.post("/api/documents?kind=cong-van&draft=true", json={"subject": "x"})
        allowed = c.post("/api/documents?kind=cong-van&draft=true", headers={"X-CSRF-Token": csrf},
                         json={"subject": "thử", "to": ["Các Tổ"], "body": "Nội dung."})
    assert refused.status_code == 403
    assert allowed.status_code == 201 and allowed.json()["number"] is None


def test_five_failed_logins_lock_the_login_with_a_message_that_reveals_nothing(office_ws):
    with client(office_ws) as (c, _):
        answers = []
        for login in ("vt", "vt", "vt", "vt", "vt", "khong-co-ai"):
            form = c.get("/dang-nhap")
            answers.append(c.post("/dang-nhap", data={"login": login, "password": "sai-mat-khau",
                                                      "csrf": csrf_of(form.text)}))
        assert {a.status_code for a in answers} == {401}
        messages = {a.text.split('role="alert">')[1].split("<")[0] for a in answers}
        assert len(messages) == 1  # wrong password, unknown login, locked: one message
        assert not log_in(c, "vt", PASSWORD)  # the right password while locked
        assert log_in(c, "ld", PASSWORD)  # another login is not locked
    with office_ws.audit() as log:
        assert sum(e.action == "login-failed" for e in log.entries()) == 7


def test_disabling_a_user_ends_their_session_at_once(office_ws):
    with client(office_ws, "cv") as (c, _):
        assert c.get("/api/tasks").status_code == 200
        with office_ws.users() as users:
            users.disable("cv")
        assert c.get("/api/tasks").status_code == 401


def test_the_session_cookie_is_httponly_and_samesite(office_ws):
    with client(office_ws) as (c, _):
        form = c.get("/dang-nhap")
        c.follow_redirects = False
        response = c.post("/dang-nhap", data={"login": "vt", "password": PASSWORD, "csrf": csrf_of(form.text)})
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "vanthu_session" in v)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie


def test_a_login_form_never_sends_the_user_to_another_site(office_ws):
    with client(office_ws) as (c, _):
        form = c.get("/dang-nhap?next=//evil.example/")
        c.follow_redirects = False
        response = c.post("/dang-nhap", data={"login": "vt", "password": PASSWORD, "csrf": csrf_of(form.text),
                                              "next": "//evil.example/"})
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_an_api_token_acts_with_its_users_rights_until_revoked(office_ws):
    with office_ws.users() as users:
        token_id, key = users.create_token("cv", "hệ thống điều hành")
    with client(office_ws) as (c, _):
        bearer = {"Authorization": f"Bearer {key}"}
        assert c.get("/api/search?q=ra+soat", headers=bearer).json()["total"] == 2  # not the MẬT one
        assert c.get("/api/register", headers=bearer).status_code == 403
        with office_ws.users() as users:
            users.revoke_token(token_id)
        assert c.get("/api/search", headers=bearer).status_code == 401
        assert c.get("/api/search", headers={"Authorization": "Bearer vt_sai"}).status_code == 401


def test_user_text_is_shown_as_text_never_as_markup(office_ws):
    with client(office_ws, "vt") as (c, csrf):
        page = c.post("/soan/cong-van", data={"csrf": csrf, "action": "save",
                                              "subject": "<script>alert(1)</script> kiểm tra"})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; kiểm tra" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_an_unknown_page_is_a_vietnamese_404_and_errors_show_no_trace(office_ws):
    with client(office_ws, "vt") as (c, _):
        missing = c.get("/khong-co-trang-nay")
        bad = c.get("/?from=31/02/2026")
        api = c.get("/api/documents/khong-co")
    assert missing.status_code == 404 and "Không có trang này" in missing.text
    assert bad.status_code == 422 and "Từ ngày" in bad.text and "Traceback" not in bad.text
    assert api.status_code == 404 and "khong-co" in api.json()["error"]


def test_behind_an_https_proxy_the_session_cookie_is_secure(office_ws):
    from starlette.testclient import TestClient

    from web.app import create_app

    app = create_app(office_ws, secure_cookies=True, warm_converter=False)
    with TestClient(app, base_url="https://testserver") as c:
        form = c.get("/dang-nhap")
        c.follow_redirects = False
        response = c.post("/dang-nhap", data={"login": "vt", "password": PASSWORD, "csrf": csrf_of(form.text)})
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "vanthu_session" in v)
    assert "Secure" in cookie and "HttpOnly" in cookie
