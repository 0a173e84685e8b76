"""Reading a generated DOCX back as a clerk's Word would: effective fonts and sizes."""

from __future__ import annotations

from docx.oxml.ns import qn
from docx.shared import Length
from docx.text.paragraph import Paragraph


def style_chain(paragraph: Paragraph):
    style = paragraph.style
    while style is not None:
        yield style
        style = style.base_style


def size_pt(paragraph: Paragraph) -> float:
    """The size the paragraph's text is shown at (run, then style chain)."""
    for run in paragraph.runs:
        if run.font.size:
            return run.font.size.pt
    for style in style_chain(paragraph):
        if style.font.size:
            return style.font.size.pt
    raise AssertionError(f"no size for {paragraph.text!r}")


def flag(paragraph: Paragraph, name: str) -> bool:
    """Bold/italic/underline as shown: the first run's own value, else the style chain's."""
    for run in paragraph.runs:
        value = getattr(run.font, name)
        if value is not None:
            return bool(value)
        break
    for style in style_chain(paragraph):
        value = getattr(style.font, name)
        if value is not None:
            return bool(value)
    return False


def default_fonts(document) -> dict[str, str]:
    rfonts = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")) \
        .find(qn("w:rPr")).find(qn("w:rFonts"))
    return {key.split("}")[1]: value for key, value in rfonts.attrib.items()}


def mm(length: Length) -> float:
    return round(length.mm, 1)


def cell_texts(cell) -> list[str]:
    return [p.text for p in cell.paragraphs]


def paragraph_with(document, start: str) -> Paragraph:
    for paragraph in document.paragraphs:
        if paragraph.text.startswith(start):
            return paragraph
    for table in document.tables:
        for cell in table.rows[0].cells:
            for paragraph in cell.paragraphs:
                if paragraph.text.startswith(start):
                    return paragraph
    raise AssertionError(f"no paragraph starts with {start!r}")
