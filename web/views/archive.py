"""Lưu trữ: upload signed PDFs into the inbox's pipeline, the quarantine and its actions, the check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

import office
from access import roles
from docgen.errors import InvalidInput
from docgen.secrecy import level_of
from office import incoming as office_incoming
from web.auth import Context
from web.pages import message, render, saved_uploads
from web.views.incoming import actor_of

if TYPE_CHECKING:
    from archive.pipeline import Outcome

ACTIONS = ("thu-lai", "loai-bo")


def upload_outcomes(ctx: Context, uploads: list[UploadFile]) -> list[dict]:
    """Each uploaded file's outcome as ``vanthu ingest --json`` reports it (the same for the API)."""
    workspace = ctx.service.workspace
    warnings: list[str] = []
    with saved_uploads(workspace, uploads, ctx.service.upload_limit) as paths:
        outcomes = office.archive_uploads(workspace, paths, warnings.append)
    clerk = actor_of(ctx) if ctx.may(roles.INCOMING_REGISTER) else None  # a setting may register them at once
    places = office_incoming.after_upload(workspace, outcomes, ctx.viewer, clerk)
    results = []
    for upload, outcome, place in zip(uploads, outcomes, places, strict=True):
        results.append({**_told(ctx, outcome), "file": upload.filename or "", "incoming": place})
        ctx.audit("upload", upload.filename or "",
                  f"{STATUS_WORDS.get(outcome.status, outcome.status)} {outcome.record.get('symbol', '')}".strip(),
                  level_of(outcome.record) if outcome.record else 0)
        if place.get("auto"):  # registered at once by the setting: a registration as the clerk's own
            ctx.audit("incoming", *office_incoming.audit_entry(place["rows"][0]))
    return results


HIDDEN_ARCHIVED = ("đã lưu trữ; tệp được coi là văn bản mật (theo dấu độ mật, hoặc vì chưa xác định được độ mật) "
                   "nên bạn không xem được những gì đã đọc từ tệp; văn thư được xem văn bản mật sẽ xác nhận")


def _told(ctx: Context, outcome: Outcome) -> dict:
    """An outcome as the uploader may read it: a file archived as secret above their clearance, or a
    duplicate of such a document, says only what happened, naming nothing (the same words whatever
    made it secret: its own mark, or a number whose level is not known)."""
    told = outcome.as_json()
    if outcome.record and not ctx.viewer.may_read(outcome.record):
        told = {"file": told.get("file", ""), "status": outcome.status,
                "reason": "trùng nội dung với một văn bản đã lưu trữ" if outcome.status == "duplicate"
                else HIDDEN_ARCHIVED}
    return told


async def archive_page(ctx: Context, outcomes: list[dict] | None = None, notice: str = "") -> Response:
    outcomes, error, status = outcomes or [], "", 200
    if ctx.request.method == "POST" and ctx.request.url.path == "/luu-tru":
        form = await ctx.service.read_form(ctx.request)
        uploads = [item for item in form.getlist("file") if isinstance(item, UploadFile) and item.filename]
        try:
            outcomes = await run_in_threadpool(upload_outcomes, ctx, uploads)
        except InvalidInput as exc:
            error, status = message(exc), 422
    workspace = ctx.service.workspace
    check = await run_in_threadpool(office.check_archive, workspace, ctx.viewer) if ctx.request.query_params.get(
        "kiem-tra") else None
    return render(ctx, "archive.html", status, outcomes=outcomes, error=error, check=check,
                  quarantined=workspace.quarantine_book().items(ctx.viewer.clearance),
                  notice=notice)


async def quarantine_action(ctx: Context) -> Response:
    """«Thử lại» or «Loại bỏ» a quarantined file; the page says what happened to which file."""
    name, action = ctx.request.path_params["name"], ctx.request.path_params["action"]
    if action not in ACTIONS:
        raise office.NotFound("không có thao tác này")
    book = ctx.service.workspace.quarantine_book()
    if action == "loai-bo":
        book.set_aside(name, ctx.viewer.clearance)
        ctx.audit("quarantine", name, "loại bỏ")
        return await archive_page(ctx, notice=f"Đã loại bỏ tệp {name}: tệp không còn trong danh sách cách ly "
                                  "(vẫn được giữ lại ở mục đã loại bỏ của thư mục cách ly).")
    moved = book.retry(name, ctx.viewer.clearance)
    [outcome] = await run_in_threadpool(office.archive_uploads, ctx.service.workspace, [moved])
    ctx.audit("quarantine", name, f"thử lại: {STATUS_WORDS.get(outcome.status, outcome.status)}")
    told = {**_told(ctx, outcome), "file": name}
    said = {"archived": "đã lưu trữ", "duplicate": "trùng nội dung với văn bản đã lưu trữ",
            "quarantined": "vẫn bị cách ly"}.get(outcome.status, outcome.status)
    return await archive_page(ctx, [told], notice=f"Thử lại tệp {name}: {said}"
                              + (f" ({outcome.reason})." if outcome.reason else "."))


STATUS_WORDS = {"archived": "đã lưu trữ", "duplicate": "trùng lặp", "quarantined": "cách ly"}
