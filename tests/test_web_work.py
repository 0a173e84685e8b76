"""The office's work through the service: drafts, issuing, uploads, reports, the digest, the API."""

from __future__ import annotations

import io
import json
import threading

import pypdf
from click.testing import CliRunner
from conftest import add_settings
from web_client import client

import office
from docgen.secrecy import CONSOLE
from vanthu.cli import cli

DRAFT = {"subject": "kiểm tra công tác chuyển đổi số cấp xã", "to": "Đảng ủy các xã, phường, đặc khu",
         "body": "Đề nghị các đơn vị báo cáo kết quả trước ngày 15/12/2026.", "recipients": "Thường trực Tỉnh ủy"}


def _numbers(workspace) -> list[str]:
    return [row["symbol"] for row in office.register_entries(workspace, CONSOLE)]


def test_a_preview_is_the_pdf_as_it_will_print_and_spends_no_number(office_ws):
    before = _numbers(office_ws)
    with client(office_ws, "cv") as (c, csrf):
        response = c.post("/soan/cong-van", data={**DRAFT, "csrf": csrf, "action": "preview"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = " ".join(pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert "chuyển đổi số cấp xã" in text and "Số" in text
    assert _numbers(office_ws) == before


def test_a_field_in_error_is_shown_beside_it_and_no_number_is_spent(office_ws):
    before = _numbers(office_ws)
    with client(office_ws, "vt") as (c, csrf):
        response = c.post("/soan/cong-van", data={**DRAFT, "date": "31/02/2026", "csrf": csrf, "action": "issue"})
    assert response.status_code == 422
    assert 'id="date-error"' in response.text and "Chưa cấp số nào" in response.text
    assert _numbers(office_ws) == before


def test_staff_save_a_draft_and_a_clerk_issues_it(office_ws):
    with client(office_ws, "cv") as (c, csrf):
        saved = c.post("/soan/cong-van", data={**DRAFT, "csrf": csrf, "action": "save"})
        assert saved.status_code == 200 and "Đã lưu dự thảo" in saved.text
        refused = c.post("/soan/cong-van", data={**DRAFT, "csrf": csrf, "action": "issue", "draft": "1"})
        assert refused.status_code == 403
    with client(office_ws, "vt") as (c, csrf):
        assert "Dự thảo 1" in c.get("/soan").text
        issued = c.post("/soan/cong-van", data={**DRAFT, "csrf": csrf, "action": "issue", "draft": "1"})
        assert issued.status_code == 200 and "Đã cấp số 02-CV/TU" not in issued.text
        assert "Đã cấp số 03-CV/TU" in issued.text
        entry = next(r for r in office.register_entries(office_ws, CONSOLE) if r["symbol"] == "03-CV/TU")
        pdf = c.get(f"/so-dang-ky/{entry['id']}/pdf?tai=1")
        docx = c.get(f"/so-dang-ky/{entry['id']}/docx")
        assert "Dự thảo 1" not in c.get("/soan").text
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert "attachment" in pdf.headers["content-disposition"] and docx.content.startswith(b"PK")
    with office_ws.audit() as log:
        assert [e.target for e in log.entries(login="vt") if e.action == "issue"] == ["03-CV/TU"]


def test_the_api_issues_a_number_or_says_which_field_is_wrong(office_ws):
    with office_ws.users() as users:
        _id, key = users.create_token("vt", "thử")
    bearer = {"Authorization": f"Bearer {key}"}
    with client(office_ws) as (c, _):
        bad = c.post("/api/documents?kind=cong-van", headers=bearer, json={**DRAFT, "urgncy": "KHẨN"})
        made = c.post("/api/documents?kind=cong-van", headers=bearer, json=DRAFT)
        staff = c.post("/api/documents?kind=cong-van", json=DRAFT)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "urgncy"
    assert made.status_code == 201 and made.json()["symbol"] == "03-CV/TU"
    assert staff.status_code == 401
    assert _numbers(office_ws).count("03-CV/TU") == 1 and "04-CV/TU" not in _numbers(office_ws)


def test_numbers_issued_through_the_api_and_the_cli_at_once_never_collide(office_ws, datafile):
    with office_ws.users() as users:
        _id, key = users.create_token("vt")
    path = datafile({**DRAFT, "to": [DRAFT["to"]]})

    def by_cli() -> None:
        for _ in range(3):
            assert CliRunner().invoke(cli, ["new", "cong-van", str(path), "--again", "--home",
                                           str(office_ws.root)]).exit_code == 0

    with client(office_ws) as (c, _):
        thread = threading.Thread(target=by_cli)
        thread.start()
        answers = [c.post("/api/documents?kind=cong-van&again=true", headers={"Authorization": f"Bearer {key}"},
                          json=DRAFT) for _ in range(3)]
        thread.join()
    assert [a.status_code for a in answers] == [201] * 3
    numbers = [s for s in _numbers(office_ws) if s.endswith("-CV/TU")]
    assert sorted(numbers) == [f"{n:02d}-CV/TU" for n in range(1, 9)]


def test_the_api_and_the_cli_give_the_same_search_answer(office_ws):
    cli_answer = CliRunner().invoke(cli, ["search", "rà soát", "--json", "--home", str(office_ws.root)])
    with office_ws.users() as users:
        users.add("vt3", role="van-thu", password="mat-khau-dai-3", clearance=3)
        _id, key = users.create_token("vt3")
    with client(office_ws) as (c, _):
        api = c.get("/api/search", params={"q": "rà soát"}, headers={"Authorization": f"Bearer {key}"})
    assert cli_answer.exit_code == 0
    assert api.json() == json.loads(cli_answer.output)


def test_uploads_go_through_the_inbox_pipeline_and_a_bad_file_is_quarantined(office_ws, issued):
    with client(office_ws, "vt") as (c, csrf):
        response = c.post("/luu-tru", data={"csrf": csrf}, files=[
            ("file", ("thong-bao.pdf", issued.pdfs["cv2"], "application/pdf")),
            ("file", ("ghi-chu.pdf", b"khong phai PDF", "application/pdf"))])
        page = c.get("/luu-tru")
    assert response.status_code == 200
    assert "Đã lưu trữ" in response.text and "Cách ly" in response.text and "thiếu phần đầu %PDF-" in response.text
    assert "ghi-chu.pdf" in page.text and (office_ws.quarantine / "ghi-chu.pdf").read_bytes() == b"khong phai PDF"
    assert not list(office_ws.root.glob(".upload-*"))  # the uploaded copies do not stay behind


def test_an_upload_over_the_limit_is_refused_and_nothing_is_kept(office_ws):
    add_settings(office_ws, upload_limit_mb=0.01, upload_max_files=2)
    office_ws = type(office_ws)(office_ws.root)
    with client(office_ws, "vt") as (c, csrf):
        big = c.post("/luu-tru", data={"csrf": csrf}, files=[("file", ("lon.pdf", b"%PDF-" + b"0" * 11000, "x"))])
        huge = c.post("/luu-tru", data={"csrf": csrf}, files=[("file", ("q.pdf", b"%PDF-" + b"0" * 40000, "x"))])
        named = c.post("/luu-tru", data={"csrf": csrf}, files=[("file", ("d" * 5000 + ".pdf", b"%PDF-", "x"))])
        many = c.post("/luu-tru", data={"csrf": csrf}, files=[("file", (f"{n}.pdf", b"%PDF-", "x")) for n in range(3)])
    for refused in (named, many):  # the clerk is told what to do, by the field's Vietnamese name
        assert refused.status_code == 422 and "«Tệp»" in refused.text and "tên tệp quá dài" in refused.text
    assert big.status_code == 413 and "lon.pdf" in big.text
    assert huge.status_code == 413 and "Traceback" not in huge.text
    assert not list(office_ws.quarantine.iterdir()) and not list(office_ws.root.glob(".upload-*"))


def test_staff_send_their_own_teams_report_only(office_ws):
    with client(office_ws, "cv") as (c, csrf):
        own = c.post("/bao-cao-tuan/gui", data={"csrf": csrf, "team": "9", "noi_bat": "Tình hình ổn định"})
        other = c.post("/bao-cao-tuan/gui", data={"csrf": csrf, "team": "3", "noi_bat": "Không phải tổ mình"})
        page = c.get("/bao-cao-tuan")
    assert own.status_code == 200 and "Đã nhận báo cáo của Tổ 9" in own.text
    assert other.status_code == 403
    state = office.week_status(office_ws, office.current_week(office_ws, None))
    status = {t["team"]: t["status"] for t in state["teams"]}
    assert status[9] in ("on_time", "late") and status[3] == "missing"
    assert "Tổ 9" in page.text


def test_the_digest_is_compiled_for_its_reader_and_lists_no_secret_document(office_ws):
    with office_ws.users() as users:
        users.add("ld0", role="lanh-dao", password="mat-khau-dai-4")
    with client(office_ws) as (c, _):
        from web_client import log_in

        csrf = log_in(c, "ld0", "mat-khau-dai-4")
        week = office.current_week(office_ws, None).label
        done = c.post("/bao-cao-tuan/tong-hop", data={"csrf": csrf, "week": week})
        assert done.status_code == 200
        pdf = c.get(f"/bao-cao-tuan/tong-hop/tong-hop-{week}-m0.pdf")
        cleared = c.get(f"/bao-cao-tuan/tong-hop/tong-hop-{week}-m1.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "TỔNG HỢP" in text.upper() and "diễn tập" not in text and "02-CV/TU" not in text
    assert cleared.status_code == 404


def test_the_digest_of_the_week_of_a_secret_document_lists_it_only_for_the_cleared(office_ws):
    with office_ws.users() as users:
        _id, plain = users.create_token(users.add("ld0", role="lanh-dao", password="mat-khau-dai-4").login)
        _id, cleared = users.create_token("ld")
    with client(office_ws) as (c, _):
        seen = [c.get("/api/digest?week=2026-W23", headers={"Authorization": f"Bearer {key}"}).json()
                for key in (plain, cleared)]
    symbols = [[d["symbol"] for d in answer["documents"]] for answer in seen]
    assert symbols == [["01-CV/TU"], ["01-CV/TU", "02-CV/TU"]]


def test_a_broken_index_is_said_on_the_page_which_retries_and_uploads_are_not_lost(office_ws, issued):
    import shutil

    shutil.rmtree(office_ws.index)
    with client(office_ws, "vt") as (c, csrf):
        page = c.get("/?q=ra+soat")
        api = c.get("/api/search?q=ra+soat")
        upload = c.post("/luu-tru", data={"csrf": csrf}, files=[("file", ("tb.pdf", issued.pdfs["tb"], "x"))])
    assert page.status_code == 503 and "index rebuild" in page.text and 'http-equiv="refresh"' in page.text
    assert api.status_code == 503 and api.headers["retry-after"] == "2"
    assert upload.status_code == 200 and "Đã lưu trữ" in upload.text
    result = CliRunner().invoke(cli, ["index", "rebuild", "--home", str(office_ws.root)])
    assert result.exit_code == 0
    with client(office_ws, "vt") as (c, _):
        # the upload is a second file of 01-TB/TU (the same Thông báo): one document, two files
        answer = c.get("/api/search?q=ra+soat").json()
        assert answer["total"] == 2
        notice = next(hit["id"] for hit in answer["hits"] if hit["symbol"] == "01-TB/TU")
        assert len(c.get(f"/api/documents/{notice}").json()["files"]) == 2


def test_issuing_the_same_document_twice_needs_a_confirmation_and_spends_no_number_until_then(office_ws):
    with office_ws.users() as users:
        _id, key = users.create_token("vt")
    api = {"Authorization": f"Bearer {key}"}
    with client(office_ws, "vt") as (c, csrf):
        first = c.post("/soan/cong-van", data={**DRAFT, "csrf": csrf, "action": "issue"})
        twice = c.post("/soan/cong-van", data={**DRAFT, "csrf": csrf, "action": "issue"})  # a second click
        after_refusal = _numbers(office_ws)
        confirmed = c.post("/soan/cong-van", data={**DRAFT, "csrf": csrf, "action": "issue", "again": "1"})
        by_api = c.post("/api/documents?kind=cong-van", headers=api, json=DRAFT)
    assert first.status_code == 200 and "03-CV/TU" in first.text
    assert twice.status_code == 409 and "đã cấp số 03-CV/TU" in twice.text and "Cấp thêm số mới" in twice.text
    assert "--again" not in twice.text
    assert [s for s in after_refusal if s.endswith("-CV/TU")] == ["01-CV/TU", "02-CV/TU", "03-CV/TU"]
    assert confirmed.status_code == 200 and "04-CV/TU" in confirmed.text
    assert by_api.status_code == 422 and by_api.json()["errors"][0]["field"] == "subject"
    assert "05-CV/TU" not in _numbers(office_ws)


def _drafts_of(workspace) -> list:
    with workspace.drafts() as book:
        return book.readable(CONSOLE)


def test_the_drafting_form_says_every_problem_beside_its_field_and_keeps_no_empty_or_overlong_draft(office_ws):
    from conftest import PASSWORD

    add_settings(office_ws, soffice="/khong-co/libreoffice")  # a preview that cannot be made, said in the frame
    office_ws = type(office_ws)(office_ws.root)
    with office_ws.users() as users:
        users.add("hoa", role="chuyen-vien", password=PASSWORD, name="Trần Thị Hoa", team=9)
    before = _numbers(office_ws)
    with client(office_ws, "vt") as (c, csrf):
        empty_cv = c.post("/soan/cong-van", data={"csrf": csrf, "action": "issue", "body_code": "TU"})
        empty_qc = c.post("/soan/quy-che", data={"csrf": csrf, "action": "issue", "subject": "làm việc"})
        empty_save = c.post("/soan/cong-van", data={"csrf": csrf, "action": "save", "body_code": "TU"})
        long_save = c.post("/soan/cong-van", data={**DRAFT, "csrf": csrf, "action": "save",
                                                   "subject": " ".join(["rà soát"] * 70),
                                                   "body": " ".join(["Đề nghị."] * 22_223)})
        refused = c.post("/soan/cong-van", data={"csrf": csrf, "action": "preview", "to": "Các Tổ"})
        no_office = c.post("/soan/cong-van", data={**DRAFT, "csrf": csrf, "action": "preview"})
    assert empty_cv.status_code == 422 and "Chưa cấp số nào" in empty_cv.text
    assert all(f'id="{name}-error"' in empty_cv.text for name in ("subject", "to", "body"))
    assert empty_qc.status_code == 422 and 'id="outline-error"' in empty_qc.text and "(chapters)" not in empty_qc.text
    assert empty_save.status_code == 422 and 'id="subject-error"' in empty_save.text
    assert "chưa có nội dung" in empty_save.text and "Dự thảo chưa được lưu" in empty_save.text
    assert long_save.status_code == 422 and "dài 559 ký tự; tối đa 500 ký tự" in long_save.text
    assert 'id="body-error"' in long_save.text and "dài 200.006 ký tự; tối đa 200.000 ký tự" in long_save.text
    assert _drafts_of(office_ws) == [] and _numbers(office_ws) == before
    for frame in (refused, no_office):  # what the preview frame shows: a short page in words, not the site
        assert frame.headers["content-type"].startswith("text/html") and "Chưa xem trước được" in frame.text
        assert "<nav" not in frame.text and "Traceback" not in frame.text and "/khong-co" not in frame.text
    assert refused.status_code == 422 and "<strong>Trích yếu</strong>: thiếu nội dung bắt buộc" in refused.text
    assert "<strong>Nội dung</strong>" in refused.text and "<strong>Kính gửi</strong>" not in refused.text
    assert no_office.status_code == 503 and "LibreOffice trên máy chủ chưa tạo được bản PDF" in no_office.text
    with client(office_ws, "hoa") as (c, csrf):
        assert c.post("/soan/cong-van", data={**DRAFT, "csrf": csrf, "action": "save"}).status_code == 200
        listed = c.get("/soan").text
    assert "<td>Trần Thị Hoa</td>" in listed and "<td>hoa</td>" not in listed
