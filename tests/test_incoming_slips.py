"""The slips a trial user found in the incoming register (issue 21): a secret answer that does not
exist for who may not read it, no 500 from outside input, books written to a folder that is not
there, limits on what a person types, fields named in Vietnamese, every action in the audit log,
the terminal as «máy chủ», a second registration refused by book and số đến, the tasks of a row
closed with it. The workspace of ``test_incoming`` (other bodies' documents ingested) is reused."""

from __future__ import annotations

import json
import re
from datetime import date

import test_incoming
from conftest import PASSWORD
from test_incoming import _day, _sheet_text, _typed, doc, ok_json, vanthu
from web_client import client, log_in

arrived, ws = test_incoming.arrived, test_incoming.ws  # its fixtures: one workspace ingested, a copy per test

YEAR = date.today().year
ISSUED = 2026  # the year of the office's own letters (tests/conftest.py's office)
NOTE = "đã báo cáo Thường trực bằng văn bản"


def _clerk_without_clearance(ws) -> None:
    """A văn thư who may read no secret document, known by her name."""
    with ws.users() as users:
        users.add("vt0", role="van-thu", password=PASSWORD, name="Trần Thị Sổ")


def _closed(ws, key: str, *args: str) -> str:
    """Register ``key``, direct it to Tổ 9, close it with ``args``; its số đến as the CLI names it."""
    row = ok_json(ws, "incoming", "add", key, "--received", _typed(_day(-1)))
    ref = f"{row['number']}/{row['year']}"
    ok_json(ws, "incoming", "direct", ref, "--lead", "Tổ 9", *(["--book", row["book"]] if row["book"] else []))
    closed = vanthu(ws, "incoming", "done", ref, *args, *(["--book", row["book"]] if row["book"] else []))
    assert closed.exit_code == 0, closed.output
    return ref


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_a_secret_answer_does_not_exist_for_who_may_not_read_it(ws, tmp_path):
    _clerk_without_clearance(ws)
    row = ok_json(ws, "incoming", "add", "318-CV/BTGDVTU")
    unsaid = vanthu(ws, "incoming", "done", f"1/{row['year']}", "--reply", "02-CV/TU")  # 02-CV/TU is MẬT
    assert unsaid.exit_code == 2 and "Ghi chú kết quả (--note)" in unsaid.output
    ok_json(ws, "incoming", "done", f"1/{row['year']}", "--reply", "02-CV/TU", "--note", NOTE)
    twin = ok_json(ws, "incoming", "add", doc(ws, "ubnd-hoa-toc"))  # closed without an answer, the same note
    ok_json(ws, "incoming", "done", f"{twin['number']}/{twin['year']}", "--no-reply", "--note", NOTE)
    secret_row = _closed(ws, "812/SNV-TCBC", "--reply", "01-CV/TU")  # a MẬT row answered by a plain letter
    answered, alone = f"/api/incoming/1?year={row['year']}", f"/api/incoming/{twin['number']}?year={twin['year']}"
    outcome = ("status", "reply", "reply_doc", "done_note", "done_by")
    with client(ws, "cv") as (c, _):
        seen, other = c.get(answered).json(), c.get(alone).json()
        page = c.get(f"/van-ban-den/{row['year']}/1").text
        listed = c.get("/api/incoming").text
    assert {k: seen[k] for k in outcome} == {k: other[k] for k in outcome} == {
        "status": "done", "reply": "", "reply_doc": "", "done_note": NOTE, "done_by": "máy chủ"}
    closings = [h["history"][-1]["detail"].split("; đánh dấu xong")[0] for h in (seen, other)]  # (their tasks)
    assert closings == [f"không cần trả lời; {NOTE}"] * 2
    reply_id = ok_json(ws, "show", "02-CV/TU")["id"]
    for text in (page, listed, json.dumps(seen, ensure_ascii=False)):
        assert "02-CV/TU" not in text and reply_id not in text
    assert "Không cần trả lời" in _text(page) and "Đã xong" in page  # the row's own status stays
    console = vanthu(ws, "incoming", "show", f"1/{row['year']}", "--as", "cv", "--json")
    assert console.exit_code == 0 and {k: json.loads(console.output)[k] for k in outcome} == {
        k: seen[k] for k in outcome}
    cleared = ok_json(ws, "incoming", "show", f"1/{row['year']}", "--as", "ld")
    assert cleared["reply"] == "02-CV/TU" and "02-CV/TU" in cleared["history"][-1]["detail"]
    assert "02-CV/TU" not in vanthu(ws, "incoming", "list", "--as", "cv", "--json").output
    with client(ws) as (c, _):
        log_in(c, "vt0")
        follow_up = _sheet_text(c.get(f"/van-ban-den/so.xlsx?nam={row['year']}&theo-doi=1").content)
        outgoing = _sheet_text(c.get(f"/so-dang-ky/so.xlsx?nam={ISSUED}").content)
    assert "318-CV/BTGDVTU" in follow_up and "02-CV/TU" not in follow_up
    assert "01-CV/TU" in outgoing and "Trả lời văn bản đến" not in outgoing  # the row it answers is MẬT
    for login, shown in (("vt0", False), (None, True)):
        as_login = ["--as", login] if login else []
        made = [vanthu(ws, "incoming", "book", "--year", str(row["year"]), "--follow-up", "--xlsx",
                       str(tmp_path / f"td-{login}.xlsx"), *as_login),
                vanthu(ws, "register", "book", "--year", str(ISSUED), "--xlsx", str(tmp_path / f"di-{login}.xlsx"),
                       *as_login)]
        assert [r.exit_code for r in made] == [0, 0], [r.output for r in made]
        assert ("02-CV/TU" in _sheet_text((tmp_path / f"td-{login}.xlsx").read_bytes())) is shown
        note = f"Trả lời văn bản đến số {secret_row} (sổ MẬT)"
        assert (note in _sheet_text((tmp_path / f"di-{login}.xlsx").read_bytes())) is shown
    with client(ws, "ld") as (c, _):
        cleared_page = c.get(f"/van-ban-den/{row['year']}/1").text
    assert f'href="/van-ban/{reply_id}"' in cleared_page and "Trả lời bằng" in cleared_page


HUGE = "999999999999999999999"
DEEP = "[" * 100_000 + "]" * 100_000


def test_outside_input_gets_a_vietnamese_4xx_naming_the_field(ws):
    ok_json(ws, "incoming", "add", "318-CV/BTGDVTU")
    pages = [(f"/van-ban-den/{YEAR}/{HUGE}", 404, "Không tìm thấy"), (f"/van-ban-den/{HUGE}/1", 404, ""),
             ("/van-ban-den/0/1", 404, ""), ("/van-ban-den/99999/1", 404, ""),
             ("/van-ban-den?nam=0", 422, "trường «Năm»"), ("/van-ban-den?nam=99999", 422, "trường «Năm»"),
             ("/van-ban-den/so.xlsx?nam=0", 422, "trường «Năm»"), ("/so-dang-ky/so.pdf?nam=99999", 422, "trường «Năm»"),
             ("/api/incoming?year=0", 422, "«Năm (year)»"), (f"/api/incoming/{HUGE}", 422, "«Số đến (n)»"),
             ("/api/incoming/1?year=99999", 422, "«Năm (year)»"), ("/api/incoming?lead=" + "x" * 300, 422, "(lead)")]
    bodies = [("/api/incoming", DEEP, "«Thân yêu cầu»"), ("/api/incoming", '{"key": 5}', "«Văn bản (key)»"),
              ("/api/incoming", '{"key": null}', "«Văn bản (key)»"), ("/api/incoming", "[1]", "«Thân yêu cầu»"),
              ("/api/incoming", '{"key": "318-CV/BTGDVTU", "again": "có"}', "«Vào sổ lần nữa (again)»"),
              ("/api/incoming", '{"key": "318-CV/BTGDVTU", "values": [1]}', "(values)"),
              ("/api/incoming", '{"key": "318-CV/BTGDVTU", "confirm": [null]}', "(confirm)"),
              (f"/api/incoming/1/done?year={YEAR}", '{"reply": ["01-CV/TU"]}', "«Văn bản trả lời (reply)»"),
              (f"/api/incoming/1/done?year={YEAR}", '{"no_reply": "true", "note": "x"}', "(no_reply)"),
              (f"/api/incoming/1/progress?year={YEAR}", '{"note": {"a": 1}}', "«Tiến độ giải quyết (note)»"),
              (f"/api/incoming/{HUGE}/progress", '{"note": "x"}', "«Số đến (n)»")]
    directions = [('{"lead": 5}', "«Đơn vị hoặc người chủ trì (lead)»"), ('{"lead": "Tổ 9", "support": [1]}',
                   "«Đơn vị phối hợp (support)»"), ('{"lead": "Tổ 9", "due": 20261220}', "«Hạn giải quyết (due)»"),
                  (DEEP, "«Thân yêu cầu»")]
    with client(ws, "vt") as (c, csrf):
        for url, status, said in pages:
            answer = c.get(url)
            assert (answer.status_code, said in answer.text) == (status, True), (url, answer.text[-300:])
        for url, body, said in bodies:
            answer = c.post(url, content=body.encode(), headers={"X-CSRF-Token": csrf,
                                                                  "Content-Type": "application/json"})
            assert answer.status_code == 422 and said in answer.json()["error"], (url, body[:40], answer.text)
        form = c.post(f"/van-ban-den/{YEAR}/{HUGE}/xong", data={"csrf": csrf, "reply": "01-CV/TU"})
        assert form.status_code == 404
    with client(ws, "ld") as (c, csrf):
        for body, said in directions:
            answer = c.post(f"/api/incoming/1/direction?year={YEAR}", content=body.encode(),
                            headers={"X-CSRF-Token": csrf, "Content-Type": "application/json"})
            assert answer.status_code == 422 and said in answer.json()["error"], (body[:40], answer.text)
    assert ok_json(ws, "incoming", "show", f"1/{YEAR}")["status"] == "registered"  # nothing was changed


def test_the_books_say_in_words_what_is_wrong_with_their_file_or_body(ws, tmp_path):
    for command in (["register", "book"], ["incoming", "book"]):
        missing = vanthu(ws, *command, "--year", str(YEAR), "--pdf", str(tmp_path / "khong-co" / "so.pdf"))
        assert missing.exit_code == 2 and "Traceback" not in missing.output, missing.output
        assert "Tệp PDF (--pdf)" in missing.output and "không có thư mục" in missing.output
    unknown = vanthu(ws, "register", "book", "--year", str(YEAR), "--body", "XYZ", "--xlsx", str(tmp_path / "di.xlsx"))
    assert unknown.exit_code == 2 and "Cơ quan ban hành (--body)" in unknown.output, unknown.output
    assert "«XYZ»" in unknown.output and "TU, VPTU, BTCTU" in unknown.output and not (tmp_path / "di.xlsx").exists()
    (tmp_path / "mot-tep").write_text("")
    blocked = vanthu(ws, "incoming", "book", "--year", str(YEAR), "--xlsx", str(tmp_path / "mot-tep" / "so.xlsx"))
    assert blocked.exit_code == 2 and "Tệp Excel (--xlsx)" in blocked.output, blocked.output


def test_what_a_person_types_is_limited_and_named_by_its_label_in_every_shell(ws):
    row = ok_json(ws, "incoming", "add", "318-CV/BTGDVTU")
    ref, long = f"{row['number']}/{row['year']}", "ý" * 2100
    cli = vanthu(ws, "incoming", "direct", ref, "--lead", "Tổ 9", "--note", long)
    assert cli.exit_code == 2 and "«Ý kiến chỉ đạo (--note)»" in cli.output and "tối đa 2.000 ký tự" in cli.output
    lead = vanthu(ws, "incoming", "direct", ref, "--lead", "Tổ " * 100)
    assert lead.exit_code == 2 and "«Đơn vị hoặc người chủ trì (--lead)»" in lead.output
    with client(ws, "ld") as (c, csrf):
        page = c.post(f"/van-ban-den/{row['year']}/{row['number']}/chi-dao", data={
            "csrf": csrf, "lead": "Tổ 9", "supports": "\n".join(f"Đơn vị {n}" for n in range(40)), "note": "x"})
        note = c.post(f"/van-ban-den/{row['year']}/{row['number']}/chi-dao", data={
            "csrf": csrf, "lead": "Tổ 9", "note": long})
        api = c.post(f"/api/incoming/{row['number']}/direction?year={row['year']}", json={
            "lead": "Tổ 9", "note": long}, headers={"X-CSRF-Token": csrf})
        closing = c.post(f"/van-ban-den/{row['year']}/{row['number']}/xong", data={"csrf": csrf, "reply": "99-CV/TU"})
    # The direction form says each problem beside its field; the closing form at the top, by its label.
    assert page.status_code == 422 and re.search(r'id="support-error"[^>]*>40 đơn vị phối hợp; tối đa 30', page.text)
    assert note.status_code == 422 and re.search(r'id="note-error"[^>]*>dài 2\.100 ký tự', note.text)
    assert api.status_code == 422 and api.json()["error"].startswith("trường «Ý kiến chỉ đạo (note)»: dài 2.100")
    assert closing.status_code == 422 and "trường «Văn bản trả lời»: sổ đăng ký văn bản đi không có" in closing.text
    for refused in (page, note, closing):
        assert all("--" not in said for said in re.findall(r'role="alert">([^<]*)<', refused.text))
    with client(ws, "vt") as (c, csrf):
        again = c.post("/van-ban-den", data={"csrf": csrf, "key": doc(ws, "btgdv-cong-van"), "note": long})
    assert again.status_code == 422 and re.search(r'id="in-note-error"[^>]*>dài 2\.100 ký tự', again.text)
    assert ok_json(ws, "incoming", "show", ref)["status"] == "registered"


def test_registering_twice_names_the_book_and_number_only_to_who_may_read_them(ws):
    _clerk_without_clearance(ws)
    ok_json(ws, "incoming", "add", doc(ws, "ubnd-hoa-toc"))
    raised = vanthu(ws, "edit", "318-CV/BTGDVTU", "--secrecy", "MẬT", "--note", "dấu mật trên bản giấy")
    assert raised.exit_code == 0, raised.output
    assert ok_json(ws, "incoming", "add", "318-CV/BTGDVTU")["book"] == "MẬT"
    lowered = vanthu(ws, "edit", "318-CV/BTGDVTU", "--secrecy", "", "--note", "bản giấy không mật")
    assert lowered.exit_code == 0, lowered.output  # the row stays in the MẬT book, out of vt0's sight
    with client(ws) as (c, _):
        csrf = log_in(c, "vt0")
        named = c.post("/van-ban-den", data={"csrf": csrf, "key": doc(ws, "ubnd-gui-lai")})
        neutral = c.post("/van-ban-den", data={"csrf": csrf, "key": "318-CV/BTGDVTU"})
    said = _text(named.text)
    assert named.status_code == 422 and f"đã vào sổ văn bản đến, số đến 1/{YEAR} (sổ thường)" in said
    assert "«Vào sổ lần nữa»" in said and "--again" not in said and "KEY" not in said
    assert neutral.status_code == 422 and "318-CV/BTGDVTU đã vào sổ văn bản đến; chưa vào sổ lần nữa" in neutral.text
    assert "MẬT" not in _text(neutral.text).split("đã vào sổ văn bản đến")[1][:200]


def test_every_action_is_in_the_audit_log_and_the_terminal_is_the_server(ws):
    _clerk_without_clearance(ws)
    ok_json(ws, "incoming", "add", doc(ws, "ubnd-hoa-toc"))
    with client(ws) as (c, _):
        csrf = log_in(c, "vt0")
        registered = c.post("/van-ban-den", data={"csrf": csrf, "key": "318-CV/BTGDVTU"})
    assert registered.status_code == 200
    ok_json(ws, "incoming", "direct", f"2/{YEAR}", "--lead", "Tổ 9")
    with client(ws, "cv") as (c, csrf):
        assert c.post(f"/api/incoming/2/progress?year={YEAR}", json={"note": "đang tổng hợp"},
                      headers={"X-CSRF-Token": csrf}).status_code == 200
        assert c.post(f"/api/incoming/2/done?year={YEAR}", json={"no_reply": True, "note": "lưu"},
                      headers={"X-CSRF-Token": csrf}).status_code == 200
    by_web, by_cli = ok_json(ws, "incoming", "show", f"2/{YEAR}"), ok_json(ws, "incoming", "show", f"1/{YEAR}")
    assert (by_web["registered_by"], by_cli["registered_by"], by_web["directed_by"]) == (
        "Trần Thị Sổ", "máy chủ", "máy chủ")
    with client(ws, "ld") as (c, _):
        log = _text(c.get("/nhat-ky").text)
        only = c.get("/nhat-ky?action=incoming-direct")
    for said in (f"vt0 vào sổ văn bản đến số đến 2/{YEAR}", f"máy chủ vào sổ văn bản đến số đến 1/{YEAR}",
                 f"máy chủ ghi ý kiến chỉ đạo, chuyển giao văn bản đến số đến 2/{YEAR}",
                 f"cv ghi tiến độ giải quyết văn bản đến số đến 2/{YEAR}",
                 f"cv kết thúc giải quyết văn bản đến (trả lời hoặc lưu) số đến 2/{YEAR}"):
        assert said in log, log[:2000]
    assert only.status_code == 200 and "318-CV/BTGDVTU" in only.text and "incoming-" not in _text(only.text)


def test_closing_a_row_closes_the_tasks_read_from_its_document_with_it(ws):
    task = next(t for t in ok_json(ws, "tasks") if t["symbol"] == "318-CV/BTGDVTU")
    row = ok_json(ws, "incoming", "add", "318-CV/BTGDVTU")
    ref = f"{row['number']}/{row['year']}"
    with client(ws, "vt") as (c, _):
        before = _text(c.get(f"/van-ban-den/{row['year']}/{row['number']}").text)
    assert "Nhiệm vụ đọc từ văn bản" in before and "đang làm" in before
    closed = vanthu(ws, "incoming", "done", ref, "--no-reply", "--note", "đã gửi báo cáo")
    assert closed.exit_code == 0 and "Đã đánh dấu xong 1 nhiệm vụ đọc từ văn bản này." in closed.output
    done = next(t for t in ok_json(ws, "tasks", "--all") if t["id"] == task["id"])
    assert done["status"] == "done" and f"xong cùng văn bản đến số đến {ref}" in done["note"]
    shown = ok_json(ws, "incoming", "show", ref)
    assert shown["tasks"][0]["status"] == "done" and "đánh dấu xong 1 nhiệm vụ" in shown["history"][-1]["detail"]


def test_a_secret_quy_dinh_printed_like_the_answer_changes_nothing_for_who_may_not_read_it(ws, tmp_path):
    """A Quyết định and a Quy định are both 01-QĐ/TU (05-HD/VPTW): the Quy định being MẬT must neither refuse
    the Quyết định as an answer to a văn thư without clearance nor lend the answer its secrecy."""
    import yaml
    from conftest import EXAMPLES

    _clerk_without_clearance(ws)
    rule = yaml.safe_load((EXAMPLES / "quy_dinh.yaml").read_text("utf-8")) | {"secrecy": "MẬT"}
    (tmp_path / "quy-dinh-mat.yaml").write_text(yaml.safe_dump(rule, allow_unicode=True), "utf-8")
    for kind, data in (("quyet-dinh", EXAMPLES / "quyet_dinh.yaml"), ("quy-dinh", tmp_path / "quy-dinh-mat.yaml")):
        made = ok_json(ws, "new", kind, str(data))
        assert made["symbol"] == "01-QĐ/TU", made
    row = ok_json(ws, "incoming", "add", doc(ws, "ubnd-hoa-toc"))
    with client(ws) as (c, _):
        csrf = log_in(c, "vt0")
        closed = c.post(f"/api/incoming/{row['number']}/done?year={row['year']}",
                        json={"reply": "01-QĐ/TU", "note": NOTE}, headers={"X-CSRF-Token": csrf})
        seen = c.get(f"/api/incoming/{row['number']}?year={row['year']}").json()
    assert closed.status_code == 200, closed.text
    assert seen["reply"] == "01-QĐ/TU"  # the Quyết định's, shown as any plain answer is
    both = vanthu(ws, "incoming", "done", f"{row['number']}/{row['year']}", "--reply", "01-QĐ/TU", "--note", NOTE)
    assert both.exit_code == 2 and "2 văn bản cùng số 01-QĐ/TU" in both.output  # the console may read both


def test_a_handler_who_may_not_see_the_answer_closing_again_does_not_erase_it(ws):
    ref = _closed(ws, "318-CV/BTGDVTU", "--reply", "02-CV/TU", "--note", NOTE)  # 02-CV/TU is MẬT; led by Tổ 9
    number, year = ref.split("/")
    with client(ws, "cv") as (c, csrf):  # Tổ 9's staff, no clearance: sees it closed without an answer
        again = c.post(f"/api/incoming/{number}/done?year={year}", json={"no_reply": True, "note": "lưu hồ sơ"},
                       headers={"X-CSRF-Token": csrf})
        seen = c.get(f"/api/incoming/{number}?year={year}").json()
    assert again.status_code == 200, again.text
    assert (seen["reply"], seen["done_note"]) == ("", "lưu hồ sơ")
    assert seen["history"][-1]["detail"] == "không cần trả lời; lưu hồ sơ"
    cleared = ok_json(ws, "incoming", "show", ref, "--as", "ld")
    assert cleared["reply"] == "02-CV/TU" and cleared["done_note"] == "lưu hồ sơ"


def test_what_a_clerk_reads_in_the_books_says_it_plainly(ws):
    """Slips of a clerk's first day: the register names the terminal «cấp tại máy chủ» (not an account),
    the voiding form's address opened again leads back to the register, and a Ghi chú of two sentences
    reads «…; …», not «….; …»."""
    row = ok_json(ws, "incoming", "add", "318-CV/BTGDVTU")
    ref = f"{row['number']}/{row['year']}"
    ok_json(ws, "incoming", "direct", ref, "--lead", "Tổ 9", "--note", "Tổ 9 tham mưu trả lời.")
    ok_json(ws, "incoming", "done", ref, "--no-reply", "--note", "Đã báo cáo Thường trực.")
    with client(ws, "vt") as (c, _):
        register = _text(c.get("/so-dang-ky").text)
        again = c.get("/so-dang-ky/1/huy", follow_redirects=False)
        follow_up = _sheet_text(c.get(f"/van-ban-den/so.xlsx?nam={row['year']}&theo-doi=1").content)
    assert "cấp tại máy chủ" in register and "máy chủ (" not in register
    assert again.status_code == 303 and again.headers["location"] == "/so-dang-ky"
    assert "Ý kiến chỉ đạo: Tổ 9 tham mưu trả lời; Đã báo cáo Thường trực" in follow_up and ".;" not in follow_up
