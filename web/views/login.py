"""Đăng nhập, đăng xuất."""

from __future__ import annotations

import hmac
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from access.users import SESSION_HOURS, LoginFailed
from docgen.errors import InvalidInput
from web.auth import COOKIE, Context, local_next, session_cookie
from web.pages import message, render

PRE_COOKIE = "vanthu_login"  # a token the login form must send back: no login from another site


def _form(request: Request, status: int = 200, error: str = "", login: str = "") -> Response:
    service = request.app.state.service
    token = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)
    response = service.templates.TemplateResponse(
        request, "login.html", {"user": None, "csrf": token, "error": error, "login": login,
                                "next": local_next(request.query_params.get("next")),
                                "may": lambda _r: False, "path": request.url.path}, status_code=status)
    response.set_cookie(PRE_COOKIE, token, httponly=True, samesite="lax", secure=service.secure_cookies,
                        path="/dang-nhap")
    return response


async def login_page(request: Request) -> Response:
    if request.method != "POST":  # GET, and HEAD: only a POST changes anything
        return _form(request)
    service = request.app.state.service
    form = await service.read_form(request)
    login, password = str(form.get("login", "")).strip().lower(), str(form.get("password", ""))
    expected = request.cookies.get(PRE_COOKIE, "")
    if not expected or not hmac.compare_digest(str(form.get("csrf", "")), expected):
        return _form(request, 403, "Phiên đăng nhập đã hết hạn; xin nhập lại.", login)
    address = request.client.host if request.client else ""
    wait = service.throttle.start(address)
    if wait:
        return _form(request, 429, f"Máy này đã đăng nhập sai quá nhiều lần; xin thử lại sau {wait} giây.", login)

    def attempt():
        with service.workspace.users() as users, service.workspace.audit() as audit:
            try:
                user = users.authenticate(login, password)
            except LoginFailed:
                service.throttle.finish(address, failed=True)
                audit.record(login or "?", "login-failed", address=address)
                raise
            except BaseException:
                service.throttle.finish(address, failed=False)
                raise
            service.throttle.finish(address, failed=False)
            audit.record(user.login, "login", address=address)
            return users.open_session(user)

    try:
        key = await run_in_threadpool(attempt)
    except LoginFailed as exc:
        return _form(request, 401, str(exc), login)
    target = local_next(form.get("next"))
    response = RedirectResponse(target, status_code=303)
    session_cookie(response, key, secure=service.secure_cookies, max_age=SESSION_HOURS * 3600)
    response.delete_cookie(PRE_COOKIE, path="/dang-nhap")
    return response


async def logout(ctx: Context) -> Response:
    with ctx.service.workspace.users() as users:
        users.close_session(ctx.session_key)
    ctx.audit("logout")
    response = RedirectResponse("/dang-nhap", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def password_page(ctx: Context) -> Response:
    """Đổi mật khẩu: the user's own change (current password, the new one twice); the page an
    administrator's reset sends the user to at their next login."""
    forced = ctx.service.users().must_change(ctx.user.login)
    if ctx.request.method == "GET":
        return render(ctx, "password.html", forced=forced, done=ctx.request.query_params.get("xong") == "1")
    form = await ctx.service.read_form(ctx.request)
    fields = [str(form.get(name, "")) for name in ("current", "new", "again")]

    def change() -> str:
        with ctx.service.workspace.users() as users:
            users.change_password(ctx.user.login, *fields)
            return users.open_session(users.require(ctx.user.login))  # the others ended with the change

    try:
        key = await run_in_threadpool(change)
    except InvalidInput as exc:
        return render(ctx, "password.html", 422, forced=forced, error=message(exc), field=exc.field)
    ctx.audit("user-passwd", ctx.user.login, "tự đổi trên trang Đổi mật khẩu")
    response = RedirectResponse("/doi-mat-khau?xong=1", status_code=303)
    session_cookie(response, key, secure=ctx.service.secure_cookies, max_age=SESSION_HOURS * 3600)
    return response
