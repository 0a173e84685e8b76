"""The one place that knows Whoosh.

vanthu pins ``whoosh-reloaded`` 2.7.5 (see the README for why); everything
Whoosh-specific, the schema, the tokenizers, the query objects, the locking,
stays in this module behind ``SearchIndex`` and ``Query``, so that another
engine could take its place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import scoring
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.index import EmptyIndexError, LockError
from whoosh.index import IndexError as WhooshIndexError
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


def _text(fold: bool, size: int = 1, boost: float = 1.0, positions: bool = False) -> TEXT:
    return TEXT(analyzer=_Syllables(fold, size), phrase=positions, field_boost=boost)


SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    symbol=STORED, subject=STORED, signer=STORED, path=STORED,
    kind=ID(stored=True), body_code=ID(stored=True), signature=ID(stored=True),
    secrecy=ID(stored=True),  # the level (0 to 3) of docgen.secrecy: filtered in every search
    signer_key=ID,  # the signer as printed, for the "Người ký" facet
    date=ID(stored=True),
    day=NUMERIC(int, bits=32, sortable=True),  # the date's ordinal: newest first needs a number
    title=_text(fold=True, boost=3.0), title_exact=_text(fold=False, boost=3.0),
    title_pairs=_text(fold=True, size=2, boost=3.0),
    body=_text(fold=True, positions=True), body_exact=_text(fold=False),
    pairs=_text(fold=True, size=2),
    signer_name=_text(fold=True),
    symbols=KEYWORD(commas=True, lowercase=True),
    localities=KEYWORD(stored=True, commas=True),
    teams=KEYWORD(stored=True, commas=True),
    topics=KEYWORD(stored=True, commas=True),
)


@dataclass
class Query:
    """An engine-neutral search.

    ``required`` terms must all match (they decide the total); ``phrases`` are
    word sequences whose positions are checked in the candidates only;
    ``optional`` terms rank the candidates, their weights summed before the
    engine's own score is looked at; ``any_of`` groups and dates filter.
    """

    required: list[tuple[str, str]] = field(default_factory=list)
    phrases: list[tuple[str, list[str]]] = field(default_factory=list)
    optional: list[tuple[str, str, float]] = field(default_factory=list)
    any_of: list[list[tuple[str, str]]] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    levels: list[int] = field(default_factory=list)  # secrecy levels the viewer may read; none: no hit


# The fields whose values are counted for the current query (the facets of the search page).
FACET_FIELDS = ("kind", "localities", "teams", "topics", "signer_key")


def _filters(query: Query) -> wq.Query:
    """Never None: the secrecy levels are always a filter (Whoosh ignores a filter that is falsy)."""
    filters: list[wq.Query] = [wq.Or([wq.Term("secrecy", str(level)) for level in query.levels])]
    filters += [wq.Or([wq.Term(f, t) for f, t in group]) for group in query.any_of]
    if query.date_from or query.date_to:
        filters.append(wq.TermRange("date", query.date_from or "0000", query.date_to or "9999"))
    return wq.And(filters)


def _present(matcher: Any, docnums: list[int]) -> set[int]:
    """Which of the (sorted) documents a matcher matches, skipping straight to each."""
    found = set()
    for docnum in docnums:
        if not matcher.is_active():
            break
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
        if matcher.is_active() and matcher.id() == docnum:
            found.add(docnum)
    return found


@dataclass
class Hits:
    total: int
    rows: list[tuple[dict[str, Any], float]]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


# Candidates ranked by the optional terms: enough that the best of the "together" documents are
# among them, few enough that checking each one costs little.
RERANK_POOL = 60


class SearchIndex:
    def __init__(self, folder: Path):
        self.folder = folder
        self._searcher: Any = None  # kept between searches, refreshed when the index changed
        self._facet_sets: dict[str, dict[str, frozenset[int]]] = {}  # of the kept searcher
        self._lock = threading.Lock()  # one kept searcher, shared by the service's threads

    @classmethod
    def create(cls, folder: Path) -> SearchIndex:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        whoosh_index.create_in(str(folder), SCHEMA)
        return cls(folder)

    def _open(self):
        try:
            if not whoosh_index.exists_in(str(self.folder)):
                raise IndexUnavailable(f"chưa có chỉ mục tìm kiếm ở {self.folder}; {REBUILD_HINT}")
            opened = whoosh_index.open_dir(str(self.folder))
        except (EmptyIndexError, WhooshIndexError, OSError, ValueError, EOFError, KeyError,
                struct.error) as exc:
            raise IndexUnavailable(
                f"chỉ mục tìm kiếm ở {self.folder} bị hỏng ({exc}); {REBUILD_HINT}") from exc
        if set(opened.schema.names()) != set(SCHEMA.names()):
            raise IndexUnavailable(f"chỉ mục tìm kiếm ở {self.folder} do phiên bản cũ dựng (thiếu độ mật "
                                   f"của văn bản); {REBUILD_HINT}")
        return opened

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
        try:
            writer.commit()
        except BaseException:  # a failed commit (disk full) must not leave the index locked
            with contextlib.suppress(Exception):
                writer.cancel()  # may itself fail while closing its files, so:
            with contextlib.suppress(Exception):
                writer.writelock.release()
            raise

    def add(self, documents: Iterable[dict[str, Any]]) -> int:
        count = 0
        with self.writer() as writer:
            for document in documents:
                writer.update_document(**document)
                count += 1
        return count

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._facet_sets = {}

    def _current(self) -> Any:
        """The kept searcher, or a new one once the index changed (Whoosh's own ``refresh`` fails
        when the old reader was of an empty index). TF-IDF rather than BM25F: it needs no field
        length per document, a third of the cost of scoring, and the ranking that matters
        (together, trích yếu, accents) is applied to the candidates afterwards."""
        if self._searcher is not None and not self._searcher.up_to_date():
            self.close()
        if self._searcher is None:
            self._searcher = self._open().searcher(weighting=scoring.TF_IDF())
        return self._searcher

    def search(self, query: Query, *, limit: int, by_date: bool, offset: int = 0,
               facets: bool = False) -> Hits:
        """Documents ``offset`` to ``offset + limit``: the required terms count and score them, the
        optional terms and the phrase checks are applied to the best candidates only."""
        if not query.levels:
            return Hits(0, [])
        with self._lock:
            return self._search(query, limit, by_date, offset, facets)

    def _search(self, query: Query, limit: int, by_date: bool, offset: int, facets: bool) -> Hits:
        main = wq.And([wq.Term(f, t) for f, t in query.required]) if query.required else wq.Every()
        pool = offset + limit if by_date else max(offset + limit, RERANK_POOL)
        # Every match is visited anyway (to count it), and with the common syllables of Vietnamese
        # Whoosh's block-quality skipping skips nothing but costs a second pass to count: off.
        kwargs: dict[str, Any] = {"limit": pool, "filter": _filters(query), "optimize": False}
        if by_date or not query.required:
            kwargs.update(sortedby="day", reverse=True)
        try:
            searcher = self._current()
            results = searcher.search(main, **kwargs)
            total = len(results)
            candidates = [(hit.docnum, float(hit.score or 0.0)) for hit in results]
            candidates, failed = self._check_phrases(searcher, query, candidates)
            if not by_date and query.optional:
                candidates = self._rerank(searcher, query, candidates)
            rows = [(searcher.stored_fields(docnum), score)
                    for docnum, score in candidates[offset:offset + limit]]
            counted = self._facets(searcher, main, query) if facets else {}
            return Hits(total - failed, rows, counted)
        except (OSError, ValueError, EOFError, KeyError, struct.error) as exc:
            raise IndexUnavailable(f"không đọc được chỉ mục tìm kiếm ({exc}); {REBUILD_HINT}") from exc

    def _facets(self, searcher: Any, main: wq.Query, query: Query) -> dict[str, dict[str, int]]:
        """How many of the matching documents carry each value of the facet fields."""
        matched = set(searcher.docs_for_query(wq.And([main, _filters(query)])))
        if query.phrases:  # a long phrase's order is checked in the candidates only
            for fieldname, words in query.phrases:
                matched &= _present(wq.Phrase(fieldname, words).matcher(searcher), sorted(matched))
        counts = {}
        for name, sets in self._facet_postings(searcher).items():
            found = {value: len(docs & matched) for value, docs in sets.items()}
            counts[name] = {value: n for value, n in sorted(found.items(), key=lambda i: -i[1]) if n}
        return counts

    def _facet_postings(self, searcher: Any) -> dict[str, dict[str, frozenset[int]]]:
        """Each facet value's documents, read once per searcher (the index does not change under it)."""
        if not self._facet_sets:
            reader = searcher.reader()
            for name in FACET_FIELDS:
                self._facet_sets[name] = {
                    term.decode("utf-8") if isinstance(term, bytes) else term:
                    frozenset(reader.postings(name, term).all_ids())
                    for term in reader.lexicon(name)}
        return self._facet_sets

    @staticmethod
    def _check_phrases(searcher: Any, query: Query,
                       candidates: list[tuple[int, float]]) -> tuple[list[tuple[int, float]], int]:
        """Keep the candidates whose phrases stand word by word, as written."""
        kept = candidates
        for fieldname, words in query.phrases:
            ordered = sorted(docnum for docnum, _ in kept)
            matching = _present(wq.Phrase(fieldname, words).matcher(searcher), ordered)
            kept = [(docnum, score) for docnum, score in kept if docnum in matching]
        return kept, len(candidates) - len(kept)

    @staticmethod
    def _rerank(searcher: Any, query: Query, candidates: list[tuple[int, float]]) -> list[tuple[int, float]]:
        reader = searcher.reader()
        ordered = sorted(docnum for docnum, _ in candidates)
        bonus = dict.fromkeys(ordered, 0.0)
        for fieldname, text, weight in query.optional:
            if (fieldname, text) in reader:
                for docnum in _present(reader.postings(fieldname, text), ordered):
                    bonus[docnum] += weight
        return sorted(((docnum, score + 1000.0 * bonus[docnum]) for docnum, score in candidates),
                      key=lambda item: -item[1])
