"""The one place that knows Whoosh.

vanthu pins ``whoosh-reloaded`` 2.7.5 (see the README for why); everything
Whoosh-specific, the schema, the tokenizers, the query objects, the locking,
stays in this module behind ``SearchIndex`` and ``Query``, so that another
engine could take its place.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.index import EmptyIndexError, LockError
from whoosh.writing import IndexWriter

from docgen.errors import VanthuError
from indexer.analyzer import folded, ngrams, syllables

REBUILD_HINT = "chạy «vanthu index rebuild» để dựng lại chỉ mục từ kho lưu trữ"


class IndexUnavailable(VanthuError):
    """The index is missing, damaged or locked; ingestion goes on, search says what to do."""


class _Syllables(Tokenizer):
    """Syllables (exact or folded), or runs of ``size`` adjacent folded syllables."""

    def __init__(self, fold: bool, size: int = 1):
        self.fold, self.size = fold, size

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Syllables) and (self.fold, self.size) == (other.fold, other.size)

    def __hash__(self) -> int:
        return hash((self.fold, self.size))

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, mode: str = "", **kwargs: Any) -> Iterator[Token]:
        items = syllables(value)
        if self.fold:
            items = folded(items)
        if self.size > 1:
            items = ngrams(items, self.size)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, text in enumerate(items, start=start_pos):
            token.text, token.boost, token.stopped = text, 1.0, False
            if positions:
                token.pos = position
            yield token


def _text(fold: bool, size: int = 1, boost: float = 1.0) -> TEXT:
    return TEXT(analyzer=_Syllables(fold, size), phrase=False, field_boost=boost)


SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    symbol=STORED, subject=STORED, signer=STORED, path=STORED,
    kind=ID(stored=True), body_code=ID(stored=True), signature=ID(stored=True),
    date=ID(stored=True),
    day=NUMERIC(int, bits=32, sortable=True),  # the date's ordinal: newest first needs a number
    title=_text(fold=True, boost=3.0), title_exact=_text(fold=False, boost=3.0),
    title_pairs=_text(fold=True, size=2, boost=3.0),
    body=_text(fold=True), body_exact=_text(fold=False),
    pairs=_text(fold=True, size=2), triples=_text(fold=True, size=3),
    signer_name=_text(fold=True),
    symbols=KEYWORD(commas=True, lowercase=True),
    localities=KEYWORD(stored=True, commas=True),
    teams=KEYWORD(stored=True, commas=True),
    topics=KEYWORD(stored=True, commas=True),
)


@dataclass
class Query:
    """An engine-neutral search: required and optional terms per field, and filters."""

    required: list[tuple[str, str]] = field(default_factory=list)
    optional: list[tuple[str, str, float]] = field(default_factory=list)
    any_of: list[list[tuple[str, str]]] = field(default_factory=list)  # each: at least one must match
    date_from: str | None = None
    date_to: str | None = None


def _compile(query: Query) -> tuple[wq.Query, wq.Query | None]:
    musts: list[wq.Query] = [wq.Term(f, t) for f, t in query.required]
    filters: list[wq.Query] = [wq.Or([wq.Term(f, t) for f, t in group]) for group in query.any_of]
    if query.date_from or query.date_to:
        filters.append(wq.TermRange("date", query.date_from or "0000", query.date_to or "9999"))
    if not musts:
        main: wq.Query = wq.Every()
    else:
        main = wq.And(musts)
        if query.optional:
            main = wq.AndMaybe(main, wq.Or([wq.Term(f, t, boost=b) for f, t, b in query.optional]))
    return main, (wq.And(filters) if filters else None)


@dataclass
class Hits:
    total: int
    rows: list[tuple[dict[str, Any], float]]


class SearchIndex:
    def __init__(self, folder: Path):
        self.folder = folder

    @classmethod
    def create(cls, folder: Path) -> SearchIndex:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        whoosh_index.create_in(str(folder), SCHEMA)
        return cls(folder)

    def _open(self):
        if not whoosh_index.exists_in(str(self.folder)):
            raise IndexUnavailable(f"chưa có chỉ mục tìm kiếm ở {self.folder}; {REBUILD_HINT}")
        try:
            return whoosh_index.open_dir(str(self.folder))
        except (EmptyIndexError, OSError, ValueError, EOFError, KeyError) as exc:
            raise IndexUnavailable(
                f"chỉ mục tìm kiếm ở {self.folder} bị hỏng ({exc}); {REBUILD_HINT}") from exc

    @contextmanager
    def writer(self, timeout: float = 10.0, bulk: bool = False) -> Iterator[IndexWriter]:
        """A writer; a lock still held after ``timeout`` seconds is reported, not waited on forever.

        ``bulk`` (a rebuild) analyses in one process per core and skips the final merge.
        """
        options: dict[str, Any] = {"procs": os.cpu_count() or 1, "limitmb": 256,
                                   "multisegment": True} if bulk else {}
        try:
            writer = self._open().writer(timeout=timeout, **options)
        except LockError as exc:
            raise IndexUnavailable(f"chỉ mục tìm kiếm đang bị khóa bởi một tiến trình khác; "
                                   f"thử lại sau, hoặc {REBUILD_HINT}") from exc
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def add(self, documents: Iterable[dict[str, Any]]) -> int:
        count = 0
        with self.writer() as writer:
            for document in documents:
                writer.update_document(**document)
                count += 1
        return count

    def doc_count(self) -> int:
        return self._open().doc_count()

    def search(self, query: Query, *, limit: int, by_date: bool) -> Hits:
        main, filters = _compile(query)
        try:
            with self._open().searcher() as searcher:
                kwargs: dict[str, Any] = {"limit": limit, "filter": filters}
                if by_date or not query.required:
                    kwargs.update(sortedby="day", reverse=True)
                results = searcher.search(main, **kwargs)
                rows = [(dict(hit.fields()), float(hit.score or 0.0)) for hit in results]
                return Hits(len(results), rows)
        except (OSError, ValueError, EOFError, KeyError) as exc:
            raise IndexUnavailable(f"không đọc được chỉ mục tìm kiếm ({exc}); {REBUILD_HINT}") from exc
