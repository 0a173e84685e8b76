"""Rendering documents into DOCX with docxtpl templates, each template parsed once.

Naive docxtpl (load, render, save) parses the whole package with python-docx
for every document and manages about 35 documents a second. A clerk's batch
and the digest want more, so a template is prepared once per profile: the
profile is laid over its styles and page with python-docx, docxtpl's own
``patch_xml`` turns its parts into Jinja sources, and Jinja compiles them.
A render is then one Jinja pass per part and one zip write, with docxtpl's
tags, RichText and escaping rules unchanged. A document is laid out by the
guide in force on its date (``Profile.at``): a template is compiled once per
guide, and the words the guide prescribes around the content (the Công văn's
``V/v`` or ``Về việc``, the lists' punctuation, «Như trên» first) are set here.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate, RichText, RichTextParagraph
from jinja2 import Environment, Template, TemplateError

from docgen.blueprints import BODY_STYLES, STYLES
from docgen.dates import long_date
from docgen.documents import Chapter, Document
from docgen.errors import InvalidInput
from docgen.markup import Paragraph, parse_paragraphs
from docgen.profile import Profile, TextRules

_RENDERED_PART = re.compile(r"^(word/(document|header\d*|footer\d*)\.xml|docProps/core\.xml)$")
DRAFT_NUMBER = "    "


def format_number(number: int) -> str:
    """``01``…``09`` below ten, as the register writes numbers."""
    return f"{number:02d}"


def format_symbol(number: int | None, kind_code: str, body_code: str) -> str:
    shown = format_number(number) if number else DRAFT_NUMBER
    return f"{shown}-{kind_code}/{body_code}"


def _apply_fonts(document: docx.document.Document, profile: Profile) -> None:
    """One explicit font in the document defaults, so no theme font can win over it."""
    fonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    rpr = fonts.find(qn("w:rPr"))
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attribute in list(rfonts.attrib):
        del rfonts.attrib[attribute]
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{slot}"), profile.typography.font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")


def _apply_styles(document: docx.document.Document, profile: Profile) -> None:
    typography = profile.typography
    document.styles["Normal"].font.size = Pt(typography.sizes["body"])
    for name, (size_key, *_rest) in STYLES.items():
        if name not in document.styles:
            continue
        font = document.styles[name].font
        if size_key in typography.sizes:
            font.size = Pt(typography.sizes[size_key])
        if size_key in typography.emphasis:
            words = typography.emphasis[size_key]
            font.bold, font.italic, font.underline = ("bold" in words, "italic" in words, "underline" in words)
    for name in BODY_STYLES:
        if name in document.styles:
            fmt = document.styles[name].paragraph_format
            fmt.first_line_indent = Mm(typography.first_line_indent_mm)
            exact = typography.line_spacing_pt
            fmt.line_spacing = Pt(exact) if exact else typography.line_spacing  # a Length is «exactly»
            fmt.space_after = Pt(typography.space_after_pt)


def _apply_page(document: docx.document.Document, profile: Profile) -> None:
    page = profile.page
    for section in document.sections:
        section.top_margin, section.bottom_margin = Mm(page.margin_top_mm), Mm(page.margin_bottom_mm)
        section.left_margin, section.right_margin = Mm(page.margin_left_mm), Mm(page.margin_right_mm)
        section.different_first_page_header_footer = page.page_numbers_from == 2
        if page.page_numbers == "header":
            continue
        header_paragraphs = section.header.paragraphs
        if page.page_numbers == "footer":
            section.footer.is_linked_to_previous = False
            target = section.footer.paragraphs[0]
            for paragraph in header_paragraphs:
                for run in list(paragraph.runs):
                    target._p.append(run._r)
            target.style = header_paragraphs[0].style if header_paragraphs else None
        for paragraph in header_paragraphs:
            for run in list(paragraph.runs):
                run._r.getparent().remove(run._r)


def prepare_template(path: Path, profile: Profile) -> bytes:
    """The template with the profile's page, fonts and sizes laid over it."""
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise InvalidInput(f"mẫu DOCX không mở được ({exc})", file=path) from exc
    _apply_page(document, profile)
    _apply_fonts(document, profile)
    _apply_styles(document, profile)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class CompiledTemplate:
    """A template whose parts are compiled Jinja, ready for many renders."""

    def __init__(self, path: Path, profile: Profile):
        self.path = path
        prepared = prepare_template(path, profile)
        self.style_ids = self._style_ids(prepared)
        patcher = DocxTemplate(io.BytesIO(prepared))
        env = Environment(autoescape=True)
        self.entries: list[tuple[zipfile.ZipInfo, bytes | Template]] = []
        with zipfile.ZipFile(io.BytesIO(prepared)) as archive:
            for info in archive.infolist():
                data = archive.read(info)
                if _RENDERED_PART.match(info.filename):
                    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", patcher.patch_xml(data.decode("utf-8")))
                    try:
                        self.entries.append((info, env.from_string(source)))
                    except TemplateError as exc:
                        raise InvalidInput(f"mẫu có thẻ Jinja sai ({exc})", file=path) from exc
                else:
                    self.entries.append((info, data))
        self._listing = patcher.resolve_listing

    @staticmethod
    def _style_ids(prepared: bytes) -> dict[str, str]:
        styles = docx.Document(io.BytesIO(prepared)).styles
        return {name: styles[name].style_id for name in STYLES if name in styles}

    def render(self, context: dict[str, Any]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for info, content in self.entries:
                if isinstance(content, Template):
                    try:
                        xml = content.render(context)
                    except TemplateError as exc:
                        raise InvalidInput(f"mẫu không hiển thị được ({exc})", file=self.path) from exc
                    if info.filename == "docProps/core.xml":
                        xml = _titled(xml, context["title"])
                    content = self._listing(re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)).encode("utf-8")
                out.writestr(info, content)
        return buffer.getvalue()


_TITLE = re.compile(r"<dc:title>.*?</dc:title>|<dc:title/>", re.S)


def _titled(core: str, title: str) -> str:
    """The package's properties with vanthu's title, whatever the template wrote there (a workspace's own
    template too): LibreOffice makes it the PDF's title, the one a viewer's window and tab show."""
    element = f"<dc:title>{escape(title)}</dc:title>"
    if _TITLE.search(core):
        return _TITLE.sub(lambda _match: element, core, count=1)
    return core.replace("</cp:coreProperties>", f"{element}</cp:coreProperties>")


def document_title(document: Document, number: int | None, symbol: str) -> str:
    """How a clerk knows the file in a viewer's window: its number and symbol once given; before that
    (a preview, a draft), «Dự thảo Công văn (chưa cấp số) – trích yếu», never a bare «-CV/TU»."""
    if number:
        return symbol
    subject = " ".join(document.subject.split())
    shown = subject if len(subject) <= 80 else subject[:79].rstrip() + "…"
    return f"Dự thảo {document.kind.name} (chưa cấp số)" + (f" – {shown}" if shown else "")


def _rich(paragraphs: list[Paragraph], style_id: str, lead: str = "") -> RichTextParagraph:
    rich = RichTextParagraph()
    for index, paragraph in enumerate(paragraphs):
        text = RichText()
        if lead and index == 0:
            text.add(lead, bold=True)
        for run in paragraph.runs:
            text.add(run.text, bold=run.bold, italic=run.italic)
        rich.add(text, parastyle=style_id)
    return rich


def _keep_last(rich: RichTextParagraph) -> RichTextParagraph:
    """The last paragraph keeps with the closing block, so Nơi nhận and the signature never stand
    alone on a page without the body's last lines (``keepNext`` follows ``pStyle`` in ``pPr``)."""
    head, found, tail = rich.xml.rpartition("<w:pPr>")
    if found:
        style, closing, rest = tail.partition("/>") if tail.startswith("<w:pStyle") else ("", "", tail)
        rich.xml = f"{head}<w:pPr>{style}{closing}<w:keepNext/>{rest}"
    return rich


def _articles(document: Document, style_id: str) -> RichTextParagraph:
    combined = RichTextParagraph()
    for number, article in enumerate(document.articles, start=1):
        paragraphs = parse_paragraphs(article)
        lead = "" if paragraphs[0].text.lstrip("*").startswith("Điều") else f"Điều {number}. "
        combined.xml += _rich(paragraphs, style_id, lead).xml
    return combined


_ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: int) -> str:
    """``Chương IV``: chapters are numbered in Roman numerals."""
    out = ""
    for value, letters in _ROMAN * 4:
        while number >= value:
            out, number = out + letters, number - value
    return out


def _plain(text: str, style_id: str) -> RichTextParagraph:
    rich = RichTextParagraph()
    rich.add(RichText(text), parastyle=style_id)
    return rich


def _style(ids: dict[str, str], name: str) -> str:
    return ids.get(name, name.replace(" ", ""))


def _chapters(chapters: tuple[Chapter, ...], ids: dict[str, str]) -> RichTextParagraph:
    """``Chương I`` / its name in capitals / ``Điều 1. name`` / the clauses, articles numbered across
    chapters (Hướng dẫn 05-HD/VPTW, 6.2.4)."""
    combined, number = RichTextParagraph(), 0
    for index, chapter in enumerate(chapters, start=1):
        if chapter.title:
            combined.xml += _plain(f"Chương {roman(index)}", _style(ids, "VT Chapter")).xml
            combined.xml += _plain(chapter.title.upper(), _style(ids, "VT Chapter Title")).xml
        for article in chapter.articles:
            number += 1
            head = f"Điều {number}. {article.title}".rstrip()
            combined.xml += _plain(head, _style(ids, "VT Article")).xml
            if article.text:
                combined.xml += _rich(parse_paragraphs(article.text), _style(ids, "VT Body")).xml
    return _keep_last(combined)


def _listed(items: tuple[str, ...] | list[str], separator: str = ",") -> list[str]:
    """``- A,`` … ``- Z.`` (or ``- A;`` by 05-HD/VPTW): how Kính gửi and Nơi nhận lists are punctuated."""
    cleaned = [item.removeprefix("- ").removeprefix("-").strip().rstrip(",;.") for item in items]
    return [f"- {item}{'.' if i == len(cleaned) - 1 else separator}" for i, item in enumerate(cleaned)]


def _is_nhu_tren(item: str) -> bool:
    return item.removeprefix("- ").strip().rstrip(",;.").casefold() == "như trên"


def recipient_lines(document: Document, text: TextRules | None = None) -> list[str]:
    """Nơi nhận with the profile's ``Lưu …`` line last, added when missing; a Công văn's or a Tờ
    trình's opens with «Như trên» where the guide says so."""
    separator = text.list_separator if text else ","
    items = [r for r in document.recipients if not r.lstrip("- ").startswith("Lưu")]
    kept = [r for r in document.recipients if r.lstrip("- ").startswith("Lưu")]
    if text and text.nhu_tren_first and document.kind.layout in ("letter", "submission"):
        items = ["Như trên", *(item for item in items if not _is_nhu_tren(item))]
    return _listed(items + (kept or [document.issuer.archive]), separator)


def _bases(document: Document, text: TextRules | None = None) -> tuple[list[str], str]:
    """The căn cứ lines, each ending ``;``, and the «Xét đề nghị…» line: the last of them ends as the
    guide says (``,`` by 36-HD/VPTW, ``.`` by 05-HD/VPTW)."""
    last = text.bases_last if text else ","
    lines = [f"- {b.removeprefix('- ').rstrip(',;.')};" for b in document.bases]
    proposer = document.proposer.rstrip(",;.")
    if proposer:
        proposer = proposer if proposer.startswith("Xét") else f"Xét đề nghị của {proposer}"
        if document.kind.layout == "rules":  # a Quy chế lists the proposal as its last căn cứ
            return [*lines, f"- {proposer}{last}"], ""
        return lines, f"{proposer}{last}"
    if lines:
        lines[-1] = lines[-1][:-1] + last
    return lines, ""


def no_lone_word(text: str) -> str:
    """The last two words joined by a no-break space: a centred trích yếu never ends in a lone
    word (``… năm`` / ``2026``) however its lines fall."""
    head, space, last = text.rstrip().rpartition(" ")
    return f"{head}\u00a0{last}" if space and head and len(text.split()) > 2 else text


_CV_PREFIXES = ("v/v", "về việc")


def subject_line(document: Document, text: TextRules | None = None) -> str:
    """The trích yếu as printed: a Công văn's opens with the guide's words (``V/v`` by 36-HD/VPTW,
    ``Về việc`` by 05-HD/VPTW), whichever of them the clerk typed."""
    if document.kind.layout != "letter":
        return document.subject
    prefix = text.cv_subject_prefix if text else "V/v"
    subject = document.subject
    for old in _CV_PREFIXES:
        if subject.casefold().startswith(old) and (len(subject) == len(old) or not subject[len(old)].isalnum()):
            subject = subject[len(old):].lstrip(" :")
            break
    return f"{prefix} {subject}".strip()


def _author(document: Document) -> str:
    """``CỦA BAN THƯỜNG VỤ TỈNH ỦY``: the author a Nghị quyết, Kết luận, Chỉ thị names in its title."""
    if document.kind.layout != "authored":
        return ""
    author = document.author or f"của {document.issuer.decider}"
    return author.upper()


def build_context(template: CompiledTemplate, document: Document, profile: Profile,
                  number: int | None, on: date) -> dict[str, Any]:
    body_id = template.style_ids.get("VT Body", "VTBody")
    issuer, signer, text = document.issuer, document.signer, profile.text
    kind_code = profile.kind_code(document.kind)
    bases, proposer = _bases(document, text)
    to = list(document.to) if len(document.to) == 1 else _listed(document.to, text.list_separator)
    recorder = document.recorder
    return {
        "issuer_parent": issuer.parent, "issuer_name": issuer.name,
        "number": format_number(number) if number else DRAFT_NUMBER,
        "kind_code": kind_code, "body_code": issuer.code,
        "symbol": format_symbol(number, kind_code, issuer.code),
        "title": document_title(document, number, format_symbol(number, kind_code, issuer.code)),
        "subject_line": no_lone_word(subject_line(document, text)), "subject": no_lone_word(document.subject),
        "secrecy": document.secrecy, "urgency": document.urgency,
        "place": profile.place, "date_text": long_date(on),
        "kind_title": document.kind.title, "to": to,
        "body": _keep_last(_rich(parse_paragraphs(document.text), body_id)),
        "bases": bases, "proposer": proposer, "decider": f"{issuer.decider} QUYẾT ĐỊNH",
        "articles": _keep_last(_articles(document, body_id)),
        "chapters": _chapters(document.chapters, template.style_ids), "preamble": document.preamble,
        "author": _author(document),
        "recipients": recipient_lines(document, text),
        "authority": signer.authority, "signer_title": signer.title, "signer_name": signer.name,
        "recorder_title": recorder.title if recorder else "", "recorder_name": recorder.name if recorder else "",
        "guide": profile.guide.symbol, "guide_name": profile.guide.name,
    }


@dataclass
class Renderer:
    """The templates of one workspace, compiled on first use and kept."""

    profile: Profile
    template_dirs: tuple[Path, ...]

    def __post_init__(self) -> None:
        self._compiled: dict[tuple[Path, str], CompiledTemplate] = {}

    def template_for(self, document: Document, profile: Profile | None = None) -> CompiledTemplate:
        """The kind's template (the workspace's own first), compiled for the guide of ``profile``."""
        profile = profile or self.profile
        name = str(document.kind.template)
        for folder in self.template_dirs:
            path = folder / name
            if path.is_file():
                key = (path, profile.guide.key)
                if key not in self._compiled:
                    self._compiled[key] = CompiledTemplate(path, profile)
                return self._compiled[key]
        raise InvalidInput(f"không tìm thấy mẫu {name}", field="kind")

    def render(self, document: Document, number: int | None, on: date) -> bytes:
        """The DOCX of ``document`` dated ``on``, laid out by the guide in force that day."""
        profile = self.profile.at(on)
        template = self.template_for(document, profile)
        return template.render(build_context(template, document, profile, number, on))
