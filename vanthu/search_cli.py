"""The search commands: search, index rebuild, localities."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from access import roles
from archive.store import ArchiveStore
from indexer.search import SearchRequest
from office import search_archive
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


def _highlight(snippet: str) -> str:
    """``**x**`` marks become bold on a terminal, plain text elsewhere."""
    parts = snippet.split("**")
    tty = sys.stdout.isatty()
    return "".join(click.style(p, bold=True) if i % 2 and tty else p for i, p in enumerate(parts))


def _hit_lines(hit: dict[str, Any]) -> list[str]:
    day = date.fromisoformat(hit["date"]).strftime("%d/%m/%Y") if hit["date"] else "--/--/----"
    symbol = hit["symbol"] or f"[{hit['id']}]"
    lines = [f"{symbol:<14} {day}  {hit['kind'] or '?':<4} {hit['subject']}"]
    if hit["snippet"]:
        lines.append(f"    {_highlight(hit['snippet'])}")
    if hit["localities"]:
        lines.append(f"    Địa bàn: {', '.join(hit['localities'])}")
    return lines


@click.command("search", cls=VanthuCommand)
@click.argument("text", metavar="[TỪ_KHÓA]", required=False, default="")
@click.option("--locality", help="Xã, phường, đặc khu (tên có hoặc không dấu, hoặc mã).")
@click.option("--team", type=int, help="Số Tổ theo dõi địa bàn (1…12).")
@click.option("--topic", help="Chủ đề (ví dụ dat-dai-gpmb); xem vanthu.toml.")
@click.option("--kind", help="Loại văn bản (CV, QĐ, TB, KL…).")
@click.option("--signer", help="Người ký (có hoặc không dấu).")
@click.option("--signature", type=click.Choice(["valid", "untrusted", "invalid", "unsigned"]),
              help="Trạng thái chữ ký số: valid (hợp lệ), untrusted (chưa xác thực được nguồn), "
                   "invalid (KHÔNG hợp lệ), unsigned (không ký số).")
@click.option("--from", "date_from", help="Từ ngày (2026-05-01 hoặc 01/5/2026).")
@click.option("--to", "date_to", help="Đến ngày.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True,
              help="Xếp theo mức liên quan hoặc theo ngày (mới trước).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Số kết quả tối đa.")
@json_option
@viewer_option
@home_option
def search_command(text: str, locality: str | None, team: int | None, topic: str | None, kind: str | None,
                   signer: str | None, signature: str | None, date_from: str | None, date_to: str | None,
                   sort: str, limit: int, as_json: bool, as_login: str | None, home: Path | None) -> None:
    """Tìm văn bản đã lưu trữ, có dấu hoặc không dấu; "cụm từ" trong ngoặc kép phải đứng liền nhau."""
    workspace = Workspace.locate(home)
    request = SearchRequest(text, locality, team, topic, kind, signer, date_value("--from", date_from),
                            date_value("--to", date_to), sort, limit, signature=signature)
    answer = search_archive(workspace, request, workspace.viewer(as_login, roles.READ))
    if as_json:
        print_json(answer)
        return
    click.echo(f"Tìm thấy {answer['total']} văn bản.")
    for hit in answer["hits"]:
        click.echo("\n".join(_hit_lines(hit)))


@click.group(cls=VanthuGroup)
def index() -> None:
    """Chỉ mục tìm kiếm."""


@index.command("rebuild")
@home_option
def index_rebuild(home: Path | None) -> None:
    """Dựng lại chỉ mục tìm kiếm từ kho lưu trữ (các tệp .json đi kèm); gắn lại địa bàn, chủ đề."""
    from digest.reports import index_record  # python-docx and pypdf: not for every search
    from indexer.indexing import rebuild

    workspace = Workspace.locate(home)
    show_bar = sys.stderr.isatty()

    def progress(items):
        with click.progressbar(items, label="Đang dựng chỉ mục", file=sys.stderr, hidden=not show_bar) as bar:
            yield from bar

    store = ArchiveStore(workspace.archive)
    reports = [index_record(report) for report in workspace.report_book().all()]
    with workspace.catalog() as catalog, workspace.task_book() as tasks:
        adopted = catalog.adopt(list(store.sidecars()))  # the catalog, too, is rebuilt from the sidecars
        if adopted:
            click.echo(f"Đã bổ sung vào danh mục {adopted} văn bản đọc lại từ kho lưu trữ.")
        count = rebuild(store, workspace.index, catalog, workspace.gazetteer, workspace.taxonomy, progress,
                        reports)
        found = sum(tasks.read_record(record) for record in store.sidecars())
    click.echo(f"Đã dựng lại chỉ mục: {count} văn bản, {len(reports)} báo cáo nhanh; "
               f"{found} nhiệm vụ có hạn.")


@click.command(cls=VanthuCommand)
@click.option("--team", type=int, help="Chỉ liệt kê địa bàn của một Tổ theo dõi địa bàn.")
@json_option
@home_option
def localities(team: int | None, as_json: bool, home: Path | None) -> None:
    """Danh mục 124 xã, phường, đặc khu của tỉnh và tổ theo dõi từng nơi."""
    gazetteer = Workspace.locate(home).gazetteer
    chosen = gazetteer.team_localities(team) if team is not None else list(gazetteer.all)
    rows = [{**loc.as_dict(), "teams": gazetteer.teams_of([loc])} for loc in chosen]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        teams = ", ".join(str(t) for t in row["teams"]) or "—"
        click.echo(f"{row['code']:>6}  {row['full_name']:<32} Tổ: {teams}")
    click.echo(f"Cộng: {len(rows)} đơn vị.")
