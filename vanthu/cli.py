"""The ``vanthu`` command: parse options, call one library function, print.

Only this module knows about the terminal: library errors become click errors
here, with their exit codes (2 for bad input, 1 for what the machine lacks).
"""

from __future__ import annotations

import atexit
import gc
import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import office
from access import roles
from docgen.kinds import resolve_kind
from office import generated_kind
from office.workspace import Workspace, init_workspace
from vanthu import messages
from vanthu.options import LazyGroup, home_option, json_option, print_json, viewer_option

if TYPE_CHECKING:  # python-docx and the templates are imported by the commands that use them
    from docgen.issuing import Issued

messages.install()
# A command's process ends when the command does: the interpreter's last garbage collections would walk
# every object of click, numpy and Whoosh (a sixth of a cold ``vanthu search``) to free what the end of
# the process frees anyway. Frozen first, they are skipped; atexit handlers, flushes and closes still run.
atexit.register(gc.freeze)

STATUS_NAMES = {"issued": "đã cấp số", "void": "đã hủy", "signed": "đã ký", "archived": "đã lưu trữ"}


# The commands of other modules, each imported only when it runs (with its help's first paragraph,
# for the list of ``vanthu --help``; tests/test_cli_startup.py checks that it is the command's own).
LAZY_COMMANDS = {
    "watch": ("vanthu.archive_cli:watch",
             'Theo dõi inbox/ và lưu trữ các tệp PDF đã ký; Ctrl-C để dừng.'),
    "ingest": ("vanthu.archive_cli:ingest",
              'Lưu trữ một lần các tệp hoặc thư mục (nhập hồ sơ cũ).'),
    "show": ("vanthu.archive_cli:show",
            'Xem hồ sơ một văn bản đã lưu trữ, theo mã hoặc số, ký hiệu (1417-CV/TU).'),
    "check": ("vanthu.archive_cli:check",
             'Kiểm tra lại kho: tính toàn vẹn của từng cơ sở dữ liệu, băm lại từng tệp (bị sửa, bị mất, lạ) và '
             'kiểm tra lại mọi chữ ký số theo danh sách tin cậy và danh sách thu hồi hiện có.'),
    "review": ("vanthu.review_cli:review",
               'Các văn bản có trường đọc bằng OCR đang chờ văn thư xác nhận (cũ nhất trước).'),
    "edit": ("vanthu.review_cli:edit",
             'Sửa hoặc xác nhận các trường của một văn bản đã lưu trữ; tệp lưu trữ không đổi.'),
    "trust": ("vanthu.archive_cli:trust",
             'Chứng thư số tin cậy (ví dụ chứng thư gốc của CA Chính phủ).'),
    "search": ("vanthu.search_cli:search_command",
              'Tìm văn bản đã lưu trữ, có dấu hoặc không dấu; "cụm từ" trong ngoặc kép phải đứng liền nhau.'),
    "index": ("vanthu.search_cli:index",
             'Chỉ mục tìm kiếm.'),
    "localities": ("vanthu.search_cli:localities",
                  'Danh mục 124 xã, phường, đặc khu của tỉnh và tổ theo dõi từng nơi.'),
    "report": ("vanthu.digest_cli:report",
              'Báo cáo nhanh hằng tuần của các Tổ theo dõi địa bàn.'),
    "tasks": ("vanthu.digest_cli:tasks",
             'Nhiệm vụ có thời hạn trong các thông báo kết luận, chỉ thị đã lưu trữ.'),
    "user": ("vanthu.access_cli:user",
            'Người dùng dịch vụ web: thêm, liệt kê, sửa, khóa, mở khóa, đổi mật khẩu.'),
    "token": ("vanthu.access_cli:token",
             'Mã truy cập API cho các hệ thống khác (ví dụ hệ thống điều hành tác nghiệp).'),
    "audit": ("vanthu.access_cli:audit",
             'Nhật ký: ai đã làm gì, lúc nào (mới nhất trước).'),
    "serve": ("vanthu.serve_cli:serve",
             'Chạy dịch vụ web của văn phòng (và theo dõi inbox/); Ctrl-C để dừng.'),
    "backup": ("vanthu.backup_cli:backup_command",
              'Sao lưu sổ đăng ký, danh mục, kho lưu trữ, báo cáo, chứng thư tin cậy vào THƯ_MỤC_SAO_LƯU.'),
    "restore": ("vanthu.backup_cli:restore_command",
               'Khôi phục một bản sao lưu vào thư mục trống --home, kiểm tra SHA-256 từng tệp, dựng lại chỉ mục.'),
    "check-format": ("vanthu.format_cli:check_format_command",
                     'Kiểm tra thể thức văn bản (DOCX hoặc PDF) theo hướng dẫn có hiệu lực vào ngày của văn bản.'),
    "incoming": ("vanthu.incoming_cli:incoming",
                 'Sổ đăng ký văn bản đến: vào sổ, ý kiến chỉ đạo, theo dõi giải quyết, in sổ.'),
    "digest": ("vanthu.digest_cli:digest",
              'Báo cáo tổng hợp tuần: báo cáo nhanh các tổ, văn bản trong tuần, nhiệm vụ đến hạn, quá hạn.'),
}


@click.group(cls=LazyGroup, lazy=LAZY_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
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
    """Tạo văn bản LOẠI (cong-van, quyet-dinh, thong-bao, nghi-quyet, ket-luan, chi-thi, quy-che, quy-dinh,
    huong-dan, ke-hoach, chuong-trinh, bao-cao, to-trinh, de-an, bien-ban, giay-moi) từ tệp dữ liệu YAML/JSON.

    Mỗi tệp dữ liệu cho một văn bản; nhiều tệp được cấp số theo thứ tự và
    chuyển PDF trong một lần chạy LibreOffice.
    """
    from docgen.documents import load_document

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


def kind_option(command: Any) -> Any:
    """``--kind``: which of the kinds printed alike a symbol names (a Quyết định and a Quy định are both
    ``01-QĐ/TU`` by Hướng dẫn 05-HD/VPTW)."""
    return click.option("--kind", help="Loại văn bản, khi hai loại cùng số và ký hiệu (quyet-dinh, quy-dinh).")(command)


@cli.command("pdf")
@click.argument("symbol", metavar="SỐ_KÝ_HIỆU")
@kind_option
@home_option
def pdf_command(symbol: str, kind: str | None, home: Path | None) -> None:
    """Tạo bản PDF của văn bản đã cấp số SỐ_KÝ_HIỆU (ví dụ 01-TB/TU) từ tệp DOCX đã ghi."""
    click.echo(f"PDF: {office.entry_pdf(Workspace.locate(home), symbol, kind=kind)}")


@cli.group(cls=LazyGroup, lazy={"book": ("vanthu.incoming_cli:register_book",
                                         "In Sổ đăng ký văn bản đi của một năm, khổ A4 ngang (PDF hoặc Excel).")})
def register() -> None:
    """Sổ đăng ký văn bản đi: xem, hủy số, nối tiếp sổ cũ."""


def _entry_line(entry: dict[str, Any]) -> str:
    day = date.fromisoformat(entry["date"]).strftime("%d/%m/%Y")
    status = STATUS_NAMES.get(entry["status"], entry["status"])
    if entry["status"] == "void":
        status += f" ({entry['void_reason']})"
    if entry["rebuilt_from"]:
        status += " (dựng lại)"
    return f"{entry['symbol']:<14} {day}  {entry['kind_name']:<12} {status:<12} {entry['subject']}"


@register.command("list")
@click.option("--kind", help="Chỉ liệt kê một loại (CV, cong-van, «công văn»…).")
@click.option("--body", help="Chỉ liệt kê một cơ quan ban hành (TU, VPTU, BTCTU…).")
@json_option
@viewer_option
@home_option
def register_list(kind: str | None, body: str | None, as_json: bool, as_login: str | None, home: Path | None) -> None:
    """Liệt kê các văn bản đã cấp số."""
    workspace = Workspace.locate(home)
    entries = office.register_entries(workspace, workspace.viewer(as_login, roles.REGISTER), kind=kind, body=body)
    if as_json:
        print_json(entries)
    elif not entries:
        click.echo("Sổ đăng ký chưa có văn bản nào.")
    for entry in [] if as_json else entries:
        click.echo(_entry_line(entry))


@register.command("void")
@click.argument("symbol", metavar="SỐ_KÝ_HIỆU")
@click.option("--reason", required=True, help="Lý do hủy.")
@kind_option
@home_option
def register_void(symbol: str, reason: str, kind: str | None, home: Path | None) -> None:
    """Hủy văn bản SỐ_KÝ_HIỆU (ví dụ 1417-CV/TU): số vẫn giữ, không cấp lại."""
    from office import void_number

    entry = void_number(Workspace.locate(home), symbol, reason, kind)
    click.echo(f"Đã hủy {entry['symbol']}: {entry['void_reason']}")
    reached = entry["reached"]
    if reached["files"]:
        click.echo(f"Đã đánh dấu hủy {reached['files']} tệp lưu trữ của văn bản này; "
                   f"đã đóng {reached['tasks']} nhiệm vụ.")


@register.command("start")
@click.argument("kind", metavar="LOẠI")
@click.argument("next_number", metavar="SỐ_TIẾP_THEO", type=click.IntRange(min=1))
@click.option("--body", help="Cơ quan ban hành (mặc định: cơ quan mặc định của cấu hình).")
@home_option
def register_start(kind: str, next_number: int, body: str | None, home: Path | None) -> None:
    """Nối tiếp sổ đang có: văn bản LOẠI tiếp theo nhận số SỐ_TIẾP_THEO."""
    from docgen.rendering import format_symbol

    workspace = Workspace.locate(home)
    document_kind = resolve_kind(kind, field="LOẠI")
    issuer = workspace.profile.body(body)
    with workspace.register() as book:
        book.set_start(issuer.code, document_kind.code, next_number)
    symbol = format_symbol(next_number, workspace.profile.kind_code(document_kind), issuer.code)
    click.echo(f"Số tiếp theo của {document_kind.name} ({issuer.code}): {symbol}")


@register.command("rebuild")
@json_option
@home_option
@click.pass_context
def register_rebuild(ctx: click.Context, as_json: bool, home: Path | None) -> None:
    """Dựng lại sổ đăng ký bị mất hoặc bị hỏng từ kho lưu trữ và các tệp DOCX trong out/ (khi không có
    bản sao lưu mới hơn); các mục dựng lại được đánh dấu."""
    workspace = Workspace.locate(home)
    rebuilt = office.rebuild_register(workspace)
    if as_json:
        print_json(rebuilt.as_dict())
    else:
        _print_rebuilt(rebuilt)
    if rebuilt.damaged_kept_as:  # the catalog, tasks and index lived in the damaged file too
        from vanthu.search_cli import index_rebuild

        ctx.invoke(index_rebuild, home=home)


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7, 9, 10] → «1–3, 7, 9–10»: a register's gaps, readable however long."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def _print_rebuilt(rebuilt: office.RegisterRebuilt) -> None:
    if rebuilt.damaged_kept_as:
        click.echo(f"Cơ sở dữ liệu bị hỏng được giữ lại ở {rebuilt.damaged_kept_as}; đã tạo cơ sở dữ liệu mới.")
    for entry in rebuilt.added:
        click.echo(f"Dựng lại {entry['symbol']:<14} {date.fromisoformat(entry['date']):%d/%m/%Y}  "
                   f"{entry['subject']}  (từ {entry['rebuilt_from']})")
    for reason in rebuilt.skipped:
        click.echo(f"Bỏ qua: {reason}")
    for series, numbers in rebuilt.gaps.items():
        click.echo(f"Chưa tìm thấy {series} số: {_ranges(numbers)} (số đã hủy, số của sổ cũ, hoặc tệp đã mất; "
                   "đối chiếu sổ giấy)")
    click.echo(f"Đã dựng lại {len(rebuilt.added)} mục của sổ đăng ký; {rebuilt.kept} mục đã có sẵn.")


@cli.command()
@home_option
def settings(home: Path | None) -> None:
    """Các thiết lập trong bảng [settings] của vanthu.toml, với giá trị đang dùng."""
    current = Workspace.locate(home).settings
    for name, default, help_text in current.describe():
        click.echo(f"{name} = {_toml(getattr(current, name))}  (mặc định {_toml(default)})\n    {help_text}")


def _toml(value: object) -> str:
    """A setting's value as it is written in vanthu.toml (a list of names as ``["…", "…"]``)."""
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)

