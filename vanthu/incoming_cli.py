"""``vanthu incoming``: the register of documents received, their direction and follow-up, the
printed books (and ``vanthu register book``, the outgoing register printed the same way)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import click

from access import roles
from docgen.errors import InvalidInput
from docgen.files import write_replacing
from docgen.secrecy import CONSOLE
from incoming.fields import CLOSING, DIRECTING, LISTING, PRINTING, PROGRESSING, REGISTERING, ROW, cli_names, named
from incoming.rows import NO_REPLY, answer_words, book_level, console_actor, parse_ref, parse_status
from office import incoming as office_incoming
from office.workspace import Workspace
from vanthu.options import VanthuGroup, date_value, home_option, json_option, print_json, viewer_option


def _day(value: str) -> str:
    return f"{date.fromisoformat(value[:10]):%d/%m/%Y}" if value else ""


def _when(value: str) -> str:
    return f"{value[11:16]} ngày {_day(value)}" if len(value) > 10 else f"ngày {_day(value)}"


def _state(row: dict[str, Any]) -> str:
    if row["status"] == "done":
        answer = f"trả lời bằng {answer_words(row['reply'], row['reply_void'])}" if row["reply"] else NO_REPLY
        return f"đã xong ({answer})"
    if row["status"] == "registered":
        return "chưa có ý kiến chỉ đạo"
    due = f", hạn {_day(row['due'])}" if row["due"] else ""
    late = f" — QUÁ HẠN {row['days_overdue']} ngày" if row["overdue"] else ""
    return f"chủ trì: {row['lead']}{due}{late}"


def _line(row: dict[str, Any]) -> str:
    book = f" ({row['book']})" if row["book"] else ""
    urgent = f" [{row['urgency']}]" if row["urgency"] else ""
    return (f"{row['number']:>4}/{row['year']}{book}{urgent}  đến {_when(row['received'])}  "
            f"{row['symbol'] or '(không số)'}  {row['issuer']}\n      {row['kind_name']} {row['subject']}".rstrip()
            + f"\n      {_state(row)}")


def ref_options(command: Any) -> Any:
    command = click.option("--book", "book", metavar="SỔ",
                           help="Sổ văn bản mật: MẬT, TỐI MẬT, TUYỆT MẬT (mặc định: sổ thường).")(command)
    command = click.option("--year", type=click.IntRange(2000, 2100),
                           help="Năm của số đến (mặc định: năm nay).")(command)
    return click.argument("number", metavar="SỐ_ĐẾN")(command)


def _ref(number: str, year: int | None, book: str | None):
    return parse_ref(number, year=year, level=book_level(book))


def _show(row: dict[str, Any], as_json: bool, head: str) -> None:
    if as_json:
        print_json(row)
        return
    click.echo(f"{head}\n{_line(row)}")


@click.group(cls=VanthuGroup)
def incoming() -> None:
    """Sổ đăng ký văn bản đến: vào sổ, ý kiến chỉ đạo, theo dõi giải quyết, in sổ."""


@incoming.command("add")
@click.argument("key", metavar="MÃ_HOẶC_SỐ_KÝ_HIỆU")
@click.option("--received", metavar="THỜI_ĐIỂM", help="Ngày giờ đến (03/12/2026 08:30); mặc định: bây giờ.")
@click.option("--to", "to", default="", help="Đơn vị hoặc người nhận.")
@click.option("--note", default="", help="Ghi chú.")
@click.option("--again", is_flag=True, help="Vào sổ dù văn bản (cùng số, ký hiệu, cơ quan ban hành) đã có trong sổ.")
@click.option("--confirm", multiple=True, metavar="TRƯỜNG",
              help="Xác nhận giá trị đề xuất (symbol, date, kind, subject, issuer, secrecy); lặp lại cho nhiều trường.")
@click.option("--symbol", help="Số, ký hiệu đúng, nếu vanthu đọc sai hoặc chỉ đề xuất.")
@click.option("--date", "day", help="Ngày văn bản đúng (13/09/2024).")
@click.option("--kind", help="Loại văn bản đúng.")
@click.option("--subject", help="Trích yếu đúng.")
@click.option("--issuer", help="Cơ quan ban hành đúng.")
@click.option("--secrecy", help="Độ mật đúng (trống: không mật).")
@click.option("--urgency", help="Độ khẩn đúng (trống: không khẩn).")
@json_option
@home_option
def incoming_add(key: str, received: str | None, to: str, note: str, again: bool, confirm: tuple[str, ...],
                 symbol: str | None, day: str | None, kind: str | None, subject: str | None, issuer: str | None,
                 secrecy: str | None, urgency: str | None, as_json: bool, home: Path | None) -> None:
    """Vào sổ văn bản đến văn bản đã lưu trữ (theo mã hoặc số, ký hiệu); cấp số đến tiếp theo của năm."""
    given = {"symbol": symbol, "date": day, "kind": kind, "subject": subject, "issuer": issuer, "secrecy": secrecy,
             "urgency": urgency}
    workspace = Workspace.locate(home)
    with named(cli_names(REGISTERING)):
        row = office_incoming.register_incoming(
            workspace, key, CONSOLE, console_actor(CONSOLE), received=received, to=to, note=note,
            again=again, values={k: v for k, v in given.items() if v is not None}, confirm=confirm)
    office_incoming.audit_console(workspace, "incoming", row)
    if as_json:
        print_json(row)
        return
    book = f" ({row['book']})" if row["book"] else ""
    click.echo(f"Đã vào sổ văn bản đến: số đến {row['number']}/{row['year']}{book}, đến lúc {_when(row['received'])}.")
    click.echo(_line(row))
    if row["same_day"]:
        click.echo(f"Văn bản {row['urgency']}: trình lãnh đạo và chuyển giao ngay trong ngày.")
    if row["due_proposed"]:
        click.echo(f"Văn bản đặt hạn {_day(row['due_proposed'])} («{row['due_text']}»): hạn này được đề xuất khi "
                   "ghi ý kiến chỉ đạo.")


@incoming.command("direct")
@ref_options
@click.option("--lead", required=True, help="Đơn vị hoặc người chủ trì (Tổ 11, tên đăng nhập, tên đơn vị).")
@click.option("--support", multiple=True, help="Đơn vị phối hợp (lặp lại cho nhiều đơn vị).")
@click.option("--due", help="Hạn giải quyết (20/12/2026); mặc định: hạn văn bản đặt ra, nếu có.")
@click.option("--note", default="", help="Ý kiến chỉ đạo.")
@json_option
@home_option
def incoming_direct(number: str, year: int | None, book: str | None, lead: str, support: tuple[str, ...],
                    due: str | None, note: str, as_json: bool, home: Path | None) -> None:
    """Ghi ý kiến chỉ đạo: một đơn vị chủ trì, các đơn vị phối hợp, hạn giải quyết."""
    workspace = Workspace.locate(home)
    with named(cli_names(DIRECTING)):
        row = office_incoming.direct_incoming(workspace, _ref(number, year, book), CONSOLE, console_actor(CONSOLE),
                                              lead=lead, supports=support, due=due, note=note)
    office_incoming.audit_console(workspace, "incoming-direct", row)
    _show(row, as_json, "Đã ghi ý kiến chỉ đạo:")
    if not as_json and not due and row["due"] and row["due"] == row["due_proposed"]:
        click.echo(f"Hạn {_day(row['due'])} lấy theo văn bản: «{row['due_text']}» (sửa bằng --due).")


@incoming.command("progress")
@ref_options
@click.option("--note", required=True, help="Tiến độ giải quyết.")
@json_option
@home_option
def incoming_progress(number: str, year: int | None, book: str | None, note: str, as_json: bool,
                      home: Path | None) -> None:
    """Ghi tiến độ giải quyết văn bản đến SỐ_ĐẾN."""
    workspace = Workspace.locate(home)
    with named(cli_names(PROGRESSING)):
        row = office_incoming.incoming_progress(workspace, _ref(number, year, book), CONSOLE, console_actor(CONSOLE),
                                                note)
    office_incoming.audit_console(workspace, "incoming-progress", row)
    _show(row, as_json, "Đã ghi tiến độ giải quyết:")


@incoming.command("done")
@ref_options
@click.option("--reply", metavar="SỐ_KÝ_HIỆU", help="Văn bản đi trả lời (1780-CV/TU).")
@click.option("--no-reply", is_flag=True, help="Không cần trả lời (lưu, để biết); cần --note.")
@click.option("--note", default="", help="Ghi chú kết quả.")
@json_option
@home_option
def incoming_done(number: str, year: int | None, book: str | None, reply: str | None, no_reply: bool, note: str,
                  as_json: bool, home: Path | None) -> None:
    """Kết thúc giải quyết văn bản đến SỐ_ĐẾN: bằng văn bản trả lời (--reply) hoặc lưu, để biết (--no-reply)."""
    if bool(reply) == no_reply:
        raise InvalidInput("chọn một: ghi văn bản trả lời (--reply SỐ_KÝ_HIỆU), hoặc không cần trả lời (--no-reply) "
                           "kèm ghi chú kết quả (--note …)", field="Văn bản trả lời (--reply)")
    workspace = Workspace.locate(home)
    with named(cli_names(CLOSING)):
        row = office_incoming.close_incoming(workspace, _ref(number, year, book), CONSOLE, console_actor(CONSOLE),
                                             reply=reply, note=note)
    office_incoming.audit_console(workspace, "incoming-done", row)
    _show(row, as_json, "Đã giải quyết xong:")
    if not as_json and row["tasks_closed"]:
        click.echo(f"Đã đánh dấu xong {row['tasks_closed']} nhiệm vụ đọc từ văn bản này.")


@incoming.command("show")
@ref_options
@json_option
@viewer_option
@home_option
def incoming_show(number: str, year: int | None, book: str | None, as_json: bool, as_login: str | None,
                  home: Path | None) -> None:
    """Xem một văn bản đến trong sổ, với lịch sử: ai làm gì, lúc nào."""
    from incoming.rows import ACTIONS

    workspace = Workspace.locate(home)
    with named(cli_names(ROW)):
        row = office_incoming.incoming_row(workspace, _ref(number, year, book), workspace.viewer(as_login, roles.READ))
    if as_json:
        print_json(row)
        return
    click.echo(_line(row))
    for event in row["history"]:
        detail = f": {event['detail']}" if event["detail"] else ""
        click.echo(f"    {event['at'][11:16]} {_day(event['at'])} {event['who']} "
                   f"{ACTIONS.get(event['action'], event['action'])}{detail}")


@incoming.command("list")
@click.option("--status", help="chua-chi-dao, dang-giai-quyet, qua-han, da-xong.")
@click.option("--overdue", is_flag=True, help="Chỉ văn bản quá hạn giải quyết.")
@click.option("--due-within", type=click.IntRange(min=0), metavar="SỐ_NGÀY", help="Đến hạn trong số ngày tới.")
@click.option("--lead", help="Chỉ văn bản do đơn vị hoặc người này chủ trì.")
@click.option("--year", type=click.IntRange(2000, 2100), help="Chỉ một năm.")
@json_option
@viewer_option
@home_option
def incoming_list(status: str | None, overdue: bool, due_within: int | None, lead: str | None, year: int | None,
                  as_json: bool, as_login: str | None, home: Path | None) -> None:
    """Liệt kê sổ văn bản đến; văn bản hỏa tốc, thượng khẩn, khẩn chưa xong đứng đầu."""
    from incoming.book import Filters

    workspace = Workspace.locate(home)
    with named(cli_names(LISTING)):
        rows = office_incoming.incoming_list(workspace, workspace.viewer(as_login, roles.READ), Filters(
            year=year, status=parse_status(status), overdue=overdue, due_within=due_within, lead=lead))
    if as_json:
        print_json(rows)
        return
    click.echo("\n".join(_line(row) for row in rows) or "Không có văn bản đến nào.")


def book_outputs(command: Any) -> Any:
    path = click.Path(dir_okay=False, path_type=Path)
    for option in (click.option("--xlsx", "xlsx", type=path, help="Ghi tệp Excel."),
                   click.option("--pdf", "pdf", type=path, help="Ghi tệp PDF."),
                   click.option("--to", "date_to", metavar="NGÀY", help="Đến ngày (mặc định: hết năm)."),
                   click.option("--from", "date_from", metavar="NGÀY", help="Từ ngày (mặc định: đầu năm)."),
                   click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Năm của sổ.")):
        command = option(command)
    return command


def _writable(path: Path, option: str) -> None:
    """The folder a book is written into exists and takes files: checked before any book is made, so
    that a wrong folder leaves nothing half-written (not even the other book)."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InvalidInput(f"không có thư mục {folder}; tạo thư mục trước, hoặc chọn tệp trong thư mục khác",
                           file=path, field=option)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(f"không được ghi vào thư mục {folder}", file=path, field=option)


def _write_books(make: Any, pdf: Path | None, xlsx: Path | None) -> None:
    """Each book asked for, made whole and then written in place of the file (never half a file); a
    folder that takes no file is refused by its option, in words, before anything is made."""
    if not pdf and not xlsx:
        raise InvalidInput("cho biết tệp ghi ra: tệp PDF (--pdf TỆP) hoặc tệp Excel (--xlsx TỆP)", field="--pdf")
    outputs = [(path, fmt) for path, fmt in ((xlsx, "xlsx"), (pdf, "pdf")) if path]
    for path, fmt in outputs:
        _writable(path, f"--{fmt}")
    for path, fmt in outputs:
        data = make(fmt)
        try:
            write_replacing(path, data)
        except OSError as exc:  # what no check foresees (a read-only disk, a folder of the system)
            raise InvalidInput(f"không ghi được tệp ({exc.strerror or exc}); chọn tệp trong thư mục khác",
                               file=path, field=f"--{fmt}") from exc
        click.echo(f"Đã ghi {path}")


@incoming.command("book")
@book_outputs
@click.option("--follow-up", is_flag=True, help="Sổ theo dõi giải quyết văn bản đến.")
@click.option("--book", "book", metavar="SỔ", help="Sổ văn bản mật: MẬT, TỐI MẬT, TUYỆT MẬT.")
@viewer_option
@home_option
def incoming_book(year: int, date_from: str | None, date_to: str | None, pdf: Path | None, xlsx: Path | None,
                  follow_up: bool, book: str | None, as_login: str | None, home: Path | None) -> None:
    """In Sổ đăng ký văn bản đến (hoặc Sổ theo dõi giải quyết văn bản đến) của một năm, khổ A4 ngang."""
    workspace = Workspace.locate(home)
    with named(cli_names(PRINTING)):
        viewer, level = workspace.viewer(as_login, roles.REGISTER), book_level(book)
        start, end = date_value("--from", date_from), date_value("--to", date_to)
        _write_books(lambda fmt: office_incoming.incoming_book_file(
            workspace, viewer, year=year, fmt=fmt, level=level, follow_up=follow_up, date_from=start, date_to=end),
            pdf, xlsx)


@click.command("book", cls=VanthuGroup.command_class)
@book_outputs
@click.option("--kind", help="Chỉ một loại văn bản.")
@click.option("--body", help="Chỉ một cơ quan ban hành (TU, VPTU…).")
@viewer_option
@home_option
def register_book(year: int, date_from: str | None, date_to: str | None, pdf: Path | None, xlsx: Path | None,
                  kind: str | None, body: str | None, as_login: str | None, home: Path | None) -> None:
    """In Sổ đăng ký văn bản đi của một năm, khổ A4 ngang (PDF hoặc Excel)."""
    workspace = Workspace.locate(home)
    with named(cli_names(PRINTING)):
        viewer = workspace.viewer(as_login, roles.REGISTER)
        start, end = date_value("--from", date_from), date_value("--to", date_to)
        _write_books(lambda fmt: office_incoming.outgoing_book_file(
            workspace, viewer, year=year, fmt=fmt, kind=kind, body=body, date_from=start, date_to=end), pdf, xlsx)

