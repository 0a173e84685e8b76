"""Soạn văn bản: a form per kind with the data file's fields, a preview, drafts, issuing."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

import office
from access import roles
from docgen.documents import outline_chapters, outline_text
from docgen.drafts import Draft
from docgen.errors import InvalidInput
from docgen.issuing import AlreadyIssued
from docgen.kinds import generated_kinds
from docgen.secrecy import LEVELS, SECRECY, URGENCY
from web.auth import Context, Forbidden
from web.pages import render

# Every kind vanthu generates, the three most used first.
_FIRST = ("cong-van", "quyet-dinh", "thong-bao")
FORM_KINDS = {kind.slug: kind.name for kind in sorted(
    generated_kinds(), key=lambda k: _FIRST.index(k.slug) if k.slug in _FIRST else len(_FIRST))}
LAYOUTS = {kind.slug: kind.layout for kind in generated_kinds()}
LINES = ("to", "bases", "articles", "recipients")  # one item a line
TEXTS = ("subject", "body", "proposer", "signer", "secrecy", "urgency", "date", "body_code", "author", "preamble")


def data_from(form: FormData, kind: str) -> dict[str, Any]:
    """The form's fields as a data file's mapping (empty fields left out, as a clerk would): a Quy chế's
    outline becomes its chapters, a Biên bản's two names its recorder and its chair."""
    data: dict[str, Any] = {}
    for key in TEXTS:
        value = str(form.get(key, "")).strip()
        if value:
            data[key] = value
    for key in LINES:
        items = [line.strip() for line in str(form.get(key, "")).splitlines() if line.strip()]
        if items:
            data[key] = items
    if LAYOUTS.get(kind) == "rules" and str(form.get("outline", "")).strip():
        data.pop("articles", None)
        data["chapters"] = outline_chapters(str(form["outline"]))
    if LAYOUTS.get(kind) == "minutes":
        for key, field in (("recorder", "recorder_name"), ("signer", "chair_name")):
            name = str(form.get(field, "")).strip()
            data.pop(key, None)
            if name:
                data[key] = {"name": name}
    return data


def _kind(ctx: Context) -> str:
    kind = ctx.request.path_params["kind"]
    if kind not in FORM_KINDS:
        raise office.NotFound(f"không có biểu mẫu «{kind}»; chọn: {', '.join(FORM_KINDS)}")
    return kind


async def drafts_page(ctx: Context) -> Response:
    with ctx.service.workspace.drafts() as book:
        drafts = book.readable(ctx.viewer)
    return render(ctx, "drafts.html", drafts=drafts, kinds=FORM_KINDS)


def _shown(data: dict[str, Any]) -> dict[str, Any]:
    """A data mapping as the form's fields show it."""
    shown = {key: "\n".join(map(str, value)) if isinstance(value, list) else value for key, value in data.items()
             if key not in ("chapters", "recorder", "signer")}
    if data.get("chapters"):
        shown["outline"] = outline_text(data["chapters"])
    for key, field in (("recorder", "recorder_name"), ("signer", "chair_name")):
        if isinstance(data.get(key), dict):
            shown[field] = data[key].get("name", "")
    if isinstance(data.get("signer"), str):
        shown["signer"] = data["signer"]
    return shown


def _form_page(ctx: Context, kind: str, data: dict[str, Any], status: int = 200, **extra: Any) -> Response:
    profile = ctx.service.workspace.profile
    bodies = [(code, " ".join(filter(None, (body.parent, body.name)))) for code, body in profile.bodies.items()]
    return render(ctx, "draft_form.html", status, kind=kind, kind_name=FORM_KINDS[kind], data=_shown(data),
                  layout=LAYOUTS[kind], signers=sorted(profile.signers.items()), bodies=bodies,
                  default_body=profile.default_body, secrecy=[m for m in SECRECY if LEVELS[m] <= ctx.viewer.clearance],
                  urgency=URGENCY, guide=profile.guide, action=str(extra.pop("action", "")), **extra)


async def check_upload(ctx: Context) -> Response:
    """«Kiểm tra thể thức»: a DOCX (or PDF) uploaded from the drafting page, checked before it is issued."""
    form = await ctx.service.read_form(ctx.request)
    upload = form.get("file")
    report, error = None, ""
    if not isinstance(upload, UploadFile) or not upload.filename:
        error = "chưa chọn tệp DOCX để kiểm tra"
    else:
        data = await upload.read()
        try:
            report = await run_in_threadpool(office.check_upload, ctx.service.workspace, upload.filename, data)
        except InvalidInput as exc:
            error = str(exc)  # «Tệp bao-cao.docx: …»: the file is named
    with ctx.service.workspace.drafts() as book:
        drafts = book.readable(ctx.viewer)
    return render(ctx, "drafts.html", 422 if error else 200, drafts=drafts, kinds=FORM_KINDS, report=report,
                  checked=getattr(upload, "filename", ""), error=error)


async def draft_form(ctx: Context) -> Response:
    kind = _kind(ctx)
    if ctx.request.method != "POST":  # GET, and HEAD: only a POST changes anything
        draft_id = ctx.request.query_params.get("draft", "")
        data, found = {}, None
        if draft_id.isdigit():
            with ctx.service.workspace.drafts() as book:
                found = book.get(int(draft_id), ctx.viewer)
                data = found.data
            if found.kind != kind:  # a draft opens in the form of its own kind
                return RedirectResponse(f"/soan/{found.kind}?draft={found.id}", status_code=303)
            if not _editable(ctx, found):  # someone else's: saving it makes one's own copy
                return _form_page(ctx, kind, data, copy_of=found)
        return _form_page(ctx, kind, data, draft=found)
    form = await ctx.service.read_form(ctx.request)
    data, action = data_from(form, kind), str(form.get("action", "preview"))
    draft_id = int(form["draft"]) if str(form.get("draft", "")).isdigit() else None
    try:
        data = office.checked_marks(data, ctx.viewer)
    except InvalidInput as exc:
        return _form_page(ctx, kind, data, 422, errors={exc.field or "secrecy": exc.reason}, draft_id=draft_id,
                          action=action)
    if action == "save":
        return await _save(ctx, kind, data, draft_id)
    try:
        document = office.document_from_data(ctx.service.workspace, kind, data, "biểu mẫu")
    except InvalidInput as exc:
        field = (exc.field or "").split("[")[0].split(".")[0]
        return _form_page(ctx, kind, data, 422, errors={field or "_": exc.reason}, draft_id=draft_id, action=action)
    if action == "issue":
        try:
            return await _issue(ctx, kind, document, draft_id, again=form.get("again") == "1")
        except AlreadyIssued as exc:  # a second click, or the same text again: no number until confirmed
            said = exc.reason.split("; muốn cấp thêm")[0]  # the console's «--again» is a checkbox here
            return _form_page(ctx, kind, data, 409, draft_id=draft_id, repeat=True, action=action, errors={
                "subject": f"{said}; nếu đây là một văn bản khác, đánh dấu «Cấp thêm số mới» rồi bấm lại"})
    pdf = await run_in_threadpool(office.preview_pdf, ctx.service.workspace, document, ctx.service.convert())
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": "inline; filename*=UTF-8''du-thao.pdf"})


def _editable(ctx: Context, draft: Draft) -> bool:
    """A draft is changed by its author, or by a clerk (who numbers it); other staff save a copy."""
    return draft.author == ctx.user.login or ctx.may(roles.ISSUE)


def _may_edit(ctx: Context, draft: Draft) -> None:
    if not _editable(ctx, draft):
        raise Forbidden(f"Dự thảo {draft.id} là của {draft.author}; chỉ người soạn hoặc văn thư được sửa. "
                        "Muốn dùng nội dung này, hãy lưu thành dự thảo mới.")


async def _save(ctx: Context, kind: str, data: dict[str, Any], draft_id: int | None) -> Response:
    with ctx.service.workspace.drafts() as book:
        if draft_id is not None:
            _may_edit(ctx, book.get(draft_id, ctx.viewer))
        saved = book.save(kind, data, ctx.user.login, draft_id)
    ctx.audit("draft", f"dự thảo {saved.id}", data.get("subject", ""), LEVELS.get(saved.data.get("secrecy") or "", 0))
    return RedirectResponse(f"/soan/{kind}?draft={saved.id}&saved=1", status_code=303)


async def _issue(ctx: Context, kind: str, document, draft_id: int | None, *, again: bool) -> Response:
    """Number and issue; a draft issued before, or a document of the same kind, trích yếu and day as
    one in the register, is refused (``AlreadyIssued``) unless the clerk ticked «Cấp thêm số mới»."""
    if not ctx.may(roles.ISSUE):
        raise Forbidden("Chỉ văn thư được cấp số và phát hành.")
    if draft_id is not None:
        with ctx.service.workspace.drafts() as book:
            found = book.get(draft_id, ctx.viewer)
        if found.symbol and not again:
            raise AlreadyIssued(f"dự thảo {draft_id} đã được cấp số {found.symbol}", field="subject")
    issued, pdf_error = await run_in_threadpool(
        lambda: office.issue(ctx.service.workspace, [document], draft=False, want_pdf=True,
                             convert=ctx.service.convert(), again=again, viewer=ctx.viewer))
    [item] = issued
    if draft_id is not None:
        with ctx.service.workspace.drafts() as book:
            book.mark_issued(draft_id, item.symbol)
    ctx.audit("issue", item.symbol, document.subject, LEVELS.get(document.secrecy, 0))
    return render(ctx, "issued.html", item=item, entry=item.entry, pdf_error=str(pdf_error or ""))
