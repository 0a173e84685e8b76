"""OCR of state scans: per field, how often the archive is right, proposes, or is wrong as a fact.

Scans are built as tests/state_scans.py builds them (200 dpi 1-bit, seal, ĐẾN stamp, signature
appearance as the text layer), with the number and the day written by hand or printed, and read
exactly as the reading worker reads them (reading → metadata → proposals). A field is **right**
when it is a fact equal to the paper, **proposed** when it waits for a clerk (``proposed`` says
whether the proposal itself is right), **wrong-as-fact** when a fact differs from the paper (must be
0), **missing** when nothing was read. ``python bench/bench_ocr.py [N_NUMBERS]``.
"""

from __future__ import annotations

import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from state_scans import CONG_VAN, QUYET_DINH, UBND, StateDocument, scan

from archive.limits import Limits
from archive.metadata import read_metadata
from archive.proposals import judge
from archive.reading import read_pdf

NUMBERS = [("981", "13"), ("1039", "21"), ("999", "9"), ("384", "30"), ("4033", "17"), ("27", "4")]
FIELDS = ("symbol", "date", "issuer", "kind", "subject", "signer")


def expected(doc: StateDocument) -> dict[str, str]:
    return {"symbol": doc.symbol, "date": doc.date, "issuer": " ".join(doc.issuer),
            "kind": "QĐ" if doc.title else "CV", "subject": " ".join(doc.subject), "signer": doc.signer}


def outcome(record: dict, proposed: dict, name: str, want: str) -> str:
    if record.get(name):
        return "right" if record[name] == want else "wrong-as-fact"
    if name in proposed:
        return "proposed-right" if proposed[name]["value"] == want else "proposed-wrong"
    return "missing"


def read(doc: StateDocument) -> tuple[dict, dict, float]:
    content = read_pdf(scan(doc))
    meta = read_metadata(content.text, ocr=content.ocr)
    review = judge(meta, content.ocr_lines, Limits())
    return meta.as_dict(), review["proposed"], content.ocr_seconds


def main(count: int) -> None:
    tally: dict[tuple[str, str], Counter] = defaultdict(Counter)
    seconds, wrong = [], []
    for template in (QUYET_DINH, CONG_VAN, UBND):
        for number, day in NUMBERS[:count]:
            for printed in (False, True):
                doc = replace(template, number=number, day=day, printed=printed)
                record, proposed, took = read(doc)
                seconds.append(took)
                for name, want in expected(doc).items():
                    hand = "viết tay" if name in ("symbol", "date") and not printed else "in"
                    result = outcome(record, proposed, name, want)
                    tally[(name, hand)][result] += 1
                    if result == "wrong-as-fact":
                        wrong.append(f"{doc.name} {name}: «{record[name]}» ≠ «{want}»")
    columns = ("right", "proposed-right", "proposed-wrong", "missing", "wrong-as-fact")
    print(f"{'trường':<8} {'loại':<9} " + " ".join(f"{c:>14}" for c in columns))
    for (name, hand), counts in sorted(tally.items(), key=lambda item: (FIELDS.index(item[0][0]), item[0][1])):
        print(f"{name:<8} {hand:<9} " + " ".join(f"{counts[c]:>14}" for c in columns))
    print(f"OCR: {len(seconds)} trang, trung bình {sum(seconds) / len(seconds):.2f} giây/trang, "
          f"chậm nhất {max(seconds):.2f} giây")
    print(f"Sai mà ghi như sự thật: {len(wrong)}")
    for line in wrong:
        print(f"    {line}")


if __name__ == "__main__":
    started = time.monotonic()
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    print(f"({time.monotonic() - started:.0f} giây)")
