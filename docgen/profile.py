"""The format profile: every number FORMAT.md marks *(profile)*, and the office's own facts.

A newer format guide may replace Hướng dẫn 36-HD/VPTW, so margins, sizes,
spacing and codes live in the workspace's ``vanthu.toml``, never in code. The
packaged ``default_profile.toml`` is the single source of defaults: a
workspace file is laid over it, so an old workspace keeps working when a
release adds a key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docgen.errors import InvalidInput
from docgen.kinds import Kind

PAGE_NUMBER_POSITIONS = ("header", "footer", "none")


@dataclass(frozen=True)
class Signer:
    authority: str
    title: str
    name: str


@dataclass(frozen=True)
class Body:
    code: str
    name: str
    parent: str
    archive: str
    decider: str
    signer: str


@dataclass(frozen=True)
class PageLayout:
    margin_top_mm: float
    margin_bottom_mm: float
    margin_left_mm: float
    margin_right_mm: float
    page_numbers: str
    page_numbers_from: int


@dataclass(frozen=True)
class Typography:
    font: str
    sizes: dict[str, float]
    first_line_indent_mm: float
    line_spacing: float
    space_after_pt: float


@dataclass(frozen=True)
class Profile:
    source: str
    default_body: str
    place: str
    term_start: date
    term_name: str
    bodies: dict[str, Body]
    signers: dict[str, Signer]
    register_starts: dict[tuple[str, str], int]
    kind_codes: dict[str, str]
    page: PageLayout
    typography: Typography

    def body(self, code: str | None, *, file: Path | str | None = None) -> Body:
        key = (code or self.default_body).strip().upper()
        if key not in self.bodies:
            known = ", ".join(sorted(self.bodies))
            raise InvalidInput(
                f"không có cơ quan ban hành «{code}» trong cấu hình (có: {known})",
                file=file,
                field="body_code",
            )
        return self.bodies[key]

    def signer(self, key: str, *, file: Path | str | None = None) -> Signer:
        if key not in self.signers:
            known = ", ".join(sorted(self.signers))
            raise InvalidInput(
                f"không có người ký «{key}» trong cấu hình (có: {known})",
                file=file,
                field="signer",
            )
        return self.signers[key]

    def kind_code(self, kind: Kind) -> str:
        """The code this office writes in the symbol (``QĐi`` may be written ``QĐ``)."""
        return self.kind_codes.get(kind.code, kind.code)



def default_profile_text() -> str:
    # beside this module, as packaged: read as a file (importlib.resources costs every command ~15 ms)
    return Path(__file__).with_name("default_profile.toml").read_text("utf-8")


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class _Table:
    """Typed reads of one TOML table, with errors that name the file and the key."""

    def __init__(self, data: Any, path: str, source: str):
        if not isinstance(data, dict):
            raise InvalidInput("phải là một bảng (table)", file=source, field=path)
        self.data, self.path, self.source = data, path, source

    def _fail(self, key: str, reason: str) -> InvalidInput:
        return InvalidInput(reason, file=self.source, field=f"{self.path}.{key}".lstrip("."))

    def get(self, key: str, kind: type, default: Any = None) -> Any:
        if key not in self.data:
            if default is not None:
                return default
            raise self._fail(key, "thiếu giá trị")
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self._fail(key, f"giá trị «{value}» không đúng kiểu")
        if kind in (int, float) and value <= 0:
            raise self._fail(key, f"giá trị «{value}» phải lớn hơn 0")
        return value

    def table(self, key: str) -> _Table:
        return _Table(self.data.get(key, {}), f"{self.path}.{key}".lstrip("."), self.source)


def _bodies(root: _Table) -> dict[str, Body]:
    bodies = {}
    for code in root.table("bodies").data:
        t = root.table("bodies").table(code)
        bodies[code.upper()] = Body(
            code=code.upper(),
            name=t.get("name", str),
            parent=t.get("parent", str, ""),
            archive=t.get("archive", str),
            decider=t.get("decider", str),
            signer=t.get("signer", str),
        )
    return bodies


def _signers(root: _Table) -> dict[str, Signer]:
    signers = {}
    for key in root.table("signers").data:
        t = root.table("signers").table(key)
        signers[key] = Signer(t.get("authority", str, ""), t.get("title", str), t.get("name", str))
    return signers


def _register_starts(root: _Table) -> dict[tuple[str, str], int]:
    starts = {}
    for body in root.table("register").data:
        t = root.table("register").table(body)
        for code in t.data:
            starts[(body.upper(), code)] = t.get(code, int)
    return starts


def _page(root: _Table) -> PageLayout:
    t = root.table("page")
    layout = PageLayout(
        *(t.get(f"margin_{side}_mm", float) for side in ("top", "bottom", "left", "right")),
        page_numbers=t.get("page_numbers", str),
        page_numbers_from=t.get("page_numbers_from", int),
    )
    if layout.page_numbers not in PAGE_NUMBER_POSITIONS:
        raise t._fail("page_numbers", f"phải là một trong {', '.join(PAGE_NUMBER_POSITIONS)}")
    if layout.page_numbers_from not in (1, 2):
        raise t._fail("page_numbers_from", "chỉ nhận 1 hoặc 2")
    return layout


def _typography(root: _Table) -> Typography:
    sizes = root.table("sizes")
    body = root.table("body")
    return Typography(
        font=root.table("fonts").get("name", str),
        sizes={key: sizes.get(key, float) for key in sizes.data},
        first_line_indent_mm=body.get("first_line_indent_mm", float),
        line_spacing=body.get("line_spacing", float),
        space_after_pt=body.get("space_after_pt", float),
    )


def merged_config(data: dict[str, Any]) -> dict[str, Any]:
    """A parsed ``vanthu.toml`` laid over the packaged defaults (tables merge, values replace)."""
    return _merge(tomllib.loads(default_profile_text()), data)


def build_profile(data: dict[str, Any], source: str) -> Profile:
    """A profile from a parsed ``vanthu.toml``, laid over the packaged defaults."""
    merged = merged_config(data)
    root = _Table(merged, "", source)
    head = root.table("profile")
    profile = Profile(
        source=source,
        default_body=head.get("body", str).upper(),
        place=head.get("place", str),
        term_start=head.get("term_start", date),
        term_name=head.get("term_name", str),
        bodies=_bodies(root),
        signers=_signers(root),
        register_starts=_register_starts(root),
        kind_codes={k: v for k, v in root.table("kind_codes").data.items() if isinstance(v, str)},
        page=_page(root),
        typography=_typography(root),
    )
    profile.body(profile.default_body, file=source)
    for body in profile.bodies.values():
        profile.signer(body.signer, file=source)
    return profile
