"""The register of outgoing documents, found again after its database was lost.

The register is a legal record, kept in one SQLite file; when that file is
lost or damaged beyond repair (and no backup is newer), what it held can still
be read back from two places vanthu wrote: the archive's sidecars (a signed
document of this office, with its number, date, trích yếu and signer) and the
DOCX files of ``out/`` (each named by its symbol, the symbol also in the file's
title). Each entry found this way is recorded as rebuilt, with where it came
from, so nobody mistakes it for the original entry; numbers that are missing
between two found ones (a void number, a DOCX deleted) are reported, never
made up. The next number follows the highest found.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

from archive.metadata import read_metadata
from archive.store import SIDECAR
from docgen.profile import Profile
from docgen.register import Found, split_symbol


@dataclass
class Rebuilt:
    """What a rebuild did: entries added, entries already there, and what it could not use."""

    added: list[str] = field(default_factory=list)
    kept: int = 0
    skipped: list[str] = field(default_factory=list)  # file: why
    gaps: dict[str, list[int]] = field(default_factory=dict)  # "CV/TU" → missing numbers

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "kept": self.kept, "skipped": self.skipped, "gaps": self.gaps}


def from_sidecar(path: Path, root: Path) -> Found | None:
    """The entry a sidecar of this office's own document stands for (None for anything else)."""
    record = json.loads(path.read_text("utf-8"))
    symbol = record.get("symbol") or ""
    if not split_symbol(symbol) or not record.get("date"):
        return None
    archived = "signed" if record.get("signature") == "valid" else "archived"
    relative = record.get("path") or str(path.relative_to(root).with_suffix(".pdf"))
    return Found(symbol=symbol, date=record["date"], subject=" ".join((record.get("subject") or "").split()),
                 signer=record.get("signer") or "", secrecy=record.get("secrecy") or "",
                 urgency=next((m for m in record.get("marks") or [] if "KHẨN" in m or "HỎA" in m), ""),
                 status=archived, archive_path=relative, source=f"archive/{relative}")


def _docx_lines(document: Any) -> Iterator[str]:
    """The text of a DOCX in reading order: paragraphs, and the cells of tables row by row."""
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            yield "".join(t.text or "" for t in block.iter(qn("w:t")))
        elif block.tag == qn("w:tbl"):
            for cell in block.iter(qn("w:tc")):
                for paragraph in cell.iter(qn("w:p")):
                    yield "".join(t.text or "" for t in paragraph.iter(qn("w:t")))


def from_docx(path: Path, workspace_root: Path) -> Found | None:
    """The entry of a DOCX that vanthu issued into ``out/`` (None for a draft or another file)."""
    document = docx.Document(str(path))
    symbol = (document.core_properties.title or "").strip()
    meta = read_metadata("\n".join(_docx_lines(document)))
    symbol = symbol if split_symbol(symbol) else meta.symbol
    if not symbol or not split_symbol(symbol) or not meta.date:
        return None
    return Found(symbol=symbol, date=meta.date, subject=" ".join(meta.subject.split()), signer=meta.signer,
                 secrecy=next((m for m in meta.marks if "MẬT" in m), ""), status="issued",
                 docx_path=str(path), source=str(path.relative_to(workspace_root)))


def found_entries(archive: Path, out: Path, workspace_root: Path) -> tuple[list[Found], list[str]]:
    """Every entry the archive and ``out/`` can give back, the archive's first; and the files that
    could not be read (with why)."""
    found, skipped = [], []
    sources = [(p, lambda p: from_sidecar(p, archive)) for p in sorted(archive.rglob(f"*{SIDECAR}"))]
    sources += [(p, lambda p: from_docx(p, workspace_root)) for p in sorted(out.glob("*.docx"))]
    for path, read in sources:
        try:
            entry = read(path)
        except (OSError, ValueError, KeyError) as exc:  # a damaged sidecar or DOCX: say so, go on
            skipped.append(f"{path.name}: không đọc được ({exc})")
            continue
        if entry is not None:
            found.append(entry)
    return found, skipped


def ours(found: Iterable[Found], profile: Profile) -> tuple[list[Found], list[str]]:
    """Only this office's documents of the current term: other bodies' numbers are not ours to register."""
    kept, skipped = [], []
    codes = {code.casefold() for code in profile.bodies}
    for entry in found:
        _number, _kind, body = split_symbol(entry.symbol) or (0, "", "")
        if body.casefold() not in codes:
            continue
        if date.fromisoformat(entry.date) < profile.term_start:
            skipped.append(f"{entry.source}: {entry.symbol} thuộc nhiệm kỳ trước")
            continue
        kept.append(entry)
    return kept, skipped
