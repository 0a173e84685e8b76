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
from docgen.errors import ConversionFailed, ConverterMissing, InvalidInput
from docgen.issuing import AlreadyIssued
from docgen.kinds import generated_kinds
from docgen.secrecy import LEVELS, SECRECY, URGENCY
from web.auth import Context, Forbidden, number_in
from web.pages import log, render

# Every kind vanthu generates, the three most used first.
_FIRST = ("cong-van", "quyet-dinh", "thong-bao")
FORM_KINDS = {kind.slug: kind.name for kind in sorted(
    generated_kinds(), key=lambda k: _FIRST.index(k.slug) if k.slug in _FIRST else len(_FIRST))}
LAYOUTS = {kind.slug: kind.layout for kind in generated_kinds()}
LINES = ("to", "bases", "articles", "recipients")  # one item a line
TEXTS = ("subject", "body", "proposer", "signer", "secrecy", "urgency", "date", "body_code", "author", "preamble")
PREVIEW_FAILED = ("LibreOffice trên máy chủ chưa tạo được bản PDF (chưa chạy, hoặc quá lâu); nội dung đã nhập vẫn còn "
                  "trong biểu mẫu. Bấm «Xem trước» lại sau ít phút; nếu vẫn không được, báo quản trị viên.")
# The form's fields by their labels (``draft_form.html`` shows them so, a preview's refusal names them so).
LABELS = {"subject": "Trích yếu", "author": "Dòng ghi dưới tên văn bản", "to": "Kính gửi", "bases": "Căn cứ",
          "proposer": "Xét đề nghị của", "articles": "Các điều", "preamble": "Câu mở đầu",
          "outline": "Các chương và điều", "body": "Nội dung", "recorder_name": "Người ghi biên bản",
          "chair_name": "Người chủ trì", "recipients": "Nơi nhận", "signer": "Người ký",
          "body_code": "Cơ quan ban hành", "secrecy": "Độ mật", "urgency": "Độ khẩn", "date": "Ngày văn bản"}


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


def label(name: str, kind: str) -> str:
    """A form field's label on the form of ``kind`` (a Tờ trình's recipients are «Kính trình»)."""
    return "Kính trình" if name == "to" and LAYOUTS[kind] == "submission" else LABELS.get(name, "")


def form_fields(layout: str) -> dict[str, str]:
    """The data's fields → the form's field beside which a problem of it is shown, for the form of this
    layout (what ``draft_form.html`` draws); a problem of a field not listed is said at the top."""
    fields = {"subject": "subject", "body_code": "body_code", "secrecy": "secrecy", "urgency": "urgency",
              "date": "date"}
    if layout == "minutes":
        fields |= {"recorder": "recorder_name", "signer": "chair_name"}
    else:
        fields |= {"recipients": "recipients", "signer": "signer"}
    if layout == "authored":
        fields["author"] = "author"
    if layout in ("letter", "submission"):
        fields["to"] = "to"
    if layout in ("decision", "rules"):
        fields |= {"bases": "bases", "proposer": "proposer"}
    if layout == "decision":
        fields["articles"] = "articles"
    elif layout == "rules":
        fields |= {"preamble": "preamble", "chapters": "outline", "articles": "outline"}
    else:
        fields["body"] = "body"
    return fields


def form_errors(exc: InvalidInput, kind: str) -> dict[str, str]:
    """A refusal as the form shows it: each problem beside its field (all of them, when the library found
    several), a problem of no field of this form at the top, named by its label."""
    problems = getattr(exc, "problems", None) or {exc.field or "": exc.reason}
    fields, errors, top = form_fields(LAYOUTS[kind]), {}, []
    for field, reason in problems.items():
        name = fields.get(field.split("[")[0].split(".")[0])
        if name:
            errors[name] = f"{errors[name]}; {reason}" if name in errors else reason
        else:
            top.append(f"{label(field, kind)}: {reason}" if label(field, kind) else reason)
    if top:
        errors["_"] = "; ".join(top)
    return errors


def _preview_refused(ctx: Context, kind: str, errors: dict[str, str], status: int = 422) -> Response:
    """What the preview frame shows instead of the PDF: each problem by its field's label, in words."""
    problems = [(label(name, kind), reason) for name, reason in errors.items()]
    return render(ctx, "draft_preview.html", status, kind_name=FORM_KINDS[kind], problems=problems)


def _kind(ctx: Context) -> str:
    kind = ctx.request.path_params["kind"]
    if kind not in FORM_KINDS:
        raise office.NotFound(f"không có biểu mẫu «{kind}»; chọn: {', '.join(FORM_KINDS)}")
    return kind


def _drafts(ctx: Context) -> dict[str, Any]:
    """The drafts waiting, as the list shows them: each author by name."""
    with ctx.service.workspace.drafts() as book:
        drafts = book.readable(ctx.viewer)
    return {"drafts": drafts, "names": ctx.service.users().names(), "kinds": FORM_KINDS}


async def drafts_page(ctx: Context) -> Response:
    return render(ctx, "drafts.html", **_drafts(ctx))


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
    bodies = [(code, " – ".join(filter(None, (body.name, body.parent)))) for code, body in profile.bodies.items()]
    return render(ctx, "draft_form.html", status, kind=kind, kind_name=FORM_KINDS[kind], data=_shown(data),
                  layout=LAYOUTS[kind], signers=sorted(profile.signers.items()), bodies=bodies, labels=LABELS,
                  names=ctx.service.users().names(),
                  default_body=profile.default_body, secrecy=[m for m in SECRECY if LEVELS[m] <= ctx.viewer.clearance],
                  urgency=URGENCY, guide=profile.guide, action=str(extra.pop("action", "")), **extra)


async def check_upload(ctx: Context) -> Response:
    """«Kiểm tra thể thức»: a DOCX (or PDF) uploaded from the drafting page, checked before it is issued."""
    form = await ctx.service.read_form(ctx.request)
    upload = form.get("file")
    report, error = None, ""
    if not isinstance(upload, UploadFile) or not upload.filename:
        error = "chưa chọn tệp DOCX hoặc PDF để kiểm tra"
    else:
        data = await upload.read()
        try:
            report = await run_in_threadpool(office.check_upload, ctx.service.workspace, upload.filename, data)
        except InvalidInput as exc:
            error = str(exc)  # «Tệp bao-cao.docx: …»: the file is named
    return render(ctx, "drafts.html", 422 if error else 200, report=report, error=error, **_drafts(ctx))


async def draft_form(ctx: Context) -> Response:
    kind = _kind(ctx)
    if ctx.request.method != "POST":  # GET, and HEAD: only a POST changes anything
        asked = ctx.request.query_params.get("draft", "").strip()
        data, found = {}, None
        if asked:  # a draft's number, or none it could name: a draft not there either way
            with ctx.service.workspace.drafts() as book:
                found = book.get(number_in(asked) or 0, ctx.viewer)
                data = found.data
            if found.kind != kind:  # a draft opens in the form of its own kind
                return RedirectResponse(f"/soan/{found.kind}?draft={found.id}", status_code=303)
            if not _editable(ctx, found):  # someone else's: saving it makes one's own copy
                return _form_page(ctx, kind, data, copy_of=found)
        return _form_page(ctx, kind, data, draft=found)
    form = await ctx.service.read_form(ctx.request)
    data, action = data_from(form, kind), str(form.get("action", "preview"))
    draft_id = number_in(form.get("draft", ""))
    try:
        data = office.checked_marks(data, ctx.viewer)
        if action == "save":
            return await _save(ctx, kind, data, draft_id)
        document = office.document_from_data(ctx.service.workspace, kind, data, "biểu mẫu")
    except InvalidInput as exc:
        if action == "preview":  # the answer goes to the preview frame: the refusal is said there
            return _preview_refused(ctx, kind, form_errors(exc, kind))
        return _form_page(ctx, kind, data, 422, errors=form_errors(exc, kind), draft_id=draft_id, action=action)
    if action == "issue":
        try:
            return await _issue(ctx, kind, document, draft_id, again=form.get("again") == "1")
        except AlreadyIssued as exc:  # a second click, or the same text again: no number until confirmed
            said = exc.reason.split("; muốn cấp thêm")[0]  # the console's «--again» is a checkbox here
            return _form_page(ctx, kind, data, 409, draft_id=draft_id, repeat=True, action=action, errors={
                "subject": f"{said}; nếu đây là một văn bản khác, đánh dấu «Cấp thêm số mới» rồi bấm lại"})
    try:
        pdf = await run_in_threadpool(office.preview_pdf, ctx.service.workspace, document, ctx.service.convert())
    except (ConversionFailed, ConverterMissing) as exc:  # LibreOffice missing, stuck or failing: said in the frame
        log.warning("xem trước %s: %s", kind, exc)  # the server's paths stay in the log
        return _preview_refused(ctx, kind, {"": PREVIEW_FAILED}, 503)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": "inline; filename*=UTF-8''du-thao.pdf"})


def _editable(ctx: Context, draft: Draft) -> bool:
    """A draft is changed by its author, or by a clerk (who numbers it); other staff save a copy."""
    return draft.author == ctx.user.login or ctx.may(roles.ISSUE)


def _may_edit(ctx: Context, draft: Draft) -> None:
    if not _editable(ctx, draft):
        author = ctx.service.users().names().get(draft.author, draft.author)
        raise Forbidden(f"Dự thảo {draft.id} là của {author}; chỉ người soạn hoặc văn thư được sửa. "
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
