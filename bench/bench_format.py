"""The format check over the real documents of ``../shared/real-documents``: per file, the guide it was
judged by (or why none), the deviations found, and the time. ``python bench/bench_format.py``; skipped
when the folder is absent (a fresh clone); prints figures, asserts nothing."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from office.formats import check_format
from office.workspace import init_workspace

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "real-documents"


def main() -> None:
    if not SHARED.is_dir():
        print(f"bỏ qua: không có {SHARED}")
        return
    truth = {item.get("file") or f"{item['symbol'].split('/')[0]}-ttg.signed.pdf": item
             for item in json.loads((SHARED / "truth.json").read_text("utf-8"))}
    rules: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        workspace = init_workspace(Path(folder) / "ws")
        print(f"{'tệp':<28} {'Đảng':<5} {'hướng dẫn':<12} {'sai':>4} {'giây':>6}  ghi chú")
        for path in sorted(SHARED.glob("*.pdf")):
            started = time.perf_counter()
            report = check_format(workspace, path)
            seconds = time.perf_counter() - started
            rules.update(d.rule for d in report.deviations)
            party = truth.get(path.name, {}).get("party", False)
            guide = report.guide.symbol if report.guide else "—"
            note = (report.notes[0][:60] if report.notes else "")
            print(f"{path.name:<28} {'có' if party else 'không':<5} {guide:<12} {len(report.deviations):>4} "
                  f"{seconds:>6.2f}  {note}")
    print("quy tắc hay gặp:", ", ".join(f"{rule} {n}" for rule, n in rules.most_common(10)))


if __name__ == "__main__":
    main()
