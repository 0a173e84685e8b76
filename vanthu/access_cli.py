"""The commands of access: users, API tokens, the audit log."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from access import roles
from access.roles import ROLES, role_name
from docgen.secrecy import SECRECY, mark_name, parse_clearance
from office.workspace import Workspace
from vanthu.options import VanthuCommand, VanthuGroup, date_value, home_option, json_option, print_json, viewer_option


def _password(from_stdin: bool) -> str:
    """From standard input (one line), or typed twice at a hidden prompt; never echoed."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu")


def password_option(command):
    return click.option("--password-stdin", "password_stdin", is_flag=True,
                        help="Đọc mật khẩu từ đầu vào chuẩn (một dòng) thay vì hỏi.")(command)


@click.group(cls=VanthuGroup)
def user() -> None:
    """Người dùng dịch vụ web: thêm, liệt kê, sửa, khóa, mở khóa, đổi mật khẩu."""


@user.command("add")
@click.argument("login", metavar="TÊN_ĐĂNG_NHẬP")
@click.option("--role", required=True, type=click.Choice(list(ROLES)),
              help="Vai trò: van-thu, chuyen-vien, lanh-dao, quan-tri.")
@click.option("--name", default="", help="Họ tên.")
@click.option("--team", type=int, help="Tổ theo dõi địa bàn của người dùng (1…12).")
@click.option("--clearance", default="", metavar="ĐỘ_MẬT",
              help=f"Độ mật được xem: {', '.join(SECRECY)} (mặc định: không xem văn bản mật).")
@password_option
@home_option
def user_add(login: str, role: str, name: str, team: int | None, clearance: str, password_stdin: bool,
             home: Path | None) -> None:
    """Thêm người dùng TÊN_ĐĂNG_NHẬP."""
    workspace = Workspace.locate(home)
    level = parse_clearance(clearance)
    if team is not None:
        workspace.gazetteer.team_localities(team)
    with workspace.users() as users, workspace.audit() as audit:
        added = users.add(login, role=role, password=_password(password_stdin), name=name, team=team,
                          clearance=level)
        audit.record("console", "user-add", added.login, f"{role}, độ mật: {mark_name(level) or 'không'}")
    click.echo(f"Đã thêm người dùng {added.login} ({role_name(added.role)}).")


@user.command("list")
@json_option
@home_option
def user_list(as_json: bool, home: Path | None) -> None:
    """Liệt kê người dùng."""
    with Workspace.locate(home).users() as users:
        found = users.all()
    if as_json:
        print_json([u.as_dict() for u in found])
        return
    for item in found:
        state = "" if item.active else "  [ĐÃ KHÓA]"
        team = f", Tổ {item.team}" if item.team else ""
        level = mark_name(item.clearance) or "không"
        click.echo(f"{item.login:<16} {role_name(item.role):<12} độ mật: {level}{team}  {item.name}{state}")
    if not found:
        click.echo("Chưa có người dùng nào; thêm bằng: vanthu user add TÊN --role van-thu")


@user.command("edit")
@click.argument("login", metavar="TÊN_ĐĂNG_NHẬP")
@click.option("--role", type=click.Choice(list(ROLES)), help="Vai trò mới.")
@click.option("--name", help="Họ tên mới.")
@click.option("--team", type=int, help="Tổ theo dõi địa bàn mới (0: không thuộc tổ nào).")
@click.option("--clearance", metavar="ĐỘ_MẬT", help=f"Độ mật được xem mới: {', '.join(SECRECY)}, hoặc «không».")
@home_option
def user_edit(login: str, role: str | None, name: str | None, team: int | None, clearance: str | None,
              home: Path | None) -> None:
    """Đổi vai trò, họ tên, tổ hoặc độ mật được xem; các phiên đang mở của người dùng kết thúc."""
    workspace = Workspace.locate(home)
    if team:
        workspace.gazetteer.team_localities(team)
    with workspace.users() as users, workspace.audit() as audit:
        now = users.require(login)
        level = now.clearance if clearance is None else parse_clearance("" if clearance == "không" else clearance)
        changed = users.change(login, role=role or now.role, name=now.name if name is None else name,
                               team=now.team if team is None else (team or None), clearance=level)
        audit.record("console", "user-edit", login, f"{changed.role}, độ mật: {mark_name(level) or 'không'}")
    click.echo(f"Đã sửa người dùng {login}: {role_name(changed.role)}, độ mật: {mark_name(level) or 'không'}"
               + (f", Tổ {changed.team}" if changed.team else ""))


@user.command("disable")
@click.argument("login", metavar="TÊN_ĐĂNG_NHẬP")
@home_option
def user_disable(login: str, home: Path | None) -> None:
    """Khóa người dùng: các phiên đang mở kết thúc ngay, mã truy cập thôi hiệu lực."""
    workspace = Workspace.locate(home)
    with workspace.users() as users, workspace.audit() as audit:
        users.disable(login)
        audit.record("console", "user-disable", login)
    click.echo(f"Đã khóa người dùng {login}.")


@user.command("enable")
@click.argument("login", metavar="TÊN_ĐĂNG_NHẬP")
@home_option
def user_enable(login: str, home: Path | None) -> None:
    """Mở khóa người dùng: đăng nhập lại được; khóa tạm sau nhiều lần đăng nhập sai cũng được gỡ."""
    workspace = Workspace.locate(home)
    with workspace.users() as users, workspace.audit() as audit:
        users.enable(login)
        audit.record("console", "user-enable", login)
    click.echo(f"Đã mở khóa người dùng {login}.")


@user.command("passwd")
@click.argument("login", metavar="TÊN_ĐĂNG_NHẬP")
@password_option
@home_option
def user_passwd(login: str, password_stdin: bool, home: Path | None) -> None:
    """Đặt mật khẩu mới; các phiên khác của người dùng kết thúc."""
    workspace = Workspace.locate(home)
    with workspace.users() as users, workspace.audit() as audit:
        users.require(login)
        users.set_password(login, _password(password_stdin))
        audit.record("console", "user-passwd", login)
    click.echo(f"Đã đổi mật khẩu của {login}.")


@click.group(cls=VanthuGroup)
def token() -> None:
    """Mã truy cập API cho các hệ thống khác (ví dụ hệ thống điều hành tác nghiệp)."""


@token.command("create")
@click.argument("login", metavar="TÊN_ĐĂNG_NHẬP")
@click.option("--name", default="", help="Tên gợi nhớ của mã (hệ thống dùng nó).")
@home_option
def token_create(login: str, name: str, home: Path | None) -> None:
    """Tạo mã truy cập mang quyền của TÊN_ĐĂNG_NHẬP; mã chỉ được in một lần."""
    workspace = Workspace.locate(home)
    with workspace.users() as users, workspace.audit() as audit:
        token_id, key = users.create_token(login, name)
        audit.record("console", "token-create", login, f"mã số {token_id} {name}".strip())
    click.echo(f"Mã truy cập số {token_id} của {login} (chỉ hiện một lần, hãy lưu lại):", err=True)
    click.echo(key)


@token.command("revoke")
@click.argument("token_id", metavar="SỐ", type=int)
@home_option
def token_revoke(token_id: int, home: Path | None) -> None:
    """Thu hồi mã truy cập SỐ."""
    workspace = Workspace.locate(home)
    with workspace.users() as users, workspace.audit() as audit:
        users.revoke_token(token_id)
        audit.record("console", "token-revoke", str(token_id))
    click.echo(f"Đã thu hồi mã truy cập số {token_id}.")


@token.command("list")
@json_option
@home_option
def token_list(as_json: bool, home: Path | None) -> None:
    """Liệt kê các mã truy cập (không in lại mã)."""
    with Workspace.locate(home).users() as users:
        found = users.tokens()
    if as_json:
        print_json(found)
        return
    for item in found:
        state = f"thu hồi {item['revoked_at']}" if item["revoked_at"] else "đang dùng"
        click.echo(f"#{item['id']:<4} {item['login']:<16} {item['name']:<20} "
                   f"tạo {item['created_at']}  {state}")


@click.command(cls=VanthuCommand)
@click.option("--user", "login", help="Chỉ việc của một người dùng.")
@click.option("--since", help="Từ ngày (2026-11-01 hoặc 01/11/2026).")
@click.option("--limit", type=click.IntRange(1, 100000), default=200, show_default=True)
@json_option
@viewer_option
@home_option
def audit(login: str | None, since: str | None, limit: int, as_json: bool, as_login: str | None,
          home: Path | None) -> None:
    """Nhật ký: ai đã làm gì, lúc nào (mới nhất trước)."""
    day = date_value("--since", since)
    moment = datetime.combine(day, datetime.min.time()) if day else None
    workspace = Workspace.locate(home)
    viewer = workspace.viewer(as_login, roles.AUDIT)
    with workspace.audit() as log:
        found = log.entries(viewer=viewer, login=login, since=moment, limit=limit)
    if as_json:
        print_json([e.as_dict() for e in found])
        return
    for entry in found:
        when = datetime.fromisoformat(entry.at).strftime("%d/%m/%Y %H:%M:%S")
        line = f"{when}  {entry.login:<14} {entry.action_name:<22} {entry.target} {entry.detail}"
        click.echo(line.rstrip())
    if not found:
        click.echo("Nhật ký chưa có mục nào khớp.")
