"""A book as a DOCX, for LibreOffice to print: a cover page as the paper book's, then the table.

The heading rows (the column names and their numbers (1), (2) …) repeat atop every page, and no
row is split across two pages, as a clerk reading a printed book expects; a secret book carries its
mark at the top of every page, and every page its number.
"""

from __future__ import annotations

import io

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from incoming.printing import Book, shown

CELL_PT = 11


def _landscape(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(20), Mm(15)
    section.top_margin, section.bottom_margin = Mm(15), Mm(15)
    section.header_distance = section.footer_distance = Mm(8)


def _font(document: docx.document.Document, font: str) -> None:
    style = document.styles["Normal"]
    style.font.name, style.font.size = font, Pt(CELL_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    style.paragraph_format.space_after = Pt(0)


def _line(document: docx.document.Document, text: str, *, size: float = 14, bold: bool = False,
          align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER, before: float = 0) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(before)
    run = paragraph.add_run(text)
    run.font.size, run.bold = Pt(size), bold


def _field(paragraph, instruction: str) -> None:
    """A field LibreOffice fills in (the page number)."""
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _margins(book: Book, document: docx.document.Document) -> None:
    section = document.sections[0]
    if book.mark:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(book.mark)
        run.bold, run.font.size = True, Pt(13)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE")


def _cover(book: Book, document: docx.document.Document) -> None:
    for index, line in enumerate(book.issuer):
        _line(document, line, size=13, bold=index == len(book.issuer) - 1, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(document, book.title, size=26, bold=True, before=110)
    for index, line in enumerate(book.lines):
        _line(document, line, size=15, before=28 if index == 0 else 8)
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def _repeat(row) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    properties.append(OxmlElement("w:tblHeader"))


def _keep_whole(row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _write(cell, text: str, *, bold: bool = False, center: bool = False) -> None:
    lines = text.split("\n")
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
        run = paragraph.add_run(line)
        run.bold = bold


def _table(book: Book, document: docx.document.Document) -> None:
    _line(document, book.title, size=14, bold=True)
    table = document.add_table(rows=2, cols=len(book.headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for index, header in enumerate(book.headers):
        _write(table.rows[0].cells[index], header, bold=True, center=True)
        _write(table.rows[1].cells[index], f"({index + 1})", center=True)
    _repeat(table.rows[0])
    _repeat(table.rows[1])
    for values in book.rows:
        row = table.add_row()
        _keep_whole(row)
        for index, value in enumerate(values):
            _write(row.cells[index], shown(value), center=index in book.centred)
    for column, grid, width in zip(table.columns, table._tbl.tblGrid.gridCol_lst, book.widths_mm, strict=True):
        grid.w = Mm(width)  # LibreOffice lays a table out by its grid
        for cell in column.cells:
            cell.width = Mm(width)


def docx_bytes(book: Book, font: str) -> bytes:
    document = docx.Document()
    document.core_properties.author = " ".join(book.issuer)
    document.core_properties.title = book.title
    _landscape(document)
    _font(document, font)
    _margins(book, document)
    _cover(book, document)
    _table(book, document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
