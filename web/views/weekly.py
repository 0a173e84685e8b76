"""Báo cáo tuần: the teams' state this week, sending a quick report, the tasks, the digest."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

import office
from access import roles
from docgen.dates import parse_date, parse_moment
from docgen.errors import InvalidInput
from docgen.issuing import AlreadyIssued
from docgen.secrecy import LEVELS, SECRECY, canonical_mark, level_of
from office.incoming import incoming_reminders
from web.auth import Context, Forbidden, number_in
from web.pages import message, render, saved_uploads, send_file

REPORT_TYPES = (".yaml", ".yml", ".json", ".docx", ".pdf")
DIGEST_NAME = re.compile(r"tong-hop-\d{4}-W\d{2}-m([0-3])\.(?:pdf|docx)")


def may_report(ctx: Context, team: int) -> bool:
    return ctx.may(roles.REPORT_ANY) or (ctx.may(roles.REPORT_OWN) and ctx.user.team == team)


def report_from_upload(ctx: Context, team: int, upload: UploadFile | None, text: dict[str, str],
                       week: str | None, received: datetime | None = None,
                       secrecy: str = "") -> office.ReportReceipt:
    """A quick report from an uploaded file, or from the form's three sections written as YAML, as
    secret as the sender marks it (no higher than they may read) or as the file's own mark;
    ``received``: when a paper report reached the office (a clerk types it in later)."""
    import yaml

    if not may_report(ctx, team):
        raise Forbidden("Bạn chỉ được gửi báo cáo của tổ mình.")
    workspace = ctx.service.workspace
    if upload is None or not upload.filename:
        sections = {key: [line.strip() for line in value.splitlines() if line.strip()] for key, value in text.items()}
        if not any(sections.values()):  # said by the form's labels, not by the data file's keys
            raise InvalidInput("báo cáo trống: điền ít nhất một mục «Nổi bật», «Khó khăn, vướng mắc» hoặc «Kiến "
                               "nghị, đề xuất», hoặc chọn tệp báo cáo", field="Nổi bật")
        content = yaml.safe_dump({k: v for k, v in sections.items() if v}, allow_unicode=True).encode("utf-8")
        upload = UploadFile(file=io.BytesIO(content), filename=f"to-{team:02d}.yaml")
    if not upload.filename.lower().endswith(REPORT_TYPES):
        raise InvalidInput("chỉ nhận tệp YAML, DOCX hoặc PDF", file=upload.filename, field="Tệp báo cáo")
    if LEVELS[canonical_mark(secrecy, SECRECY, "secrecy")] > ctx.viewer.clearance:
        raise InvalidInput("không thể đặt độ mật cao hơn độ mật bạn được xem", field="Độ mật của báo cáo")
    with saved_uploads(workspace, [upload], ctx.service.upload_limit) as [path]:
        try:
            return office.receive_report(workspace, team, path, week=None if received else week,
                                         received=received, secrecy=secrecy, viewer=ctx.viewer)
        except InvalidInput as exc:  # named by the file the user sent, not by the server's temporary copy
            if exc.file != str(path):
                raise
            raise InvalidInput(exc.reason, file=upload.filename, field=exc.field) from exc


def _week(ctx: Context):
    label = ctx.request.query_params.get("week", "").strip() or None
    return office.current_week(ctx.service.workspace, label)


async def weekly_page(ctx: Context, status: int = 200, error: str = "", notice: str = "",
                      repeat: bool = False, week=None) -> Response:
    workspace = ctx.service.workspace
    try:
        week = week or _week(ctx)
    except InvalidInput as exc:
        week, error, status = office.current_week(workspace, None), message(exc), 422
    state = office.week_status(workspace, week, ctx.viewer)
    tasks = await run_in_threadpool(office.select_tasks, workspace, ctx.viewer, due_within=14)
    overdue = await run_in_threadpool(office.select_tasks, workspace, ctx.viewer, overdue=True)
    done = await run_in_threadpool(office.select_tasks, workspace, ctx.viewer, done=True)
    incoming = await run_in_threadpool(incoming_reminders, workspace, ctx.viewer)
    teams = sorted(workspace.gazetteer.teams)
    sendable = [t for t in teams if may_report(ctx, t)]
    return render(ctx, "weekly.html", status, week=week, state=state, tasks=tasks, overdue=overdue, done=done[:50],
                  incoming=incoming, secrecy_marks=SECRECY,
                  sendable=sendable, error=error, notice=notice or ctx.request.query_params.get("notice", ""),
                  repeat=repeat, task_id=ctx.request.query_params.get("nv", ""))


async def report_page(ctx: Context) -> Response:
    """One team's quick report of a week, its sections as the team wrote them (a search hit opens it)."""
    week = office.current_week(ctx.service.workspace, ctx.request.path_params["week"])
    report = office.team_report(ctx.service.workspace, week, ctx.request.path_params["team"], ctx.viewer)
    return render(ctx, "report.html", report=report, week=week)


async def send_report(ctx: Context) -> Response:
    form = await ctx.service.read_form(ctx.request)
    team = number_in(form.get("team", ""))
    if team is None:
        return await weekly_page(ctx, 422, message(InvalidInput("chọn một tổ", field="Tổ")))
    upload = form.get("file")
    text = {key: str(form.get(key, "")) for key in ("noi_bat", "kho_khan", "kien_nghi")}
    try:
        received = _received(ctx, str(form.get("received", "")))
        receipt = await run_in_threadpool(report_from_upload, ctx, team,
                                          upload if isinstance(upload, UploadFile) else None, text,
                                          str(form.get("week", "")).strip() or None, received,
                                          str(form.get("secrecy", "")))
    except InvalidInput as exc:
        return await weekly_page(ctx, 422, message(exc))
    ctx.audit("report", f"Tổ {team}", receipt.week.label, level_of(receipt.report))
    late = "-muon" if receipt.report["late"] else ""
    replaced = "-thay" if receipt.report.get("replaced") else ""
    return RedirectResponse(f"/bao-cao-tuan?week={receipt.week.label}&notice=da-nhan-{team}{late}{replaced}",
                            status_code=303)


def _received(ctx: Context, typed: str) -> datetime | None:
    """«Thời điểm nhận» of a paper report typed in later: a clerk's field (the CLI's ``--received``)."""
    if not typed.strip() or not ctx.may(roles.REPORT_ANY):
        return None
    try:
        return parse_moment(typed)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="Thời điểm nhận") from exc


async def update_task(ctx: Context) -> Response:
    form = await ctx.service.read_form(ctx.request)
    task_id, workspace = ctx.request.path_params["task"], ctx.service.workspace
    with workspace.task_book() as book:
        if form.get("action") == "done":
            book.done(task_id, str(form.get("note", "")).strip(), viewer=ctx.viewer)
        else:
            try:
                due = parse_date(str(form.get("due", "")))
            except ValueError as exc:
                return await weekly_page(ctx, 422, message(InvalidInput(message(exc), field="Hạn mới")))
            book.set_due(task_id, due, viewer=ctx.viewer)
    done = form.get("action") == "done"
    ctx.audit("task", f"#{task_id}", "hoàn thành" if done else f"sửa hạn: {form.get('due', '')}")
    return RedirectResponse(f"/bao-cao-tuan?notice=nhiem-vu-{'xong' if done else 'han'}&nv={task_id}",
                            status_code=303)


async def compile_digest(ctx: Context) -> Response:
    """The digest of a week; numbered once a week, as ``vanthu digest --issue``: a second number needs
    «Cấp thêm số mới» ticked (the console's ``--again``)."""
    form = await ctx.service.read_form(ctx.request)
    issue, again = form.get("issue") == "1", form.get("again") == "1"
    if issue and not ctx.may(roles.ISSUE):
        raise Forbidden("Chỉ văn thư được cấp số.")
    workspace = ctx.service.workspace
    week = office.current_week(workspace, str(form.get("week", "")).strip() or None)
    try:
        made = await run_in_threadpool(lambda: office.compile_digest(
            workspace, week, ctx.viewer, issue_number=issue, want_pdf=True,
            convert=ctx.service.convert(), again=again))
    except AlreadyIssued as exc:
        said = exc.reason.split("; muốn")[0]
        return await weekly_page(ctx, 409, f"{said}. Nếu cần thêm một số mới cho tuần này, đánh dấu «Cấp thêm "
                                 "số mới» rồi bấm «Tổng hợp» lần nữa.", repeat=True, week=week)
    ctx.audit("digest", made.symbol if made.entry else week.label, secrecy=LEVELS.get(made.document.secrecy, 0))
    return render(ctx, "digest_done.html", made=made, week=week, today=date.today())


async def digest_file(ctx: Context) -> Response:
    """A compiled digest from ``out/`` (``tong-hop-2026-W48.pdf``), by its name only."""
    name = ctx.request.path_params["name"]
    path = ctx.service.workspace.out / name
    match = DIGEST_NAME.fullmatch(name)
    if not match or int(match[1]) > ctx.viewer.clearance or not path.is_file():
        raise office.NotFound(f"không có bản tổng hợp «{name}»")
    ctx.audit("download", name)
    return send_file(path, download=name.endswith(".docx"))
