"""Fidelity: how many fields the archive reads as printed, per producer, over tests/producers.py's set.

Every PDF is made now by its producer (LibreOffice, fpdf2, reportlab, scans of them) and read as the
reading worker reads it (reading → metadata → a scan's proposals). A field is right when it equals the
paper (a scan's words: similarity ≥ 0.9). For comparison, the same rules on pypdf's line-order text
(no positions). Then the time to extract the text of a 3-page LibreOffice Công văn, pypdf against
poppler with the column split. ``python bench/bench_fidelity.py``; prints figures, asserts nothing.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from producers import FIELDS, Sample, read_fields, right, samples
from pypdf import PdfReader

from archive.metadata import read_metadata
from archive.reading import page_texts, poppler_texts


def line_order_fields(pdf: bytes) -> dict[str, str]:
    """The same rules on pypdf's text in line order, without positions."""
    meta = read_metadata("\n".join(page_texts(PdfReader(io.BytesIO(pdf)))))
    return {name: str(getattr(meta, name) or "") for name in FIELDS}


def table(title: str, made: list[Sample], reads: list[dict[str, str]]) -> None:
    tally: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for sample, read in zip(made, reads, strict=True):
        for name in FIELDS:
            ok = right(sample.producer, name, sample.expected[name], read[name])
            tally[sample.producer][name].append(ok)
            tally["all"][name].append(ok)
    print(title)
    print(f"  {'producer':<12} {'PDFs':>4}  " + " ".join(f"{name:>12}" for name in FIELDS) + f"  {'all fields':>10}")
    for producer in [*sorted(name for name in tally if name != "all"), "all"]:
        fields = tally[producer]
        count = len(fields[FIELDS[0]])
        cells = [f"{sum(fields[name])}/{len(fields[name])}" for name in FIELDS]
        total = sum(sum(fields[name]) for name in FIELDS) / sum(len(fields[name]) for name in FIELDS)
        print(f"  {producer:<12} {count:>4}  " + " ".join(f"{cell:>12}" for cell in cells) + f"  {total:>10.1%}")


def wrong_fields(made: list[Sample], reads: list[dict[str, str]]) -> None:
    for sample, read in zip(made, reads, strict=True):
        for name in FIELDS:
            if not right(sample.producer, name, sample.expected[name], read[name]):
                print(f"  {sample.name}: {name} read «{read[name]}», printed «{sample.expected[name]}»")


def extraction_times(repeat: int = 10) -> None:
    from bench_archive import three_page_pdf

    from office.workspace import init_workspace

    with tempfile.TemporaryDirectory() as root:
        pdf = three_page_pdf(init_workspace(Path(root) / "ws"))
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    for label, extract in (("pypdf extract_text (line order)", lambda: page_texts(PdfReader(io.BytesIO(pdf)))),
                           ("pdftotext -bbox-layout + column split", lambda: poppler_texts(pdf, pages))):
        extract()
        took = []
        for _ in range(repeat):
            started = time.perf_counter()
            extract()
            took.append(time.perf_counter() - started)
        print(f"text of a {pages}-page LibreOffice Công văn, {label}: median {statistics.median(took) * 1000:6.1f} ms")


def main() -> None:
    load = os.getloadavg()[0]
    made = samples()
    started = time.perf_counter()
    reads = [read_fields(sample.pdf) for sample in made]
    took = time.perf_counter() - started
    producers = sorted({s.producer for s in made})
    print(f"fidelity set: {len(made)} PDFs from {len(producers)} producers ({', '.join(producers)}), "
          f"read in {took:.1f} s (scans by OCR); load average {load:.2f}")
    table("fields read as printed, by position (vanthu's reader):", made, reads)
    wrong_fields(made, reads)
    typed = [s for s in made if s.producer != "scan"]
    table("the same rules on pypdf's line-order text (no positions), for comparison:", typed,
          [line_order_fields(s.pdf) for s in typed])
    extraction_times()
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
