"""Documents from other producers read as printed: the fidelity set of tests/producers.py.

Each PDF is made now by its producer (LibreOffice from vanthu's templates and from another office's
DOCX, an fpdf2 script writing both columns on shared baselines, a reportlab canvas, scans of them),
read as the reading worker reads it, and then archived through ``vanthu ingest``; every field must be
what the paper says, exactly (a scan's words by similarity: OCR may slip a diacritic).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from producers import FIELDS, NAMES, Sample, read_fields, right, samples
from pypdf import PdfReader
from test_archive import drop, ingest_inbox, vanthu

from office.workspace import Workspace, init_workspace


@pytest.fixture(scope="module")
def made() -> dict[str, Sample]:
    return {sample.name: sample for sample in samples()}


def test_the_set_has_twenty_pdfs_from_four_producers_and_every_kind(made):
    assert len(made) >= 20 and set(made) == set(NAMES)
    assert {s.producer for s in made.values()} == {"libreoffice", "fpdf2", "reportlab", "scan"}
    kinds = {s.expected["kind"] for s in made.values()}
    assert kinds >= {"KL", "CT", "NQ", "KH", "BC", "QC", "QĐi", "TB", "QĐ", "CV"}


@pytest.mark.parametrize("name", NAMES)
def test_every_field_is_read_as_printed(made, name):
    sample = made[name]
    read = read_fields(sample.pdf)
    wrong = {field: (sample.expected[field], read[field]) for field in FIELDS
             if not right(sample.producer, field, sample.expected[field], read[field])}
    assert wrong == {}


def test_line_order_interleaves_the_columns_and_reading_by_position_takes_them_apart(made):
    """What makes the fpdf2 set hard: pypdf's line-order text puts a recipient and the signer on one line."""
    from archive.reading import read_pdf

    pdf = made["fpdf-cv-ve-viec-1"].pdf
    line_order = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    assert "- Lưu Văn phòng Tỉnh ủy. Y Thanh Hà Niê Kdăm" in line_order
    lines = read_pdf(pdf).text.splitlines()
    assert "- Lưu Văn phòng Tỉnh ủy." in lines and lines[-1] == "Y Thanh Hà Niê Kdăm"


def test_old_tone_marks_are_kept_as_printed(made):
    read = read_fields(made["fpdf-tb"].pdf)
    assert read["subject"].endswith("xã Hoà Ninh") and read["signer"] == "Y Thanh Hà Niê Kdăm"
    assert read_fields(made["fpdf-kl"].pdf)["signer"] == "Lê Văn Hoà"


@pytest.fixture(scope="module")
def archived(made, tmp_path_factory) -> tuple[Workspace, dict[str, dict]]:
    workspace = init_workspace(tmp_path_factory.mktemp("producers") / "ws")
    for name, sample in made.items():
        if sample.producer != "scan":  # the scans' OCR is read above; archiving them is test_state_docs'
            drop(workspace, f"{name}.pdf", sample.pdf)
    code, rows = ingest_inbox(workspace)
    assert code == 0, rows
    return workspace, {Path(row["file"]).stem: row for row in rows}


def test_ingest_stores_and_shows_every_field_as_printed(made, archived):
    workspace, rows = archived
    assert len(rows) == sum(s.producer != "scan" for s in made.values())
    for name, row in rows.items():
        assert row["status"] == "archived"
        shown = vanthu(workspace, "show", row["id"], "--json")
        assert shown.exit_code == 0, shown.output
        record = json.loads(shown.output)
        assert {field: record[field] for field in FIELDS} == made[name].expected, name
