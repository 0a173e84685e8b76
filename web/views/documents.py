"""Văn bản: one archived document, its files, what it cites and what cites it, its tasks."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

import office
from archive.corrections import LABELS
from docgen.secrecy import LEVELS
from web.auth import Context
from web.pages import render, send_file


def _audit_secret(ctx: Context, record: dict) -> None:
    level = LEVELS.get(record.get("secrecy") or "", 1)
    if level:
        ctx.audit("view-secret", record.get("symbol") or record["id"], record.get("secrecy", ""), level)


async def document_page(ctx: Context) -> Response:
    key = ctx.request.path_params["key"]
    page = await run_in_threadpool(office.document_page, ctx.service.workspace, key, ctx.viewer,
                                   ctx.service.index)
    _audit_secret(ctx, page["document"])
    return render(ctx, "document.html", labels=LABELS, errors={}, form={},
                  corrected=ctx.request.query_params.get("sua") == "1", **page)


async def file(ctx: Context) -> Response:
    key, n = ctx.request.path_params["key"], ctx.request.path_params["n"]
    path, record = office.document_file(ctx.service.workspace, key, n, ctx.viewer)
    download = ctx.request.query_params.get("tai") == "1"
    ctx.audit("download", record.get("symbol") or record["id"], f"tệp {n}" + (" (tải về)" if download else ""),
              LEVELS.get(record.get("secrecy") or "", 1))
    name = f"{(record.get('symbol') or record['id']).replace('/', '-')}.pdf"
    return send_file(path, download=download, name=name)
