"""What the pages share: the templates and their filters, rendering, files going out, uploads coming in."""

from __future__ import annotations

import json
import logging
import mimetypes
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape
from starlette.datastructures import UploadFile
from starlette.responses import FileResponse, Response
from starlette.templating import Jinja2Templates

from access.roles import ROLES, role_name
from docgen.errors import InvalidInput
from docgen.secrecy import LEVELS, mark_name
from web.limits import BodyTooLarge

if TYPE_CHECKING:
    from starlette.requests import Request

    from office.workspace import Workspace
    from web.auth import Context

log = logging.getLogger("vanthu.web")
SIGNATURE_WORDS = {"valid": "Hợp lệ", "untrusted": "Chưa xác thực được nguồn", "invalid": "KHÔNG hợp lệ",
                   "unsigned": "Không ký số", "": "Chưa rõ"}
CHUNK = 1024 * 1024


# The library names the CLI's options; a page names its own fields.
FIELD_LABELS = {"--topic": "Chủ đề", "--kind": "Loại văn bản", "--locality": "Địa bàn", "--week": "Tuần",
                "--team": "Tổ", "--signer": "Người ký", "--from": "Từ ngày", "--to": "Đến ngày",
                "LOGIN": "Tên đăng nhập",
                "LOẠI": "Loại văn bản", "--clearance": "Độ mật được xem", "--role": "Vai trò", "ID": "Số",
                "body": "Nội dung", "subject": "Trích yếu", "secrecy": "Độ mật", "urgency": "Độ khẩn", "date": "Ngày",
                "to": "Kính gửi", "recipients": "Nơi nhận", "signer": "Người ký", "--received": "Thời điểm nhận",
                "SỐ_ĐẾN": "Số đến", "--year": "Năm", "--book": "Sổ"}


def message(exc: Exception, labels: dict[str, str] | None = None) -> str:
    """An error's message as a page shows it: the fields by their labels on the page. ``labels`` are one
    form's own names for the library's options (``--note`` is «Ý kiến chỉ đạo» on one form, «Ghi chú»
    on another); an option the message names in «» elsewhere in its text is renamed too."""
    names = {**FIELD_LABELS, **(labels or {})}
    text = str(exc)
    for name, label in names.items():
        text = text.replace(f"trường «{name}»", f"trường «{label}»")
        if name.startswith("--"):
            text = text.replace(f"«{name}»", f"«{label}»")
    return text


async def json_object(request: Request) -> dict[str, Any]:
    """A request's body as the JSON object a route takes; anything else (not JSON, nested past what
    Python's parser recurses into, an array) is a 422 naming the body, never a 500."""
    try:
        data = json.loads(await request.body() or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidInput("phải là JSON (không lồng quá sâu)", field="Thân yêu cầu") from exc
    if not isinstance(data, dict):
        raise InvalidInput("phải là một đối tượng JSON ({…})", field="Thân yêu cầu")
    return data


def marked(snippet: str) -> Markup:
    """A snippet whose ``**found words**`` become ``<mark>``; everything else is escaped text."""
    parts = str(snippet or "").split("**")
    return Markup("").join(Markup(f"<mark>{escape(p)}</mark>") if i % 2 else escape(p)
                           for i, p in enumerate(parts))


def day(value: Any) -> str:
    """An ISO date or moment as people read it: 03/6/2026 style, dd/mm/yyyy."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if len(str(value)) <= 10:
        return moment.strftime("%d/%m/%Y")
    return (moment.astimezone() if moment.tzinfo else moment).strftime("%d/%m/%Y %H:%M")


_REPORT_HIT = re.compile(r"^bc-(\d{4}-W\d{2})-(\d{2})$")


def hit_href(hit: dict[str, Any]) -> str:
    """Where a search hit opens: a document's page, or a team's quick report (``bc-2026-W49-09``) on
    its own page."""
    report = _REPORT_HIT.match(str(hit.get("id", "")))
    if report:
        return report_href(report[1], int(report[2]))
    return f"/van-ban/{hit.get('id', '')}"


def report_href(week_label: str, team: int) -> str:
    return f"/bao-cao-tuan/{week_label}/to/{team}"


def week_words(week: Any) -> str:
    """A reporting week as people say it: ``tuần 49 năm 2026 (từ 09:00 ngày 27/11/2026 đến 09:00 ngày
    04/12/2026)``, never the ISO label alone."""
    start, end = week.start, week.deadline
    return (f"tuần {week.number} năm {week.year} (từ {start:%H:%M} ngày {start:%d/%m/%Y} "
            f"đến {end:%H:%M} ngày {end:%d/%m/%Y})")


def incoming_url(row: dict[str, Any]) -> str:
    """The page of an incoming register's row (``/van-ban-den/2026/15``, a secret book's ``?so=mat``)."""
    from incoming.rows import book_slug

    book = f"?so={book_slug(row['book'])}" if row.get("book") else ""
    return f"/van-ban-den/{row['year']}/{row['number']}{book}"


def make_templates(folder: Path) -> Jinja2Templates:
    templates = Jinja2Templates(directory=folder)  # autoescape on: no user text is markup
    templates.env.filters.update(marked=marked, day=day, signature=lambda s: SIGNATURE_WORDS.get(s or "", s),
                                 level=lambda mark: LEVELS.get(mark or "", 0),
                                 mark=mark_name, role=role_name, hit_href=hit_href, week_words=week_words,
                                 report_href=report_href, incoming_url=incoming_url,
                                 urlquote=lambda v: quote(str(v), safe=""))
    templates.env.globals.update(roles=ROLES, now_typed=now_typed)
    return templates


def query_with(params: dict[str, Any], **changes: Any) -> str:
    """The current query string with some values changed (None removes one): facet and page links."""
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged)


def render(ctx: Context, name: str, status: int = 200, **context: Any) -> Response:
    from access import roles

    base = {"user": ctx.user, "csrf": ctx.csrf, "may": ctx.may, "rights": roles, "path": ctx.request.url.path}
    return ctx.service.templates.TemplateResponse(ctx.request, name, {**base, **context}, status_code=status)


def render_error(service: Any, request: Request, status: int, title: str, message: str,
                 headers: dict[str, str] | None = None) -> Response:
    """An error page, with the menu of whoever is logged in (so they can go on from it)."""
    from access import roles
    from web.auth import identify

    ctx = identify(request, service)
    context = {"user": ctx.user if ctx else None, "csrf": ctx.csrf if ctx else "", "rights": roles,
               "may": ctx.may if ctx else (lambda _right: False), "path": request.url.path,
               "title": title, "message": message, "status": status}
    return service.templates.TemplateResponse(request, "error.html", context, status_code=status, headers=headers)


def send_file(content: Path | bytes, *, download: bool, name: str | None = None) -> Response:
    """A file going out (from disk, or made for the answer: then ``name`` is required): PDFs inline or as
    attachments with their own type, never as HTML."""
    shown = name or content.name  # type: ignore[union-attr]
    media = mimetypes.guess_type(shown)[0] or "application/octet-stream"
    if media not in ("application/pdf",):
        download = True
    disposition = "attachment" if download else "inline"
    headers = {"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(shown)}"}
    if isinstance(content, bytes):
        return Response(content, media_type=media, headers=headers)
    return FileResponse(content, media_type=media, headers=headers)


@contextmanager
def saved_uploads(workspace: Workspace, uploads: list[UploadFile], limit: int) -> Iterator[list[Path]]:
    """The uploaded files written into a temporary folder of the workspace, each within ``limit``
    bytes (counted as it is copied); the folder goes away afterwards."""
    if not uploads:
        raise InvalidInput("chưa chọn tệp nào", field="file")
    with tempfile.TemporaryDirectory(prefix=".upload-", dir=workspace.root) as folder:
        paths = []
        for number, upload in enumerate(uploads, start=1):
            target = Path(folder) / f"{number:03d}" / _safe_name(upload.filename or "", number)
            target.parent.mkdir()
            _copy_within(upload, target, limit)
            paths.append(target)
        yield paths


def _safe_name(sent: str, number: int) -> str:
    """The name a browser sent, as a file name this file system takes: its last part only, at most
    120 characters (its ending kept), never empty."""
    name = Path(sent.replace("\\", "/")).name.replace("\x00", "") or f"tep-{number}.pdf"
    stem, dot, suffix = name.rpartition(".")
    if len(name.encode("utf-8")) > 120:
        keep = suffix[:10] if dot else ""
        stem = (stem if dot else name).encode("utf-8")[:100].decode("utf-8", "ignore")
        name = f"{stem}.{keep}" if keep else stem
    return name


def _copy_within(upload: UploadFile, target: Path, limit: int) -> None:
    written = 0
    upload.file.seek(0)
    with target.open("wb") as out:
        while chunk := upload.file.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise BodyTooLarge(f"Tệp {target.name} quá lớn: tối đa {limit // CHUNK} MB một tệp.")
            out.write(chunk)


def start_converter(workspace: Workspace) -> Any:
    """The warm LibreOffice for previews and PDFs, started in the background (it takes some
    seconds); until it is warm, and if it cannot be, conversions take the cold path."""
    import threading

    from docgen.pdf import WarmConverter

    settings = workspace.settings
    converter = WarmConverter(settings.soffice, timeout=settings.pdf_timeout, unoserver=settings.unoserver or None)
    threading.Thread(target=converter.start, name="vanthu-libreoffice", daemon=True).start()
    return converter


def now_typed() -> str:
    """This minute as a clerk types a moment (``03/12/2026 08:30``): a form's «Ngày giờ đến» by default."""
    return f"{datetime.now():%d/%m/%Y %H:%M}"


def today_iso() -> str:
    return date.today().isoformat()
