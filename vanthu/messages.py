"""Click's own messages (usage, help headings, option errors) in Vietnamese.

Click marks its messages for gettext, but looks them up through each module's
``_`` and ``ngettext``, which a program cannot point at a catalogue without a
compiled .mo file and the user's locale. Clerks see these messages, so vanthu
rebinds those names in click's modules to a small Vietnamese table; a message
missing from the table stays in English rather than failing.
"""

from __future__ import annotations

import importlib

VIETNAMESE = {
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Đối số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn bằng: {command} {option}",
    "Missing argument": "Thiếu đối số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing command.": "Thiếu tên lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là số hợp lệ.",
    "{value!r} is not {choice}.": "{value!r} không hợp lệ; chỉ nhận {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} không hợp lệ; chọn một trong: {choices}.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng cho phép ({range}).",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp.",
    "file": "Tệp",
    "directory": "Thư mục",
    "path": "Đường dẫn",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "env var: {var}": "biến môi trường: {var}",
    "Aborted!": "Đã dừng.",
    "Got unexpected extra argument ({args})": "Thừa đối số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các đối số ({args})",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Option {name!r} requires {nargs} arguments.": "Tùy chọn {name!r} cần {nargs} giá trị.",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Có phải ý bạn là: {possibilities}?)",
}
_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types")


def _gettext(message: str) -> str:
    return VIETNAMESE.get(message, message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return _gettext(singular if count == 1 else plural)


def _describe_range(self) -> str:
    """A number option's range as its help and its refusal say it (click writes ``1<=x<=1000``)."""
    low = f"{'lớn hơn' if self.min_open else 'từ'} {self.min}" if self.min is not None else ""
    high = f"{'nhỏ hơn' if self.max_open else 'đến'} {self.max}" if self.max is not None else ""
    if low and high:
        return f"{low} {high}"
    return low.replace("từ", "ít nhất") if low else high.replace("đến", "nhiều nhất")


def install() -> None:
    """Rebind click's message look-ups to the Vietnamese table."""
    import click.types

    click.types._NumberRangeBase._describe_range = _describe_range
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext
