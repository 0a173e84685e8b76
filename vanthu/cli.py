"""The ``vanthu`` command: parse options, call one library function, print.

Only this module knows about the terminal: library errors become click errors
here, with their exit codes (2 for bad input, 1 for what the machine lacks).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from docgen.documents import load_document
from docgen.issuing import Issued
from docgen.kinds import resolve_kind
from docgen.register import Entry
from docgen.rendering import format_symbol
from vanthu import messages, office
from vanthu.access_cli import audit, token, user
from vanthu.archive_cli import check, ingest, show, trust, watch
from vanthu.digest_cli import digest, report, tasks
from vanthu.office import generated_kind
from vanthu.options import VanthuGroup, home_option, json_option, print_json
from vanthu.search_cli import index, localities, search_command
from vanthu.serve_cli import serve
from vanthu.workspace import Workspace, init_workspace

messages.install()

STATUS_NAMES = {"issued": "đã cấp số", "void": "đã hủy", "signed": "đã ký", "archived": "đã lưu trữ"}


@click.group(cls=VanthuGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vanthu", message="vanthu %(version)s")
def cli() -> None:
    """vanthu: tạo, đánh số, lưu trữ và tra cứu văn bản của Văn phòng Tỉnh ủy."""


@cli.command()
@click.argument("directory", metavar="THƯ_MỤC", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Tạo không gian làm việc mới tại THƯ_MỤC (cấu hình mặc định: Tỉnh ủy Lâm Đồng)."""
    workspace = init_workspace(directory)
    click.echo(f"Đã tạo không gian làm việc: {workspace.root}")
    click.echo(f"Sửa cấu hình (cơ quan, người ký, nhiệm kỳ, lề, cỡ chữ) trong {workspace.config}")


def _describe(item: Issued) -> str:
    head = "Dự thảo (chưa cấp số)" if item.entry is None else f"Đã cấp số {item.symbol}"
    lines = [f"{head}: {item.docx}"]
    if item.pdf:
        lines.append(f"    PDF: {item.pdf}")
    return "\n".join(lines)


@cli.command()
@click.argument("kind", metavar="LOẠI")
@click.argument("datafiles", metavar="TỆP_DỮ_LIỆU...", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--draft", is_flag=True, help="Tạo bản dự thảo, để trống số, không cấp số.")
@click.option("--pdf", "want_pdf", is_flag=True, help="Tạo thêm bản PDF (cần LibreOffice).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục ghi kết quả (mặc định: out/ của không gian làm việc).")
@click.option("--again", is_flag=True,
              help="Cấp số mới dù cùng loại, trích yếu và ngày đã được cấp số trước đó.")
@json_option
@home_option
def new(kind: str, datafiles: tuple[Path, ...], draft: bool, want_pdf: bool,
        out_dir: Path | None, as_json: bool, home: Path | None, again: bool = False) -> None:
    """Tạo văn bản LOẠI (cong-van, quyet-dinh, thong-bao) từ tệp dữ liệu YAML/JSON.

    Mỗi tệp dữ liệu cho một văn bản; nhiều tệp được cấp số theo thứ tự và
    chuyển PDF trong một lần chạy LibreOffice.
    """
    workspace = Workspace.locate(home)
    document_kind = generated_kind(kind)
    documents = [load_document(path, document_kind, workspace.profile) for path in datafiles]
    issued, pdf_error = office.issue(workspace, documents, draft=draft, want_pdf=want_pdf, out_dir=out_dir,
                                     again=again)
    for item in issued:
        for note in [] if as_json else item.document.notes:  # JSON carries them as "warnings"
            click.echo(f"Lưu ý: tệp {item.document.source}: {note}", err=True)
        if as_json:
            print_json(item.as_json())
        else:
            click.echo(_describe(item))
    if pdf_error:
        raise pdf_error


@cli.command("pdf")
@click.argument("symbol", metavar="SỐ_KÝ_HIỆU")
@home_option
def pdf_command(symbol: str, home: Path | None) -> None:
    """Tạo bản PDF của văn bản đã cấp số SỐ_KÝ_HIỆU (ví dụ 01-TB/TU) từ tệp DOCX đã ghi."""
    click.echo(f"PDF: {office.entry_pdf(Workspace.locate(home), symbol)}")


@cli.group(cls=VanthuGroup)
def register() -> None:
    """Sổ đăng ký văn bản đi: xem, hủy số, nối tiếp sổ cũ."""


def _entry_line(entry: Entry) -> str:
    day = date.fromisoformat(entry.date).strftime("%d/%m/%Y")
    status = STATUS_NAMES.get(entry.status, entry.status)
    if entry.status == "void":
        status += f" ({entry.void_reason})"
    return f"{entry.symbol:<14} {day}  {status:<12} {entry.subject}"


@register.command("list")
@click.option("--kind", help="Chỉ liệt kê một loại (CV, cong-van, «công văn»…).")
@click.option("--body", help="Chỉ liệt kê một cơ quan ban hành (TU, VPTU, BTCTU…).")
@json_option
@home_option
def register_list(kind: str | None, body: str | None, as_json: bool, home: Path | None) -> None:
    """Liệt kê các văn bản đã cấp số."""
    workspace = Workspace.locate(home)
    kind_code = workspace.profile.kind_code(resolve_kind(kind)) if kind else None
    with workspace.register() as book:
        entries = book.entries(kind_code=kind_code, body_code=body)
    if as_json:
        print_json([entry.as_dict() for entry in entries])
    elif not entries:
        click.echo("Sổ đăng ký chưa có văn bản nào.")
    for entry in [] if as_json else entries:
        click.echo(_entry_line(entry))


@register.command("void")
@click.argument("symbol", metavar="SỐ_KÝ_HIỆU")
@click.option("--reason", required=True, help="Lý do hủy (bắt buộc).")
@home_option
def register_void(symbol: str, reason: str, home: Path | None) -> None:
    """Hủy văn bản SỐ_KÝ_HIỆU (ví dụ 1417-CV/TU): số vẫn giữ, không cấp lại."""
    with Workspace.locate(home).register() as book:
        entry = book.void(symbol, reason)
    click.echo(f"Đã hủy {entry.symbol}: {entry.void_reason}")


@register.command("start")
@click.argument("kind", metavar="LOẠI")
@click.argument("next_number", metavar="SỐ_TIẾP_THEO", type=click.IntRange(min=1))
@click.option("--body", help="Cơ quan ban hành (mặc định: cơ quan mặc định của cấu hình).")
@home_option
def register_start(kind: str, next_number: int, body: str | None, home: Path | None) -> None:
    """Nối tiếp sổ đang có: văn bản LOẠI tiếp theo nhận số SỐ_TIẾP_THEO."""
    workspace = Workspace.locate(home)
    document_kind = resolve_kind(kind, field="LOẠI")
    issuer = workspace.profile.body(body)
    code = workspace.profile.kind_code(document_kind)
    with workspace.register() as book:
        book.set_start(issuer.code, code, next_number)
    symbol = format_symbol(next_number, code, issuer.code)
    click.echo(f"Số tiếp theo của {document_kind.name} ({issuer.code}): {symbol}")


@cli.command()
@home_option
def settings(home: Path | None) -> None:
    """Các thiết lập trong bảng [settings] của vanthu.toml, với giá trị đang dùng."""
    current = Workspace.locate(home).settings
    for name, default, help_text in current.describe():
        click.echo(f"{name} = {getattr(current, name)!r}  (mặc định {default!r})\n    {help_text}")


for command in (watch, ingest, show, check, trust, search_command, index, localities, report, tasks,
                digest, user, token, audit, serve):
    cli.add_command(command)
