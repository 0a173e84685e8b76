"""Chờ xác nhận: what OCR proposed, beside the page, and the clerk's correction form of a document."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

import office
from archive.corrections import CONFIRMABLE, EDITABLE, LABELS, CorrectionError, Edit
from docgen.errors import InvalidInput
from docgen.secrecy import level_of
from web.auth import Context
from web.pages import render

NORMAL = "thuong"  # the form's word for "no mark" (an empty field means "unchanged")


async def review_page(ctx: Context) -> Response:
    waiting = await run_in_threadpool(office.review_documents, ctx.service.workspace, ctx.viewer)
    return render(ctx, "review.html", waiting=waiting, labels=LABELS)


async def page_image(ctx: Context) -> Response:
    key, page = ctx.request.path_params["key"], ctx.request.path_params["page"]
    data = await run_in_threadpool(office.page_image, ctx.service.workspace, key, page, ctx.viewer)
    return Response(data, media_type="image/png")  # never cached: a page may be of a secret document


def edit_of(form: dict[str, str], confirm: list[str], who: str) -> Edit:
    """The form's fields as an edit: an empty field is no change; ``thuong`` clears a mark."""
    values = {}
    for name in EDITABLE:
        value = form.get(name, "").strip()
        if value:
            values[name] = "" if value == NORMAL else value
    return Edit(values, [name for name in confirm if name in CONFIRMABLE], who, form.get("note", "").strip())


async def correct(ctx: Context) -> Response:
    key = ctx.request.path_params["key"]
    form = await ctx.service.read_form(ctx.request)
    fields = {name: str(form.get(name, "")) for name in (*EDITABLE, "note")}
    edit = edit_of(fields, [str(v) for v in form.getlist("confirm")], ctx.user.login)
    try:
        record = await run_in_threadpool(office.correct_document, ctx.service.workspace, key, edit, ctx.viewer)
    except (InvalidInput, CorrectionError) as exc:
        page = await run_in_threadpool(office.document_page, ctx.service.workspace, key, ctx.viewer,
                                       ctx.service.index)
        field = (getattr(exc, "field", None) or "").removeprefix("--")
        errors = {field or "form": getattr(exc, "reason", str(exc))}
        return render(ctx, "document.html", 422, errors=errors, form=fields, labels=LABELS, **page)
    ctx.audit("correct", record.get("symbol") or record["id"], ", ".join([*edit.values, *edit.confirm]),
              level_of(record))
    return RedirectResponse(f"/van-ban/{record['id']}?sua=1", status_code=303)
