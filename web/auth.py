"""The one door of the service: who is asking, whether their role grants the route's right, CSRF.

Every route of the table in ``app.py`` is wrapped by ``guarded`` with the
right it needs, so no view can forget to check. A browser session is a random
key in an ``HttpOnly``, ``SameSite=Lax`` cookie (``Secure`` behind HTTPS); an
integration sends ``Authorization: Bearer TOKEN``. A request that changes
anything with a cookie must carry the session's CSRF token (a form field or
the ``X-CSRF-Token`` header); a token-authenticated request needs none, since
no browser sends it by itself.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from access.roles import may
from access.users import User
from docgen.errors import VanthuError
from office.errors import NotFound

if TYPE_CHECKING:
    from web.app import Service

COOKIE = "vanthu_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
OWN_PASSWORD_PATHS = {"/doi-mat-khau", "/dang-xuat"}  # what a user whose password was reset may open


class Unauthenticated(VanthuError):
    """No valid session or token."""


class Forbidden(VanthuError):
    """Logged in, but the role does not grant the right."""


class CsrfRefused(VanthuError):
    """A state change without the session's CSRF token."""


@dataclass
class Context:
    """What a view knows of the request: the service, the user, and how they came in."""

    request: Request
    service: Service
    user: User
    csrf: str  # the session's token, '' for an API token
    session_key: str = ""

    @property
    def viewer(self):
        return self.user.viewer

    def may(self, right: str) -> bool:
        return may(self.user.role, right)

    def audit(self, action: str, target: str = "", detail: str = "", secrecy: int = 0) -> None:
        client = self.request.client.host if self.request.client else ""
        with self.service.workspace.audit() as log:
            log.record(self.user.login, action, target, detail, client, secrecy)


View = Callable[[Context], Awaitable[Response]]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def identify(request: Request, service: Service) -> Context | None:
    """The context of a logged-in request, or None."""
    token = _bearer(request)
    users = service.users()
    if token:
        user = users.token_user(token)
        return Context(request, service, user, "") if user else None
    key = request.cookies.get(COOKIE, "")
    session = users.session(key) if key else None
    return Context(request, service, session.user, session.csrf, key) if session else None


async def check_csrf(ctx: Context) -> None:
    """Refuse a cookie-authenticated state change without the session's token."""
    request = ctx.request
    if request.method in SAFE_METHODS or not ctx.session_key:
        return
    sent = request.headers.get("x-csrf-token", "")
    if not sent and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await ctx.service.read_form(request)
        sent = str(form.get("csrf", ""))
    if not sent or not hmac.compare_digest(sent, ctx.csrf):
        raise CsrfRefused("Yêu cầu bị từ chối: thiếu hoặc sai mã chống giả mạo (CSRF). Hãy tải lại trang.")


MAX_NUMBER = 2 ** 31 - 1  # an id or a number in a path: anything larger names nothing (and SQLite's range ends)


def number_in(text: object) -> int | None:
    """A whole number as typed into a form or a query string, or None: ASCII digits only (``"²".isdigit()``
    is true and ``int("²")`` fails), no larger than ``MAX_NUMBER`` (a larger one names nothing, and SQLite
    cannot take it)."""
    text = str(text).strip()
    if text.isascii() and text.isdigit() and len(text) <= len(str(MAX_NUMBER)) and int(text) <= MAX_NUMBER:
        return int(text)
    return None


def guarded(view: View, right: str | tuple[str, ...] | None, *,
            api: bool) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint: identify, check the right (or one of the rights) and CSRF, then run the view.
    The role is checked before CSRF, whose check may read the body: a role without the right never
    makes the service read what it sent."""
    rights = (right,) if isinstance(right, str) else right

    async def endpoint(request: Request) -> Response:
        service: Service = request.app.state.service
        ctx = identify(request, service)
        if ctx is None:
            if api:
                raise Unauthenticated("Cần đăng nhập hoặc mã truy cập (Authorization: Bearer …).")
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/dang-nhap?next={quote(target)}", status_code=303)
        if ctx.session_key and request.url.path not in OWN_PASSWORD_PATHS and \
                service.users().must_change(ctx.user.login):  # reset by an administrator: a new one first
            if api:
                raise Forbidden("Mật khẩu của bạn đã được quản trị viên đặt lại: hãy đổi mật khẩu ở trang "
                                "/doi-mat-khau trước.")
            return RedirectResponse("/doi-mat-khau", status_code=303)
        if rights is not None and not any(ctx.may(r) for r in rights):
            raise Forbidden("Vai trò của bạn không có quyền này.")
        if any(isinstance(v, int) and v > MAX_NUMBER for v in request.path_params.values()):
            raise NotFound("không có mục mang số này")
        await check_csrf(ctx)
        return await view(ctx)

    endpoint.__name__ = getattr(view, "__name__", "endpoint")
    return endpoint


def session_cookie(response: Response, key: str, *, secure: bool, max_age: int) -> None:
    response.set_cookie(COOKIE, key, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/")


def local_next(value: Any) -> str:
    """Where to go after logging in: a path of this site only, never another host."""
    text = str(value or "/")
    return text if text.startswith("/") and not text.startswith("//") and "\\" not in text else "/"
