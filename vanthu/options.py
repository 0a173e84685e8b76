"""What every vanthu command shares: how errors are shown, the workspace and JSON options."""

from __future__ import annotations

import errno
import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from docgen.database import DatabaseDamaged, diagnose
from docgen.dates import parse_date
from docgen.errors import ConversionFailed, ConverterMissing, InvalidInput, VanthuError

DISK_FULL = ("ổ đĩa đã đầy khi ghi {where}; việc đang làm dở không được ghi (tệp chưa lưu trữ xong vẫn "
             "nằm trong inbox/). Hãy giải phóng chỗ trống rồi chạy lại lệnh.")
LOCKED = ("cơ sở dữ liệu đang bị một tiến trình khác khóa quá 60 giây; chưa ghi gì. Hãy chạy lại lệnh "
          "sau khi tiến trình kia xong.")


class CliError(click.ClickException):
    """An error shown in Vietnamese, with the exit code its kind deserves."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"Lỗi: {self.format_message()}", err=True)


# What an option's value is, as its help names it (``--reason LÝ_DO``), by the option's parameter name;
# an option of a command not named here says what its type is. An option's own ``metavar`` wins.
METAVARS = {
    "body": "CƠ_QUAN", "date": "NGÀY", "date_from": "NGÀY", "date_to": "NGÀY", "due": "NGÀY", "host": "ĐỊA_CHỈ",
    "issuer": "CƠ_QUAN", "kind": "LOẠI", "lead": "CHỦ_TRÌ", "limit": "SỐ_LƯỢNG", "locality": "ĐỊA_BÀN",
    "name": "TÊN", "note": "GHI_CHÚ", "port": "CỔNG", "reason": "LÝ_DO", "secrecy": "ĐỘ_MẬT", "signer": "NGƯỜI_KÝ",
    "since": "NGÀY", "status": "TRẠNG_THÁI", "subject": "TRÍCH_YẾU", "support": "PHỐI_HỢP", "symbol": "SỐ_KÝ_HIỆU",
    "team": "SỐ_TỔ", "to": "NƠI_NHẬN", "topic": "CHỦ_ĐỀ", "urgency": "ĐỘ_KHẨN", "user": "TÊN_ĐĂNG_NHẬP",
    "year": "NĂM",
}


def _metavar(option: click.Option) -> str:
    if option.name in METAVARS:
        return METAVARS[option.name]
    return "SỐ" if isinstance(option.type, click.types.IntParamType | click.types.FloatParamType) else "GIÁ_TRỊ"


class VanthuCommand(click.Command):
    """A command whose help is Vietnamese to the last word: ``[TÙY CHỌN]``, and every option's value
    named (``METAVARS``) where click would write ``TEXT`` or ``INTEGER RANGE``."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("options_metavar", "[TÙY CHỌN]")
        super().__init__(*args, **kwargs)
        for param in self.params:
            plain = not isinstance(param.type, click.Choice | click.Path | click.File)
            if isinstance(param, click.Option) and not param.is_flag and param.metavar is None and plain:
                param.metavar = _metavar(param)


class VanthuGroup(click.Group):
    """Turns the library's exceptions into CliError for every command below it."""

    command_class = VanthuCommand
    group_class = type

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("options_metavar", "[TÙY CHỌN]")
        kwargs.setdefault("subcommand_metavar", "LỆNH [ĐỐI SỐ]...")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (ConverterMissing, ConversionFailed) as exc:
            raise CliError(str(exc), exit_code=1) from exc
        except DatabaseDamaged as exc:
            raise CliError(str(exc), exit_code=3) from exc
        except sqlite3.DatabaseError as exc:
            damage = diagnose(exc)
            if damage is not None:
                raise CliError(str(damage), exit_code=3) from exc
            name = getattr(exc, "sqlite_errorname", "")
            if name == "SQLITE_FULL":
                raise CliError(DISK_FULL.format(where="cơ sở dữ liệu"), exit_code=1) from exc
            if name.startswith("SQLITE_IOERR"):  # SQLite's write to a full disk, or to a failing one
                raise CliError(DISK_FULL.replace("đã đầy", "đã đầy hoặc bị lỗi").format(
                    where=f"cơ sở dữ liệu ({exc})"), exit_code=1) from exc
            if name in ("SQLITE_BUSY", "SQLITE_LOCKED"):
                raise CliError(LOCKED, exit_code=1) from exc
            raise
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            raise CliError(DISK_FULL.format(where=exc.filename or "tệp"), exit_code=1) from exc
        except VanthuError as exc:
            raise CliError(str(exc)) from exc


def home_option(command: Callable) -> Callable:
    return click.option(
        "--home", type=click.Path(file_okay=False, path_type=Path), envvar="VANTHU_HOME", metavar="THƯ_MỤC",
        help="Thư mục không gian làm việc (mặc định: biến VANTHU_HOME, rồi thư mục hiện tại).",
    )(command)


def json_option(command: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")(command)


def viewer_option(command: Callable) -> Callable:
    return click.option("--as", "as_login", metavar="TÊN_ĐĂNG_NHẬP",
                        help="Trả lời như người dùng này thấy trên dịch vụ web (theo độ mật được xem của họ); "
                             "mặc định: như máy chủ, thấy mọi văn bản.")(command)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False))




def date_value(option: str, value: str | None) -> date | None:
    """A date option typed as 2026-06-03 or 03/6/2026; the error names the option."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise InvalidInput(str(exc), field=option) from exc


class LazyGroup(VanthuGroup):
    """A group whose commands live in other modules, imported only when that command runs.

    ``lazy`` maps a command's name to ``"module:attribute"`` and its help's first paragraph: the
    list of ``vanthu --help`` is printed from those lines without importing any command
    (the archive pipeline and pyHanko alone take most of a second to import).
    """

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            import importlib

            module, attribute = self.lazy[cmd_name][0].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            if name in self.lazy and name not in self.commands:
                rows.append((name, click.Command(name, help=self.lazy[name][1]).get_short_help_str(limit)))
            else:
                command = super().get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
        if rows:
            from vanthu.messages import VIETNAMESE

            with formatter.section(VIETNAMESE["Commands"]):
                formatter.write_dl(rows)
