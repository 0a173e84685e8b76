"""The web service: the route table, the middleware, start-up and shutdown.

``create_app(workspace)`` is all there is to it: a table of routes to small
views (each guarded by the right it needs, see ``auth.py``), one ``Service``
holding the long-lived state (the warm searcher, the LibreOffice listener,
the watcher thread), started and stopped in the app's lifespan, never at
import time.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

import office
from access import roles
from access.throttle import LoginThrottle
from access.users import UserBook
from docgen.errors import InvalidInput, RegisterError, VanthuError
from indexer.engine import IndexUnavailable, SearchIndex
from office.workspace import Workspace
from web import api, pages
from web.auth import CsrfRefused, Forbidden, Unauthenticated, guarded
from web.limits import (
    FORM_LIMIT,
    ONE_FILE_PATHS,
    BodyLimit,
    BodyTooLarge,
    LimitedMultiPartParser,
    SecurityHeaders,
    secured,
)
from web.searching import SearchProcesses
from web.views import admin, archive, audit, documents, drafts, incoming, login, register, review, search, weekly

HERE = Path(__file__).resolve().parent
log = logging.getLogger("vanthu.web")


@dataclass
class Service:
    """The long-lived state of one running service, shared by its request threads."""

    workspace: Workspace
    secure_cookies: bool = False
    watch: bool = False
    templates: Jinja2Templates = field(init=False)
    index: SearchIndex = field(init=False)
    converter: Any = None  # the warm LibreOffice, once started
    search_processes: int = 0  # 0: searches run in this process's threads (the tests)
    warm_converter: bool = True  # False: previews and PDFs by a LibreOffice started for each (the tests)
    _searchers: SearchProcesses | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _local: threading.local = field(default_factory=threading.local)
    _watcher: threading.Thread | None = None
    throttle: LoginThrottle = field(default_factory=LoginThrottle)

    def __post_init__(self) -> None:
        self.templates = pages.make_templates(HERE / "templates")
        self.index = self.workspace.search_index()

    def users(self) -> UserBook:
        """This thread's connection to the users' tables: every request asks who it is, so the
        connection is kept (a SQLite connection belongs to the thread that opened it)."""
        book = getattr(self._local, "users", None)
        if book is None:
            book = self._local.users = self.workspace.users()
        return book

    @property
    def upload_limit(self) -> int:
        return int(self.workspace.settings.upload_limit_mb * 1024 * 1024)

    async def read_form(self, request: Request) -> FormData:
        """The request's form, parsed once (later calls get the same), within the upload limits: each
        file's size is counted while it streams in."""
        if getattr(request.state, "form", None) is not None:
            return request.state.form
        if request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
            one = request.url.path in ONE_FILE_PATHS
            parser = LimitedMultiPartParser(request.headers, request.stream(), file_limit=self.upload_limit,
                                            max_files=1 if one else self.workspace.settings.upload_max_files,
                                            max_fields=200)
            try:
                form = await parser.parse()
            except MultiPartException as exc:
                raise InvalidInput("không đọc được biểu mẫu tải lên: quá nhiều tệp một lần, tên tệp quá dài (quá "
                                   "255 ký tự) hoặc biểu mẫu bị hỏng; chọn lại tệp, đổi tên cho ngắn nếu cần",
                                   field="Tệp") from exc
        else:
            # a field as long as the body may be: a long draft's length is judged, and named, by the library
            form = await request.form(max_files=0, max_fields=200, max_part_size=FORM_LIMIT)
        request.state.form = form
        return form

    def convert(self):
        """The warm converter as ``attach_pdfs`` takes it, or None (a cold LibreOffice) until it is warm."""
        converter = self.converter
        if converter is None or not converter.warm:
            return None
        return lambda paths: [converter.convert(path) for path in paths]

    async def search(self, request: Any, viewer: Any) -> dict[str, Any]:
        """``office.search_archive`` in the search processes (see ``searching.py``), or in a thread."""
        if self._searchers is not None:
            return await self._searchers.search(request, viewer)
        return await run_in_threadpool(office.search_archive, self.workspace, request, viewer, self.index)

    def start(self) -> None:
        if self.warm_converter:
            self.converter = pages.start_converter(self.workspace)
        if self.search_processes > 0:
            self._searchers = SearchProcesses(self.workspace.root, self.search_processes)
            self._searchers.warm()
        if self.watch:
            self._watcher = threading.Thread(target=self._watch, name="vanthu-watch", daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        def report(outcome, message: str) -> None:
            if outcome is not None:
                log.info("inbox: %s %s %s", outcome.status, outcome.file, outcome.reason)
            else:
                log.warning("inbox: %s", message)

        office.watch_inbox(self.workspace, self._stop, report, lambda m: log.warning("%s", m))

    def stop(self) -> None:
        """Let an ingest in flight finish, then release LibreOffice and the searcher."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=120)
        if self.converter is not None:
            self.converter.close()
        if self._searchers is not None:
            self._searchers.close()
        self.index.close()


async def _favicon(_request: Request) -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)


def _route_table() -> list[Route | Mount]:
    r = roles
    page, call = (lambda view, right: guarded(view, right, api=False)), \
        (lambda view, right: guarded(view, right, api=True))
    return [
        Route("/api/health", api.health),
        Route("/favicon.ico", _favicon),  # asked by browsers whatever the page links: public, as /static
        Route("/dang-nhap", login.login_page, methods=["GET", "POST"]),
        Route("/dang-xuat", page(login.logout, None), methods=["POST"]),
        Route("/doi-mat-khau", page(login.password_page, None), methods=["GET", "POST"]),
        Route("/", page(search.search_page, None)),
        Route("/cho-xac-nhan", page(review.review_page, r.ARCHIVE)),
        Route("/van-ban/{key:path}/trang/{page:int}.png", page(review.page_image, r.ARCHIVE)),
        Route("/van-ban/{key:path}/sua", page(review.correct, r.ARCHIVE), methods=["POST"]),
        Route("/van-ban/{key:path}/tep/{n:int}", page(documents.file, r.READ)),
        Route("/van-ban/{key:path}", page(documents.document_page, r.READ)),
        Route("/soan", page(drafts.drafts_page, r.DRAFT)),
        Route("/soan/kiem-tra-the-thuc", page(drafts.check_upload, r.DRAFT), methods=["POST"]),
        Route("/soan/{kind}", page(drafts.draft_form, r.DRAFT), methods=["GET", "POST"]),
        Route("/so-dang-ky", page(register.register_page, r.REGISTER)),
        Route("/so-dang-ky/so.{fmt}", page(incoming.outgoing_book, r.REGISTER)),
        Route("/van-ban-den", page(incoming.incoming_page, r.READ)),
        Route("/van-ban-den", page(incoming.register, r.INCOMING_REGISTER), methods=["POST"]),
        Route("/van-ban-den/so.{fmt}", page(incoming.book_file, r.REGISTER)),
        Route("/van-ban-den/{year:int}/{n:int}", page(incoming.incoming_row_page, r.READ)),
        Route("/van-ban-den/{year:int}/{n:int}/chi-dao", page(incoming.direct, r.INCOMING_DIRECT), methods=["POST"]),
        Route("/van-ban-den/{year:int}/{n:int}/tien-do", page(incoming.progress, r.INCOMING_HANDLE), methods=["POST"]),
        Route("/van-ban-den/{year:int}/{n:int}/xong", page(incoming.done, r.INCOMING_HANDLE), methods=["POST"]),
        Route("/so-dang-ky/{entry:int}/huy", page(register.void, r.ISSUE), methods=["POST"]),
        Route("/so-dang-ky/{entry:int}/{fmt}", page(register.entry_file, r.REGISTER)),
        Route("/luu-tru", page(archive.archive_page, r.ARCHIVE), methods=["GET", "POST"]),
        Route("/luu-tru/cach-ly/{name}/{action}", page(archive.quarantine_action, r.ARCHIVE),
              methods=["POST"]),
        Route("/bao-cao-tuan", page(weekly.weekly_page, r.READ)),
        Route("/bao-cao-tuan/gui", page(weekly.send_report, (r.REPORT_OWN, r.REPORT_ANY)), methods=["POST"]),
        Route("/bao-cao-tuan/tong-hop", page(weekly.compile_digest, r.DIGEST), methods=["POST"]),
        Route("/bao-cao-tuan/tong-hop/{name}", page(weekly.digest_file, r.DIGEST)),
        Route("/bao-cao-tuan/{week}/to/{team:int}", page(weekly.report_page, r.READ)),
        Route("/nhiem-vu/{task:int}", page(weekly.update_task, r.TASKS_EDIT), methods=["POST"]),
        Route("/quan-tri", page(admin.admin_page, r.ADMIN)),
        Route("/nhat-ky", page(audit.audit_page, r.AUDIT)),
        Route("/quan-tri/{action}", page(admin.admin_action, r.ADMIN), methods=["POST"]),
        Route("/api/search", call(api.search, r.READ)),
        Route("/api/documents", call(api.create_document, (r.DRAFT, r.ISSUE)), methods=["POST"]),
        Route("/api/documents/{key:path}/files/{n:int}", call(api.document_file, r.READ)),
        Route("/api/documents/{key:path}", call(api.document, r.READ)),
        Route("/api/archive", call(api.archive_upload, r.ARCHIVE), methods=["POST"]),
        Route("/api/register", call(api.register, r.REGISTER)),
        Route("/api/tasks", call(api.tasks, r.READ)),
        Route("/api/reports", call(api.report, (r.REPORT_OWN, r.REPORT_ANY)), methods=["POST"]),
        Route("/api/digest", call(api.digest, r.DIGEST)),
        Route("/api/incoming", call(incoming.api_list, r.READ)),
        Route("/api/incoming", call(incoming.api_register, r.INCOMING_REGISTER), methods=["POST"]),
        Route("/api/incoming/{n}", call(incoming.api_row, r.READ)),
        Route("/api/incoming/{n}/direction", call(incoming.api_direct, r.INCOMING_DIRECT), methods=["POST"]),
        Route("/api/incoming/{n}/done", call(incoming.api_done, r.INCOMING_HANDLE), methods=["POST"]),
        Route("/api/incoming/{n}/progress", call(incoming.api_progress, r.INCOMING_HANDLE), methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


def _status_of(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, Unauthenticated):
        return 401, "Chưa đăng nhập"
    if isinstance(exc, Forbidden | CsrfRefused):
        return 403, "Không có quyền"
    if isinstance(exc, office.NotFound):
        return 404, "Không tìm thấy"
    if isinstance(exc, BodyTooLarge):
        return 413, "Tệp quá lớn"
    if isinstance(exc, IndexUnavailable):
        return 503, "Chỉ mục tìm kiếm đang bận"
    if isinstance(exc, InvalidInput | office.Ambiguous):
        return 422, "Dữ liệu không hợp lệ"
    if isinstance(exc, RegisterError):
        return 409, "Xung đột"
    return 500, "Lỗi"


async def _on_error(request: Request, exc: Exception) -> Response:
    """Vietnamese pages and JSON for every failure; a trace goes to the log, never to the user."""
    if isinstance(exc, HTTPException):
        status, title = exc.status_code, ("Không tìm thấy" if exc.status_code == 404 else "Lỗi")
        message = "Không có trang này." if exc.status_code == 404 else "Yêu cầu không hợp lệ."
    elif isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        status, title, message = 503, "Cơ sở dữ liệu đang bận", "Cơ sở dữ liệu đang bận; xin thử lại sau ít giây."
    elif isinstance(exc, VanthuError):
        status, title = _status_of(exc)
        message = pages.message(exc)
    else:
        log.exception("lỗi không lường trước ở %s", request.url.path)
        status, title, message = 500, "Lỗi", "Đã có lỗi ở máy chủ; lỗi đã được ghi lại để xử lý."
    headers = {"Retry-After": "2"} if status == 503 else None
    if request.url.path.startswith("/api/"):
        response: Response = JSONResponse({"error": message}, status_code=status, headers=headers)
    else:
        response = pages.render_error(request.app.state.service, request, status, title, message, headers)
    # A 500 is answered outside the middleware (Starlette's outermost error handler): the same headers here.
    response.raw_headers[:] = secured(response.raw_headers)
    return response


def create_app(workspace: Workspace, *, watch: bool = False, secure_cookies: bool = False,
               search_processes: int = 0, warm_converter: bool = True) -> Starlette:
    service = Service(workspace, secure_cookies=secure_cookies, watch=watch, search_processes=search_processes,
                      warm_converter=warm_converter)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        service.start()
        try:
            yield
        finally:
            service.stop()

    app = Starlette(routes=_route_table(), lifespan=lifespan,
                    exception_handlers={VanthuError: _on_error, HTTPException: _on_error,
                                        sqlite3.OperationalError: _on_error, Exception: _on_error})
    app.state.service = service
    app.add_middleware(BodyLimit, limit=lambda: service.upload_limit * workspace.settings.upload_max_files)
    app.add_middleware(SecurityHeaders)
    return app
