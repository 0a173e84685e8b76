"""How each shell names the fields of the incoming register's forms.

The library refuses input naming the CLI's option (``--note``, ``SỐ_ĐẾN``); a person reads a field
by its label, and one option is a different field on each form (``--note`` is «Ý kiến chỉ đạo» when
a leader directs, «Ghi chú kết quả» when a handler closes). These tables give each action's labels
once, for the pages (the label), the API (the label and its JSON key) and the CLI (the label and
its option), so that all three name a field the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from docgen.errors import InvalidFields, InvalidInput

Table = dict[str, tuple[str, str]]  # option → (label, key of the API)

ROW: Table = {"SỐ_ĐẾN": ("Số đến", "n"), "--year": ("Năm", "year"), "--book": ("Sổ", "book")}
REGISTERING: Table = {
    "KEY": ("Văn bản", "key"), "--received": ("Ngày giờ đến", "received"), "--to": ("Đơn vị hoặc người nhận", "to"),
    "--note": ("Ghi chú", "note"), "--again": ("Vào sổ lần nữa", "again"),
    "--confirm": ("Giá trị cần xác nhận", "confirm"), "--symbol": ("Số, ký hiệu", "values.symbol"),
    "--date": ("Ngày văn bản", "values.date"), "--kind": ("Loại văn bản", "values.kind"),
    "--subject": ("Trích yếu", "values.subject"), "--issuer": ("Cơ quan ban hành", "values.issuer"),
    "--secrecy": ("Độ mật", "values.secrecy"), "--urgency": ("Độ khẩn", "values.urgency")}
DIRECTING: Table = {**ROW, "--lead": ("Đơn vị hoặc người chủ trì", "lead"), "--support": ("Đơn vị phối hợp", "support"),
                    "--due": ("Hạn giải quyết", "due"), "--note": ("Ý kiến chỉ đạo", "note")}
PROGRESSING: Table = {**ROW, "--note": ("Tiến độ giải quyết", "note")}
CLOSING: Table = {**ROW, "--reply": ("Văn bản trả lời", "reply"), "--no-reply": ("Không cần trả lời", "no_reply"),
                  "--note": ("Ghi chú kết quả", "note")}
LISTING: Table = {"--year": ("Năm", "year"), "--status": ("Trạng thái", "status"),
                  "--due-within": ("Đến hạn trong số ngày", "due_within"), "--lead": ("Chủ trì", "lead")}
PRINTING: Table = {"--year": ("Năm", "nam"), "--from": ("Từ ngày", "tu"), "--to": ("Đến ngày", "den"),
                   "--book": ("Sổ", "so"), "--kind": ("Loại văn bản", "loai"),
                   "--body": ("Cơ quan ban hành", "co-quan"), "--pdf": ("Tệp PDF", "pdf"),
                   "--xlsx": ("Tệp Excel", "xlsx")}
_SHOWN_AS = {"KEY": "MÃ_HOẶC_SỐ_KÝ_HIỆU"}  # the CLI's metavar of an argument the library calls otherwise


def page_names(table: Table) -> dict[str, str]:
    return {option: label for option, (label, _key) in table.items()}


def api_names(table: Table) -> dict[str, str]:
    return {option: f"{label} ({key})" for option, (label, key) in table.items()}


def cli_names(table: Table) -> dict[str, str]:
    return {option: f"{label} ({_SHOWN_AS.get(option, option)})" for option, (label, _key) in table.items()}


def _quoting(text: str, names: dict[str, str]) -> str:
    for option, name in names.items():
        text = text.replace(f"«{option}»", f"«{name}»")
    return text


def renamed(exc: InvalidInput, names: dict[str, str]) -> InvalidInput:
    """The same refusal naming its fields (each of them, when there are several), and the options its
    text quotes in «», as ``names`` says."""
    problems = getattr(exc, "problems", None)
    if problems:
        return InvalidFields({names.get(field, field): _quoting(reason, names) for field, reason in problems.items()},
                             file=exc.file)
    return InvalidInput(_quoting(exc.reason, names), file=exc.file, field=names.get(exc.field or "", exc.field))


def form_errors(exc: InvalidInput, table: Table, shown: set[str] | frozenset[str]) -> dict[str, str]:
    """A refusal as a page's form shows it: each problem beside its field (the form's fields are named as
    the API's keys, a value given at registration without its ``values.``), in the page's words; a problem
    of a field the form does not show (``shown``) under ``""``, said at the top by its label."""
    labels = page_names(table)
    problems = getattr(exc, "problems", None) or {exc.field or "": exc.reason}
    errors: dict[str, str] = {}
    for option, reason in problems.items():
        field = table[option][1].removeprefix("values.") if option in table else ""
        said = _quoting(reason, labels)
        if field not in shown:
            field, said = "", f"{labels[option]}: {said}" if option in labels else said
        errors[field] = f"{errors[field]}; {said}" if field in errors else said
    return errors


@contextmanager
def named(names: dict[str, str]) -> Iterator[None]:
    """A refusal raised inside names the fields as ``names`` says."""
    try:
        yield
    except InvalidInput as exc:
        raise renamed(exc, names) from exc
