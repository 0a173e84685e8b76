"""ASGI middleware at the edge: a cap on request bodies, counted while they stream, and the
security headers every answer carries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.formparsers import MultiPartParser

from docgen.errors import VanthuError

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-src 'self'; object-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
]


class BodyTooLarge(VanthuError):
    """A request body past the upload limit; the rest of it is never read."""


FORM_LIMIT = 2 * 1024 * 1024  # a page's form or a JSON body: a long draft fits many times over
UPLOAD_PATHS = ("/luu-tru", "/api/archive", "/bao-cao-tuan/gui", "/api/reports", "/soan/kiem-tra-the-thuc")
ONE_FILE_PATHS = ("/bao-cao-tuan/gui", "/api/reports", "/soan/kiem-tra-the-thuc")  # one report, one file checked


class LimitedMultiPartParser(MultiPartParser):
    """Starlette's multipart parser, with each file's bytes counted as they stream in: a file past
    ``file_limit`` stops the upload there, before the rest is read or spooled."""

    def __init__(self, *args: Any, file_limit: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.file_limit, self._file_bytes = file_limit, 0

    def on_part_begin(self) -> None:
        super().on_part_begin()
        self._file_bytes = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_part.file is not None:
            self._file_bytes += end - start
            if self._file_bytes > self.file_limit:
                name = self._current_part.file.filename or ""
                raise BodyTooLarge(f"Tệp {name[:80]} quá lớn: tối đa {self.file_limit // (1024 * 1024)} MB một tệp.")
        super().on_part_data(data, start, end)


class BodyLimit:
    """Refuse a body larger than the route allows: an upload route ``limit()`` bytes, every other route
    ``FORM_LIMIT``; at once when the length is declared, else as soon as the bytes received pass it (so a
    client, logged in or not, cannot make the server read or keep more)."""

    def __init__(self, app: Any, limit: Callable[[], int]):
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.limit() if scope.get("path", "") in UPLOAD_PATHS else FORM_LIMIT
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        message = f"Yêu cầu quá lớn: tối đa {cap // (1024 * 1024)} MB."
        if declared.isdigit() and int(declared) > cap:
            scope.setdefault("state", {})["too_large"] = message
        received = 0

        async def counted() -> dict:
            nonlocal received
            if scope.get("state", {}).get("too_large"):
                raise BodyTooLarge(message)
            event = await receive()
            received += len(event.get("body", b""))
            if received > cap:
                raise BodyTooLarge(message)
            return event

        await self.app(scope, counted, send)


def secured(headers: list[tuple[bytes, bytes]], *, static: bool = False) -> list[tuple[bytes, bytes]]:
    """A response's headers with the security headers set once (replacing any the view set), and
    ``no-store`` unless it is a static file."""
    ours = [*HEADERS, *([] if static else [(b"cache-control", b"no-store")])]
    names = {name for name, _value in ours}
    return [h for h in headers if h[0].lower() not in names] + ours


class SecurityHeaders:
    """CSP without inline scripts, no sniffing, no framing by others, and no caching of pages
    (they may show secret documents)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": secured(message.get("headers") or [], static=static)}
            await send(message)

        await self.app(scope, receive, with_headers)
