"""Reading real documents: per field and per producer family, right, proposed, or wrong as a fact.

The documents are real ones published by Party and state bodies, kept beside the repository in
``../shared/real-documents`` with ``truth.json`` (the fields as printed, read from the page images);
a fresh clone has no such folder, and the benchmark then says so and stops. Every file is archived
as the office archives it (a workspace's pipeline, its reading worker and limits), and each field
of the stored record is compared with the paper:

- **right**: a fact equal to the printed value;
- **proposed right** / **proposed wrong**: a value a clerk confirms (``cần xác nhận``), equal to the
  printed value or not;
- **missing**: nothing read;
- **wrong-as-fact**: a fact that differs from the paper, the one outcome a clerk cannot see.

Values are compared as printed, whitespace collapsed, tone marks in one style (``Hoà``/``Hòa``); a
symbol without its spaces (``21 -HD/BTCTU`` is ``21-HD/BTCTU``); an issuer's or a signer's lines
(``THÀNH UỶ HÀ NỘI / BAN TỔ CHỨC``) as one line. The families are those of the producers: born-digital
(a text layer of its own), re-written (a text layer broken by a rewriting tool, or an old OCR layer),
scan (an image with no text but a signature box). ``python bench/bench_real.py [FOLDER]``; prints
figures, asserts nothing.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from archive.limits import MB, Limits, nesting
from docgen.kinds import find_kind, find_state_kind
from docgen.text import canonical
from office.workspace import init_workspace

FOLDER = Path(__file__).resolve().parent.parent.parent / "shared" / "real-documents"
FIELDS = ("symbol", "date", "kind", "issuer", "subject", "signer", "signer_title")
FAMILIES = ("born-digital", "re-written", "scan")
OUTCOMES = ("right", "proposed-right", "proposed-wrong", "missing", "wrong-as-fact")


def family(truth: dict[str, Any]) -> str:
    """The producer family of a document, from what its truth says of its text layer."""
    kind = (truth.get("text_layer_kind") or "").lower()
    if truth.get("text_layer") is False or "scan" in kind or "number_written" in truth:
        return "scan"
    if any(word in kind for word in ("broken", "ocr", "re-written", "rewritten", "ghostscript")):
        return "re-written"
    return "born-digital"


def _kind_name(value: str, party: bool) -> str:
    """A kind as its name, whether given as a name (``Hướng dẫn``) or a code (``QĐ``)."""
    kind = (find_kind(value) if party else find_state_kind(value)) or find_kind(value) or find_state_kind(value)
    return kind.name if kind else value


def norm(name: str, value: str) -> str:
    """A value in the form it is compared in."""
    value = re.sub(r"\s+", " ", canonical(value).replace(" / ", " ")).strip()
    return value.replace(" ", "") if name == "symbol" else value


def stored(record: dict[str, Any], name: str) -> tuple[str, str]:
    """The field's fact and its proposal (``""`` when there is none) in the stored record."""
    proposed = record.get("proposed", {})

    def proposal(key: str) -> str:
        return str(proposed.get(key, {}).get("value") or "")

    if name == "signer_title":
        fact = " ".join(part for part in (record.get("authority"), record.get("signer_title")) if part)
        guess = " ".join(part for part in (record.get("authority") or proposal("authority"),
                                           record.get("signer_title") or proposal("signer_title")) if part)
        return fact, "" if fact else guess
    return str(record.get(name) or ""), proposal(name)


def outcome(record: dict[str, Any], name: str, want: str, party: bool) -> str:
    fact, proposal = stored(record, name)
    if name == "kind":
        want = _kind_name(want, party)
        fact, proposal = (_kind_name(value, party) if value else "" for value in (fact, proposal))
    want, fact, proposal = norm(name, want), norm(name, fact), norm(name, proposal)
    if fact:
        return "right" if fact == want else "wrong-as-fact"
    if proposal:
        return "proposed-right" if proposal == want else "proposed-wrong"
    return "missing"


def archive_all(folder: Path, truths: list[dict[str, Any]]) -> list[tuple[dict, dict, float]]:
    """Every file archived in a fresh workspace, one by one: (truth, record or reason, seconds)."""
    done = []
    with tempfile.TemporaryDirectory(prefix="vanthu-real-") as root:
        workspace = init_workspace(Path(root) / "ws")
        register, catalog = workspace.register(), workspace.catalog()
        pipeline = workspace.pipeline(register, catalog)
        try:
            for truth in truths:
                started = time.perf_counter()
                result = pipeline.ingest(folder / truth["file"])
                took = time.perf_counter() - started
                record = result.record if result.status == "archived" else {"quarantined": result.reason}
                done.append((truth, record, took))
        finally:
            pipeline.close()
            register.close()
            catalog.close()
    return done


def _row(label: str, counts: Counter) -> str:
    total = sum(counts.values())
    right = counts["right"] + counts["proposed-right"]
    share = f"{right / total:6.1%}" if total else "     -"
    return f"  {label:<14} " + " ".join(f"{counts[c]:>14}" for c in OUTCOMES) + f" {share:>8}"


def report(done: list[tuple[dict, dict, float]]) -> None:
    by_field: dict[str, Counter] = defaultdict(Counter)
    by_family: dict[str, Counter] = defaultdict(Counter)
    seconds: dict[str, list[float]] = defaultdict(list)
    pages: dict[str, int] = Counter()
    wrong, misses = [], []
    for truth, record, took in done:
        group = family(truth)
        seconds[group].append(took)
        pages[group] += int(record.get("pages") or truth.get("pages") or 1)
        if "quarantined" in record:
            misses.append(f"{truth['file']}: cách ly: {record['quarantined']}")
        for name in FIELDS:
            want = truth.get(name)
            if not want:
                continue
            result = outcome(record, name, want, truth.get("party", False))
            by_field[name][result] += 1
            by_family[group][result] += 1
            by_field[f"{name} ({group})"][result] += 1
            if result != "right" and result != "proposed-right":
                fact, proposal = stored(record, name)
                line = f"{truth['file']} {name} [{result}]: «{fact or proposal}» ≠ «{want}»"
                (wrong if result == "wrong-as-fact" else misses).append(line)
    header = f"  {'':<14} " + " ".join(f"{c:>14}" for c in OUTCOMES) + f" {'right':>8}"
    print(f"{len(done)} real documents, {sum(pages.values())} pages")
    print("per field:")
    print(header)
    for name in FIELDS:
        print(_row(name, by_field[name]))
    print("per family (all fields):")
    print(header)
    for group in FAMILIES:
        print(_row(group, by_family[group]))
    total = sum((by_family[group] for group in FAMILIES), Counter())
    print(_row("all", total))
    fields = sum(total.values())
    print(f"wrong as fact: {total['wrong-as-fact']} of {fields} fields ({total['wrong-as-fact'] / fields:.1%}), "
          f"from scans {by_family['scan']['wrong-as-fact']}")
    for group in FAMILIES:
        if seconds[group]:
            print(f"seconds per page, {group}: {sum(seconds[group]) / pages[group]:.2f} "
                  f"({len(seconds[group])} files, {pages[group]} pages, slowest file {max(seconds[group]):.1f} s)")
    print("per field and family:")
    print(header)
    for name in FIELDS:
        for group in FAMILIES:
            if by_field[f"{name} ({group})"]:
                print(_row(f"{name[:7]} {group[:6]}", by_field[f"{name} ({group})"]))
    print("wrong as fact:")
    for line in wrong:
        print(f"    {line}")
    print("not right (proposed wrong, missing, quarantined):")
    for line in misses:
        print(f"    {line}")


def _largest_stream(data: bytes) -> float:
    """The largest stream of the file once decoded, in MB (what ``stream_mb`` bounds)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    reader, largest = PdfReader(io.BytesIO(data), strict=False), 0
    for number in range(1, int(reader.trailer.get("/Size", 0))):
        try:
            obj = reader.get_object(number)
            if hasattr(obj, "get_data"):
                largest = max(largest, len(obj.get_data()))
        except (PdfReadError, DependencyError, ValueError, KeyError, TypeError, AttributeError, NotImplementedError):
            continue  # a measurement: an object pypdf cannot decode is skipped
    return largest / MB


def limits_report(folder: Path, done: list[tuple[dict, dict, float]]) -> None:
    """Each limit beside the most the real files came to: how far ordinary files stay from it."""
    limits = Limits()
    files = [(folder / truth["file"]).read_bytes() for truth, _, _ in done]
    deepest = max(nesting(data) for data in files)
    pages = max(int(record.get("pages") or 0) for _, record, _ in done)
    size = max(len(data) for data in files) / MB
    stream = max(_largest_stream(data) for data in files)
    slowest = max(took for _, _, took in done)
    ocr_page = max((record.get("ocr_seconds") or 0) / max(int(record.get("pages") or 1), 1) for _, record, _ in done)
    print("limits against the real set (the most any real file came to, and the limit):")
    for label, real, limit in (("object nesting", deepest, limits.depth), ("pages", pages, limits.pages),
                               ("file MB", size, limits.file_mb),
                               ("largest decoded stream MB", stream, limits.stream_mb),
                               ("seconds per file (OCR time added per page)", slowest, limits.file_seconds),
                               ("OCR seconds per page", ocr_page, limits.ocr_page_seconds)):
        print(f"  {label:<44} {real:8.1f} of {limit:>6g} ({real / limit:6.1%})")


def main(folder: Path) -> None:
    truth_file = folder / "truth.json"
    if not truth_file.is_file():
        print(f"bench_real: no real documents at {folder} (a fresh clone has none); skipped")
        return
    truths = json.loads(truth_file.read_text(encoding="utf-8"))
    started = time.monotonic()
    done = archive_all(folder, truths)
    report(done)
    limits_report(folder, done)
    print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER)
