"""Sổ đăng ký: the register with filters; void with a reason (clerks); the issued files."""

from __future__ import annotations

from datetime import date

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

import office
from docgen.errors import ConversionFailed, ConverterMissing, InvalidInput, RegisterError
from docgen.kinds import find_kind, guessed_kind
from docgen.secrecy import LEVELS
from web.auth import Context, number_in
from web.pages import log, message, render, render_error, send_file
from web.views.search import int_param

VOID_PDF_FAILED = ("LibreOffice trên máy chủ chưa tạo được bản PDF có dấu «số đã hủy». Tải bản DOCX (cũng có dấu đó), "
                   "hoặc thử lại sau ít phút.")
STATUSES = {"issued": "Đã cấp số", "void": "Đã hủy", "signed": "Đã ký", "archived": "Đã lưu trữ"}


async def register_page(ctx: Context) -> Response:
    """The register, filtered; a filter that cannot be read lists nothing (never the whole register
    under an error), and says so."""
    params = ctx.request.query_params
    kind_text, year_text, status = params.get("kind", ""), params.get("year", ""), params.get("status", "")
    error = ""
    kind = find_kind(kind_text) if kind_text else None
    if kind_text and kind is None:
        error = message(InvalidInput(f"không có loại văn bản {guessed_kind(kind_text)}", field="Loại văn bản"))
    try:
        year = int_param(params, "year", "Năm")
    except InvalidInput as exc:
        year, error = None, error or message(exc)
    rows = [] if error else await run_in_threadpool(office.register_entries, ctx.service.workspace, ctx.viewer,
                                                    kind=kind.code if kind else None, year=year,
                                                    status=status if status in STATUSES else None)
    names = ctx.service.users().names()  # «người cấp số» by name
    return render(ctx, "register.html", 422 if error else 200, rows=rows, statuses=STATUSES, error=error, names=names,
                  book_year=year or date.today().year,
                  current={"kind": kind_text, "year": year_text, "status": status},
                  voided=next((r["symbol"] for r in rows if f"void-{r['id']}" == params.get("notice")
                               and r["status"] == "void"), ""),
                  reached={k: number_in(params[k]) for k in ("tep", "nv") if number_in(params.get(k, "")) is not None})


async def void(ctx: Context) -> Response:
    """«Hủy số» asks first, on a page of its own (as locking a user does): the entry, its reason, and
    what follows (its archived copies marked «đã hủy», its tasks closed); only then the void."""
    form = await ctx.service.read_form(ctx.request)
    entry_id, reason = ctx.request.path_params["entry"], str(form.get("reason", "")).strip()
    if form.get("confirm") != "1" or not reason:
        entry = office.register_entry(ctx.service.workspace, entry_id, ctx.viewer)
        if entry["status"] == "void":
            raise RegisterError(f"văn bản {entry['symbol']} đã bị hủy trước đó")
        error = "" if reason else message(InvalidInput("cần ghi lý do hủy", field="Lý do"))
        return render(ctx, "void_confirm.html", 422 if error else 200, entry=entry, reason=reason, error=error)
    entry = office.void_entry(ctx.service.workspace, entry_id, reason, ctx.viewer)
    ctx.audit("void", entry["symbol"], entry["void_reason"], LEVELS.get(entry["secrecy"], 0))
    reached = entry["reached"]
    return RedirectResponse(f"/so-dang-ky?notice=void-{entry['id']}&tep={reached['files']}&nv={reached['tasks']}",
                            status_code=303)


async def entry_file(ctx: Context) -> Response:
    fmt = ctx.request.path_params["fmt"]
    entry_id = ctx.request.path_params["entry"]
    if fmt == "huy":  # the voiding form's address, opened again (a new tab, a restored session): the register
        return RedirectResponse("/so-dang-ky", status_code=303)
    try:
        content, name = await run_in_threadpool(office.entry_download, ctx.service.workspace, entry_id, fmt,
                                                ctx.viewer, ctx.service.convert())
    except (ConversionFailed, ConverterMissing) as exc:  # a voided number's PDF is made now: LibreOffice may fail
        log.warning("tệp %s của mục %s: %s", fmt, entry_id, exc)  # the server's paths stay in the log
        return render_error(ctx.service, ctx.request, 503, "Chưa tạo được PDF", VOID_PDF_FAILED)
    level = LEVELS.get(office.register_entry(ctx.service.workspace, entry_id, ctx.viewer)["secrecy"], 0)
    ctx.audit("download", name, secrecy=level)
    return send_file(content, name=name, download=fmt != "pdf" or ctx.request.query_params.get("tai") == "1")
