"""``vanthu check-format``: the format of documents against the guide in force on their dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from docgen.errors import InvalidInput
from office.formats import check_format
from office.workspace import Workspace
from vanthu.options import CliError, VanthuCommand, home_option, json_option, print_json


def _describe(report) -> str:
    head = f"Tệp {report.file}"
    if report.guide is None:
        return "\n".join([f"{head}: {note}" for note in report.notes])
    dated = f", văn bản ngày {report.date:%d/%m/%Y}" if report.date else ""
    lines = [f"{head} ({report.guide.name}{dated}): "
             + (f"{len(report.deviations)} điểm sai thể thức" if report.deviations
                else "đúng thể thức" if report.judged else "không kiểm tra được")]
    lines += [f"  Lưu ý: {note}" for note in report.notes]
    lines += [f"  {n}. {d.text()}" for n, d in enumerate(report.deviations, start=1)]
    return "\n".join(lines)


@click.command("check-format", cls=VanthuCommand)
@click.argument("files", metavar="TỆP...", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@json_option
@home_option
def check_format_command(files: tuple[Path, ...], as_json: bool, home: Path | None) -> None:
    """Kiểm tra thể thức văn bản (DOCX hoặc PDF) theo hướng dẫn có hiệu lực vào ngày của văn bản.

    Mã thoát 0 khi đúng thể thức, 1 khi có điểm sai, 2 khi có tệp không đọc được.
    """
    workspace = Workspace.locate(home)
    deviations, unreadable = False, 0
    for path in files:
        try:
            report = check_format(workspace, path, date.today())
        except InvalidInput as exc:
            unreadable += 1
            if as_json:
                print_json({"file": str(path), "profile": None, "deviations": [], "error": str(exc)})
            else:  # each file's own line, in order with the others' reports
                CliError(str(exc)).show()
            continue
        deviations = deviations or bool(report.deviations)
        if as_json:
            print_json(report.as_dict())
        else:
            click.echo(_describe(report))
    if unreadable:
        raise SystemExit(2)
    if deviations:
        raise SystemExit(1)
