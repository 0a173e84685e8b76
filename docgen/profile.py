"""The format profile: every number FORMAT.md marks *(profile)*, and the office's own facts.

The format rules change with the guide in force on a document's date (Hướng dẫn 36-HD/VPTW until
26/5/2026, 05-HD/VPTW from 27/5/2026), so margins, sizes, emphasis, spacing, punctuation and codes
live in the ``[guides]`` tables of the workspace's ``vanthu.toml``, never in code. A guide names
the one it is ``based_on`` and lists only what it changes. The packaged ``default_profile.toml`` is
the single source of defaults: a workspace file is laid over it, so an old workspace keeps working
when a release adds a key; its top-level ``[page]``, ``[fonts]``, ``[sizes]``, ``[body]`` and
``[kind_codes]`` (written before the guides were dated) are read as the first guide's.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
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
    line_spacing_pt: float | None = None  # exact spacing, when the guide sets one
    emphasis: dict[str, frozenset[str]] = field(default_factory=dict)  # size key → bold/italic/underline


EMPHASES = ("bold", "italic", "underline")


@dataclass(frozen=True)
class TextRules:
    """How a guide writes the words around the content: the Công văn's trích yếu, list punctuation."""

    cv_subject_prefix: str
    list_separator: str
    bases_last: str
    nhu_tren_first: bool
    authorities: tuple[str, ...]


@dataclass(frozen=True)
class CheckRules:
    """What ``check-format`` allows beside the exact profile values: tolerances and the guide's ranges."""

    margin_tolerance_mm: float
    size_tolerance_pt: float
    indent_tolerance_mm: float
    fonts: tuple[str, ...]
    ranges: dict[str, tuple[float, float]]
    line_spacing_pt: tuple[float, float] | None


@dataclass(frozen=True)
class Guide:
    """One guide of format (Hướng dẫn … của Văn phòng Trung ương Đảng) and the day it took effect."""

    key: str
    symbol: str
    name: str
    start: date
    page: PageLayout
    typography: Typography
    kind_codes: dict[str, str]
    text: TextRules
    check: CheckRules


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
    guides: tuple[Guide, ...]
    guide: Guide  # the guide this profile lays documents out by (``at(day)`` picks the one in force)

    page = property(lambda self: self.guide.page)
    typography = property(lambda self: self.guide.typography)
    kind_codes = property(lambda self: self.guide.kind_codes)
    text = property(lambda self: self.guide.text)

    def guide_on(self, day: date) -> Guide:
        """The guide in force on ``day``: the latest that started on or before it (a document older
        than every guide takes the first)."""
        started = [guide for guide in self.guides if guide.start <= day]
        return started[-1] if started else self.guides[0]

    def at(self, day: date) -> Profile:
        """This profile laid out by the guide in force on ``day``."""
        guide = self.guide_on(day)
        return self if guide is self.guide else replace(self, guide=guide)

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
        """The code the guide writes in the symbol (Quy định: ``QĐi`` by 36-HD, ``QĐ`` by 05-HD); the
        register numbers each kind on its own whatever its printed code."""
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


def _page(t: _Table) -> PageLayout:
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


def _emphasis(t: _Table) -> dict[str, frozenset[str]]:
    found = {}
    for key, value in t.data.items():
        words = frozenset(str(value).split()) if isinstance(value, str) else None
        if words is None or not words <= set(EMPHASES):
            raise t._fail(key, f"chỉ nhận các từ {', '.join(EMPHASES)} cách nhau bằng dấu cách (hoặc \"\")")
        found[key] = words
    return found


def _typography(guide: _Table) -> Typography:
    sizes = guide.table("sizes")
    body = guide.table("body")
    exact = body.get("line_spacing_pt", float) if "line_spacing_pt" in body.data else None
    return Typography(
        font=guide.table("fonts").get("name", str),
        sizes={key: sizes.get(key, float) for key in sizes.data},
        first_line_indent_mm=body.get("first_line_indent_mm", float),
        line_spacing=body.get("line_spacing", float),
        space_after_pt=body.get("space_after_pt", float),
        line_spacing_pt=exact,
        emphasis=_emphasis(guide.table("emphasis")),
    )


def _pair(t: _Table, key: str) -> tuple[float, float] | None:
    value = t.data.get(key, [])
    if value == []:
        return None
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value) or value[0] > value[1]):
        raise t._fail(key, "phải là hai số [nhỏ nhất, lớn nhất]")
    return float(value[0]), float(value[1])


def _strings(t: _Table, key: str) -> tuple[str, ...]:
    value = t.data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise t._fail(key, "phải là danh sách các chuỗi, ví dụ [\"T/M\", \"K/T\"]")
    return tuple(value)


def _text_rules(t: _Table) -> TextRules:
    nhu_tren = t.data.get("nhu_tren_first")
    if not isinstance(nhu_tren, bool):
        raise t._fail("nhu_tren_first", "phải là true hoặc false")
    return TextRules(cv_subject_prefix=t.get("cv_subject_prefix", str),
                     list_separator=t.get("list_separator", str), bases_last=t.get("bases_last", str),
                     nhu_tren_first=nhu_tren, authorities=_strings(t, "authorities"))


def _check_rules(t: _Table) -> CheckRules:
    ranges = t.table("ranges")
    return CheckRules(
        margin_tolerance_mm=t.get("margin_tolerance_mm", float),
        size_tolerance_pt=t.get("size_tolerance_pt", float),
        indent_tolerance_mm=t.get("indent_tolerance_mm", float),
        fonts=_strings(t, "fonts"),
        ranges={key: _pair(ranges, key) for key in ranges.data if _pair(ranges, key)},
        line_spacing_pt=_pair(t, "line_spacing_pt"),
    )


_LEGACY_TABLES = ("page", "fonts", "sizes", "body", "kind_codes")


def _guide_data(root: _Table, key: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """A guide's tables with those of the guide it is based on underneath."""
    guides = root.table("guides")
    if key not in guides.data:
        raise InvalidInput(f"không có hướng dẫn «{key}» trong bảng [guides]", file=root.source,
                           field=f"guides.{seen[-1]}.based_on" if seen else "guides")
    if key in seen:
        raise InvalidInput("các hướng dẫn dựa vào nhau thành vòng", file=root.source, field=f"guides.{key}.based_on")
    own = guides.table(key).data
    base = own.get("based_on")
    if base is None:
        return own
    return _merge(_guide_data(root, str(base), (*seen, key)), {k: v for k, v in own.items() if k != "based_on"})


def _guides(root: _Table) -> tuple[Guide, ...]:
    if not root.table("guides").data:
        raise InvalidInput("thiếu bảng [guides] (thể thức văn bản)", file=root.source, field="guides")
    built = []
    for key in root.table("guides").data:
        t = _Table(_guide_data(root, key), f"guides.{key}", root.source)
        built.append(Guide(
            key=key, symbol=t.get("symbol", str), name=t.get("name", str), start=t.get("from", date),
            page=_page(t.table("page")), typography=_typography(t),
            kind_codes={k: v for k, v in t.table("kind_codes").data.items() if isinstance(v, str)},
            text=_text_rules(t.table("text")), check=_check_rules(t.table("check")),
        ))
    return tuple(sorted(built, key=lambda guide: guide.start))


def _lay_legacy_tables(merged: dict[str, Any], workspace: dict[str, Any]) -> dict[str, Any]:
    """A workspace written before the guides were dated has ``[page]``… at the top: they were written
    for the guide then in force, the first one, and stay its."""
    legacy = {name: workspace[name] for name in _LEGACY_TABLES if isinstance(workspace.get(name), dict)}
    guides = merged.get("guides")
    if not legacy or not isinstance(guides, dict) or not guides:
        return merged
    first = min(guides, key=lambda key: str(guides[key].get("from", "")) if isinstance(guides[key], dict) else "")
    return _merge(merged, {"guides": {first: legacy}})


def merged_config(data: dict[str, Any]) -> dict[str, Any]:
    """A parsed ``vanthu.toml`` laid over the packaged defaults (tables merge, values replace)."""
    return _lay_legacy_tables(_merge(tomllib.loads(default_profile_text()), data), data)


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
        guides=(guides := _guides(root)),
        guide=guides[-1],
    )
    profile = profile.at(date.today())
    profile.body(profile.default_body, file=source)
    for body in profile.bodies.values():
        profile.signer(body.signer, file=source)
    return profile
