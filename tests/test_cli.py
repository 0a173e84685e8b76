"""The vanthu command, run through CliRunner against real workspaces."""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import date, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import CONG_VAN

from vanthu.cli import cli


def test_init_creates_a_ready_workspace(tmp_path):
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "vp")])
    assert result.exit_code == 0, result.output
    root = tmp_path / "vp"
    assert {p.name for p in root.iterdir()} == {"vanthu.toml", "inbox", "archive", "quarantine",
                                                "out", "trust", "index", "register.sqlite3"}
    assert 'name = "TỈNH ỦY LÂM ĐỒNG"' in (root / "vanthu.toml").read_text("utf-8")


def test_init_refuses_an_existing_workspace(workspace):
    result = CliRunner().invoke(cli, ["init", str(workspace.root)])
    assert result.exit_code == 2
    assert "đã là một không gian làm việc" in result.output


def test_workspace_found_by_env_then_current_folder(workspace, datafile, monkeypatch, tmp_path):
    data = str(datafile(CONG_VAN))
    result = CliRunner().invoke(cli, ["new", "CV", data], env={"VANTHU_HOME": str(workspace.root)})
    assert result.exit_code == 0 and "01-CV/TU" in result.output
    monkeypatch.chdir(workspace.out)
    result = CliRunner().invoke(cli, ["new", "CV", data, "--again"], env={"VANTHU_HOME": None})
    assert result.exit_code == 0 and "02-CV/TU" in result.output


def test_no_workspace_says_to_run_init(datafile, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["new", "CV", str(datafile(CONG_VAN))], env={"VANTHU_HOME": None})
    assert result.exit_code == 2
    assert "vanthu init" in result.output and result.output.startswith("Lỗi:")
    result = CliRunner().invoke(cli, ["register", "list", "--home", str(tmp_path / "khong")])
    assert result.exit_code == 2 and "vanthu init" in result.output


def test_new_prints_json_and_records_the_entry(run, datafile, workspace):
    result = run("new", "cong-van", str(datafile(CONG_VAN)), "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert "người ký mặc định của TU (khóa pbt-tt)" in printed.pop("warnings")[0]  # no signer: in the file
    assert printed == {"symbol": "01-CV/TU", "number": 1, "kind": "CV", "date": "2026-06-03",
                       "docx": str(workspace.out / "01-CV-TU.docx"), "pdf": None, "guide": "05-HD/VPTW"}
    [entry] = json.loads(run("register", "list", "--json").output)
    assert entry["subject"] == "Về việc rà soát tiến độ giải phóng mặt bằng" and entry["guide"] == "05-HD/VPTW"
    assert entry["signer"] == "Đặng Hồng Sỹ" and entry["status"] == "issued"
    assert len(entry["docx_sha256"]) == 64 and entry["docx_path"] == printed["docx"]


def test_new_dates_today_when_the_file_has_no_date(run, datafile):
    data = {k: v for k, v in CONG_VAN.items() if k != "date"}
    result = run("new", "QĐ", str(datafile({"subject": "Thành lập", "bases": ["Căn cứ"],
                                             "articles": ["Một."]})), "--json")
    assert json.loads(result.output)["date"] == date.today().isoformat()
    assert run("new", "cv", str(datafile(data)), "--json").exit_code == 0


def test_out_option_and_a_json_data_file(run, tmp_path):
    data = tmp_path / "cv.json"
    data.write_text(json.dumps(CONG_VAN, ensure_ascii=False), "utf-8")
    result = run("new", "cong-van", str(data), "--out", str(tmp_path / "ra"), "--json")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ra" / "01-CV-TU.docx").is_file()


BAD_INPUTS = [
    ({k: v for k, v in CONG_VAN.items() if k != "to"}, "trường «to»", "thiếu nội dung bắt buộc"),
    ({**CONG_VAN, "signer": "bi-thu-moi"}, "trường «signer»", "không có người ký «bi-thu-moi»"),
    ({**CONG_VAN, "date": "31/02/2026"}, "trường «date»", "không phải là ngày hợp lệ"),
    ({**CONG_VAN, "date": "2020-01-01"}, "trường «date»", "trước ngày bắt đầu nhiệm kỳ"),
    ({**CONG_VAN, "date": "2099-01-05"}, "trường «date»", "quá xa trong tương lai"),
    ({**CONG_VAN, "date": (date.today() + timedelta(days=31)).isoformat()}, "trường «date»", "quá 30 ngày"),
    ({**CONG_VAN, "subject": "rà soát " * 63}, "trường «subject»", "tối đa 500 ký tự"),
    ({**CONG_VAN, "body_code": "XYZ"}, "trường «body_code»", "không có cơ quan ban hành"),
    ({**CONG_VAN, "secrecy": "bí mật"}, "trường «secrecy»", "không hợp lệ"),
    ({**CONG_VAN, "recipent": ["x"]}, "trường «recipent»", "khóa không được hỗ trợ"),
    ({**CONG_VAN, "signer": {"title": "BÍ THƯ"}}, "trường «signer.name»", "thiếu giá trị"),
    ("subject: [chưa đóng\nto: x\n", "", "cú pháp sai: dấu «[» mở ở dòng 1, cột 10 chưa được đóng"),
    ('subject: "chưa đóng\nto: x\n', "", "dấu «\"» mở ở dòng 1, cột 10 chưa được đóng (thiếu dấu «\"»)"),
    ("", "", "tệp rỗng"),
    ("- một\n- hai\n", "", "phải là các cặp"),
]


@pytest.mark.parametrize(("data", "field", "reason"), BAD_INPUTS)
def test_bad_input_is_refused_and_spends_nothing(run, datafile, workspace, data, field, reason):
    path = datafile(data)
    result = run("new", "cong-van", str(path), "--pdf")
    assert result.exit_code == 2
    assert f"Lỗi: Tệp {path}" in result.output
    assert field in result.output and reason in result.output
    assert list(workspace.out.iterdir()) == []
    assert json.loads(run("register", "list", "--json").output) == []


def test_a_date_up_to_thirty_days_ahead_is_issued(run, datafile):
    ahead = (date.today() + timedelta(days=30)).isoformat()
    result = run("new", "cong-van", str(datafile({**CONG_VAN, "date": ahead})), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["date"] == ahead


def test_text_pasted_with_control_characters_is_issued_as_a_document_word_opens(run, datafile, workspace):
    """A control character no one sees (and Word's line break, \\x0b) pasted into the trích yếu or the body
    used to spend a number on a DOCX that Word and LibreOffice could not open."""
    import docx

    data = {**CONG_VAN, "subject": "rà soát\x01 tiến độ giải phóng mặt bằng",
            "body": "Đề nghị\x0bcác đơn vị\x1f rà soát."}
    result = run("new", "cong-van", str(datafile(data)), "--json")
    assert result.exit_code == 0, result.output
    issued = json.loads(result.output)
    document = docx.Document(issued["docx"])
    cells = [p.text for t in document.tables for c in t._cells for p in c.paragraphs]
    assert "Về việc rà soát tiến độ giải phóng mặt\xa0bằng" in cells
    assert "Đề nghị các đơn vị rà soát." in [p.text for p in document.paragraphs]  # one line break: one paragraph
    assert [e["symbol"] for e in json.loads(run("register", "list", "--json").output)] == [issued["symbol"]]


def test_one_bad_file_in_a_batch_stops_the_whole_batch(run, datafile, workspace):
    good, bad = datafile(CONG_VAN), datafile({**CONG_VAN, "date": "hôm qua"})
    assert run("new", "cong-van", str(good), str(bad)).exit_code == 2
    assert list(workspace.out.iterdir()) == []


def test_missing_data_file_and_unknown_kind(run, datafile, tmp_path):
    result = run("new", "cong-van", str(tmp_path / "khong-co.yaml"))
    assert result.exit_code == 2 and "không tìm thấy tệp dữ liệu" in result.output
    result = run("new", "thong-tri", str(datafile(CONG_VAN)))
    assert result.exit_code == 2 and "cong-van (CV)" in result.output and "giay-moi (GM)" in result.output


def test_an_existing_output_file_is_not_overwritten_and_the_number_stays_free(run, datafile, workspace):
    (workspace.out / "01-CV-TU.docx").write_bytes(b"ban cu")
    result = run("new", "cong-van", str(datafile(CONG_VAN)))
    assert result.exit_code == 2 and "tệp đã tồn tại" in result.output
    assert (workspace.out / "01-CV-TU.docx").read_bytes() == b"ban cu"
    assert json.loads(run("register", "list", "--json").output) == []


def test_register_list_void_and_start(run, datafile):
    for _ in range(2):
        assert run("new", "cong-van", str(datafile(CONG_VAN)), "--again").exit_code == 0
    result = run("register", "void", "02-CV/TU", "--reason", "sai nơi nhận")
    assert result.exit_code == 0 and "Đã hủy 02-CV/TU" in result.output
    result = run("register", "start", "CV", "1774")
    assert result.exit_code == 0 and "1774-CV/TU" in result.output
    assert "1774-CV/TU" in run("new", "cong-van", str(datafile(CONG_VAN)), "--again").output
    listing = run("register", "list", "--kind", "CV").output.splitlines()
    assert [line.split()[0] for line in listing] == ["01-CV/TU", "02-CV/TU", "1774-CV/TU"]
    assert "đã hủy (sai nơi nhận)" in listing[1]
    assert run("register", "list", "--kind", "TB").output.strip() == "Sổ đăng ký chưa có văn bản nào."


def test_register_errors_exit_two_in_vietnamese(run):
    result = run("register", "void", "99-CV/TU", "--reason", "x")
    assert result.exit_code == 2 and "không có văn bản số 99-CV/TU" in result.output
    result = run("register", "start", "XX", "5")
    assert result.exit_code == 2 and "không có loại văn bản «XX»" in result.output


def test_settings_lists_values_and_help(run, workspace):
    result = run("settings")
    assert result.exit_code == 0
    assert 'soffice = "soffice"' in result.output and "LibreOffice" in result.output
    assert 'incoming_units = ["Ban Tổ chức Tỉnh ủy", ' in result.output  # as written in vanthu.toml


def test_a_broken_profile_names_the_file_and_the_key(run, workspace, datafile):
    text = workspace.config.read_text("utf-8").replace("margin_top_mm = 20", 'margin_top_mm = "hai"')
    workspace.config.write_text(text, "utf-8")
    result = run("new", "cong-van", str(datafile(CONG_VAN)))
    assert result.exit_code == 2
    assert f"Tệp {workspace.config}, trường «guides.hd36.page.margin_top_mm»" in result.output


def test_help_is_in_vietnamese():
    result = CliRunner().invoke(cli, ["new", "--help"])
    assert result.exit_code == 0 and "Tạo văn bản LOẠI" in result.output and "Tùy chọn:" in result.output


def test_console_script_is_installed():
    assert os.access(Path(sys.executable).parent / "vanthu", os.X_OK)


def test_usage_errors_are_in_vietnamese_with_exit_two(run):
    result = run("new", "cong-van")
    assert result.exit_code == 2
    assert "Lỗi: Thiếu đối số 'TỆP_DỮ_LIỆU...'" in result.output
    result = run("register", "start", "CV", "không")
    assert result.exit_code == 2 and "không phải là số hợp lệ" in result.output


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    context = click.Context(group)
    found = []
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        found += _commands(command, (*path, name)) if isinstance(command, click.Group) else [(*path, name)]
    return found


def test_every_commands_help_is_vietnamese_to_the_option_values():
    for path in _commands(cli):
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        text = result.output
        assert "[TÙY CHỌN]" in text and "OPTIONS" not in text, path
        assert not re.search(r"\b(TEXT|INTEGER|FLOAT|RANGE)\b|x<=|<=x", text), (path, text)
    void = CliRunner().invoke(cli, ["register", "void", "--help"]).output
    assert "--reason LÝ_DO" in void and void.count("bắt buộc") == 1 and "--kind LOẠI" in void
    assert "từ 1 đến 1000" in " ".join(CliRunner().invoke(cli, ["search", "--help"]).output.split())


def test_an_unknown_kind_gets_the_nearest_one(run):
    for args in (["register", "list", "--kind", "cong-vann"], ["new", "cong-vann", "x.yaml"],
                 ["search", "rà soát", "--kind", "cong-vann"]):
        result = run(*args)
        assert result.exit_code == 2 and "«cong-vann» (có phải «cong-van»?)" in result.output, args


def test_an_empty_json_data_file_or_one_saved_with_a_bom_is_read_as_a_clerk_expects(run, datafile):
    empty = datafile(" \n", "rong.json")
    result = run("new", "cong-van", str(empty))
    assert result.exit_code == 2 and f"Lỗi: Tệp {empty}: tệp rỗng" in result.output, result.output
    notepad = datafile("\ufeff" + json.dumps(CONG_VAN, ensure_ascii=False), "notepad.json")
    result = run("new", "cong-van", str(notepad))
    assert result.exit_code == 0 and "01-CV/TU" in result.output, result.output
