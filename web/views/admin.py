"""Quản trị: users, roles, clearances, API tokens, the audit log (administrators)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from access.roles import ROLES
from docgen.errors import InvalidInput
from docgen.secrecy import SECRECY, mark_name, parse_clearance
from web.auth import Context, number_in
from web.pages import message, render


async def admin_page(ctx: Context, status: int = 200, error: str = "", new_token: str = "",
                     new_password: tuple[str, str] | None = None) -> Response:
    workspace = ctx.service.workspace
    with workspace.users() as users:
        found, tokens = users.all(), users.tokens()
        locked_out = users.locked_out()
    params = ctx.request.query_params
    return render(ctx, "admin.html", status, users=found, tokens=tokens, error=error,
                  locked_out=locked_out, new_password=new_password,
                  new_token=new_token, role_names=ROLES, secrecy=SECRECY,
                  teams=sorted(workspace.gazetteer.teams), notice=_notice(params, found, tokens))


def _notice(params, users: list, tokens: list[dict]) -> str:
    """What was just done, to whom: said from the address only when it names a real user or token
    (an address cannot make the page say anything else)."""
    action, login, token = params.get("notice", ""), params.get("ai", ""), params.get("ma", "")
    who = next((u for u in users if u.login == login), None)
    if who is not None:
        name = f"{who.login} ({who.name})" if who.name else who.login
        said = {"them": f"Đã thêm người dùng {name}, vai trò {ROLES[who.role][0]}.",
                "sua": f"Đã sửa vai trò, tổ, độ mật được xem của {name}; phiên đăng nhập đang mở của người này "
                       "đã kết thúc.",
                "khoa": f"Đã khóa tài khoản {name}.", "mo-khoa": f"Đã mở khóa tài khoản {name}."}
        return said.get(action, "")
    revoked = next((t for t in tokens if str(t["id"]) == token and t["revoked_at"]), None)
    if action == "thu-hoi" and revoked:
        named = f" («{revoked['name']}»)" if revoked["name"] else ""
        return f"Đã thu hồi mã truy cập số {revoked['id']}{named} của {revoked['login']}."
    return ""


# The edit form's choices start on this: a field left alone keeps the user's value.
KEEP = "giu-nguyen"


def _within_own_clearance(ctx: Context, clearance: int) -> None:
    """From the web, an administrator grants no more than they may read themselves, and makes no token
    that would read more (the console, at the server, can)."""
    if clearance > ctx.viewer.clearance:
        raise InvalidInput("không thể cấp độ mật, hoặc tạo mã truy cập cho người có độ mật, cao hơn độ mật của "
                           "chính bạn; việc này làm tại máy chủ bằng lệnh vanthu", field="Độ mật được xem")


def _not_oneself(ctx: Context, login: str) -> None:
    if login == ctx.user.login:
        raise InvalidInput("không tự khóa tài khoản của chính mình; nhờ một quản trị viên khác",
                           field="Tên đăng nhập")


def _change(ctx: Context, users, field: dict[str, str]) -> None:
    """A user's role, team and clearance set from the form; not one's own (an administrator who
    took away their own right could not give it back), and never above one's own clearance."""
    if field["login"] == ctx.user.login:
        raise InvalidInput("không tự sửa vai trò, độ mật của chính mình; nhờ một quản trị viên khác",
                           field="Tên đăng nhập")
    current = users.require(field["login"])
    kept = {key: field[key] == KEEP for key in ("role", "team", "clearance")}  # the form's default
    clearance = current.clearance if kept["clearance"] else parse_clearance(field["clearance"])
    _within_own_clearance(ctx, max(clearance, current.clearance))
    team = current.team if kept["team"] else number_in(field["team"])
    changed = users.change(field["login"], role=current.role if kept["role"] else field["role"],
                           name=field["name"] or current.name, team=team, clearance=clearance)
    ctx.audit("user-edit", changed.login, f"vai trò {ROLES[changed.role][0]}, tổ {changed.team or 'không'}, "
                                          f"độ mật được xem {mark_name(changed.clearance) or 'không'}")


async def admin_action(ctx: Context) -> Response:
    action = ctx.request.path_params["action"]
    form = await ctx.service.read_form(ctx.request)
    field = {key: str(form.get(key, "")).strip() for key in ("login", "role", "name", "team", "clearance",
                                                              "password", "token", "token_name")}
    try:
        with ctx.service.workspace.users() as users:
            if action == "them":
                team = number_in(field["team"])
                clearance = parse_clearance(field["clearance"])
                _within_own_clearance(ctx, clearance)
                users.add(field["login"], role=field["role"], password=str(form.get("password", "")),
                          name=field["name"], team=team, clearance=clearance)
                ctx.audit("user-add", field["login"], field["role"])
            elif action == "sua":
                _change(ctx, users, field)
            elif action == "khoa":
                if form.get("confirm") != "1":  # the button asks first, on a page of its own
                    return render(ctx, "admin_confirm.html", user_to_lock=users.require(field["login"]))
                _not_oneself(ctx, field["login"])
                users.disable(field["login"])
                ctx.audit("user-disable", field["login"])
            elif action == "mo-khoa":
                users.enable(field["login"])
                ctx.audit("user-enable", field["login"])
            elif action == "ma":
                _within_own_clearance(ctx, users.require(field["login"]).clearance)
                token_id, key = users.create_token(field["login"], field["token_name"])
                ctx.audit("token-create", field["login"], f"mã số {token_id}")
                return await admin_page(ctx, new_token=key)
            elif action == "thu-hoi" and number_in(field["token"]) is not None:
                users.revoke_token(number_in(field["token"]))
                ctx.audit("token-revoke", field["token"])
            elif action == "dat-lai-mat-khau":
                return await _reset(ctx, users, field["login"])
            else:
                raise InvalidInput("thao tác không hợp lệ", field="thao tác")
    except InvalidInput as exc:
        return await admin_page(ctx, 422, message(exc))
    return RedirectResponse(f"/quan-tri?notice={action}&ai={quote(field['login'])}&ma={field['token']}",
                            status_code=303)


async def _reset(ctx: Context, users, login: str) -> Response:
    """A password reset: not one's own (the «Đổi mật khẩu» page is for that), not for a user cleared
    above oneself (whoever holds the password reads what its owner reads); the temporary password is
    shown once, and its owner sets their own at the next login."""
    if login == ctx.user.login:
        raise InvalidInput("đổi mật khẩu của chính mình ở trang «Đổi mật khẩu»", field="Tên đăng nhập")
    _within_own_clearance(ctx, users.require(login).clearance)
    temporary = users.reset_password(login)
    ctx.audit("password-reset", login, "quản trị viên đặt lại mật khẩu")
    return await admin_page(ctx, new_password=(login, temporary))
