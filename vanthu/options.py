"""What every vanthu command shares: how errors are shown, the workspace and JSON options."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from docgen.dates import parse_date
from docgen.errors import ConversionFailed, ConverterMissing, InvalidInput, VanthuError


class CliError(click.ClickException):
    """An error shown in Vietnamese, with the exit code its kind deserves."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file: Any = None) -> None:
        click.echo(f"Lỗi: {self.format_message()}", err=True)


class VanthuCommand(click.Command):
    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("options_metavar", "[TÙY CHỌN]")
        super().__init__(*args, **kwargs)


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
        except VanthuError as exc:
            raise CliError(str(exc)) from exc


def home_option(command: Callable) -> Callable:
    return click.option(
        "--home", type=click.Path(file_okay=False, path_type=Path), envvar="VANTHU_HOME", metavar="THƯ_MỤC",
        help="Thư mục không gian làm việc (mặc định: biến VANTHU_HOME, rồi thư mục hiện tại).",
    )(command)


def json_option(command: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")(command)


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
