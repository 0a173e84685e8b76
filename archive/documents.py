"""One document, many files: the files of the archive grouped by the document they carry.

A document (its issuer's body code and its number and symbol, ``1773-CV/TU``)
often arrives more than once: the signed original, a scan of the printed copy,
a re-signed version, a copy received back from another office. Each file keeps
its own record and sidecar (a file is evidence and is never merged away); the
document is what they have in common. Search lists a document once, by its
best file (a valid signature first, then an original over a copy over a scan,
an invalid signature last); ``show`` lists every file, the best first, so that
file 0 is always the one to trust, and marks those that disagree. Files without a number
and symbol are each a document of their own. Byte-identical files never get
here: the archive quarantines them as duplicates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise
from typing import Any

from docgen.secrecy import level_of, mark_name
from docgen.text import canonical, fold

FILE_KINDS = {"original": "bản gốc (PDF ký số)", "copy": "bản sao (PDF không ký số)", "scan": "bản quét"}
_SIGNATURE_RANK = {"valid": 0, "untrusted": 1, "unsigned": 2, "invalid": 3}
_KIND_RANK = {"original": 0, "copy": 1, "scan": 2}
# Files of one document whose words agree less than this (pairs of adjacent words in common) differ:
# a text layer is the same text however the PDF breaks its lines; OCR gets a few words wrong.
SAME_TEXT, SAME_TEXT_SCAN = 0.95, 0.6


def document_key(record: dict[str, Any]) -> str:
    """What the files of one document share: the number, kind and body code of the symbol (the body
    code names the issuer), written one way; a file without a symbol is a document of its own. A kind
    printed with another kind's code (a Quy định's ``QĐ`` by 05-HD/VPTW, beside the Quyết định's own
    ``01-QĐ/TU``) is told by the kind its title names: two documents, each as secret as its own files."""
    from docgen.register import fold_code, parse_symbol  # the register brings python-docx: not for a search

    parsed = parse_symbol(record.get("symbol") or "")
    if parsed is None:
        return f"id:{record['id']}"
    number, kind, body = parsed
    read = fold_code(str(record.get("kind") or ""))
    return f"{number}-{kind}/{body}" + (f"~{read}" if read and read != kind else "")


def file_kind(record: dict[str, Any]) -> str:
    """``scan`` (no text layer: read by OCR or not at all), ``original`` (digitally signed),
    else ``copy``."""
    if record.get("ocr") or record.get("no_text"):
        return "scan"
    if record.get("signatures") or record.get("signature") not in (None, "", "unsigned"):
        return "original"
    return "copy"


def file_rank(record: dict[str, Any]) -> tuple[int, int, str, str]:
    """Lower is better: the file a search shows for its document (of equals, the first archived)."""
    return (_SIGNATURE_RANK.get(record.get("signature") or "unsigned", 2), _KIND_RANK[file_kind(record)],
            str(record.get("archived_at", "")), record["id"])


def best_file(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return min(records, key=file_rank)


def document_level(records: Iterable[dict[str, Any]]) -> int:
    """A document is as secret as the most secret of its files."""
    return max((level_of(r) for r in records), default=0)


def group_records(records: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        groups.setdefault(document_key(record), []).append(record)
    return groups


def _pairs(text: str) -> set[tuple[str, str]]:
    words = re.findall(r"\w+", fold(canonical(text)).lower())
    return set(pairwise(words))


def similarity(a: str, b: str) -> float:
    """The share of adjacent word pairs two texts have in common (1.0: the same words in the same order)."""
    first, second = _pairs(a), _pairs(b)
    if not first and not second:
        return 1.0
    return len(first & second) / len(first | second)


def conflicts(files: list[dict[str, Any]], texts: dict[str, str]) -> dict[str, str]:
    """Why each disagreeing file disagrees, by file id: a signature that is not valid, or a text that
    differs from that of the document's best file (``texts`` by file id). The best file is the
    reference whatever its signature: an unsigned copy that says something else than an unsigned
    original disagrees as much as one beside a signed original."""
    found = {}
    reference = next((f for f in sorted(files, key=file_rank) if f.get("signature") != "invalid"), None)
    for record in files:
        if record.get("signature") == "invalid":
            found[record["id"]] = f"chữ ký số KHÔNG hợp lệ ({record.get('signature_reason') or 'không rõ lý do'})"
        elif reference is not None and record is not reference and record["id"] in texts \
                and reference["id"] in texts:
            alike = similarity(texts[record["id"]], texts[reference["id"]])
            if alike < (SAME_TEXT_SCAN if file_kind(record) == "scan" else SAME_TEXT):
                found[record["id"]] = f"nội dung khác {_reference_name(reference)} (giống {alike:.0%})"
    return found


def _reference_name(reference: dict[str, Any]) -> str:
    """The file others are compared with, as a clerk reads it: which kind of file, and its id."""
    if reference.get("signature") == "valid":
        return f"bản có chữ ký số hợp lệ [{reference['id']}]"
    return f"{FILE_KINDS[file_kind(reference)]} [{reference['id']}]"


def file_entry(record: dict[str, Any], conflict: str) -> dict[str, Any]:
    """One file of a document, as ``show`` lists it."""
    kind = file_kind(record)
    return {"id": record["id"], "sha256": record.get("sha256", ""), "path": record.get("path", ""),
            "kind": kind, "kind_name": FILE_KINDS[kind], "signature": record.get("signature", ""),
            "signature_reason": record.get("signature_reason", ""),
            "signature_detail": record.get("signature_detail", ""),
            "archived_at": record.get("archived_at", ""), "size": record.get("size", 0),
            "secrecy": mark_name(level_of(record)), "conflict": conflict}


def document_files(records: list[dict[str, Any]], texts: dict[str, str]) -> list[dict[str, Any]]:
    """Every file of a document, the best first (file 0 is the one a search shows and the API gives
    first); each that disagrees says why."""
    found = conflicts(records, texts)
    ordered = sorted(records, key=file_rank)
    return [file_entry(r, found.get(r["id"], "")) for r in ordered]
