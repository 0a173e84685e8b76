"""Sổ đăng ký: the register with filters; void with a reason (clerks); the issued files."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from docgen.errors import InvalidInput
from docgen.kinds import find_kind
from vanthu import office
from web.auth import Context
from web.pages import render, send_file

STATUSES = {"issued": "Đã cấp số", "void": "Đã hủy", "signed": "Đã ký", "archived": "Đã lưu trữ"}


async def register_page(ctx: Context) -> Response:
    params = ctx.request.query_params
    kind_text, year_text, status = params.get("kind", ""), params.get("year", ""), params.get("status", "")
    error = ""
    kind = find_kind(kind_text) if kind_text else None
    if kind_text and kind is None:
        error = str(InvalidInput(f"không có loại văn bản «{kind_text}»", field="Loại văn bản"))
    year = int(year_text) if year_text.isdigit() else None
    rows = await run_in_threadpool(office.register_entries, ctx.service.workspace, ctx.viewer,
                                   kind=kind.code if kind else None, year=year,
                                   status=status if status in STATUSES else None)
    return render(ctx, "register.html", 422 if error else 200, rows=rows, statuses=STATUSES, error=error,
                  current={"kind": kind_text, "year": year_text, "status": status},
                  notice=params.get("notice", ""))


async def void(ctx: Context) -> Response:
    form = await ctx.service.read_form(ctx.request)
    entry = office.void_entry(ctx.service.workspace, ctx.request.path_params["entry"],
                              str(form.get("reason", "")), ctx.viewer)
    ctx.audit("void", entry["symbol"], entry["void_reason"])
    return RedirectResponse(f"/so-dang-ky?notice=void-{entry['id']}", status_code=303)


async def entry_file(ctx: Context) -> Response:
    fmt = ctx.request.path_params["fmt"]
    path = office.entry_file(ctx.service.workspace, ctx.request.path_params["entry"], fmt, ctx.viewer)
    ctx.audit("download", path.name)
    return send_file(path, download=fmt != "pdf" or ctx.request.query_params.get("tai") == "1")
