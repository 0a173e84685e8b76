"""A document's parts as a reader of its format sees them, from a DOCX or from a PDF.

The format check (``docgen.format_check``) judges one model whoever made the file: the header's two
columns, the title block, the body, the closing's two columns, each as lines that carry their text,
size, emphasis and, where the file tells, their position. A DOCX tells its sizes and emphasis
exactly (python-docx, through the styles); a PDF tells sizes, bold and italic per run and positions
(poppler's ``pdftohtml -xml``), not underlines; a scan tells only its text (OCR, read by the
archive), so what cannot be seen is left unknown (``None``) and not judged.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Length

from docgen.errors import InvalidInput

PT_PER_MM = 72 / 25.4


@dataclass
class Line:
    """One line (a PDF) or one paragraph (a DOCX) and how it is printed; ``None``: not known."""

    text: str
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    underline: bool | None = None
    page: int = 1
    x0: float | None = None  # points from the page's left edge
    x1: float | None = None
    top: float | None = None
    bottom: float | None = None
    indent_mm: float | None = None  # a DOCX paragraph's first-line indent
    spacing_pt: float | None = None  # a DOCX paragraph's exact line spacing (None: not exact)


@dataclass
class Layout:
    """The parts of one document. ``source``: ``docx``, ``pdf`` or ``scan`` (text only)."""

    source: str
    lines: list[Line] = field(default_factory=list)  # every line, in reading order
    header_left: list[Line] = field(default_factory=list)
    header_right: list[Line] = field(default_factory=list)
    header_table: bool | None = None  # the header is laid out as two columns
    title: list[Line] = field(default_factory=list)  # kind name, author, trích yếu, the dashes
    body: list[Line] = field(default_factory=list)
    closing_left: list[Line] = field(default_factory=list)
    closing_right: list[Line] = field(default_factory=list)
    margins_mm: dict[str, float] = field(default_factory=dict)  # those the file tells
    fonts: set[str] = field(default_factory=set)
    pages: int = 1
    first_page_number: bool | None = None  # page 1 shows a number
    later_page_numbers: str | None = None  # "header", "footer", "" (none) or None (one page, unknown)
    notes: list[str] = field(default_factory=list)  # what the reader could not read, said to the clerk


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())


# --- DOCX -----------------------------------------------------------------------------------------

def _style_chain(paragraph):
    style = paragraph.style
    while style is not None:
        yield style
        style = style.base_style


def _run_flag(paragraph, name: str) -> bool | None:
    """Bold/italic/underline as shown: the first run with text, else the paragraph's style chain."""
    for run in paragraph.runs:
        if run.text.strip():
            value = getattr(run.font, name)
            if value is not None:
                return bool(value)
            break
    for style in _style_chain(paragraph):
        value = getattr(style.font, name)
        if value is not None:
            return bool(value)
    return False


def _size(paragraph, default: float | None) -> float | None:
    for run in paragraph.runs:
        if run.text.strip():
            if run.font.size:
                return run.font.size.pt
            break
    for style in _style_chain(paragraph):
        if style.font.size:
            return style.font.size.pt
    return default


def _paragraph_format(paragraph, name: str):
    value = getattr(paragraph.paragraph_format, name)
    if value is not None:
        return value
    for style in _style_chain(paragraph):
        value = getattr(style.paragraph_format, name)
        if value is not None:
            return value
    return None


def _docx_line(paragraph, default_size: float | None) -> Line:
    indent = _paragraph_format(paragraph, "first_line_indent")
    spacing = _paragraph_format(paragraph, "line_spacing")
    return Line(_clean(paragraph.text), size=_size(paragraph, default_size), bold=_run_flag(paragraph, "bold"),
                italic=_run_flag(paragraph, "italic"), underline=_run_flag(paragraph, "underline"),
                indent_mm=round(indent.mm, 1) if isinstance(indent, Length) else None,
                spacing_pt=round(spacing.pt, 1) if isinstance(spacing, Length) else None)


def _docx_fonts(document) -> tuple[set[str], float | None]:
    """The fonts a DOCX's text is shown in (its defaults, the styles its paragraphs use, its runs), and
    its default size: the styles a template merely carries do not count."""
    fonts, size = set(), None
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    rpr = rpr.find(qn("w:rPr")) if rpr is not None else None
    if rpr is not None:
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is not None and rfonts.get(qn("w:ascii")):
            fonts.add(rfonts.get(qn("w:ascii")))
        sz = rpr.find(qn("w:sz"))
        size = int(sz.get(qn("w:val"))) / 2 if sz is not None else None
    for rfonts in document.element.body.iter(qn("w:rFonts")):
        fonts.update(v for k, v in rfonts.attrib.items() if k in (qn("w:ascii"), qn("w:hAnsi")))
    used = {id(p.style): p for p in _all_paragraphs(document) if p.style is not None}
    for paragraph in used.values():
        fonts.update(style.font.name for style in _style_chain(paragraph) if style.font.name)
    normal = document.styles["Normal"].font.size if "Normal" in document.styles else None
    return fonts, (normal.pt if normal else size)


def _all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for cell in table._cells:
            yield from cell.paragraphs


def _has_page_field(part) -> bool:
    xml = part._element.xml
    return bool(re.search(r"instrText[^>]*>\s*PAGE\b", xml) or re.search(r'w:instr="\s*PAGE\b', xml))


def _docx_page_numbers(section) -> tuple[bool, str]:
    first_differs = section.different_first_page_header_footer
    later = "header" if _has_page_field(section.header) else "footer" if _has_page_field(section.footer) else ""
    if first_differs:
        first = _has_page_field(section.first_page_header) or _has_page_field(section.first_page_footer)
    else:
        first = bool(later)
    return first, later


def _two_cells(table) -> tuple[list, list] | None:
    row = table.rows[0]
    cells = list(dict.fromkeys(row.cells))  # merged cells repeat
    if len(cells) != 2:
        return None
    return cells[0].paragraphs, cells[1].paragraphs


# A Word document's parts, unpacked, are a few MB (pictures stay compressed); more is a «zip bomb», which
# python-docx would unpack into memory.
MAX_DOCX_INFLATED_MB = 200
_NOT_DOCX = ("không phải tệp DOCX (văn bản Word 2007 trở lên); có thể là tệp .doc cũ, tệp văn bản hoặc tệp "
             "bị hỏng: mở bằng Word rồi «Lưu thành» (Save As) dạng .docx")


def _docx_package(path: Path) -> None:
    """Refuse what is no DOCX before python-docx opens it (its refusals say ``PackageNotFoundError``)."""
    if path.stat().st_size == 0:
        raise InvalidInput("tệp rỗng (0 byte): không có nội dung để kiểm tra", file=path)
    if not zipfile.is_zipfile(path):
        raise InvalidInput(_NOT_DOCX, file=path)
    try:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            inflated = sum(member.file_size for member in package.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(_NOT_DOCX, file=path) from exc
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise InvalidInput("không phải tệp DOCX của Word (có thể là tệp .odt hoặc một tệp nén khác): mở bằng Word "
                           "hoặc LibreOffice rồi «Lưu thành» (Save As) dạng .docx", file=path)
    if inflated > MAX_DOCX_INFLATED_MB * 1024 * 1024:
        raise InvalidInput(f"nội dung giải nén ra {inflated // (1024 * 1024)} MB, quá giới hạn "
                           f"{MAX_DOCX_INFLATED_MB} MB của một văn bản: tệp bất thường, không đọc", file=path)


def read_docx(path: Path) -> Layout:
    """A DOCX's parts: the first two-column table is the header, the last the closing."""
    _docx_package(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a broken package; their names tell a clerk nothing
        raise InvalidInput("tệp DOCX bị hỏng, không đọc được nội dung: mở bằng Word rồi lưu lại", file=path) from exc
    layout = Layout("docx")
    layout.fonts, default_size = _docx_fonts(document)
    section = document.sections[0]
    layout.margins_mm = {side: round(getattr(section, f"{side}_margin").mm, 1)
                         for side in ("top", "bottom", "left", "right") if getattr(section, f"{side}_margin")}
    layout.first_page_number, layout.later_page_numbers = _docx_page_numbers(section)
    blocks = list(document.element.body.iterchildren())
    tables = {id(t._tbl): t for t in document.tables}
    paragraphs = {id(p._p): p for p in document.paragraphs}
    order: list[object] = [tables.get(id(b)) or paragraphs.get(id(b)) for b in blocks]
    order = [item for item in order if item is not None]

    def lines(items) -> list[Line]:
        return [line for line in (_docx_line(p, default_size) for p in items) if line.text]

    table_positions = [i for i, item in enumerate(order) if hasattr(item, "rows") and _two_cells(item)]
    first_text = next((i for i, item in enumerate(order) if not hasattr(item, "rows") and item.text.strip()), None)
    header_at = table_positions[0] if table_positions and (first_text is None or table_positions[0] < first_text) \
        else None
    closing_at = table_positions[-1] if table_positions and table_positions[-1] != header_at else None
    if header_at is not None:
        left, right = _two_cells(order[header_at])
        layout.header_left, layout.header_right, layout.header_table = lines(left), lines(right), True
    else:
        layout.header_table = False
    if closing_at is not None:
        left, right = _two_cells(order[closing_at])
        layout.closing_left, layout.closing_right = lines(left), lines(right)
    start = header_at + 1 if header_at is not None else 0
    end = closing_at if closing_at is not None else len(order)
    middle = [item for item in order[start:end] if not hasattr(item, "rows")]
    split_title(layout, lines(middle))
    if header_at is None:  # no header table: the first lines are the header, as a reader would take them
        layout.header_left, layout.body = _untabled_header(layout.body)
        layout.header_right = [line for line in layout.header_left if _is_party_or_date(line.text)]
        layout.header_left = [line for line in layout.header_left if line not in layout.header_right]
    layout.lines = [*layout.header_left, *layout.header_right, *layout.title, *layout.body,
                    *layout.closing_left, *layout.closing_right]
    return layout


_TITLE_RULE = re.compile(r"^[-–—_.\s]{3,}$")
KIND_NAMES = ("NGHỊ QUYẾT", "QUYẾT ĐỊNH", "CHỈ THỊ", "KẾT LUẬN", "QUY CHẾ", "QUY ĐỊNH", "HƯỚNG DẪN", "THÔNG TRI",
              "THÔNG BÁO", "BÁO CÁO", "TỜ TRÌNH", "CHƯƠNG TRÌNH", "KẾ HOẠCH", "ĐỀ ÁN", "BIÊN BẢN", "GIẤY MỜI",
              "CÔNG VĂN")


def is_kind_title(text: str) -> bool:
    return _clean(text).upper() in KIND_NAMES and _clean(text).isupper()


def split_title(layout: Layout, lines: list[Line]) -> None:
    """The title block (kind name, author, trích yếu, ``-----``) off the front of the body lines."""
    if lines and is_kind_title(lines[0].text):
        end = next((i for i, line in enumerate(lines[:8]) if _TITLE_RULE.match(line.text)), None)
        if end is None:  # no dashes: the kind name and the bold lines under it
            end = 0
            while end + 1 < len(lines) and lines[end + 1].bold and end < 4:
                end += 1
        layout.title, layout.body = lines[:end + 1], lines[end + 1:]
    else:
        layout.body = lines


_DATE_LINE = re.compile(r"ngày\b.{0,12}?tháng\b.{0,8}?năm\s*\d{4}", re.IGNORECASE)  # a day filled by hand: blank


def _is_party_or_date(text: str) -> bool:
    return "ĐẢNG CỘNG SẢN" in text.upper() or bool(_DATE_LINE.search(text))


def _untabled_header(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """Without a header table, the header runs to the line after the number and the date."""
    end = 0
    for i, line in enumerate(lines[:12]):
        if line.text.startswith("Số") or _DATE_LINE.search(line.text):
            end = i + 1
    return lines[:end], lines[end:]


# --- PDF ------------------------------------------------------------------------------------------

_FONTSPEC = re.compile(r'<fontspec id="(\d+)" size="([\d.]+)" family="([^"]*)"')
_PAGE = re.compile(r'<page number="(\d+)"[^>]*height="([\d.]+)" width="([\d.]+)"')
_TEXT = re.compile(r'<text top="(-?[\d.]+)" left="(-?[\d.]+)" width="([\d.]+)" height="([\d.]+)" '
                   r'font="(\d+)">(.*?)</text>')


@dataclass
class _Chunk:
    text: str
    page: int
    top: float
    left: float
    right: float
    height: float
    size: float
    bold: bool
    italic: bool


def pdf_chunks(xml: str) -> tuple[list[_Chunk], list[tuple[float, float]], set[str]]:
    """poppler's ``pdftohtml -xml`` output: its text runs, each page's (width, height), the fonts."""
    fonts: dict[str, tuple[float, str]] = {}
    chunks, pages, page = [], [], 0
    for match in re.finditer(r"<page [^>]*>|<fontspec [^>]*/>|<text [^>]*>.*?</text>", xml, re.S):
        piece = match.group()
        if piece.startswith("<page"):
            found = _PAGE.match(piece)
            page = int(found[1]) if found else page + 1
            pages.append((float(found[3]), float(found[2])) if found else (595.0, 842.0))
        elif piece.startswith("<fontspec"):
            spec = _FONTSPEC.match(piece)
            if spec:
                fonts[spec[1]] = (float(spec[2]), spec[3].split("+")[-1])
        else:
            text = _TEXT.match(piece)
            if not text:
                continue
            inner = text[6]
            plain = unescape(re.sub(r"<[^>]+>", "", inner))
            if not plain.strip():
                continue
            size, _family = fonts.get(text[5], (0.0, ""))
            top, left, width, height = (float(text[i]) for i in range(1, 5))
            chunks.append(_Chunk(plain, page, top, left, left + width, height, size, "<b>" in inner,
                                 "<i>" in inner))
    return chunks, pages, {family for _size, family in fonts.values()}


def _pdf_lines(chunks: list[_Chunk]) -> list[Line]:
    """Runs on one baseline and close together make a line; a wide gap (between a table's columns)
    keeps them apart."""
    lines: list[tuple[Line, float]] = []
    for chunk in sorted(chunks, key=lambda c: (c.page, round(c.top), c.left)):
        if lines:
            last, right = lines[-1]
            gap = chunk.left - right
            if last.page == chunk.page and abs((last.top or 0) - chunk.top) <= 2.5 and \
                    -2 <= gap < max(chunk.size, 6) * 1.2:
                space = " " if gap > 0.12 * max(chunk.size, 1) else ""  # a word's gap: poppler wrote no space
                last.text = _clean(f"{last.text}{space}{chunk.text}")
                last.x1 = chunk.right
                lines[-1] = (last, chunk.right)
                continue
        line = Line(_clean(chunk.text), size=chunk.size, bold=chunk.bold, italic=chunk.italic, page=chunk.page,
                    x0=chunk.left, x1=chunk.right, top=chunk.top, bottom=chunk.top + chunk.height)
        lines.append((line, chunk.right))
    return [line for line, _right in lines if line.text]


def run_pdftohtml(path: Path, timeout: float) -> str:
    """``pdftohtml -xml`` of the file, at zoom 1 so that positions are points."""
    if shutil.which("pdftohtml") is None:
        raise InvalidInput("thiếu pdftohtml (gói poppler-utils) nên không đọc được PDF", file=path)
    try:
        done = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", "-q", "-zoom", "1", "-nodrm", str(path)],
                              capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise InvalidInput(f"đọc PDF quá {timeout:.0f} giây", file=path) from exc
    if done.returncode != 0:
        raise InvalidInput("poppler không đọc được tệp PDF", file=path)
    return done.stdout.decode("utf-8", "replace")


def read_pdf(xml: str, skip: frozenset[str] = frozenset()) -> Layout:
    """A PDF's parts, found by position: the header's columns left and right of the text's middle on
    page 1, the closing from «Nơi nhận» (or the last signature lines) to the end. Lines in ``skip`` (a
    visible signature's ``Người ký: …``, text of the signature, not of the document) are left out."""
    chunks, pages, fonts = pdf_chunks(xml)
    layout = Layout("pdf", pages=len(pages) or 1, fonts=fonts)
    lines = [line for line in _pdf_lines(chunks) if line.text not in skip]
    if not lines:
        return Layout("scan", pages=len(pages) or 1)
    numbers, lines = _page_numbers(lines, pages)
    layout.lines = lines
    width = pages[0][0]
    middle = (min(line.x0 for line in lines) + max(line.x1 for line in lines)) / 2
    first = [line for line in lines if line.page == 1]
    if first:
        layout.margins_mm = {"top": round(min(line.top for line in first) / PT_PER_MM, 1)}
    lowest = {}  # each page's room under its last line
    for line in lines:
        page_height = pages[line.page - 1][1] if line.page - 1 < len(pages) else 842.0
        lowest[line.page] = min(lowest.get(line.page, page_height), page_height - line.bottom)
    layout.margins_mm["bottom_at_least"] = round(min(lowest.values()) / PT_PER_MM, 1)
    layout.first_page_number = 1 in numbers
    layout.later_page_numbers = None if layout.pages < 2 else ("header" if numbers - {1} else "")
    rest = _pdf_header(layout, first, middle)
    rest += [line for line in lines if line.page > 1]
    _pdf_closing(layout, rest, middle)
    layout.margins_mm |= _side_margins(layout.body, width)
    return layout


def _side_margins(body: list[Line], width: float) -> dict[str, float]:
    """The left and right margins, where the body shows them: lines justified to one right edge, and
    the lines that follow them (a paragraph's next lines start at the left margin). A body of short
    lines (bullets of one line each) tells neither."""
    found: dict[str, float] = {}
    if len(body) < 2:
        return found
    right = max(line.x1 for line in body)
    full = [i for i, line in enumerate(body) if abs(line.x1 - right) < 1.5]
    if len(full) >= 2:
        found["right"] = round((width - right) / PT_PER_MM, 1)
        wrapped = [body[i + 1] for i in full if i + 1 < len(body) and body[i + 1].page == body[i].page]
        if wrapped:
            found["left"] = round(min(line.x0 for line in wrapped) / PT_PER_MM, 1)
    return found


def _page_numbers(lines: list[Line], pages: list[tuple[float, float]]) -> tuple[set[int], list[Line]]:
    """The pages that print their number (a line of digits alone near the top or the bottom), and the
    lines without them."""
    numbered, kept = set(), []
    for line in lines:
        height = pages[line.page - 1][1] if line.page - 1 < len(pages) else 842.0
        near_edge = (line.top or 0) < 20 * PT_PER_MM or (line.bottom or 0) > height - 20 * PT_PER_MM
        if line.text.isdigit() and int(line.text) == line.page and near_edge:
            numbered.add(line.page)
        else:
            kept.append(line)
    return numbered, kept


def _pdf_header(layout: Layout, first: list[Line], middle: float) -> list[Line]:
    """Fill the header's columns from page 1's lines; return the lines after it."""
    first = sorted(first, key=lambda line: (line.top, line.x0))
    party = next((line for line in first if "ĐẢNG CỘNG SẢN" in line.text.upper()
                  or "CỘNG HÒA XÃ HỘI" in line.text.upper().replace("HOÀ", "HÒA")), None)
    date_line = next((line for line in first if _DATE_LINE.search(line.text) and line.x0 >= middle - 40), None)
    limit = (date_line or party).bottom if (date_line or party) else None
    if limit is None:
        split_title(layout, first)
        layout.header_table = False
        return []
    layout.header_table = party is not None and party.x0 >= middle - 40
    rest: list[Line] = []
    in_header = True
    for line in first:
        left_column = line.x1 <= middle + 15
        if in_header and line.top <= limit + 2:
            (layout.header_left if left_column else layout.header_right).append(line)
        elif in_header and left_column and (line.x0 - min(x.x0 for x in first)) > 5 * PT_PER_MM:
            layout.header_left.append(line)  # a Công văn's trích yếu, a mark, under the number
        else:
            in_header = False
            rest.append(line)
    return rest


def _pdf_closing(layout: Layout, rest: list[Line], middle: float) -> None:
    """Split the lines after the header into title, body and the closing's two columns: the closing
    runs from «Nơi nhận» to the end; without one (a Biên bản), it is the trailing row of names and the
    capital lines over them."""
    label = max((i for i, line in enumerate(rest) if line.text.startswith("Nơi nhận")), default=None)
    if label is None and rest:
        label, last = len(rest), rest[-1]
        while label > 0 and rest[label - 1].page == last.page and abs((rest[label - 1].top or 0) - (last.top or 0)) < 3:
            label -= 1
        while label > 0 and rest[label - 1].page == last.page and rest[label - 1].text.isupper() \
                and not is_kind_title(rest[label - 1].text):
            label -= 1
    if label is not None:  # the signer's first lines (``K/T TRƯỞNG BAN``) may stand a little above «Nơi nhận»
        anchor = rest[label]
        while label > 0 and _signer_line_above(rest[label - 1], anchor, middle):
            label -= 1
    label = len(rest) if label is None else label
    closing = rest[label:]
    layout.closing_left = sorted((line for line in closing if line.x1 <= middle + 15), key=_order)
    layout.closing_right = sorted((line for line in closing if line.x1 > middle + 15), key=_order)
    split_title(layout, rest[:label])


def _signer_line_above(line: Line, anchor: Line, middle: float) -> bool:
    """A capital line of the right column within two lines above the «Nơi nhận» label: the signature
    block's authority or title, which some producers set higher than the label beside it."""
    return (line.page == anchor.page and (line.x0 or 0) > middle and line.text.isupper()
            and 0 <= (anchor.top or 0) - (line.top or 0) < 2.5 * max(anchor.size or 0, 10))


def _order(line: Line) -> tuple[int, float, float]:
    return line.page, line.top or 0.0, line.x0 or 0.0


def scan_layout(text: str, pages: int) -> Layout:
    """A scan's text (read by OCR) as a layout of text alone: no sizes, no positions."""
    lines = [Line(_clean(line), page=0) for line in text.splitlines() if _clean(line)]
    layout = Layout("scan", lines=lines, pages=pages)
    layout.header_left = lines[:12]
    layout.body = lines[12:]
    return layout
