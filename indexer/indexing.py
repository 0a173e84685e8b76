"""Keeping the search index in step with the archive, and rebuilding it from the sidecars alone.

The archive never waits for the index: a record that cannot be indexed now
(index locked, damaged or missing) stays marked unindexed in the catalog and
is caught up later, and ``vanthu index rebuild`` makes a whole new index from
the archive folder and swaps it in only once complete.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.documents import best_file, document_key, document_level
from archive.store import SIDECAR, ArchiveStore, load_sidecar
from docgen.secrecy import level_of
from docgen.text import OCR_SLIPS
from indexer.analyzer import symbols_in
from indexer.engine import IndexUnavailable, SearchIndex
from indexer.gazetteer import Gazetteer
from indexer.topics import Taxonomy, TopicScore

STRENGTH_CAP = 1000  # a topic's strength in the index, in tenths, at most

if TYPE_CHECKING:  # the catalog brings the register and python-docx: a search needs neither
    from archive.catalog import Catalog


def slips(record: dict[str, Any]) -> int:
    """The wrong diacritics a name or keyword may carry in a record's text: some, if OCR read it."""
    return OCR_SLIPS if record.get("ocr") else 0


def index_document(record: dict[str, Any], gazetteer: Gazetteer, taxonomy: Taxonomy,
                   level: int | None = None, states: Iterable[str] = ()) -> dict[str, Any]:
    """The index's view of an archived document, by the record of its best file: its text in every
    form, and its tags; ``level`` is the document's secrecy (the strongest of its files'), ``states``
    the signature states of all its files (a tampered copy beside a valid original is found by
    ``signature=invalid``)."""
    subject = record.get("subject", "")
    everything = f"{subject}\n{record.get('text', '')}"
    found = gazetteer.find(everything, slips=slips(record))
    # Its own symbol first, whichever form (a clerk's correction is in no text OCR read), then those cited.
    keys = symbols_in(record.get("symbol") or "") + symbols_in(everything)
    return {
        "id": record["id"], "group": document_key(record), "symbol": record.get("symbol", ""),
        "subject": subject,
        "signer": record.get("signer", ""), "path": record.get("path", ""),
        "kind": record.get("kind", ""), "body_code": record.get("body_code", ""),
        "signature": record.get("signature", ""), "date": record.get("date") or "",
        "signatures": ",".join(sorted({*states, record.get("signature", "")} - {""})),
        "void": record.get("void", ""),
        "secrecy": str(level_of(record) if level is None else level), "signer_key": record.get("signer", ""),
        "day": date.fromisoformat(record["date"]).toordinal() if record.get("date") else 0,
        "title": subject, "title_exact": subject, "title_pairs": subject,
        "body": everything, "body_exact": everything, "pairs": everything,
        "signer_name": record.get("signer", ""),
        "symbols": ",".join(dict.fromkeys(keys)),
        "localities": ",".join(loc.code for loc in found),
        "teams": ",".join(str(team) for team in gazetteer.teams_of(found)),
        **topic_fields(taxonomy.attached(subject, record.get("text", "") or subject, slips=slips(record))),
    }


def topic_fields(attached: list[TopicScore]) -> dict[str, str]:
    """The topics as the index keeps them: their slugs, strongest first, and each slug repeated as
    often as its strength says (in tenths), so that a listing of one topic ranks by that strength."""
    return {"topics": ",".join(t.slug for t in attached),
            "topic_strength": ",".join(",".join([t.slug] * min(round(t.score * 10), STRENGTH_CAP))
                                       for t in attached)}


def read_sidecar(store: ArchiveStore, relative_pdf: str) -> dict[str, Any]:
    return load_sidecar((store.root / relative_pdf).with_suffix(SIDECAR))


class IndexUpdater:
    """Records queue up as they are archived; ``flush`` indexes them in one writer."""

    def __init__(self, index: SearchIndex, catalog: Catalog, store: ArchiveStore, gazetteer: Gazetteer,
                 taxonomy: Taxonomy, warn: Callable[[str], None]):
        self.index, self.catalog, self.store = index, catalog, store
        self.gazetteer, self.taxonomy, self.warn = gazetteer, taxonomy, warn
        self.pending: list[dict[str, Any]] = []

    def queue(self, record: dict[str, Any]) -> None:
        self.pending.append(record)

    def flush(self) -> int:
        records, self.pending = self.pending, []
        return self._add(records)

    def catch_up(self, also: Iterable[Callable[[dict[str, Any]], object]] = ()) -> int:
        """Index what the catalog says was archived but never indexed, and hand each such record
        to ``also`` too: a run killed after archiving a file but before indexing it did not
        reach the other listeners either (the index is flushed last)."""
        records = [read_sidecar(self.store, row.path) for row in self.catalog.unindexed()]
        for record in records:
            for listener in also:
                listener(record)
        return self._add(records)

    def _documents(self, records: list[dict[str, Any]]) -> list[tuple[dict[str, Any], int, list[str]]]:
        """The documents the records are files of: each by its best file's record, with its level and
        its files' signature states."""
        found: dict[str, tuple[dict[str, Any], int, list[str]]] = {}
        for record in records:
            row = self.catalog.get(record["sha256"])
            files = [r.full for r in self.catalog.files_of(row)] if row else []
            if len(files) < 2:
                found[document_key(record)] = (record, level_of(record), [])
                continue
            best = best_file(files)
            chosen = record if best["id"] == record["id"] else read_sidecar(self.store, best["path"])
            found[document_key(record)] = (chosen, document_level(files), _states(files))
        return list(found.values())

    def _add(self, records: list[dict[str, Any]]) -> int:
        if not records:
            return 0
        try:
            self.index.add(index_document(best, self.gazetteer, self.taxonomy, level, states)
                           for best, level, states in self._documents(records))
        except IndexUnavailable as exc:
            self.warn(f"chưa cập nhật được chỉ mục tìm kiếm ({len(records)} văn bản): {exc}")
            return 0
        self.catalog.mark_indexed([r["sha256"] for r in records])
        return len(records)


def _states(files: list[dict[str, Any]]) -> list[str]:
    return sorted({f.get("signature") or "" for f in files} - {""})


def _best_files(catalog: Catalog) -> dict[str, tuple[str, int | None, list[str]]]:
    """Each document of the catalog with more than one file: its best file's id, its level and its
    files' signature states."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in catalog.archived():
        groups.setdefault(document_key(row.full), []).append(row.full)
    return {key: (best_file(files)["id"], document_level(files), _states(files)) for key, files in groups.items()
            if len(files) > 1}


def rebuild(store: ArchiveStore, folder: Path, catalog: Catalog, gazetteer: Gazetteer, taxonomy: Taxonomy,
            progress: Callable[[Iterable[int]], Iterable[int]] = lambda items: items,
            extra: Iterable[dict[str, Any]] = ()) -> int:
    """A new index from the archive's sidecars (and ``extra`` records, the teams' reports),
    read and written by one process per core, swapped in only when complete."""
    building = folder.with_name(folder.name + ".new")
    index = SearchIndex.create(building)
    sidecars = sorted(store.root.rglob(f"*{SIDECAR}"))
    chosen = _best_files(catalog)

    def read(path: Path) -> tuple[str, dict[str, Any] | None]:
        record = load_sidecar(path)
        best, level, states = chosen.get(document_key(record), (record["id"], None, []))
        if best != record["id"]:  # the other files of a document are not listed apart
            return record["sha256"], None
        return record["sha256"], index_document(record, gazetteer, taxonomy, level, states)

    shown = iter(progress(range(len(sidecars))))  # a progress bar, advanced as the workers report
    indexed = index.load(sidecars, read, (index_document(r, gazetteer, taxonomy) for r in extra),
                         lambda count: list(islice(shown, count)))
    list(shown)
    retired = folder.with_name(folder.name + ".old")
    shutil.rmtree(retired, ignore_errors=True)
    if folder.exists():
        folder.rename(retired)
    building.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)
    catalog.mark_indexed(indexed)
    return len(indexed)
