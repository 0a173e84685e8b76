"""The code that writes the stock DOCX templates in ``templates/``.

The templates are ordinary DOCX files a clerk may open and edit in Word or
LibreOffice; this module is how the stock ones are made, so that a change of
layout is a reviewed change of code (``make templates``) and every kind's
template shares one header and one closing. Each kind is laid out by the
family of parts its ``Kind.layout`` names (a letter, a decision, rules with
chapters, a submission, minutes, an authored or a plain document). Sizes, fonts,
emphasis, margins and spacing set here are only placeholders: rendering lays the
guide in force on the document's date over them.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT

# Paragraph styles of the templates: name -> (profile size key, bold, italic, underline, alignment).
STYLES: dict[str, tuple[str, bool, bool, bool, object]] = {
    "VT Issuer Parent": ("issuer", False, False, False, CENTER),
    "VT Issuer": ("issuer", True, False, False, CENTER),
    "VT Star": ("issuer", False, False, False, CENTER),
    "VT Symbol": ("symbol", False, False, False, CENTER),
    "VT Subject CV": ("subject_cv", False, True, False, CENTER),
    "VT Mark": ("marks", True, False, False, CENTER),
    "VT Party": ("party", True, False, True, CENTER),
    "VT Place Date": ("place_date", False, True, False, CENTER),
    "VT Kind Title": ("kind_title", True, False, False, CENTER),
    "VT Title Subject": ("title_subject", True, False, False, CENTER),
    "VT Title Rule": ("title_subject", False, False, False, CENTER),
    "VT Kind Author": ("title_subject", True, False, False, CENTER),
    "VT To": ("to", False, False, False, CENTER),
    "VT To Item": ("to", False, False, False, LEFT),
    "VT Body": ("body", False, False, False, JUSTIFY),
    "VT Basis": ("body", False, True, False, JUSTIFY),
    "VT Decider": ("body", True, False, False, CENTER),
    "VT Chapter": ("body", True, False, False, CENTER),
    "VT Chapter Title": ("body", True, False, False, CENTER),
    "VT Article": ("body", True, False, False, JUSTIFY),
    "VT Recipients Label": ("recipients_label", True, False, True, LEFT),
    "VT Recipients": ("recipients", False, False, False, LEFT),
    "VT Sign Authority": ("signer", True, False, False, CENTER),
    "VT Sign Title": ("signer_title", True, False, False, CENTER),
    "VT Sign Name": ("signer_name", True, False, False, CENTER),
    "VT Page Number": ("body", False, False, False, CENTER),
}
# Styles of running text: the profile's first-line indent and line spacing apply to these.
BODY_STYLES = ("VT Body", "VT Basis", "VT Article")

HEADER_WIDTHS_MM = (72, 93)
CLOSING_WIDTHS_MM = (80, 85)


def _add_styles(document: docx.document.Document) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(14)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for name, (_size, bold, italic, underline, align) in STYLES.items():
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        style.font.bold, style.font.italic, style.font.underline = bold, italic, underline
        style.paragraph_format.alignment = align
    document.styles["VT Body"].paragraph_format.first_line_indent = Mm(10)
    document.styles["VT Basis"].paragraph_format.first_line_indent = Mm(10)
    document.styles["VT Article"].paragraph_format.first_line_indent = Mm(10)
    document.styles["VT Article"].paragraph_format.keep_with_next = True
    for name in ("VT Chapter", "VT Chapter Title"):
        document.styles[name].paragraph_format.keep_with_next = True
    document.styles["VT Chapter"].paragraph_format.space_before = Pt(6)
    document.styles["VT Chapter Title"].paragraph_format.space_after = Pt(6)
    document.styles["VT To Item"].paragraph_format.left_indent = Mm(35)
    document.styles["VT Kind Title"].paragraph_format.space_before = Pt(18)
    document.styles["VT Decider"].paragraph_format.space_before = Pt(6)
    document.styles["VT Decider"].paragraph_format.space_after = Pt(6)
    document.styles["VT Sign Name"].paragraph_format.space_before = Pt(72)
    document.styles["VT To"].paragraph_format.space_before = Pt(12)
    document.styles["VT To"].paragraph_format.space_after = Pt(6)


def _page_field(paragraph) -> None:
    """A PAGE field: Word and LibreOffice fill in the page number."""
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"),
                      ("end", None)):
        if tag:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), tag)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _set_up_page(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = section.footer_distance = Mm(10)
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    section.header.is_linked_to_previous = False
    _page_field(section.header.paragraphs[0])
    section.header.paragraphs[0].style = document.styles["VT Page Number"]


def _table(document: docx.document.Document, widths_mm: tuple[int, int]):
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, width in zip(table.rows[0].cells, widths_mm, strict=True):
        cell.width = Mm(width)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    return table.rows[0].cells


def _lines(container, lines: list[tuple[str, str]]) -> None:
    """Append (style, text) paragraphs to a cell or to the document."""
    for style, text in lines:
        paragraph = container.add_paragraph(text)
        if style:
            paragraph.style = style


def _cell_lines(cell, lines: list[tuple[str, str]]) -> None:
    """Fill a cell, dropping the empty paragraph a new cell starts with."""
    first = cell.paragraphs[0]
    _lines(cell, lines)
    first._p.getparent().remove(first._p)


def _header(document: docx.document.Document, layout: str) -> None:
    left, right = _table(document, HEADER_WIDTHS_MM)
    left_lines = [
        ("", "{%p if issuer_parent %}"), ("VT Issuer Parent", "{{ issuer_parent }}"),
        ("", "{%p endif %}"),
        ("VT Issuer", "{{ issuer_name }}"),
        ("VT Star", "*"),
        ("VT Symbol", "Số {{ number }}-{{ kind_code }}/{{ body_code }}"),
    ]
    if layout == "letter":
        left_lines.append(("VT Subject CV", "{{ subject_line }}"))
    for mark in ("secrecy", "urgency"):
        left_lines += [("", f"{{%p if {mark} %}}"), ("VT Mark", f"{{{{ {mark} }}}}"),
                       ("", "{%p endif %}")]
    _cell_lines(left, left_lines)
    _cell_lines(right, [
        ("VT Party", "ĐẢNG CỘNG SẢN VIỆT NAM"),
        ("", "{%p if issuer_parent %}"), ("VT Place Date", ""), ("", "{%p endif %}"),
        ("VT Place Date", ""),
        ("VT Place Date", "{{ place }}, {{ date_text }}"),
    ])


def _kinh_gui(document: docx.document.Document, label_text: str = "Kính gửi:") -> None:
    """Kính gửi (a Công văn) or Kính trình (a Tờ trình): one addressee on the label's line, several
    as a list under it."""
    _lines(document, [("", "{%p if to|length == 1 %}")])
    single = document.add_paragraph(style="VT To")
    single.add_run(label_text).italic = True
    single.add_run(" {{ to[0] }}")
    _lines(document, [("", "{%p else %}")])
    label = document.add_paragraph(style="VT To")
    label.add_run(label_text).italic = True
    _lines(document, [
        ("", "{%p for item in to %}"), ("VT To Item", "{{ item }}"), ("", "{%p endfor %}"),
    ])
    gap = document.add_paragraph()  # the list of Kính gửi stands apart from the body
    gap.paragraph_format.line_spacing = Pt(10)
    _lines(document, [("", "{%p endif %}")])


def _title_block(document: docx.document.Document, layout: str) -> None:
    lines = [("VT Kind Title", "{{ kind_title }}")]
    if layout == "authored":  # KẾT LUẬN / CỦA BAN THƯỜNG VỤ TỈNH ỦY / về …
        lines += [("", "{%p if author %}"), ("VT Kind Author", "{{ author }}"), ("", "{%p endif %}")]
    _lines(document, [*lines, ("VT Title Subject", "{{ subject }}"), ("VT Title Rule", "-----")])


def _bases(document: docx.document.Document) -> None:
    _lines(document, [
        ("", "{%p for basis in bases %}"), ("VT Basis", "{{ basis }}"), ("", "{%p endfor %}"),
        ("", "{%p if proposer %}"), ("VT Basis", "{{ proposer }}"), ("", "{%p endif %}"),
    ])


def _decision_body(document: docx.document.Document) -> None:
    _bases(document)
    _lines(document, [("VT Decider", "{{ decider }}"), ("", "{{p articles }}")])


def _rules_body(document: docx.document.Document) -> None:
    """Căn cứ, the sentence that enacts the rules, then ``Chương I`` / its name / ``Điều 1. …``."""
    _bases(document)
    _lines(document, [("", "{%p if preamble %}"), ("VT Body", "{{ preamble }}"), ("", "{%p endif %}"),
                      ("", "{{p chapters }}")])


def _keep_together(paragraph, row) -> None:
    """The closing never splits: its row may not break across pages, and the paragraph before it
    keeps with it (the body's last paragraph keeps with that one, see ``rendering._keep_last``)."""
    paragraph.paragraph_format.keep_with_next = True
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def _closing(document: docx.document.Document) -> None:
    spacer = document.add_paragraph()
    left, right = _table(document, CLOSING_WIDTHS_MM)
    _keep_together(spacer, document.tables[-1].rows[0])
    _cell_lines(left, [
        ("VT Recipients Label", "Nơi nhận:"),
        ("", "{%p for item in recipients %}"), ("VT Recipients", "{{ item }}"),
        ("", "{%p endfor %}"),
    ])
    _signature(right)


def _signature(cell) -> None:
    _cell_lines(cell, [
        ("", "{%p if authority %}"), ("VT Sign Authority", "{{ authority }}"), ("", "{%p endif %}"),
        ("VT Sign Title", "{{ signer_title }}"),
        ("VT Sign Name", "{{ signer_name }}"),
    ])


def _minutes_closing(document: docx.document.Document) -> None:
    """A Biên bản's two signatures: who kept the minutes on the left, who chaired on the right."""
    spacer = document.add_paragraph()
    left, right = _table(document, CLOSING_WIDTHS_MM)
    _keep_together(spacer, document.tables[-1].rows[0])
    _cell_lines(left, [("VT Sign Title", "{{ recorder_title }}"), ("VT Sign Name", "{{ recorder_name }}")])
    _signature(right)


def build_template(kind_code: str) -> docx.document.Document:
    """The stock template of a kind (by its code), laid out by its family of parts."""
    from docgen.kinds import find_kind

    kind = find_kind(kind_code)
    layout = kind.layout if kind else "plain"
    document = docx.Document()
    _add_styles(document)
    _set_up_page(document)
    _header(document, layout)
    if layout == "letter":
        _kinh_gui(document)
    else:
        _title_block(document, layout)
    if layout == "submission":
        _kinh_gui(document, "Kính trình:")
    if layout == "decision":
        _decision_body(document)
    elif layout == "rules":
        _rules_body(document)
    else:
        _lines(document, [("", "{{p body }}")])
    if layout == "minutes":
        _minutes_closing(document)
    else:
        _closing(document)
    document.core_properties.author = "vanthu"
    document.core_properties.title = "{{ symbol }}"
    return document


def write_templates(folder: Path) -> list[Path]:
    from docgen.kinds import generated_kinds

    written = []
    for kind in generated_kinds():
        path = folder / str(kind.template)
        build_template(kind.code).save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_templates(Path(__file__).resolve().parent.parent / "templates"):
        print(written_path)
