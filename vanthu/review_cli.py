"""``vanthu review`` and ``vanthu edit``: the clerk's confirmation and correction of what was read."""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from archive.corrections import CONFIRMABLE, LABELS, Edit
from docgen.secrecy import CONSOLE
from office import correct_document, review_documents
from office.workspace import Workspace
from vanthu.options import VanthuCommand, home_option, json_option, print_json


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return "?"


@click.command(cls=VanthuCommand)
@json_option
@home_option
def review(as_json: bool, home: Path | None) -> None:
    """Các văn bản có trường đọc bằng OCR đang chờ văn thư xác nhận (cũ nhất trước)."""
    waiting = review_documents(Workspace.locate(home), CONSOLE)
    if as_json:
        print_json(waiting)
        return
    if not waiting:
        click.echo("Không có văn bản nào chờ xác nhận.")
    for item in waiting:
        click.echo(f"[{item['id']}] {item['file']} (lưu trữ {item['archived_at'][:10]})")
        for name in item["needs_review"]:
            proposal = item["proposed"].get(name, {})
            value = proposal.get("value") or "(không đọc được)"
            click.echo(f"    {LABELS.get(name, name)}: {value} (cần xác nhận; {proposal.get('reason', '')})")


@click.command(cls=VanthuCommand)
@click.argument("key", metavar="MÃ_HOẶC_SỐ_KÝ_HIỆU")
@click.option("--symbol", help="Số, ký hiệu đúng (1417-CV/TU, 970/QĐ-TTg).")
@click.option("--date", "day", help="Ngày ban hành (13/09/2024).")
@click.option("--kind", help="Loại văn bản (QĐ, Công văn…).")
@click.option("--subject", help="Trích yếu.")
@click.option("--signer", help="Họ tên người ký.")
@click.option("--issuer", help="Cơ quan ban hành.")
@click.option("--urgency", help="Độ khẩn: KHẨN, THƯỢNG KHẨN, HỎA TỐC (trống: không khẩn).")
@click.option("--secrecy", help="Độ mật: MẬT, TỐI MẬT, TUYỆT MẬT (trống: không mật).")
@click.option("--confirm", multiple=True, type=click.Choice(CONFIRMABLE), metavar="TRƯỜNG",
              help="Xác nhận giá trị đề xuất của trường này (lặp lại cho nhiều trường).")
@click.option("--note", default="", help="Ghi chú lý do sửa.")
@json_option
@home_option
def edit(key: str, symbol: str | None, day: str | None, kind: str | None, subject: str | None,
         signer: str | None, issuer: str | None, urgency: str | None, secrecy: str | None,
         confirm: tuple[str, ...], note: str, as_json: bool, home: Path | None) -> None:
    """Sửa hoặc xác nhận các trường của một văn bản đã lưu trữ; tệp lưu trữ không đổi."""
    given = {"symbol": symbol, "date": day, "kind": kind, "subject": subject, "signer": signer,
             "issuer": issuer, "urgency": urgency, "secrecy": secrecy}
    values = {name: value for name, value in given.items() if value is not None}
    record = correct_document(Workspace.locate(home), key, Edit(values, list(confirm), _who(), note), CONSOLE,
                              lambda message: click.echo(message, err=True))
    if as_json:
        print_json(record)
        return
    click.echo(f"Đã sửa văn bản {record.get('symbol') or record['id']}:")
    for change in record["corrections"][-len(values) - len(confirm):]:
        click.echo(f"    {LABELS.get(change['field'], change['field'])}: «{change['old'] or '—'}» → "
                   f"«{change['new'] or '—'}»")
    if record.get("needs_review"):
        click.echo(f"Còn chờ xác nhận: {', '.join(LABELS.get(n, n) for n in record['needs_review'])}")
