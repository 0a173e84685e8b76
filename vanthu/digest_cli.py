"""The weekly work: teams' reports, the follow-up of tasks, the digest."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

import office
from access import roles
from docgen.dates import short_date
from docgen.errors import InvalidInput
from docgen.secrecy import CONSOLE
from office import current_week
from office.workspace import Workspace
from vanthu.options import (
    VanthuCommand,
    VanthuGroup,
    date_value,
    home_option,
    json_option,
    print_json,
    viewer_option,
)

STATUS_LABELS = {"on_time": "đã báo cáo", "late": "báo cáo muộn", "missing": "CHƯA BÁO CÁO"}


def week_option(command: Any) -> Any:
    return click.option("--week", metavar="TUẦN", help="Tuần, ví dụ 2026-W21, hoặc một ngày trong tuần "
                        "(27/11/2026) (mặc định: tuần có hạn báo cáo sắp tới).")(command)


@click.group(cls=VanthuGroup)
def report() -> None:
    """Báo cáo nhanh hằng tuần của các Tổ theo dõi địa bàn."""


@report.command("add")
@click.option("--team", type=int, required=True, help="Số Tổ theo dõi địa bàn.")
@week_option
@click.option("--received", metavar="THỜI_ĐIỂM",
              help="Thời điểm nhận báo cáo, nếu nhập sau (2026-05-21 16:30); mặc định: bây giờ.")
@click.option("--secrecy", metavar="ĐỘ_MẬT", default="",
              help="Độ mật của báo cáo (MẬT, TỐI MẬT, TUYỆT MẬT) khi tệp không ghi; dấu độ mật in trên tệp "
                   "(hoặc khóa do_mat của YAML) cũng được đọc, độ cao hơn được giữ.")
@click.argument("source", metavar="TỆP", type=click.Path(dir_okay=False, path_type=Path))
@home_option
def report_add(team: int, week: str | None, received: str | None, secrecy: str, source: Path,
               home: Path | None) -> None:
    """Nhận báo cáo nhanh của một tổ: YAML (noi_bat, kho_khan, kien_nghi, localities, do_mat), DOCX hoặc PDF."""
    workspace = Workspace.locate(home)
    try:
        at = datetime.fromisoformat(received) if received else None
    except ValueError as exc:
        raise InvalidInput(f"«{received}» không phải thời điểm (viết 2026-05-21 16:30)",
                           field="--received") from exc
    receipt = office.receive_report(workspace, team, source, week=week, received=at, secrecy=secrecy)
    if receipt.index_warning:
        click.echo(f"Cảnh báo: {receipt.index_warning}", err=True)
    late = " (nộp sau hạn, ghi là báo cáo muộn)" if receipt.report["late"] else ""
    marked = f", độ mật {receipt.report['secrecy']}" if receipt.report.get("secrecy") else ""
    click.echo(f"Đã nhận báo cáo của Tổ {team}, tuần {receipt.week.label}{late}{marked}.")
    if receipt.report.get("replaced"):
        moment = datetime.fromisoformat(receipt.report["replaced"])
        click.echo(f"Báo cáo này thay cho báo cáo nhận lúc {moment:%H:%M} ngày {short_date(moment.date())}"
                   " (bản cũ được giữ trong reports/).")
    for warning in receipt.report.get("warnings") or []:
        click.echo(f"Cảnh báo: {warning}", err=True)


@report.command("remove")
@click.option("--team", type=int, required=True, help="Số Tổ theo dõi địa bàn.")
@week_option
@home_option
def report_remove(team: int, week: str | None, home: Path | None) -> None:
    """Rút báo cáo nhanh của một tổ (gửi nhầm); bản rút được giữ trong reports/."""
    workspace = Workspace.locate(home)
    chosen = current_week(workspace, week)
    office.remove_report(workspace, team, chosen)
    click.echo(f"Đã rút báo cáo của Tổ {team}, tuần {chosen.label}; tổ được tính là chưa báo cáo.")


@report.command("status")
@week_option
@json_option
@viewer_option
@home_option
def report_status(week: str | None, as_json: bool, as_login: str | None, home: Path | None) -> None:
    """Tổ nào đã báo cáo, báo cáo muộn, hoặc chưa báo cáo trong tuần."""
    workspace = Workspace.locate(home)
    chosen = current_week(workspace, week)
    state = office.week_status(workspace, chosen, workspace.viewer(as_login, roles.READ))
    if as_json:
        print_json(state)
        return
    deadline = chosen.deadline
    click.echo(f"Tuần {chosen.label}, hạn {deadline:%H:%M} ngày {short_date(deadline.date())}:")
    for status in state["teams"]:
        when = ""
        if status["submitted_at"]:
            moment = datetime.fromisoformat(status["submitted_at"])
            when = f" lúc {moment:%H:%M} ngày {short_date(moment.date())}"
        click.echo(f"  Tổ {status['team']:>2}: {STATUS_LABELS[status['status']]}{when}")


def _when(value: str) -> str:
    return datetime.fromisoformat(value).strftime("%H:%M %d/%m/%Y") if value else "—"


def _task_lines(task: dict[str, Any]) -> str:
    state = "xong" if task["status"] == "done" else (
        f"QUÁ HẠN {task['days_overdue']} ngày" if task["days_overdue"] else "đang làm")
    due = short_date(date.fromisoformat(task["due"]))
    where = f" — {', '.join(task['localities'])}" if task["localities"] else ""
    actor = "" if task["sentence"].startswith(task["actor"]) else f" (thực hiện: {task['actor']})"
    note = f"\n      Ghi chú: {task['note']}" if task.get("note") else ""
    return f"#{task['id']:<4} hạn {due} [{state}] {task['symbol']}{where}\n      {task['sentence']}{actor}{note}"


@click.group(cls=VanthuGroup, invoke_without_command=True)
@click.option("--team", type=int, help="Chỉ nhiệm vụ ở địa bàn của một tổ.")
@click.option("--locality", help="Chỉ nhiệm vụ ở một xã, phường, đặc khu.")
@click.option("--due-within", type=click.IntRange(min=0), metavar="SỐ_NGÀY",
              help="Đến hạn trong số ngày tới.")
@click.option("--overdue", is_flag=True, help="Chỉ nhiệm vụ quá hạn.")
@click.option("--all", "show_all", is_flag=True, help="Cả nhiệm vụ đã xong.")
@click.option("--on", "as_of", metavar="NGÀY",
              help="Tính quá hạn, đến hạn theo ngày này (mặc định: hôm nay).")
@json_option
@viewer_option
@home_option
@click.pass_context
def tasks(ctx: click.Context, team: int | None, locality: str | None, due_within: int | None,
          overdue: bool, show_all: bool, as_of: str | None, as_json: bool, as_login: str | None,
          home: Path | None) -> None:
    """Nhiệm vụ có thời hạn trong các thông báo kết luận, chỉ thị đã lưu trữ."""
    if ctx.invoked_subcommand:
        return
    workspace = Workspace.locate(home)
    today = date_value("--on", as_of) or date.today()
    viewer = workspace.viewer(as_login, roles.READ)
    rows = office.select_tasks(workspace, viewer, today=today, team=team, locality=locality,
                               due_within=due_within, overdue=overdue, open_only=not show_all)
    if as_json:
        print_json(rows)
        return
    click.echo("\n".join(_task_lines(row) for row in rows) or "Không có nhiệm vụ nào.")


@tasks.command("done")
@click.argument("task_id", metavar="ID", type=int)
@click.option("--note", default="", help="Ghi chú kết quả.")
@home_option
def tasks_done(task_id: int, note: str, home: Path | None) -> None:
    """Đánh dấu nhiệm vụ ID đã hoàn thành (làm lại thì thêm ghi chú, giữ ngày hoàn thành và lịch sử)."""
    from digest.tasks import ACTIONS

    with Workspace.locate(home).task_book() as book:
        before = book.get(task_id, viewer=CONSOLE)
        task = book.done(task_id, note, viewer=CONSOLE)
        history = book.history(task_id, viewer=CONSOLE)
    if before.status == "done":
        click.echo(f"Nhiệm vụ #{task.id} đã hoàn thành từ trước; ngày hoàn thành giữ nguyên"
                   f" ({_when(before.done_at)})" + ("; đã thêm ghi chú." if task.note != before.note else "."))
    else:
        click.echo(f"Nhiệm vụ #{task.id} đã hoàn thành.")
    for event in history:
        detail = f": {event['detail']}" if event["detail"] else ""
        click.echo(f"    {_when(event['at'])} {event['who']} {ACTIONS.get(event['action'], event['action'])}{detail}")


@tasks.command("edit")
@click.argument("task_id", metavar="ID", type=int)
@click.option("--due", required=True, help="Hạn đúng (2026-06-30 hoặc 30/6/2026).")
@home_option
def tasks_edit(task_id: int, due: str, home: Path | None) -> None:
    """Sửa hạn của nhiệm vụ ID khi vanthu đọc sai; bản sửa được giữ khi dựng lại chỉ mục."""
    new_due = date_value("--due", due)
    with Workspace.locate(home).task_book() as book:
        task = book.set_due(task_id, new_due, viewer=CONSOLE)
    click.echo(f"Nhiệm vụ #{task.id}: hạn mới {short_date(new_due)}.")


@click.command(cls=VanthuCommand)
@week_option
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp DOCX ghi ra (mặc định: out/tong-hop-TUẦN.docx).")
@click.option("--pdf", "want_pdf", is_flag=True, help="Tạo thêm bản PDF.")
@click.option("--issue", is_flag=True, help="Cấp số như một Báo cáo của Văn phòng Tỉnh ủy (một số mỗi tuần).")
@click.option("--again", is_flag=True, help="Cấp thêm một số dù tuần này đã được cấp số.")
@json_option
@viewer_option
@home_option
def digest(week: str | None, out_file: Path | None, want_pdf: bool, issue: bool, as_json: bool,
           as_login: str | None, home: Path | None, again: bool = False) -> None:
    """Báo cáo tổng hợp tuần: báo cáo nhanh các tổ, văn bản trong tuần, nhiệm vụ đến hạn, quá hạn."""
    workspace = Workspace.locate(home)
    chosen = current_week(workspace, week)
    viewer = workspace.viewer(as_login, roles.DIGEST)
    if as_json:
        print_json(office.digest_data(workspace, chosen, viewer))
        return
    made = office.compile_digest(workspace, chosen, viewer, issue_number=issue, want_pdf=want_pdf,
                                 out_file=out_file, again=again)
    label = f"Đã cấp số {made.symbol}: " if made.entry else "Đã tạo báo cáo tổng hợp: "
    click.echo(f"{label}{made.docx}" + (f"\n    PDF: {made.pdf}" if made.pdf else ""))
