"""A book as an XLSX workbook (openpyxl): the table a clerk sorts, filters and prints again.

Dates stay dates and numbers numbers, so the sheet sorts as the clerk expects; the heading rows are
printed atop every page, on A4 landscape, one page wide.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from incoming.printing import Book

MM_PER_CHARACTER = 1.9  # Excel's column width unit, at the default font
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _title(sheet: Worksheet, book: Book, font: str) -> int:
    """The issuer, the title and the period lines; the row the table starts on."""
    last = get_column_letter(len(book.headers))
    lines = [(line, 12, index == len(book.issuer) - 1, "left") for index, line in enumerate(book.issuer)]
    lines += [("", 12, False, "left"), (book.title, 15, True, "center")]
    lines += [(line, 12, False, "center") for line in book.lines]
    if book.mark:
        lines.insert(0, (book.mark, 13, True, "right"))
    for row, (text, size, bold, where) in enumerate(lines, start=1):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=text or None)
        cell.font = Font(name=font, size=size, bold=bold)
        cell.alignment = Alignment(horizontal=where)
    return len(lines) + 2


def _headings(sheet: Worksheet, book: Book, font: str, first: int) -> None:
    for column, header in enumerate(book.headers, start=1):
        for row, text in ((first, header), (first + 1, f"({column})")):
            cell = sheet.cell(row=row, column=column, value=text)
            cell.font = Font(name=font, size=11, bold=row == first)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BOX
        width = round(book.widths_mm[column - 1] / MM_PER_CHARACTER, 1)
        sheet.column_dimensions[get_column_letter(column)].width = width


def _body(sheet: Worksheet, book: Book, font: str, first: int) -> None:
    for offset, values in enumerate(book.rows):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=first + offset, column=column, value=value)
            cell.font = Font(name=font, size=11)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = BOX
            if isinstance(value, datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"


def xlsx_bytes(book: Book, font: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sổ"
    first = _title(sheet, book, font)
    _headings(sheet, book, font, first)
    _body(sheet, book, font, first + 2)
    sheet.freeze_panes = sheet.cell(row=first + 2, column=1)
    sheet.print_title_rows = f"{first}:{first + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
