"""The slips a new clerk hit in a real week (issue 12), each reproduced through the real CLI."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import docx
import pytest
from conftest import CONG_VAN

from archive.metadata import read_metadata

CLOSING_RECIPIENTS = ["Thường trực Tỉnh ủy", "Tổ theo dõi địa bàn số 9", "Đảng ủy xã Đắk Song",
                      "Ban Tổ chức Tỉnh ủy"]


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")


def _thong_bao(paragraphs: int) -> dict:
    body = "\n\n".join(f"Đoạn {i}: Thường trực Tỉnh ủy yêu cầu các cơ quan, đơn vị tiếp tục thực hiện "
                       "nghiêm các nhiệm vụ đã đề ra." for i in range(paragraphs))
    return {"subject": f"kết luận số {paragraphs} của Thường trực Tỉnh ủy", "body": body,
            "date": "2026-11-20", "recipients": CLOSING_RECIPIENTS, "signer": "tl-cvp"}


def test_the_closing_block_never_splits_across_pages(run, datafile, workspace):
    """Bodies one paragraph longer each: wherever the page ends, Nơi nhận, the signature block and
    the body's last paragraph stand on one page."""
    files = [str(datafile(_thong_bao(n))) for n in range(24, 34)]
    result = run("new", "thong-bao", *files, "--pdf")
    assert result.exit_code == 0, result.output
    for n, pdf in zip(range(24, 34), sorted(workspace.out.glob("*-TB-TU.pdf")), strict=True):
        pages = page_texts(pdf)
        [closing] = [page for page in pages if "Nơi nhận:" in page]
        for piece in ("CHÁNH VĂN PHÒNG", "Trần Minh Khoa", "Lưu Văn phòng Tỉnh ủy", f"Đoạn {n - 1}:",
                      *CLOSING_RECIPIENTS):
            assert piece in closing, (pdf.name, piece)


# Texts pypdf read from PDFs whose closing table was split by a page break (older templates,
# other software): the next page's number and the signature column stand between the items.
SPLIT_AFTER_THREE = ("nghiêm các nhiệm vụ đã đề ra.\nNơi nhận:\n- Thường trực Tỉnh ủy,\n- Tổ theo dõi địa bàn "
                     "số 9,\n- Đảng ủy xã Đắk Song,\nT/L BAN THƯỜNG VỤ\nCHÁNH VĂN PHÒNG\n3\n- Ban Tổ chức "
                     "Tỉnh ủy,\n- Lưu Văn phòng Tỉnh ủy, TH.\nTrần Minh Khoa")
SPLIT_AFTER_LABEL = ("nghiêm các nhiệm vụ đã đề ra.\nNơi nhận: T/L BAN THƯỜNG VỤ\n3\n- Thường trực Tỉnh ủy,\n"
                     "- Tổ theo dõi địa bàn số 9,\n- Đảng ủy xã Đắk Song,\n- Ban Tổ chức Tỉnh ủy,\n"
                     "- Lưu Văn phòng Tỉnh ủy, TH.\nCHÁNH VĂN PHÒNG\nTrần Minh Khoa")


def test_recipients_are_read_across_a_page_break():
    for text in (SPLIT_AFTER_THREE, SPLIT_AFTER_LABEL):
        meta = read_metadata(text)
        assert meta.recipients == [*CLOSING_RECIPIENTS, "Lưu Văn phòng Tỉnh ủy, TH"]
        assert meta.signer == "Trần Minh Khoa"


IMPOSSIBLE_DATES = ["2026-02-31", "2026-2-30", "2027-02-29", "2026-13-01", "2026-00-10", "31/02/2026",
                    "30/2/2026", "29/02/2027", "01/13/2026", "00/06/2026", "32/01/2026"]


@pytest.mark.parametrize("typed", IMPOSSIBLE_DATES)
def test_every_impossible_date_gets_the_clean_message(run, datafile, workspace, typed):
    path = datafile(f"subject: rà soát\nto: Các Tổ\nbody: Nội dung.\ndate: {typed}\n")
    result = run("new", "cong-van", str(path))
    assert result.exit_code == 2, result.output
    assert f"trường «date»: «{typed}» không phải là ngày hợp lệ" in result.output
    assert "Traceback" not in result.output and not list(workspace.out.glob("*.docx"))


def test_a_data_file_without_signer_says_which_signer_was_used(run, datafile):
    result = run("new", "cong-van", str(datafile({k: v for k, v in CONG_VAN.items() if k != "signer"})))
    assert result.exit_code == 0, result.output
    assert "không ghi «signer»: dùng người ký mặc định của TU (khóa pbt-tt)" in result.stderr
    assert "Đặng Hồng Sỹ" in result.stderr
    quiet = run("new", "cong-van", str(datafile({**CONG_VAN, "signer": "pbt-tt", "subject": "khác"})))
    assert quiet.exit_code == 0 and "Lưu ý" not in quiet.stderr


def test_issuing_the_same_file_again_needs_again(run, datafile, workspace):
    path = str(datafile(CONG_VAN))
    assert run("new", "cong-van", path).exit_code == 0
    repeated = run("new", "cong-van", str(datafile({**CONG_VAN, "subject": "việc khác"})), path)
    assert repeated.exit_code == 2
    assert "đã cấp số 01-CV/TU" in repeated.output and "--again" in repeated.output
    assert sorted(p.name for p in workspace.out.glob("*.docx")) == ["01-CV-TU.docx"]  # the batch stopped
    again = run("new", "cong-van", path, "--again")
    assert again.exit_code == 0 and "02-CV/TU" in again.output
    twice = run("new", "cong-van", str(datafile({**CONG_VAN, "subject": "mới"})),
                str(datafile({**CONG_VAN, "subject": "mới"})))
    assert twice.exit_code == 2 and "cùng lần chạy" in twice.output


def test_pdf_of_an_issued_number(run, datafile, workspace):
    assert run("new", "cong-van", str(datafile(CONG_VAN))).exit_code == 0
    result = run("pdf", "01-cv/tu")
    assert result.exit_code == 0, result.output
    pdf = workspace.out / "01-CV-TU.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and str(pdf) in result.output
    assert "rà soát tiến độ" in page_texts(pdf)[0]
    listed = json.loads(run("register", "list", "--json").output)
    assert listed[0]["pdf_path"] == str(pdf)
    assert run("pdf", "09-CV/TU").exit_code == 2


def test_trich_yeu_has_no_lone_last_word_and_kinh_gui_stands_apart(run, datafile, workspace):
    subject = "tăng cường công tác kiểm tra, giám sát việc thực hiện nhiệm vụ phát triển kinh tế xã hội năm 2026"
    assert run("new", "cong-van", str(datafile({**CONG_VAN, "subject": subject}))).exit_code == 0
    document = docx.Document(str(workspace.out / "01-CV-TU.docx"))
    header = document.tables[0].rows[0].cells[0]
    [line] = [p.text for p in header.paragraphs if p.text.startswith("Về việc")]  # 03/6/2026: 05-HD/VPTW
    assert line.endswith("năm\u00a02026")
    paragraphs = [p for p in document.paragraphs]
    last_item = max(i for i, p in enumerate(paragraphs) if p.text.startswith("- Các Tổ theo dõi"))
    gap = paragraphs[last_item + 1]
    assert gap.text == "" and gap.paragraph_format.line_spacing is not None
    assert paragraphs[last_item + 2].text.startswith("Đề nghị các đơn vị")


def test_docx_files_follow_the_umask(run, datafile, workspace):
    old = os.umask(0o022)
    try:
        assert run("new", "cong-van", str(datafile(CONG_VAN))).exit_code == 0
        assert run("new", "cong-van", str(datafile(CONG_VAN)), "--draft").exit_code == 0
    finally:
        os.umask(old)
    for path in workspace.out.glob("*.docx"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name


def test_a_very_long_body_is_warned_about(run, datafile):
    body = "\n".join(f"Dòng {i} của một tệp dán nhầm." for i in range(5000))
    result = run("new", "thong-bao", str(datafile({"subject": "dài", "body": body, "signer": "tl-cvp"})),
                 "--draft")
    assert result.exit_code == 0
    assert "Lưu ý" in result.stderr and "(quá 20 trang)" in result.stderr
    normal = run("new", "thong-bao", str(datafile({"subject": "ngắn", "body": "Một đoạn.", "signer": "tl-cvp"})),
                 "--draft")
    assert normal.exit_code == 0 and "Lưu ý" not in normal.stderr


@pytest.mark.parametrize("typed", ["CV", "cv", "cong-van", "cong van", "công văn", "Công Văn"])
def test_one_kind_resolver_for_new_and_register_list(run, datafile, typed):
    assert run("new", typed, str(datafile({**CONG_VAN, "subject": f"việc {typed}"}))).exit_code == 0
    listing = run("register", "list", "--kind", typed)
    assert listing.exit_code == 0 and listing.output.startswith("01-CV/TU")


def test_an_unknown_kind_is_an_error_listing_the_known_ones(run, datafile):
    assert run("new", "cong-van", str(datafile(CONG_VAN))).exit_code == 0
    result = run("register", "list", "--kind", "XYZ")
    assert result.exit_code == 2
    assert "không có loại văn bản «XYZ»" in result.output and "CV (Công văn)" in result.output


@pytest.mark.parametrize("typed", ["Xuân Hương", "xuan huong da lat", "xuan huong - da lat",
                                   "phường Xuân Hương", "Xuân Hương Đà Lạt"])
def test_a_locality_by_any_unambiguous_part(run, workspace, typed):
    assert workspace.gazetteer.resolve(typed).full_name == "Phường Xuân Hương - Đà Lạt"
    result = run("search", "--locality", typed, "--json")
    assert result.exit_code == 0, result.output


def test_an_ambiguous_or_unknown_locality_names_the_candidates(run):
    ambiguous = run("search", "--locality", "Đà Lạt")
    assert ambiguous.exit_code == 2
    assert "khớp nhiều địa bàn" in ambiguous.output and "Phường Xuân Hương - Đà Lạt" in ambiguous.output
    misspelled = run("tasks", "--locality", "Xuan Huogn")
    assert misspelled.exit_code == 2 and "có phải: Phường Xuân Hương - Đà Lạt" in misspelled.output


@pytest.mark.parametrize("typed", ["nong-nghiep", "Nông nghiệp", "nông nghiệp", "nong nghiep"])
def test_a_topic_by_its_slug_or_display_name(run, typed):
    result = run("search", "--topic", typed, "--json")
    assert result.exit_code == 0, result.output


def test_week_given_as_a_date_is_the_report_week_holding_it(run):
    by_label = json.loads(run("report", "status", "--week", "2026-W48", "--json").output)
    for day in ("21/11/2026", "2026-11-25", "27/11/2026"):
        result = run("report", "status", "--week", day, "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["week"] == by_label["week"] == "2026-W48"
    assert json.loads(run("report", "status", "--week", "28/11/2026", "--json").output)["week"] == "2026-W49"
    bad = run("report", "status", "--week", "31/11/2026")
    assert bad.exit_code == 2 and "không phải là tuần hợp lệ" in bad.output


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def test_home_reads_the_same_in_every_command():
    from click.testing import CliRunner

    from vanthu.cli import cli

    for path, command in _commands(cli):
        if any(p.name == "home" for p in command.params):
            helptext = CliRunner().invoke(cli, [*path, "--help"]).output
            assert "--home THƯ_MỤC" in helptext, path


def test_tabs_in_yaml_are_named_with_their_lines(run, datafile, workspace):
    path = datafile("subject: rà soát\nto:\n\t- Các Tổ\nbody: Nội dung.\n")
    result = run("new", "cong-van", str(path))
    assert result.exit_code == 2
    assert f"Tệp {path}: có ký tự Tab ở đầu dòng 3; YAML không cho phép thụt dòng bằng Tab" in result.output
    assert not list(workspace.out.glob("*.docx"))


def test_a_file_not_in_utf8_says_to_save_it_as_utf8(run, tmp_path):
    path = tmp_path / "cp1258.yaml"
    path.write_bytes(b"subject: r\xe0 so\xe1t\nto: C\xe1c T\xf4\xde\nbody: N\xf4\xf2i dung.\n")  # Windows-1258
    result = run("new", "cong-van", str(path))
    assert result.exit_code == 2
    assert "lưu lại với bảng mã UTF-8 (Unicode)" in result.output
    assert "codec" not in result.output and "byte" not in result.output


def test_all_misspelled_keys_at_once_with_the_nearest_known_key(run, datafile):
    result = run("new", "cong-van", str(datafile({**CONG_VAN, "urgncy": "KHẨN", "sigener": "pbt-tt",
                                                  "xyz": 1})))
    assert result.exit_code == 2
    assert "«urgncy» (có phải «urgency»?)" in result.output
    assert "«sigener» (có phải «signer»?)" in result.output and "«xyz»;" not in result.output
    assert "«xyz»" in result.output


def _vanthu(workspace, *args: str):
    from click.testing import CliRunner

    from vanthu.cli import cli

    return CliRunner().invoke(cli, [*args, "--home", str(workspace.root)])


def test_a_lost_archived_copy_is_restored_by_ingesting_the_file_again(archive_ws, issued, tmp_path):
    source = tmp_path / "cv1.pdf"
    source.write_bytes(issued.pdfs["cv1"])
    assert _vanthu(archive_ws, "ingest", str(source)).exit_code == 0
    [archived] = archive_ws.archive.rglob("*.pdf")
    archived.unlink()
    check = _vanthu(archive_ws, "check")
    assert check.exit_code == 1 and "Bị mất" in check.output and "Cách khắc phục: chạy `vanthu ingest`" in check.output
    assert "(BỊ MẤT; chạy vanthu ingest với bản gốc để khôi phục)" in _vanthu(archive_ws, "show", "01-CV/TU").output
    again = _vanthu(archive_ws, "ingest", str(source))
    assert again.exit_code == 0, again.output
    assert "đã khôi phục bản lưu trữ bị mất hoặc bị sửa" in again.output
    assert archived.read_bytes() == issued.pdfs["cv1"]
    assert _vanthu(archive_ws, "check").exit_code == 0
    archived.write_bytes(issued.pdfs["cv1"] + b"\n% edited")
    assert "(BỊ SỬA;" in _vanthu(archive_ws, "show", "01-CV/TU").output
    assert _vanthu(archive_ws, "ingest", str(source)).exit_code == 0
    assert archived.read_bytes() == issued.pdfs["cv1"] and _vanthu(archive_ws, "check").exit_code == 0


def test_show_reads_as_people_write(archive_ws, issued, tmp_path):
    source = tmp_path / "cv1.pdf"
    source.write_bytes(issued.pdfs["cv1"])
    ingested = _vanthu(archive_ws, "ingest", str(source))
    assert ingested.exit_code == 0 and "không có chữ ký số" in ingested.output
    lines = _vanthu(archive_ws, "show", "01-CV/TU").output.splitlines()
    assert "Ngày: 03/06/2026" in lines and "Chữ ký số: không có" in lines
    at = lines.index("Nơi nhận:")
    assert lines[at + 1:at + 4] == ["    - Như trên", "    - Thường trực Tỉnh ủy", "    - Lưu Văn phòng Tỉnh ủy, TH"]
    assert lines.count("Kính gửi:") == 1 and not any(line.startswith("Nơi nhận: -") for line in lines)


def test_show_prints_the_secrecy_mark(office_ws):
    result = _vanthu(office_ws, "show", "02-CV/TU")
    assert result.exit_code == 0, result.output
    assert "Độ mật, độ khẩn: MẬT" in result.output.splitlines()


def test_a_trich_yeu_differing_from_the_register_is_said_at_ingest(archive_ws, issued, tmp_path):
    import sqlite3

    with sqlite3.connect(archive_ws.root / "register.sqlite3") as db:
        db.execute("UPDATE entries SET subject='V/v việc khác hẳn' WHERE symbol='01-CV/TU'")
    source = tmp_path / "cv1.pdf"
    source.write_bytes(issued.pdfs["cv1"])
    result = _vanthu(archive_ws, "ingest", str(source))
    assert result.exit_code == 0
    assert "Cảnh báo: trích yếu khác sổ đăng ký (sổ ghi: «V/v việc khác hẳn»)" in result.output


XUAN_HUONG = {
    "subject": "kết luận tại buổi làm việc với phường Xuân Hương - Đà Lạt", "signer": "tl-cvp",
    "date": "2026-11-20",
    "body": "Thường trực Tỉnh ủy kết luận như sau:\n\n"
            "- Đảng ủy phường Xuân Hương - Đà Lạt hoàn thành bàn giao mặt bằng dự án hồ Xuân Hương trước ngày "
            "30/12/2026; báo cáo kết quả về Văn phòng Tỉnh ủy.\n"
            "- Giao Ban Tổ chức Tỉnh ủy chủ trì, phối hợp với Đảng ủy phường Xuân Hương - Đà Lạt kiện toàn "
            "bộ máy trước ngày 15/01/2027.\n"
            "- Ủy ban nhân dân phường Lâm Viên - Đà Lạt rà soát các dự án chậm tiến độ trong tháng 01/2027.",
}


@pytest.fixture
def conclusion(run, datafile, workspace):
    """A Thông báo naming dashed localities, issued, converted and archived."""
    assert run("new", "thong-bao", str(datafile(XUAN_HUONG)), "--pdf").exit_code == 0
    pdf = workspace.out / "01-TB-TU.pdf"
    assert run("ingest", str(pdf)).exit_code == 0
    return workspace


def test_tasks_are_the_documents_items_never_cut_inside_a_name(run, conclusion):
    tasks = json.loads(run("tasks", "--json").output)
    assert [(t["actor"], t["due"]) for t in tasks] == [
        ("Đảng ủy phường Xuân Hương - Đà Lạt", "2026-12-30"), ("Ban Tổ chức Tỉnh ủy", "2027-01-15"),
        ("Ủy ban nhân dân phường Lâm Viên - Đà Lạt", "2027-01-31")]
    assert tasks[0]["sentence"].endswith("; báo cáo kết quả về Văn phòng Tỉnh ủy.")  # not cut at ";"
    assert tasks[0]["localities"] == ["Phường Xuân Hương - Đà Lạt"]
    assert tasks[2]["localities"] == ["Phường Lâm Viên - Đà Lạt"]


def test_done_twice_keeps_the_history_and_lists_show_notes(run, conclusion):
    task_id = str(json.loads(run("tasks", "--json").output)[0]["id"])
    first = run("tasks", "done", task_id, "--note", "đã bàn giao 2 ha")
    assert first.exit_code == 0 and "đã hoàn thành." in first.output
    done_at = json.loads(run("tasks", "--all", "--json").output)[0]["done_at"]
    second = run("tasks", "done", task_id, "--note", "bàn giao nốt phần còn lại")
    assert second.exit_code == 0 and "đã hoàn thành từ trước" in second.output
    assert "đánh dấu hoàn thành: đã bàn giao 2 ha" in second.output
    assert "thêm ghi chú: bàn giao nốt phần còn lại" in second.output
    [task, *_rest] = json.loads(run("tasks", "--all", "--json").output)
    assert task["done_at"] == done_at and task["note"] == "đã bàn giao 2 ha; bàn giao nốt phần còn lại"
    listing = run("tasks", "--all").output
    assert "Ghi chú: đã bàn giao 2 ha; bàn giao nốt phần còn lại" in listing


def _team_of(workspace, name: str) -> int:
    code = workspace.gazetteer.resolve(name).code
    return next(team for team, codes in workspace.gazetteer.teams.items() if code in codes)


def _report(tmp_path: Path, name: str, **sections) -> Path:
    import yaml

    path = tmp_path / name
    path.write_text(yaml.safe_dump(sections, allow_unicode=True), "utf-8")
    return path


def test_a_report_received_in_the_future_is_refused(run, workspace, tmp_path):
    from datetime import datetime, timedelta

    later = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    result = run("report", "add", "--team", "1", "--received", later,
                 str(_report(tmp_path, "a.yaml", noi_bat=["Ổn định"])))
    assert result.exit_code == 2 and "trường «--received»" in result.output and "chưa tới" in result.output
    assert not list((workspace.root / "reports").rglob("*.json"))


def test_a_report_naming_another_teams_locality_is_warned(run, workspace, tmp_path):
    team, other = _team_of(workspace, "Đắk Song"), _team_of(workspace, "Xuân Hương")
    source = _report(tmp_path, "a.yaml", noi_bat=["Ổn định"], localities=["Đắk Song", "Xuân Hương"])
    result = run("report", "add", "--team", str(team), "--week", "2026-W48", str(source))
    assert result.exit_code == 0
    assert (f"Cảnh báo: báo cáo của Tổ {team} nêu Phường Xuân Hương - Đà Lạt (địa bàn của Tổ {other}), "
            "không thuộc địa bàn của tổ") in result.output
    assert "Đắk Song" not in result.output.split("Cảnh báo")[1]


def test_re_adding_keeps_versions_and_a_report_can_be_removed(run, workspace, tmp_path):
    first = _report(tmp_path, "a.yaml", noi_bat=["Bản thứ nhất"])
    second = _report(tmp_path, "b.yaml", noi_bat=["Bản thứ hai"])
    assert run("report", "add", "--team", "3", "--week", "2026-W48", "--received", "2026-11-24 10:00",
               str(first)).exit_code == 0
    replaced = run("report", "add", "--team", "3", "--week", "2026-W48", str(second))
    assert replaced.exit_code == 0 and "thay cho báo cáo nhận lúc 10:00 ngày 24/11/2026" in replaced.output
    book = workspace.report_book()
    from digest.weeks import parse_week

    week = parse_week("2026-W48")
    assert book.get(week, 3)["noi_bat"] == ["Bản thứ hai"]
    assert [v["noi_bat"] for v in book.versions(week, 3)] == [["Bản thứ nhất"]]
    removed = run("report", "remove", "--team", "3", "--week", "2026-W48")
    assert removed.exit_code == 0 and "Đã rút báo cáo của Tổ 3" in removed.output
    status = json.loads(run("report", "status", "--week", "2026-W48", "--json").output)
    assert next(t for t in status["teams"] if t["team"] == 3)["status"] == "missing"
    assert [v["noi_bat"] for v in book.versions(week, 3)] == [["Bản thứ nhất"], ["Bản thứ hai"]]
    assert run("report", "remove", "--team", "3", "--week", "2026-W48").exit_code == 2


def test_digest_issued_once_a_week_dated_the_day_it_is_issued(run, workspace):
    from datetime import date

    from docgen.dates import long_date

    first = run("digest", "--week", "2026-W48", "--issue")
    assert first.exit_code == 0 and "01-BC/VPTU" in first.output
    again = run("digest", "--week", "2026-W48", "--issue")
    assert again.exit_code == 2 and "đã được cấp số 01-BC/VPTU" in again.output and "--again" in again.output
    assert run("digest", "--week", "2026-W48", "--issue", "--again").exit_code == 0
    header = docx.Document(str(workspace.out / "01-BC-VPTU.docx")).tables[0].rows[0].cells[1]
    assert any(long_date(date.today()) in p.text for p in header.paragraphs)


def test_digest_items_stay_items(run, workspace, tmp_path):
    team = _team_of(workspace, "Đắk Song")
    source = _report(tmp_path, "a.yaml", noi_bat=["Thu hút du khách.", "Tình trạng sạt lở giảm."])
    assert run("report", "add", "--team", str(team), "--week", "2026-W48", str(source)).exit_code == 0
    paper = tmp_path / "bc.docx"
    document = docx.Document()
    for line in ("Kính gửi: Văn phòng Tỉnh ủy", "Nội dung:", "- Đường liên xã đã thông xe.", "- Chợ mới khai trương."):
        document.add_paragraph(line)
    document.save(str(paper))
    other = _team_of(workspace, "Xuân Hương")
    assert run("report", "add", "--team", str(other), "--week", "2026-W48", str(paper)).exit_code == 0
    assert run("digest", "--week", "2026-W48").exit_code == 0
    texts = [p.text for p in docx.Document(str(workspace.out / "tong-hop-2026-W48.docx")).paragraphs]
    assert "- Thu hút du khách." in texts and "- Tình trạng sạt lở giảm." in texts
    assert "- Đường liên xã đã thông xe." in texts and "- Chợ mới khai trương." in texts
    assert not any("du khách.; Tình trạng" in t for t in texts)
