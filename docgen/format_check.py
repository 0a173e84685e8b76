"""The format check: a document's parts against the guide in force on its date (``vanthu check-format``).

Each rule looks at one part of ``docgen.layout_model.Layout`` and names what deviates from the guide
(Hướng dẫn 36-HD/VPTW or 05-HD/VPTW, as the profile's ``[guides]`` lay them out): where, what was
found, what the guide wants, and how a clerk fixes it. What the file cannot tell (an underline in a
PDF, a size in a scan) is not judged. The numbers come from the profile, never from here: a rule
only knows which profile value it compares.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date

from docgen.layout_model import Layout, Line, is_kind_title
from docgen.profile import Guide, Profile
from docgen.text import fold, number

# A state body's document follows the state's rules, which vanthu does not check: it says so and names them,
# and never judges the document by a Party guide (its «Số:», «TM.», «Lưu: VT» are right there).
STATE_RULE = "Nghị định 30/2020/NĐ-CP của Chính phủ về công tác văn thư (Phụ lục I)"
ONLY_PARTY = "vanthu chỉ kiểm tra thể thức văn bản của Đảng, không kiểm tra văn bản này"
STATE_NOTE = (f"văn bản của cơ quan nhà nước (có «CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM», «Số:»): thể thức theo "
              f"{STATE_RULE}; {ONLY_PARTY}")
SCAN_NOTE = "bản quét (không có lớp chữ): chỉ kiểm tra được chữ đọc bằng OCR, không kiểm tra phông, cỡ chữ, lề"


@dataclass
class Deviation:
    rule: str
    where: str
    found: str
    want: str
    fix: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def text(self) -> str:
        """The deviation as a clerk reads it: where, what the document has (its own words in «»), what the
        guide wants, how to put it right."""
        return f"{self.where}: {self.found}; cần {self.want}. Cách sửa: {self.fix.rstrip('.')}."


@dataclass
class Report:
    file: str
    guide: Guide | None
    deviations: list[Deviation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    date: date | None = None
    kind: str = ""
    judged: bool = True  # False: nothing of the file could be read, so nothing was judged
    state: bool = False  # a state body's document: named, not judged (``STATE_RULE``)

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "profile": self.guide.symbol if self.guide else None,
                "date": self.date.isoformat() if self.date else None, "kind": self.kind,
                "deviations": [d.as_dict() for d in self.deviations], "notes": self.notes, "judged": self.judged,
                "state": self.state}


def state_report(file: str, day: date | None) -> Report:
    """The report on a state body's document: its rule named, nothing judged."""
    return Report(file, None, notes=[STATE_NOTE], date=day, judged=False, state=True)


def _quoted(text: str, words: int = 12) -> str:
    """A document's own words as a message quotes them: whole words, at most ``words`` of them."""
    parts = text.split()
    return f"«{' '.join(parts[:words])}{' …' if len(parts) > words else ''}»"


def _tail(text: str, words: int = 8) -> str:
    """The last words of a paragraph, quoted: where it ends is what is judged."""
    parts = text.split()
    return f"«{'… ' if len(parts) > words else ''}{' '.join(parts[-words:])}»"


_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_SYMBOL = re.compile(r"^Số\s*(?P<colon>:)?\s*(?P<number>\d*)\s*(?P<sep1>[-/]?)\s*(?P<kind>[^\s/]*)\s*"
                     r"(?P<sep2>/?)\s*(?P<body>\S*)")


def _first_page(layout: Layout) -> list[Line]:
    return [line for line in layout.lines if line.page <= 1][:60]


_STATE_SYMBOL = re.compile(r"\d+\s*/\s*(\d{4}\s*/\s*)?[A-ZĐ][A-Za-zĐđ]{0,4}\s*-\s*[A-ZĐ]")  # 970/QĐ-TTg


def _is_state(layout: Layout) -> bool:
    """The state's motto, or a symbol written the state's way (``Số: 280/BC-UBND``)."""
    text = " ".join(fold(line.text) for line in _first_page(layout))
    squeezed = text.replace(" ", "")
    return ("conghoaxahoichunghiavietnam" in squeezed or "doclap-tudo-hanhphuc" in squeezed
            or any(_STATE_SYMBOL.search(line.text) for line in _first_page(layout) if "Số" in line.text))


def _is_party(layout: Layout) -> bool:
    return any("dang cong san viet nam" in fold(line.text) for line in _first_page(layout))


_MONTH = re.compile(r"ngày\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.IGNORECASE)


def document_date(layout: Layout) -> date | None:
    """The date the header prints (``…, ngày 03 tháng 6 năm 2026``); a day left blank to be written by
    hand counts as the month's first (the guides change on a day, their month is nearly always enough)."""
    for line in [*layout.header_right, *layout.header_left, *layout.lines[:20]]:
        found, month = _DATE.search(line.text), _MONTH.search(line.text)
        try:
            if found:
                return date(int(found[3]), int(found[2]), int(found[1]))
            if month:
                return date(int(month[2]), int(month[1]), 1)
        except ValueError:
            return None
    return None


_SYMBOL_LINE = re.compile(r"^Số\s*:?\s*\d*\s*[-/]?\s*[A-ZĐ][A-Za-zĐđ]*\s*[-/]")  # a number filled by hand: blank


def _symbol_line(layout: Layout) -> Line | None:
    return next((line for line in [*layout.header_left, *layout.lines[:20]] if _SYMBOL_LINE.match(line.text)
                 or (_SYMBOL.match(line.text) and any(ch.isdigit() for ch in line.text[:12]))), None)


def document_kind(layout: Layout) -> str:
    """The kind's name in capitals (``CÔNG VĂN`` when there is no title: only a Công văn has none)."""
    title = next((line.text for line in layout.title if is_kind_title(line.text)), "")
    if title:
        return title.upper()
    symbol = _symbol_line(layout)
    code = _SYMBOL.match(symbol.text)["kind"] if symbol else ""
    return "CÔNG VĂN" if code.upper() == "CV" or not layout.title else ""


class Checker:
    """The rules of one guide, applied to one layout."""

    def __init__(self, layout: Layout, guide: Guide):
        self.layout, self.guide = layout, guide
        self.found: list[Deviation] = []
        self.kind = document_kind(layout)

    # helpers ----------------------------------------------------------------------------------------
    def add(self, rule: str, where: str, found: str, want: str, fix: str) -> None:
        self.found.append(Deviation(rule, where, found, want, fix))

    def _want_size(self, key: str) -> tuple[float, float]:
        if key in self.guide.check.ranges:
            return self.guide.check.ranges[key]
        size = self.guide.typography.sizes[key]
        return size, size

    def size(self, line: Line | None, key: str, where: str) -> None:
        if line is None or line.size is None:
            return
        low, high = self._want_size(key)
        tolerance = self.guide.check.size_tolerance_pt
        if not low - tolerance <= line.size <= high + tolerance:
            want = f"cỡ {number(low)}" if low == high else f"cỡ {number(low)}–{number(high)}"
            self.add(f"size.{key}", where, f"cỡ {number(line.size)}", want, f"chọn cỡ chữ {want.split()[-1]} pt")

    def emphasis(self, line: Line | None, key: str, where: str, default: set[str]) -> None:
        """Bold and italic as the guide's emphasis for ``key`` (else ``default``) says; underline too
        when the file tells it."""
        if line is None:
            return
        wanted = self.guide.typography.emphasis.get(key, frozenset(default))
        for name, word in (("bold", "đậm"), ("italic", "nghiêng"), ("underline", "gạch chân")):
            shown = getattr(line, name)
            if shown is None or shown == (name in wanted):
                continue
            state = word if shown else f"không {word}"
            want = f"chữ {'' if name in wanted else 'không '}{word}"
            action = "đặt" if name in wanted else "bỏ"
            self.add(f"style.{key}", where, f"chữ {state}", want, f"{action} kiểu chữ {word}")

    # rules ------------------------------------------------------------------------------------------
    def page(self) -> None:
        page, tolerance = self.guide.page, self.guide.check.margin_tolerance_mm
        names = {"top": "Lề trên", "bottom": "Lề dưới", "left": "Lề trái", "right": "Lề phải"}
        for side, name in names.items():
            want = getattr(page, f"margin_{side}_mm")
            got = self.layout.margins_mm.get(side)
            if got is not None and abs(got - want) > tolerance:
                self.add(f"page.margin_{side}", name, f"{number(got)} mm", f"{number(want)} mm",
                         f"đặt lề {name.split()[-1].lower()} {number(want)} mm (Page Setup / Bố cục trang)")
        lowest = self.layout.margins_mm.get("bottom_at_least")
        if lowest is not None and lowest < page.margin_bottom_mm - tolerance:
            self.add("page.margin_bottom", "Lề dưới", f"chữ cách mép dưới {number(lowest)} mm",
                     f"{number(page.margin_bottom_mm)} mm", f"đặt lề dưới {number(page.margin_bottom_mm)} mm")

    def fonts(self) -> None:
        allowed = {_font_key(name) for name in self.guide.check.fonts}
        wrong = sorted(name for name in self.layout.fonts if not any(_font_key(name).startswith(a) for a in allowed))
        if wrong:
            want = self.guide.typography.font
            self.add("font.name", "Phông chữ", ", ".join(wrong), f"phông {want} (Unicode, TCVN 6909:2001)",
                     f"chọn toàn bộ văn bản (Ctrl+A) rồi đặt phông {want}")

    def header(self) -> None:
        layout = self.layout
        if layout.header_table is False:
            self.add("header.columns", "Phần đầu văn bản", "không chia hai cột",
                     "tên cơ quan bên trái, «ĐẢNG CỘNG SẢN VIỆT NAM» bên phải, cùng dòng đầu",
                     "trình bày phần đầu trong một bảng hai cột không viền")
        party = next((line for line in layout.header_right if "dang cong san" in fold(line.text)), None)
        if party is None:
            party = next((line for line in layout.lines[:12] if "dang cong san" in fold(line.text)), None)
            if layout.header_table and party is not None:
                self.add("header.columns", "Tiêu đề «ĐẢNG CỘNG SẢN VIỆT NAM»", "ở cột trái", "ở cột phải, dòng đầu",
                         "chuyển tiêu đề sang cột phải của phần đầu")
        if party is None:
            self.add("header.party", "Tiêu đề", "không có", "«ĐẢNG CỘNG SẢN VIỆT NAM»",
                     "thêm tiêu đề ở góc phải, dòng đầu, trang đầu")
        else:
            if party.text != "ĐẢNG CỘNG SẢN VIỆT NAM":
                self.add("header.party", "Tiêu đề", _quoted(party.text), "«ĐẢNG CỘNG SẢN VIỆT NAM» in hoa",
                         "ghi đúng «ĐẢNG CỘNG SẢN VIỆT NAM» bằng chữ in hoa")
            self.size(party, "party", "Tiêu đề «ĐẢNG CỘNG SẢN VIỆT NAM»")
            self.emphasis(party, "party", "Tiêu đề «ĐẢNG CỘNG SẢN VIỆT NAM»", {"bold", "underline"})
        self.issuer()

    def issuer(self) -> None:
        left = self.layout.header_left
        symbol = _symbol_line(self.layout)
        names = [line for line in left[: left.index(symbol) if symbol in left else 3]
                 if line.text != "*" and "dang cong san" not in fold(line.text)]
        star = [line for line in left if line.text.strip() == "*"]
        if not star:
            self.add("header.star", "Dưới tên cơ quan ban hành", "không có dấu sao", "dấu sao (*)",
                     "thêm một dòng «*» căn giữa dưới tên cơ quan ban hành")
        for i, line in enumerate(names):
            if not line.text.isupper():
                self.add("header.issuer", "Tên cơ quan ban hành", _quoted(line.text), "chữ in hoa",
                         "viết tên cơ quan ban hành bằng chữ in hoa")
            self.size(line, "issuer", "Tên cơ quan ban hành")
            bold = i == len(names) - 1  # the issuer bold, the parent above it upright
            if line.bold is not None and line.bold != bold:
                self.add("style.issuer", "Tên cơ quan cấp trên" if not bold else "Tên cơ quan ban hành",
                         "chữ đậm" if line.bold else "chữ không đậm", "chữ đậm" if bold else "chữ đứng, không đậm",
                         "chỉ tên cơ quan ban hành in đậm; tên cơ quan cấp trên chữ đứng")

    def symbol(self) -> None:
        line = _symbol_line(self.layout)
        where = "Số và ký hiệu"
        if line is None:
            self.add("symbol.missing", where, "không có", "«Số 01-CV/TU» dưới tên cơ quan",
                     "ghi số và ký hiệu dưới dấu sao")
            return
        parts = _SYMBOL.match(line.text)
        if parts["colon"]:
            self.add("symbol.colon", where, _quoted(line.text), "«Số» không có dấu hai chấm",
                     "xóa dấu «:» sau chữ «Số»")
        if parts["number"] and int(parts["number"]) < 10 and len(parts["number"]) < 2:
            self.add("symbol.zero", where, _quoted(line.text), f"số {int(parts['number']):02d}",
                     "số nhỏ hơn 10 ghi thêm số 0 phía trước")
        if parts["sep1"] != "-" or parts["sep2"] != "/" or re.search(r"\d\s+-|-\s+\S", line.text):
            self.add("symbol.form", where, _quoted(line.text), "«Số 01-CV/TU»: gạch nối trước ký hiệu loại, gạch chéo "
                     "trước ký hiệu cơ quan, không có dấu cách", "ghi liền «số-LOẠI/CƠQUAN»")
        self.size(line, "symbol", where)
        self.emphasis(line, "symbol", where, set())

    def date(self) -> None:
        candidates = [*self.layout.header_right, *self.layout.lines[:20]]
        line = next((line for line in candidates if _DATE.search(line.text)), None)
        where = "Địa danh và ngày tháng năm"
        if line is None and any(_MONTH.search(line.text) for line in candidates):
            return  # the day left blank, to be written by hand when signed
        if line is None:
            self.add("date.missing", where, "không có", "«Lâm Đồng, ngày 03 tháng 6 năm 2026»",
                     "ghi địa danh, ngày tháng năm dưới tiêu đề")
            return
        found = _DATE.search(line.text)
        day, month = found[1], found[2]
        want_day, want_month = f"{int(day):02d}", f"{int(month):02d}" if int(month) < 3 else str(int(month))
        if day != want_day or month != want_month:
            self.add("date.zeros", where, _quoted(found[0]), f"«ngày {want_day} tháng {want_month}»",
                     "ngày dưới 10 và tháng 1, 2 ghi thêm số 0 phía trước; tháng từ 3 trở đi không thêm")
        if not re.search(r"\S,\s*ngày", line.text):
            self.add("date.form", where, _quoted(line.text), "dấu phẩy giữa địa danh và ngày: «Lâm Đồng, ngày …»",
                     "thêm dấu phẩy sau địa danh")
        self.size(line, "place_date", where)
        self.emphasis(line, "place_date", where, {"italic"})

    def subject(self) -> None:
        if self.kind == "CÔNG VĂN":
            self._cv_subject()
            return
        title = self.layout.title
        if not title:
            self.add("title.missing", "Tên loại văn bản", "không có", "tên loại in hoa, đậm, giữa trang",
                     "thêm tên loại (QUYẾT ĐỊNH, THÔNG BÁO…) và trích yếu dưới phần đầu")
            return
        head = title[0]
        self.size(head, "kind_title", "Tên loại văn bản")
        self.emphasis(head, "kind_title", "Tên loại văn bản", {"bold"})
        subject = [line for line in title[1:]
                   if not re.match(r"^[-–—_.\s]{3,}$", line.text) and not line.text.isupper()]
        for line in subject[:1]:
            self.size(line, "title_subject", "Trích yếu")
            self.emphasis(line, "title_subject", "Trích yếu", {"bold"})
        rule = title[-1].text if len(title) > 1 else ""
        if not re.match(r"^-{3,}$", rule.replace(" ", "")):
            self.add("title.rule", "Dưới trích yếu", _quoted(rule) if rule else "không có", "«-----» (05 dấu gạch nối)",
                     "thêm một dòng «-----» căn giữa dưới trích yếu")

    def _cv_subject(self) -> None:
        left = self.layout.header_left
        symbol = _symbol_line(self.layout)
        after = left[left.index(symbol) + 1:] if symbol in left else []
        lines = [line for line in after if line.text not in ("MẬT", "TỐI MẬT", "TUYỆT MẬT", "KHẨN", "THƯỢNG KHẨN",
                                                              "HỎA TỐC", "HOẢ TỐC")]
        prefix = self.guide.text.cv_subject_prefix
        if not lines:
            self.add("subject.cv", "Trích yếu công văn", "không có", f"«{prefix} …» dưới số và ký hiệu",
                     "ghi trích yếu dưới số và ký hiệu")
            return
        first = lines[0]
        if not first.text.casefold().startswith(prefix.casefold()):
            said = first.text.split()[0] if first.text.split() else first.text
            self.add("subject.cv", "Trích yếu công văn", f"«{said} …»", f"«{prefix} …» ({self.guide.symbol})",
                     f"mở đầu trích yếu bằng «{prefix}»")
        self.size(first, "subject_cv", "Trích yếu công văn")
        self.emphasis(first, "subject_cv", "Trích yếu công văn", {"italic"})

    def addressees(self) -> None:
        label = "Kính trình" if self.kind == "TỜ TRÌNH" else "Kính gửi"
        if self.kind not in ("CÔNG VĂN", "TỜ TRÌNH"):
            return
        body = self.layout.body
        at = next((i for i, line in enumerate(body[:12]) if fold(line.text).startswith(fold(label))), None)
        if at is None:
            self.add("addressee.missing", label, "không có", f"«{label}:» và nơi nhận giải quyết",
                     f"thêm «{label}:» dưới {'trích yếu' if label == 'Kính trình' else 'phần đầu'}")
            return
        line = body[at]
        if not line.text.startswith(f"{label}:"):
            self.add("addressee.colon", label, _quoted(line.text, 2), f"«{label}:»",
                     f"thêm dấu hai chấm sau «{label}»")
        if line.italic is False:
            self.add("style.to", label, "chữ không nghiêng", "chữ nghiêng", f"đặt chữ «{label}:» nghiêng")
        self.size(line, "to", label)
        items = _listed_items(body[at + 1:at + 15])
        self.punctuation(items, label)

    def punctuation(self, items: list[str], where: str) -> None:
        """Each item ends with the guide's separator, the last with a full stop."""
        if len(items) < 2:
            return
        separator = self.guide.text.list_separator
        for item in items[:-1]:
            if not item.endswith(separator):
                self.add("list.punctuation", where, _quoted(item),
                         f"mỗi mục kết thúc bằng «{separator}» ({self.guide.symbol})",
                         f"đặt «{separator}» cuối mỗi mục, dấu chấm ở mục cuối")
                break
        if not items[-1].endswith("."):
            self.add("list.end", where, _quoted(items[-1]), "mục cuối kết thúc bằng dấu chấm",
                     "thêm dấu chấm cuối mục cuối")

    def body(self) -> None:
        lines = [line for line in self.layout.body
                 if line.text and not line.text.startswith(("Kính gửi", "Kính trình"))]
        if not lines:
            return
        sizes = [line for line in lines if line.size is not None]
        if sizes:
            common = max({line.size for line in sizes}, key=lambda s: sum(line.size == s for line in sizes))
            self.size(next(line for line in sizes if line.size == common), "body", "Nội dung văn bản")
        check = self.guide.check
        spaced = [line.spacing_pt for line in lines if line.spacing_pt is not None]
        if check.line_spacing_pt and self.layout.source == "docx":
            low, high = check.line_spacing_pt
            off = [s for s in spaced if not low <= s <= high]
            if off or not spaced:
                found = f"cách dòng {number(off[0])} pt" if off else "giãn dòng theo bội số"
                self.add("body.line_spacing", "Nội dung văn bản", found,
                         f"cách dòng {number(low)}–{number(high)} pt (Exactly)",
                         f"đặt Line spacing: Exactly {number(low)} pt")
        indents = [line.indent_mm for line in lines if line.indent_mm is not None]
        want = self.guide.typography.first_line_indent_mm
        if indents and not any(abs(i - want) <= check.indent_tolerance_mm for i in indents):
            self.add("body.indent", "Nội dung văn bản", f"lùi đầu dòng {number(indents[0])} mm",
                     f"lùi đầu dòng khoảng {number(want)} mm", f"đặt First line indent {number(want)} mm")
        last = lines[-1].text
        if self.layout.source != "scan" and not last.endswith((".", ".”", ".\"", ":")):
            above = "phần chữ ký" if self.kind == "BIÊN BẢN" else "phần Nơi nhận và chữ ký"
            self.add("body.end", f"Đoạn cuối của nội dung (ngay trên {above})", _tail(last),
                     "kết thúc bằng dấu chấm (.)", "thêm dấu chấm sau chữ cuối của đoạn này")

    def recipients(self) -> None:
        if self.kind == "BIÊN BẢN":
            return
        left = self.layout.closing_left
        label = next((line for line in left if line.text.startswith("Nơi nhận")), None)
        if label is None:
            self.add("recipients.missing", "Nơi nhận", "không có", "«Nơi nhận:» ở góc trái, dưới nội dung",
                     "thêm «Nơi nhận:» và danh sách nơi nhận, dòng cuối «- Lưu …»")
            return
        if not label.text.startswith("Nơi nhận:"):
            self.add("recipients.colon", "Nơi nhận", _quoted(label.text), "«Nơi nhận:»",
                     "thêm dấu hai chấm sau «Nơi nhận»")
        self.size(label, "recipients_label", "Chữ «Nơi nhận»")
        self.emphasis(label, "recipients_label", "Chữ «Nơi nhận»", {"underline"})
        items = _listed_items(left[left.index(label) + 1:])
        for line in left[left.index(label) + 1:][:1]:
            self.size(line, "recipients", "Danh sách nơi nhận")
        if not items:
            return
        self.punctuation(items, "Nơi nhận")
        last = items[-1]
        if not fold(last).startswith("luu"):
            self.add("recipients.archive", "Nơi nhận", _quoted(last), "dòng cuối «- Lưu …»",
                     "ghi nơi lưu văn bản ở dòng cuối: «- Lưu Văn phòng Tỉnh ủy.»")
        elif re.match(r"^Lưu\s*:", last):
            self.add("recipients.archive", "Nơi nhận", _quoted(last),
                     "«- Lưu Văn phòng …» không có dấu hai chấm, không «VT»",
                     "viết «- Lưu Văn phòng Tỉnh ủy.» (cách ghi «Lưu: VT» là của văn bản nhà nước)")
        if self.guide.text.nhu_tren_first and self.kind in ("CÔNG VĂN", "TỜ TRÌNH") \
                and fold(items[0]).rstrip(",;.") != "nhu tren":
            first = f"dòng đầu «- Như trên{self.guide.text.list_separator}»"
            self.add("recipients.nhu_tren", "Nơi nhận", _quoted(items[0]), first,
                     "ghi «- Như trên» ở dòng đầu của Nơi nhận")

    def signature(self) -> None:
        right = [line for line in self.layout.closing_right if line.text]
        if not right:
            self.add("signature.missing", "Chữ ký", "không có", "quyền hạn, chức vụ, họ tên người ký ở góc phải",
                     "trình bày khối chữ ký ở góc phải, dưới nội dung")
            return
        head = right[0]
        match = re.match(r"^(T/M|K/T|T/L|T/U|TM\.|KT\.|TL\.|TUQ\.|Q\.|[A-ZĐ]{1,3}/[A-ZĐ]{1,3})", head.text)
        token = match[1] if match else ""
        authorities = self.guide.text.authorities
        state = {"TM.": "T/M", "KT.": "K/T", "TL.": "T/L", "TUQ.": "T/U", "Q.": "Q."}
        if token in state and token not in authorities:
            self.add("signature.authority", "Quyền hạn ký", _quoted(token),
                     f"«{state[token]}» ({', '.join(authorities)})",
                     f"viết «{state[token]}» (cách viết «{token}» là của văn bản nhà nước)")
        elif "/" in token and token not in authorities:
            self.add("signature.authority", "Quyền hạn ký", _quoted(token), f"một trong {', '.join(authorities)}",
                     f"dùng một trong {', '.join(authorities)} theo {self.guide.symbol}")
        has_authority = token in authorities or token in state
        title_at = 1 if has_authority else 0
        if has_authority:
            self.size(head, "signer", "Quyền hạn ký")
            self.emphasis(head, "signer", "Quyền hạn ký", {"bold"})
        caps = [line for line in right[title_at:] if line.text.isupper()]
        if caps:
            self.size(caps[0], "signer_title", "Chức vụ người ký")
            self.emphasis(caps[0], "signer_title", "Chức vụ người ký", {"bold"})
        name = right[-1]
        if not name.text.isupper():
            self.size(name, "signer_name", "Họ tên người ký")
            self.emphasis(name, "signer_name", "Họ tên người ký", {"bold"})

    def page_numbers(self) -> None:
        layout = self.layout
        position = self.guide.page.page_numbers
        if layout.first_page_number and self.guide.page.page_numbers_from == 2:
            self.add("page.numbers", "Số trang", "có số ở trang đầu", "không đánh số trang đầu",
                     "chọn Different First Page (trang đầu khác) cho đầu trang")
        if layout.later_page_numbers is not None and position != "none" and layout.later_page_numbers != position:
            where = {"header": "giữa, đầu trang", "footer": "giữa, cuối trang"}
            found = where.get(layout.later_page_numbers, "không có số trang")
            self.add("page.numbers", "Số trang", found, f"số trang từ trang 2, {where[position]}",
                     f"chèn số trang (Page Number) ở {where[position]}")

    def run(self) -> list[Deviation]:
        if self.layout.source == "scan":
            steps: list[Callable[[], None]] = [self.symbol, self.date, self.signature]
        else:
            steps = [self.page, self.fonts, self.header, self.symbol, self.date, self.subject, self.addressees,
                     self.body, self.recipients, self.signature, self.page_numbers]
        for step in steps:
            step()
        return self.found


def _font_key(name: str) -> str:
    key = re.sub(r"[^a-z]", "", name.split("+")[-1].casefold())
    for suffix in ("psmt", "mt", "ps", "bolditalic", "boldital", "bold", "italic", "oblique", "regular"):
        key = key.replace(suffix, "") if suffix not in ("ps",) else re.sub(r"ps$", "", key)
    return key


def _listed_items(lines: list[Line]) -> list[str]:
    """The items of a «- …» list that starts with the first of ``lines`` (the line under its label); in a
    PDF, a line that stands where the item's text stands continues it. A label with its one entry on its
    own line (``Kính gửi: Các ban…``) has no list: the «- …» lines of the body below are not its items."""
    items: list[str] = []
    start: float | None = None
    for line in lines:
        text = line.text
        if not text.strip() and not items:  # an empty paragraph under the label
            continue
        if text.startswith(("-", "–")):
            items.append(text.lstrip("-– ").strip())
            start = line.x0
        elif items and start is not None and line.x0 is not None and line.x0 >= start - 3 and len(items) < 40:
            items[-1] = f"{items[-1]} {text}"
        else:
            break
    return [re.sub(r"\s*\}?\s*\((báo cáo|để biết|thực hiện)\)\s*$", "", item) or item for item in items]


def check_layout(layout: Layout, profile: Profile, file: str, today: date) -> Report:
    """The deviations of one document from the guide in force on its date (today's when it has none)."""
    if _is_state(layout) and not _is_party(layout):
        return state_report(file, document_date(layout))
    day = document_date(layout)
    guide = profile.guide_on(day or today)
    report = Report(file, guide, date=day, kind=document_kind(layout))
    if layout.source == "scan":
        report.notes.append(SCAN_NOTE)
    report.notes += layout.notes
    if not layout.lines:
        report.notes.append("không đọc được chữ nào của văn bản: không kiểm tra được thể thức")
        report.judged = False
        return report
    if day is None:
        report.notes.append(f"không đọc được ngày của văn bản: kiểm tra theo hướng dẫn đang có hiệu lực "
                            f"({guide.symbol})")
    report.deviations = Checker(layout, guide).run()
    return report
