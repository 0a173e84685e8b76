"""The JSON routes: the same shapes as the CLI's ``--json``, from the same library functions."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

import office
from access import roles
from docgen.errors import InvalidInput
from docgen.secrecy import LEVELS, level_of
from web.auth import Context, Forbidden, number_in
from web.pages import json_object, send_file
from web.views.archive import upload_outcomes
from web.views.documents import _audit_secret
from web.views.search import int_param, request_from
from web.views.weekly import report_from_upload


def _json(value: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(value, status_code=status)


async def health(_request: Request) -> Response:
    return _json({"status": "ok"})


async def search(ctx: Context) -> Response:
    request = request_from(ctx.request.query_params, facets=ctx.request.query_params.get("facets") == "1", api=True)
    return _json(await ctx.service.search(request, ctx.viewer))


async def document(ctx: Context) -> Response:
    record = office.find_document(ctx.service.workspace, ctx.request.path_params["key"], ctx.viewer)
    _audit_secret(ctx, record)
    return _json(record)


async def document_file(ctx: Context) -> Response:
    path, record = office.document_file(ctx.service.workspace, ctx.request.path_params["key"],
                                        ctx.request.path_params["n"], ctx.viewer)
    ctx.audit("download", record.get("symbol") or record["id"], "API", LEVELS.get(record.get("secrecy") or "", 1))
    return send_file(path, download=True, name=f"{(record.get('symbol') or record['id']).replace('/', '-')}.pdf")


def _in_workspace(workspace: Any, value: str | None) -> str | None:
    """A file's path as the API shows it: relative to the workspace (``out/01-CV-TU.docx``), never the
    server's folders; a file outside it by its name only."""
    if not value:
        return value
    path = Path(value)
    return path.relative_to(workspace.root).as_posix() if path.is_relative_to(workspace.root) else path.name


def _field_errors(exc: InvalidInput) -> dict[str, Any]:
    """Each field's problem (all of them, when the library found several at once), as the form shows them."""
    problems = getattr(exc, "problems", None) or {exc.field or "": exc.reason}
    return {"error": str(exc), "errors": [{"field": field, "message": reason} for field, reason in problems.items()]}


async def create_document(ctx: Context) -> Response:
    """201 and the JSON of ``vanthu new --json``; 422 with the field in error, and no number spent."""
    params = ctx.request.query_params
    draft = params.get("draft") in ("1", "true")
    if not ctx.may(roles.DRAFT if draft else roles.ISSUE):
        raise Forbidden("Vai trò của bạn không được " + ("soạn dự thảo." if draft else "cấp số văn bản."))
    data = await json_object(ctx.request)
    workspace = ctx.service.workspace
    try:
        kind = office.generated_kind(params.get("kind", ""))
        data = office.checked_marks(data, ctx.viewer)
        document = office.document_from_data(workspace, kind.slug, data, "API")
    except InvalidInput as exc:
        return _json(_field_errors(exc), 422)
    saved = None
    if draft:  # a draft made through the API is a draft like one saved from the form, with its own file
        with workspace.drafts() as book:
            saved = book.save(kind.slug, data, ctx.user.login)
        document = dataclasses.replace(document, source=f"api-{saved.id}")
    try:  # the same kind, trích yếu and day as an issued one: 422 unless ``again=true``
        issued, pdf_error = await run_in_threadpool(lambda: office.issue(
            workspace, [document], draft=draft, want_pdf=params.get("pdf") in ("1", "true"),
            convert=ctx.service.convert(), again=params.get("again") in ("1", "true"), viewer=ctx.viewer))
    except InvalidInput as exc:
        return _json(_field_errors(exc), 422)
    ctx.audit("draft" if draft else "issue", f"dự thảo {saved.id}" if saved else issued[0].symbol, document.subject,
              LEVELS.get(document.secrecy, 0))
    body = issued[0].as_json() | ({"draft_id": saved.id} if saved else {})
    body |= {key: _in_workspace(workspace, body[key]) for key in ("docx", "pdf")}
    return _json(body | ({"pdf_error": str(pdf_error)} if pdf_error else {}), 201)


async def archive_upload(ctx: Context) -> Response:
    form = await ctx.service.read_form(ctx.request)
    uploads = [item for item in form.getlist("file") if isinstance(item, UploadFile)]
    return _json(await run_in_threadpool(upload_outcomes, ctx, uploads))


async def register(ctx: Context) -> Response:
    params = ctx.request.query_params
    rows = await run_in_threadpool(office.register_entries, ctx.service.workspace, ctx.viewer,
                                   kind=params.get("kind") or None, body=params.get("body") or None,
                                   year=int_param(params, "year", "Năm", api=True))
    workspace = ctx.service.workspace
    return _json([{**row, **{key: _in_workspace(workspace, row[key]) for key in ("docx_path", "pdf_path")}}
                  for row in rows])


async def tasks(ctx: Context) -> Response:
    params = ctx.request.query_params
    filters: dict[str, Any] = {"overdue": params.get("overdue") in ("1", "true"),
                               "open_only": params.get("all") not in ("1", "true")}
    for name, label in (("team", "Tổ"), ("due_within", "Đến hạn trong số ngày")):
        value = int_param(params, name, label, api=True)
        if value is not None:
            filters[name] = value
    if params.get("locality"):
        filters["locality"] = params["locality"]
    return _json(await run_in_threadpool(office.select_tasks, ctx.service.workspace, ctx.viewer, **filters))


async def report(ctx: Context) -> Response:
    team = number_in(ctx.request.query_params.get("team", ""))
    if team is None:
        raise InvalidInput("cần số tổ: ?team=N", field="team")
    form = await ctx.service.read_form(ctx.request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise InvalidInput("cần một tệp báo cáo (trường «file»)", field="file")
    receipt = await run_in_threadpool(report_from_upload, ctx, team, upload, {},
                                      ctx.request.query_params.get("week"), ctx.request.query_params.get("secrecy", ""))
    ctx.audit("report", f"Tổ {team}", receipt.week.label, level_of(receipt.report))
    return _json({**receipt.report, "warning": receipt.index_warning}, 201)


async def digest(ctx: Context) -> Response:
    week = office.current_week(ctx.service.workspace, ctx.request.query_params.get("week"))
    return _json(await run_in_threadpool(office.digest_data, ctx.service.workspace, week, ctx.viewer))
