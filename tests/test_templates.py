"""The stock templates: what ``make templates`` writes is what the repository ships."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from docgen.blueprints import write_templates
from docgen.kinds import generated_kinds

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.parametrize("kind", generated_kinds(), ids=lambda k: k.code)
def test_shipped_template_matches_its_blueprint(kind, tmp_path):
    write_templates(tmp_path)
    name = str(kind.template)
    with zipfile.ZipFile(TEMPLATES / name) as shipped, zipfile.ZipFile(tmp_path / name) as built:
        for part in ("word/document.xml", "word/styles.xml"):
            assert shipped.read(part) == built.read(part), f"{name}: run make templates"


@pytest.mark.parametrize("kind", generated_kinds(), ids=lambda k: k.code)
def test_template_is_an_editable_docx_with_header_and_closing_tables(kind):
    document = docx.Document(str(TEMPLATES / str(kind.template)))
    header, closing = document.tables[0].rows[0].cells, document.tables[-1].rows[0].cells
    assert header[1].paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert "Số {{ number }}-{{ kind_code }}/{{ body_code }}" in [p.text for p in header[0].paragraphs]
    left = "{{ recorder_title }}" if kind.layout == "minutes" else "Nơi nhận:"  # a Biên bản: two signatures
    assert closing[0].paragraphs[0].text == left
    assert "{{ signer_name }}" in [p.text for p in closing[1].paragraphs]
