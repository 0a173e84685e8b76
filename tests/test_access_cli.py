"""The access commands through the real CLI: users, tokens, the audit log."""

from __future__ import annotations

import json

from click.testing import CliRunner

from access.users import UserBook
from vanthu.cli import cli


def test_a_user_is_added_listed_and_disabled(run, workspace):
    home = ["--home", str(workspace.root)]
    result = CliRunner().invoke(cli, ["user", "add", "lan", "--role", "van-thu", "--name", "Nguyễn Thị Lan",
                                      "--clearance", "mật", "--password-stdin", *home], input="mat-khau-dai\n")
    assert result.exit_code == 0, result.output
    assert "mat-khau-dai" not in result.output
    listed = run("user", "list", "--json")
    assert listed.exit_code == 0
    assert json.loads(listed.output) == [{"login": "lan", "name": "Nguyễn Thị Lan", "role": "van-thu", "team": None,
                                          "clearance": "MẬT", "active": True}]
    with UserBook(workspace.register_path) as users:
        key = users.open_session(users.authenticate("lan", "mat-khau-dai"))
    assert run("user", "disable", "lan").exit_code == 0
    with UserBook(workspace.register_path) as users:
        assert users.session(key) is None and not users.get("lan").active


def test_bad_user_input_gets_a_vietnamese_message_and_exit_2(workspace):
    home = ["--home", str(workspace.root)]
    short = CliRunner().invoke(cli, ["user", "add", "lan", "--role", "van-thu", "--password-stdin", *home],
                               input="ngan\n")
    clearance = CliRunner().invoke(cli, ["user", "add", "lan", "--role", "van-thu", "--clearance", "BÍ MẬT",
                                         "--password-stdin", *home], input="mat-khau-dai\n")
    role = CliRunner().invoke(cli, ["user", "add", "lan", "--role", "thu-ky", "--password-stdin", *home],
                              input="mat-khau-dai\n")
    missing = CliRunner().invoke(cli, ["user", "passwd", "khong-co", "--password-stdin", *home],
                                 input="mat-khau-dai\n")
    assert short.exit_code == 2 and "ít nhất 8 ký tự" in short.output
    assert clearance.exit_code == 2 and "--clearance" in clearance.output and "không hợp lệ" in clearance.output
    assert role.exit_code == 2 and "thu-ky" in role.output
    assert missing.exit_code == 2 and "không có người dùng «khong-co»" in missing.output


def test_a_token_is_printed_once_stored_as_a_hash_and_revoked(workspace):
    home = ["--home", str(workspace.root)]
    CliRunner().invoke(cli, ["user", "add", "api", "--role", "chuyen-vien", "--password-stdin", *home],
                       input="mat-khau-dai\n")
    created = CliRunner().invoke(cli, ["token", "create", "api", "--name", "điều hành", *home])
    assert created.exit_code == 0
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("vt_")
    assert key.encode() not in workspace.register_path.read_bytes()
    with UserBook(workspace.register_path) as users:
        assert users.token_user(key).login == "api"
    listed = CliRunner().invoke(cli, ["token", "list", "--json", *home])
    assert key not in listed.output and json.loads(listed.output)[0]["name"] == "điều hành"
    assert CliRunner().invoke(cli, ["token", "revoke", "1", *home]).exit_code == 0
    again = CliRunner().invoke(cli, ["token", "revoke", "1", *home])
    assert again.exit_code == 2 and "không có mã truy cập số 1" in again.output
    with UserBook(workspace.register_path) as users:
        assert users.token_user(key) is None


def test_the_audit_log_says_who_did_what(workspace):
    home = ["--home", str(workspace.root)]
    CliRunner().invoke(cli, ["user", "add", "lan", "--role", "van-thu", "--password-stdin", *home],
                       input="mat-khau-dai\n")
    CliRunner().invoke(cli, ["user", "disable", "lan", *home])
    shown = CliRunner().invoke(cli, ["audit", "--json", *home])
    text = CliRunner().invoke(cli, ["audit", "--since", "01/01/2026", *home])
    assert shown.exit_code == 0 and text.exit_code == 0
    assert [(e["action"], e["target"]) for e in json.loads(shown.output)] == [("user-disable", "lan"),
                                                                              ("user-add", "lan")]
    assert "khóa người dùng" in text.output and "thêm người dùng" in text.output


def test_a_user_is_edited_from_the_console_and_their_sessions_end(run, workspace):
    added = CliRunner().invoke(cli, ["user", "add", "lan", "--role", "chuyen-vien", "--team", "3",
                                     "--password-stdin", "--home", str(workspace.root)], input="mat-khau-dai-1\n")
    assert added.exit_code == 0, added.output
    with UserBook(workspace.register_path) as users:
        key = users.open_session(users.require("lan"))
    result = run("user", "edit", "lan", "--role", "lanh-dao", "--clearance", "MẬT", "--team", "0")
    assert result.exit_code == 0, result.output
    assert "Lãnh đạo" in result.output and "MẬT" in result.output
    with UserBook(workspace.register_path) as users:
        lan = users.get("lan")
        assert (lan.role, lan.clearance, lan.team, lan.active) == ("lanh-dao", 1, None, True)
        assert users.session(key) is None
    bad = run("user", "edit", "khong-co", "--role", "van-thu")
    assert bad.exit_code == 2 and "không có người dùng «khong-co»" in bad.output


def test_a_disabled_user_is_enabled_again(run, workspace):
    home = ["--home", str(workspace.root)]
    CliRunner().invoke(cli, ["user", "add", "lan", "--role", "van-thu", "--password-stdin", *home],
                       input="mat-khau-dai\n")
    assert run("user", "disable", "lan").exit_code == 0
    enabled = run("user", "enable", "lan")
    missing = run("user", "enable", "khong-co")
    assert enabled.exit_code == 0 and "Đã mở khóa người dùng lan" in enabled.output
    assert missing.exit_code != 0 and "không có người dùng «khong-co»" in missing.output
    with UserBook(workspace.register_path) as users:
        assert users.get("lan").active and users.authenticate("lan", "mat-khau-dai").login == "lan"
    listed = run("audit", "--json")
    assert [e["action"] for e in json.loads(listed.output)][:2] == ["user-enable", "user-disable"]
