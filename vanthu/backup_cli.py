"""The backup commands: backup (and --verify), restore."""

from __future__ import annotations

from pathlib import Path

import click

from archive.backup import backup, read_manifest, restore, verify
from archive.limits import MB, number
from office.workspace import FOLDERS, Workspace
from vanthu.options import CliError, VanthuCommand, home_option
from vanthu.search_cli import index_rebuild


@click.command("backup", cls=VanthuCommand)
@click.argument("dest", metavar="THƯ_MỤC_SAO_LƯU", type=click.Path(file_okay=False, path_type=Path))
@click.option("--verify", "check_only", is_flag=True,
              help="Chỉ kiểm tra bản sao lưu (băm lại từng tệp, kiểm tra cơ sở dữ liệu), không sao lưu.")
@home_option
def backup_command(dest: Path, check_only: bool, home: Path | None) -> None:
    """Sao lưu sổ đăng ký, danh mục, kho lưu trữ, báo cáo, chứng thư tin cậy vào THƯ_MỤC_SAO_LƯU.

    Chạy được khi vanthu watch hoặc vanthu serve đang chạy; lần sau chỉ chép tệp mới.
    """
    if check_only:
        problems = verify(dest)
        for problem in problems:
            click.echo(f"Lỗi sao lưu: {problem}", err=True)
        if problems:
            raise CliError(f"bản sao lưu {dest} có {len(problems)} lỗi, không dùng để khôi phục được",
                           exit_code=1)
        manifest = read_manifest(dest)
        click.echo(f"Bản sao lưu {dest} nguyên vẹn: {len(manifest['files'])} tệp, "
                   f"tạo lúc {manifest['created_at']}.")
        return
    summary = backup(Workspace.locate(home).root, dest)
    click.echo(f"Đã sao lưu vào {dest}: {summary.files} tệp ({summary.copied} tệp mới, "
               f"{number(round(summary.copied_bytes / MB, 1))} MB); cơ sở dữ liệu: "
               f"{', '.join(summary.databases)}.")


@click.command("restore", cls=VanthuCommand)
@click.argument("src", metavar="THƯ_MỤC_SAO_LƯU", type=click.Path(file_okay=False, path_type=Path))
@click.option("--home", required=True, type=click.Path(file_okay=False, path_type=Path), metavar="THƯ_MỤC",
              help="Thư mục trống (hoặc chưa có) để khôi phục không gian làm việc vào.")
@click.pass_context
def restore_command(ctx: click.Context, src: Path, home: Path) -> None:
    """Khôi phục một bản sao lưu vào thư mục trống --home, kiểm tra SHA-256 từng tệp, dựng lại chỉ mục."""
    count = restore(src, home, FOLDERS)
    click.echo(f"Đã khôi phục {count} tệp từ {src} vào {home}; mọi tệp khớp SHA-256.")
    ctx.invoke(index_rebuild, home=home)
