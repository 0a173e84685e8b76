"""The one place that knows Whoosh.

vanthu pins ``whoosh-reloaded`` 2.7.5 (see the README for why); everything
Whoosh-specific, the schema, the tokenizers, the query objects, the locking,
stays in this module behind ``SearchIndex`` and ``Query``, so that another
engine could take its place.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import struct
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from math import log
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

import indexer.whoosh_lean  # noqa: F401  (before any other part of Whoosh: see there)

# isort: split
from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, LockError
from whoosh.index import IndexError as WhooshIndexError

from docgen.errors import VanthuError
from docgen.secrecy import TOP
from indexer.analyzer import folded, ngrams, syllables
from indexer.columns import SUFFIX, Postings, SegmentArrays, phrase_present, postings_path, present, top

if TYPE_CHECKING:  # Whoosh's query objects, collectors and searcher serve the reference path only:
    # a search (``vanthu search`` above all) imports none of them (tests/test_cli_startup.py)
    from whoosh import query as wq
    from whoosh.searching import Searcher
    from whoosh.writing import IndexWriter

    from indexer.bulk import Receipt

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
    group=ID(unique=True),  # the document (archive/documents.py): one entry for all its files
    symbol=STORED, subject=STORED, signer=STORED, path=STORED,
    kind=ID(stored=True), body_code=ID(stored=True), signature=ID(stored=True),  # the best file's
    signatures=KEYWORD(stored=True, commas=True),  # every file's state: a tampered copy is found by it
    void=STORED,  # the register's reason when the number was voided
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
    topic_strength=KEYWORD(commas=True, scorable=True),  # a slug repeated by strength: its weight
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
    from whoosh import query as wq

    filters: list[wq.Query] = [wq.Or([wq.Term("secrecy", str(level)) for level in query.levels])]
    filters += [wq.Or([wq.Term(f, t) for f, t in group]) for group in query.any_of]
    if query.date_from or query.date_to:
        filters.append(wq.TermRange("date", query.date_from or "0000", query.date_to or "9999"))
    return wq.And(filters)


def _level_weighting(reader: Any, levels: list[int]) -> Any:
    """Whoosh's TF-IDF with its statistics counted by Whoosh over the live documents of ``levels``
    only: the reference the numpy path's counts per level are tested against."""
    from whoosh import query as wq
    from whoosh import scoring
    from whoosh.searching import Searcher

    secrecy = wq.Or([wq.Term("secrecy", str(level)) for level in levels])
    visible = set(Searcher(reader, closereader=False).docs_for_query(secrecy)) if levels else set()

    class LevelTFIDF(scoring.WeightingModel):
        def scorer(self, searcher: Any, fieldname: str, text: str, qf: float = 1) -> Any:
            ids = reader.postings(fieldname, text).all_ids() if (fieldname, text) in reader else ()
            idf = _idf(len(visible), len(visible.intersection(ids)))
            return scoring.TF_IDFScorer(searcher.term_info(fieldname, text).max_weight(), idf)

    return LevelTFIDF()


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
# The fields of required and optional terms, and the filter fields: every term of theirs has its
# postings copied into numpy beside the segment, so that no query reads Whoosh's postings (a term
# read through Whoosh's matchers costs a millisecond or more, most of an unseen query's time).
TERM_FIELDS = ("body", "pairs", "signer_name", "symbols", "title_pairs", "body_exact", "topic_strength")
FILTER_FIELDS = ("secrecy", "signatures", *FACET_FIELDS)
POSITIONAL = ("body",)  # the fields whose positions are kept, for phrases
# The phrase checks kept per segment, in documents (4 bytes each) at most: a few megabytes.
PHRASE_CACHE = 1 << 21
STORED_KEPT = 4096  # documents whose stored fields a segment keeps once read
PARALLEL_FROM = 5000  # documents in segments lacking a copy: from this many, one process per core
COPIED = frozenset((*TERM_FIELDS, *FILTER_FIELDS))
RECIPE = f"all/{','.join(TERM_FIELDS)}/{','.join(FILTER_FIELDS)}/{','.join(POSITIONAL)}"
# Sortable numbers as Whoosh keeps them: a by-date hit's score is its day plus this (as before).
_SORT_SHIFT = 2 ** 31
# The secrecy levels (0 to 3): every statistic a score is made of is counted per level, and a
# viewer's is the sum over the levels they may read, so that documents above their clearance change
# nothing they get. Deleted documents (perhaps an old version of a secret one) are counted for no one.
LEVELS = TOP + 1
_UNCOUNTED = LEVELS
# A document's key among equal hits: its day above, a hash of its id in the lower bits.
TIE_BITS = 43


def tie_key(identifier: str) -> int:
    """A document's own place among hits of the same score and day: a hash of its id, not its
    number in the index (which moves with the documents around it, and with merges)."""
    digest = hashlib.blake2b(identifier.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - TIE_BITS)


def _idf(documents: int, frequency: int) -> float:
    """Whoosh's TF-IDF idf, ``log(N / (df + 1)) + 1``, both counted over what the viewer may read."""
    return log(documents / (frequency + 1)) + 1 if documents else 1.0


def _levels(query: Query) -> list[int]:
    return sorted({level for level in query.levels if 0 <= level < LEVELS})


def _read_postings(reader: Any, fieldname: str, text: str, positions: bool = False) -> Postings:
    """A term's postings in one segment, deleted documents included (they are masked at query
    time), read a block at a time: Whoosh's per-posting matcher calls cost ten times more. With
    ``positions``, each posting's positions too (Whoosh pickles them, as deltas, per posting)."""
    matcher = reader.postings(fieldname, text)
    leaf = getattr(matcher, "child", matcher)
    ids: list[int] = []
    weights: list[float] = []
    values: list[bytes] = []
    if hasattr(leaf, "_read_ids") and hasattr(leaf, "_next_block"):
        while leaf.is_active():
            leaf._read_ids()
            leaf._read_weights()
            ids.extend(leaf._ids)
            weights.extend(leaf._weights)
            if positions:
                leaf._read_values()
                values.extend(leaf._values)
            leaf._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if positions:
                values.append(matcher.value())
            matcher.next()
    if not positions:
        return Postings(ids, weights)
    return _with_positions(ids, weights, values)


def _with_positions(ids: list[int], weights: list[float], values: list[bytes]) -> Postings:
    """Whoosh's ``Positions`` values (a count, then the pickled deltas) as offsets and positions."""
    deltas = _unpickle_all(values)
    lengths = np.fromiter(map(len, deltas), np.int64, len(deltas))
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    flat = np.fromiter(chain.from_iterable(deltas), np.int64, int(offsets[-1]))
    running = np.cumsum(flat)
    before = np.concatenate([[0], running])[offsets[:-1]]
    return Postings(ids, weights, offsets, running - np.repeat(before, lengths))


def _unpickle_all(values: list[bytes]) -> list[list[int]]:
    """Each value's pickled list, all in one ``pickle.loads``: the lists' opcodes between a MARK and
    a LIST make one list of them (a call per posting would cost three times more)."""
    bodies = [v[6:-1] if v.endswith(b".") else v[6:] for v in values]
    if all(v[4:6] == b"\x80\x02" for v in values):
        return pickle.loads(b"\x80\x02(" + b"".join(bodies) + b"l.")
    return [pickle.loads(v[4:] if v.endswith(b".") else v[4:] + b".") for v in values]


def _segment_arrays(reader: Any) -> SegmentArrays:
    """The numpy copy of one segment, read back from Whoosh (a segment merged, or written by an
    ordinary commit): every term of the copied fields (the body's with their positions), each
    document's day and tie key."""
    terms = []
    for fieldname in (*TERM_FIELDS, *FILTER_FIELDS):
        for btext, _info in reader.iter_field(fieldname):
            text = btext.decode("utf-8") if isinstance(btext, bytes) else btext
            postings = _read_postings(reader, fieldname, text, fieldname in POSITIONAL)
            terms.append((fieldname, text, postings))
    size = reader.doc_count_all()
    day = np.zeros(size, np.int64)
    if size and reader.has_column("day"):
        day[:] = list(reader.column_reader("day"))
    tie = np.fromiter((tie_key(reader.stored_fields(docnum).get("id", "")) for docnum in range(size)),
                      np.int64, size)
    arrays = SegmentArrays.build(size, terms, day, tie, FILTER_FIELDS)
    arrays.recipe = RECIPE
    return arrays


def _pool_arrays(pool: Any, day: np.ndarray, tie: np.ndarray) -> SegmentArrays:
    """The numpy copy of a segment the bulk writer is about to write, from its pool of postings
    (``indexer/bulk.py``: the very postings, weights and position values Whoosh writes), all at once:
    reading them back from Whoosh term by term would cost more than writing them."""
    wanted = sorted(key for key in pool.terms if key[0] in COPIED)
    rank = np.full(len(pool.terms), -1, np.int64)
    rank[np.fromiter((pool.terms[key] for key in wanted), np.int64, len(wanted))] = np.arange(len(wanted))
    ranks = rank[np.frombuffer(pool.term_ids, np.uint32)]
    kept = np.flatnonzero(ranks >= 0)
    order = kept[np.argsort(ranks[kept], kind="stable")]  # by term, then document (added in order)
    bounds = np.searchsorted(ranks[order], np.arange(len(wanted) + 1))
    positional = np.array([field in POSITIONAL for field, _ in wanted], bool)
    rows = order[_spread_rows(bounds, positional)]
    ends = np.frombuffer(pool.ends, np.uint64).astype(np.int64)
    begins = np.concatenate([[0], ends[:-1]])
    values = bytes(pool.values)
    found = _with_positions([], [], [values[b:e] for b, e in zip(begins[rows].tolist(), ends[rows].tolist(),
                                                                  strict=True)])
    counts, at = [], 0
    lengths = np.diff(bounds)
    for i in range(len(wanted)):
        if positional[i]:
            counts.append(np.diff(found.offsets[at:at + lengths[i] + 1]))
            at += lengths[i]
        else:
            counts.append(None)
    names = [(field, text.decode("utf-8") if isinstance(text, bytes) else text) for field, text in wanted]
    arrays = SegmentArrays.flat(len(day), names, bounds, np.frombuffer(pool.docnums, np.uint32)[order],
                                np.frombuffer(pool.weights, np.float64)[order], counts, found.positions,
                                day, tie, FILTER_FIELDS)
    arrays.recipe = RECIPE
    return arrays


def _spread_rows(bounds: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The positions (in ``bounds``' postings) of the chosen terms' postings, in order."""
    starts, lengths = bounds[:-1][chosen], np.diff(bounds)[chosen]
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, np.int64)
    return np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)


def _copy_from_pool(writer: Any, documents: list[tuple[int, str]]) -> None:
    """Write the copy of the bulk writer's segment beside it (``documents``: each one's day and id)."""
    day = np.fromiter((day for day, _ in documents), np.int64, len(documents))
    tie = np.fromiter((tie_key(identifier) for _, identifier in documents), np.int64, len(documents))
    folder = Path(writer.storage.folder)
    _pool_arrays(writer.pool, day, tie).save(postings_path(folder, writer.newsegment.segment_id()))


_NO_DOCS, _NO_WEIGHTS, _NO_OFFSETS = np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(1, np.int64)


def _storage(folder: Path) -> FileStorage:
    """The index folder, read without mmap: Whoosh copies each mapped segment part into a BytesIO
    when it opens it (a second at 100,000 documents, in every new process); read from the file,
    opening costs milliseconds, and the reads left to Whoosh (stored fields, rare terms) are few."""
    return FileStorage(str(folder), supports_mmap=False)


def _write_segment(folder: Path, segment_id: str) -> None:
    """Make and write one segment's numpy copy (in a worker process, or not)."""
    with _storage(folder).open_index().reader() as reader:
        for segment, _ in reader.leaf_readers():
            if segment.segment().segment_id() == segment_id:
                _segment_arrays(segment).save(postings_path(folder, segment_id))


class _Leaf:
    """One segment of the current reader: its arrays, deletions, cached filter masks, and the
    statistics of its documents per secrecy level (``counts``, and each term's ``frequency``).

    ``before`` is the same segment's leaf under the last reader: when the watcher commits a new
    document, every other segment is unchanged, so its rare terms and facet values (read from the
    immutable segment) are kept, and its filter masks too unless its deletions changed; the
    service's next searches do not pay the first costs again (nor the kept phrase checks)."""

    def __init__(self, reader: Any, offset: int, arrays: SegmentArrays, before: _Leaf | None = None):
        self.reader, self.offset, self.arrays = reader, offset, arrays
        self.segment_id = reader.segment().segment_id()
        self.size = reader.doc_count_all()
        self.alive = np.ones(self.size, bool)
        deleted = list(getattr(reader, "deleted_docs_set", ()))
        if deleted:
            self.alive[deleted] = False
        self._rare: dict[tuple[str, str], Postings] = {}
        self._masks: dict[Any, np.ndarray] = {}
        self._phrases: dict[Any, np.ndarray] = {}
        self._frequencies: dict[tuple[str, str], np.ndarray] = {}
        self._documents: dict[int, dict[str, Any]] = {}
        self._facets: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
        if before is not None and before.segment_id == self.segment_id:
            self._rare, self._facets, self._documents = before._rare, before._facets, before._documents
            if np.array_equal(before.alive, self.alive):
                self._masks, self._phrases = before._masks, before._phrases
                self._frequencies = before._frequencies
        self.bucket = self._buckets()
        self.counts = np.bincount(self.bucket, minlength=LEVELS + 1)[:LEVELS]

    def forget(self) -> None:
        """Drop what queries left, but the masks of the clearances alone (``SearchIndex.warm``)."""
        self._masks = {key: mask for key, mask in self._masks.items() if key[1:] == ((), None, None)}
        self._rare, self._phrases, self._frequencies, self._documents = {}, {}, {}, {}

    def stored(self, docnum: int) -> dict[str, Any]:
        """A document's stored fields (a compressed pickle in Whoosh's file), kept once read: a
        segment never changes, and the same hits are shown page after page, to colleagues too."""
        if docnum not in self._documents:
            if len(self._documents) >= STORED_KEPT:
                self._documents.clear()
            self._documents[docnum] = self.reader._perdoc.stored_fields(docnum)
        return dict(self._documents[docnum])

    def _buckets(self) -> np.ndarray:
        """Each document's secrecy level; deleted documents, and any without a level, in a bucket
        of their own that no viewer's statistics count."""
        bucket = np.full(self.size, _UNCOUNTED, np.int8)
        for level in range(LEVELS):
            bucket[self.postings("secrecy", str(level))[0]] = level
        bucket[~self.alive] = _UNCOUNTED
        return bucket

    def documents(self, levels: list[int]) -> int:
        """The segment's live documents of these secrecy levels."""
        return int(self.counts[levels].sum())

    def frequency(self, term: tuple[str, str], levels: list[int]) -> int:
        """How many live documents of these levels hold the term: its counts per level are kept
        (for every viewer, as the segment and its deletions are the same), summed over ``levels``."""
        if term not in self._frequencies:
            if len(self._frequencies) > 4096:
                self._frequencies.clear()
            docs = self.postings(*term)[0]
            self._frequencies[term] = np.bincount(self.bucket[docs], minlength=LEVELS + 1)[:LEVELS]
        return int(self._frequencies[term][levels].sum())

    def postings(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        found = self.arrays.term(fieldname, text)
        if found is not None:
            return found
        if fieldname in COPIED:  # every term of the field is in the copy: this one is in no document
            return _NO_DOCS, _NO_WEIGHTS
        rare = self._read(fieldname, text)
        return rare.docs, rare.weights

    def positional(self, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A word's documents, position offsets and positions, for a phrase check."""
        found = self.arrays.term_positions(fieldname, text)
        if found is not None:
            return found[0], found[1], self.arrays.positions
        if fieldname in COPIED:
            return _NO_DOCS, _NO_OFFSETS, _NO_DOCS
        rare = self._read(fieldname, text)
        return rare.docs, rare.offsets, rare.positions

    def _read(self, fieldname: str, text: str) -> Postings:
        """A term the numpy copy does not hold (rare in this segment), read from Whoosh once."""
        if (fieldname, text) not in self._rare:
            if len(self._rare) > 4096:
                self._rare.clear()
            positions = fieldname in POSITIONAL
            if (fieldname, text) in self.reader:
                self._rare[fieldname, text] = _read_postings(self.reader, fieldname, text, positions)
            else:
                self._rare[fieldname, text] = _with_positions([], [], []) if positions else Postings([], [])
        return self._rare[fieldname, text]

    def _any(self, terms: Iterable[tuple[str, str]]) -> np.ndarray:
        mask = np.zeros(self.size, bool)
        for fieldname, text in terms:
            mask[self.postings(fieldname, text)[0]] = True
        return mask

    @staticmethod
    def _filter_key(query: Query) -> tuple:
        return (tuple(query.levels), tuple(tuple(group) for group in query.any_of), query.date_from,
                query.date_to)

    def allowed(self, query: Query) -> np.ndarray:
        """The documents the query's filters let through (secrecy always), as a cached mask."""
        key = self._filter_key(query)
        if key not in self._masks:
            if len(self._masks) > 128:
                self._masks.clear()
            mask = self.alive & self._any(("secrecy", str(level)) for level in query.levels)
            for group in query.any_of:
                mask &= self._any(group)
            if query.date_from or query.date_to:
                day = self.arrays.day
                low = _ordinal(query.date_from, 1)
                high = _ordinal(query.date_to, 10 ** 7)
                mask &= (day > 0) & (day >= low) & (day <= high)
            self._masks[key] = mask
        return self._masks[key]

    def match(self, query: Query, idf: dict[tuple[str, str], float]) -> tuple[np.ndarray, np.ndarray]:
        """The (local) documents matching every required term, the phrases and the filters, and
        their TF-IDF."""
        allowed = self.allowed(query)
        if not query.required:
            docs = np.flatnonzero(allowed).astype(np.int32)
            return docs, np.zeros(len(docs))
        lists = [self.postings(f, t) for f, t in query.required]
        rarest = min(range(len(lists)), key=lambda i: len(lists[i][0]))
        kept = np.flatnonzero(allowed[lists[rarest][0]])
        docs, where = lists[rarest][0][kept], {rarest: kept}  # where: each term's postings of the docs
        for i, (term_docs, _) in enumerate(lists):
            if i != rarest and len(docs):
                hit, found = present(term_docs, docs)
                docs, where = docs[hit], {j: at[hit] for j, at in where.items()}
                where[i] = found[hit]
        if query.phrases and len(docs):
            standing = self._phrased(query, docs)
            if len(standing) < len(docs):
                chosen = np.searchsorted(docs, standing)
                docs, where = standing, {j: at[chosen] for j, at in where.items()}
        scores = np.zeros(len(docs))
        for i, (term, (term_docs, weights)) in enumerate(zip(query.required, lists, strict=True)):
            at = where[i] if i in where else present(term_docs, docs)[1]
            scores += weights[at].astype(np.float64) * idf[term]
        return docs, scores

    def _phrased(self, query: Query, docs: np.ndarray) -> np.ndarray:
        """The candidates in which every phrase stands, by their positions; kept for the query, as a
        filter mask is (the segment never changes, its deletions are in the mask): a phrase of common
        words is the costliest part of any search (one in half of 100,000 documents: 30 ms), and the
        service is asked the same phrase again, page after page and by colleagues."""
        key = (self._filter_key(query), tuple(query.required), tuple((f, tuple(w)) for f, w in query.phrases))
        if key not in self._phrases:
            if len(self._phrases) >= 256 or sum(map(len, self._phrases.values())) + len(docs) > PHRASE_CACHE:
                self._phrases.clear()
            for fieldname, words in query.phrases:
                if len(docs):
                    docs = docs[phrase_present([self.positional(fieldname, w) for w in words], docs)]
            self._phrases[key] = docs
        return self._phrases[key]

    def facet_counts(self, fieldname: str, docs: np.ndarray) -> dict[str, int]:
        """How many of the matching ``docs`` (sorted, of this segment) carry each value of a facet
        field: from the matches' own values when they are few, else by a pass over the field's
        postings (both tables made once per segment, the first time its facets are asked)."""
        if fieldname not in self._facets:
            values = self.arrays.values(fieldname)
            lists = [self.postings(fieldname, value)[0] for value in values]
            owners = np.concatenate(lists) if lists else np.zeros(0, np.int32)
            ids = np.repeat(np.arange(len(values), dtype=np.int32), [len(p) for p in lists])
            order = np.argsort(owners, kind="stable")
            offsets = np.searchsorted(owners[order], np.arange(self.size + 1))  # each document's values
            self._facets[fieldname] = (values, owners, ids, ids[order], offsets)
        values, owners, ids, by_document, offsets = self._facets[fieldname]
        if len(docs) * 4 < len(owners):
            starts, lengths = offsets[docs], offsets[docs + 1] - offsets[docs]
            runs = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(int(lengths.sum()))
            counts = np.bincount(by_document[runs], minlength=len(values))
        else:
            matched = np.zeros(self.size, bool)
            matched[docs] = True
            counts = np.bincount(ids[matched[owners]], minlength=len(values))
        return {value: int(n) for value, n in zip(values, counts, strict=True) if n}


def _ordinal(value: str | None, default: int) -> int:
    return date.fromisoformat(value).toordinal() if value else default




class SearchIndex:
    def __init__(self, folder: Path):
        self.folder = folder
        self._index: Any = None  # Whoosh's index, and its reader kept between searches (refreshed
        self._reader: Any = None  # when the index changed)
        self._leaves: list[_Leaf] = []  # the kept reader's segments, as numpy arrays
        self._arrays: dict[str, SegmentArrays] = {}  # by segment id; a segment never changes
        self._offsets: list[int] = []  # where each leaf's documents start
        self._stamp = 0  # the folder's time when the kept reader's generation was last checked
        self._order = np.zeros(0, np.int64)  # each document's key among equal hits: day, then tie key
        self._lock = threading.Lock()  # one kept reader, shared by the service's threads
        self.vectorised = True  # False: Whoosh's own collectors count and rank (the reference)

    @classmethod
    def create(cls, folder: Path) -> SearchIndex:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        whoosh_index.create_in(str(folder), SCHEMA)
        return cls(folder)

    def _open(self):
        try:  # once: Whoosh's index_exists reads the table of contents as opening it does
            opened = _storage(self.folder).open_index()
        except EmptyIndexError as exc:
            raise IndexUnavailable(f"chưa có chỉ mục tìm kiếm ở {self.folder}; {REBUILD_HINT}") from exc
        except (WhooshIndexError, OSError, ValueError, EOFError, KeyError, struct.error) as exc:
            raise IndexUnavailable(
                f"chỉ mục tìm kiếm ở {self.folder} bị hỏng ({exc}); {REBUILD_HINT}") from exc
        if set(opened.schema.names()) != set(SCHEMA.names()):
            raise IndexUnavailable(f"chỉ mục tìm kiếm ở {self.folder} do phiên bản cũ dựng; {REBUILD_HINT}")
        return opened

    @contextmanager
    def writer(self, timeout: float = 10.0, bulk: bool = False) -> Iterator[IndexWriter]:
        """A writer; a lock still held after ``timeout`` seconds is reported, not waited on forever.

        Its postings are pooled in arrays (``indexer/bulk.py``); ``bulk`` (a rebuild, see ``load``)
        merges no segment, others merge the small ones as Whoosh does. After the commit each new
        segment's numpy copy is written beside it, so no search has to make it.
        """
        from indexer.bulk import lean_writer

        try:
            writer = lean_writer(self._open(), timeout=timeout)
        except LockError as exc:
            raise IndexUnavailable(f"chỉ mục tìm kiếm đang bị khóa bởi một tiến trình khác; "
                                   f"thử lại sau, hoặc {REBUILD_HINT}") from exc
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        try:
            writer.commit(merge=not bulk)
        except BaseException:  # a failed commit (disk full) must not leave the index locked
            with contextlib.suppress(Exception):
                writer.cancel()  # may itself fail while closing its files, so:
            with contextlib.suppress(Exception):
                writer.writelock.release()
            raise
        self.write_arrays()

    def write_arrays(self) -> int:
        """Write the numpy copy of every segment that lacks one (one process per core when several
        large ones do, as after a rebuild) and drop those of merged segments; returns how many."""
        with self._open().reader() as reader:
            segments = {segment.segment().segment_id(): segment.doc_count_all()
                        for segment, _ in (reader.leaf_readers() if reader.doc_count_all() else [])}
        missing = [s for s in segments if SegmentArrays.load(postings_path(self.folder, s), RECIPE) is None]
        if len(missing) > 1 and sum(segments[s] for s in missing) >= PARALLEL_FROM:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(min(len(missing), os.cpu_count() or 1), mp_context=context) as pool:
                list(pool.map(_write_segment, [self.folder] * len(missing), missing))
        else:
            for segment_id in missing:
                _write_segment(self.folder, segment_id)
        for path in self.folder.glob(f"*{SUFFIX}"):
            if path.name[:-len(SUFFIX)] not in segments:
                path.unlink(missing_ok=True)
        return len(missing)

    def load(self, items: Sequence[Any], read: Callable[[Any], Receipt], extra: Iterable[dict[str, Any]] = (),
             tick: Callable[[int], None] = lambda _count: None, segment_postings: int | None = None) -> list[str]:
        """A bulk load (a rebuild): the documents ``read`` makes of the items, written by one process
        per core (``indexer/bulk.py``), then ``extra`` by this one, all committed at once; returns the
        items' keys. A worker that fails leaves the index as it was."""
        from indexer.bulk import SEGMENT_POSTINGS, IndexBuildFailed, write_segments

        with self.writer(bulk=True) as writer:
            try:
                segments, keys = write_segments(self._open(), items, read, os.cpu_count() or 1, tick,
                                                segment_postings or SEGMENT_POSTINGS, _copy_from_pool)
            except IndexBuildFailed as exc:
                raise IndexUnavailable(f"không dựng được chỉ mục tìm kiếm: {exc}") from exc
            writer.segments.extend(segments)
            for document in extra:
                writer.add_document(**document)
        return keys

    def add(self, documents: Iterable[dict[str, Any]]) -> int:
        count = 0
        with self.writer() as writer:
            for document in documents:
                writer.update_document(**document)
                count += 1
        return count

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self._leaves = []

    def _current(self) -> Any:
        """The kept reader, or a new one once the index changed (Whoosh's table-of-contents
        generation). A reader, not a Whoosh searcher: the numpy path needs the segments, the
        document frequencies and the stored fields only, and a searcher would bring Whoosh's query
        objects and collectors into every process (tens of milliseconds of imports for the CLI).
        Whoosh finds the generation by listing the folder; a commit writes a new table of contents
        there, which changes the folder's time, so the listing is done only when that time moved."""
        before = {leaf.segment_id: leaf for leaf in self._leaves}
        stamp = os.stat(self.folder).st_mtime_ns  # (coarse: within two seconds of it, listed anyway)
        if (self._reader is not None and (stamp != self._stamp or time.time_ns() - stamp < 2 * 10 ** 9)
                and self._index.latest_generation() != self._reader.generation()):
            self.close()
        self._stamp = stamp
        if self._reader is None:
            self._index = self._open()
            self._reader = self._index.reader()
            self._leaves = [_Leaf(segment, offset, self._segment(segment), before.get(segment.segment().segment_id()))
                            for segment, offset in self._reader.leaf_readers()
                            if segment.doc_count_all()]
            # Only the current segments' copies stay mapped: a merged-away one is let go.
            self._arrays = {leaf.segment_id: leaf.arrays for leaf in self._leaves}
            self._offsets = [leaf.offset for leaf in self._leaves]
            self._order = np.concatenate([(leaf.arrays.day.astype(np.int64) << TIE_BITS) | leaf.arrays.tie
                                          for leaf in self._leaves] + [np.zeros(0, np.int64)])
        return self._reader

    def warm(self, levels: Iterable[list[int]]) -> None:
        """Pay now what the first searches of a new process would: the reader opened, each segment's
        copy mapped, its stored fields' offsets read, the mask of each of the ``levels`` (the secrecy
        levels of each clearance) built; the service's search processes do it as they start."""
        with self._lock:
            reader = self._current()
            for leaf in self._leaves:
                reader.stored_fields(leaf.offset)
                for allowed in levels:
                    leaf.allowed(Query(levels=list(allowed)))

    def forget_queries(self) -> None:
        """Drop what earlier queries left behind (filter masks, phrase checks, term statistics, stored
        fields read): the next query costs what an unseen one does (the benchmark's "unseen" runs).
        The masks of the clearances alone are kept: the service's processes make them as they start."""
        with self._lock:
            for leaf in self._leaves:
                leaf.forget()

    def reference_searcher(self, levels: list[int] | None = None) -> Searcher:
        """A Whoosh searcher over the kept reader, for the reference path (and the tests that check
        the numpy path against it). TF-IDF rather than BM25F: it needs no field length per document,
        and the ranking that matters (together, trích yếu, accents) is applied to the candidates.
        With ``levels``, its statistics are those of the live documents of these levels only."""
        from whoosh import scoring
        from whoosh.searching import Searcher

        weighting = scoring.TF_IDF() if levels is None else _level_weighting(self._current(), levels)
        return Searcher(self._current(), weighting=weighting, closereader=False, fromindex=self._index)

    def _segment(self, reader: Any) -> SegmentArrays:
        """A segment's arrays: kept from the last reader, else mapped from beside the segment,
        else (an index written before them, or by another version) made now and written."""
        segment_id = reader.segment().segment_id()
        if segment_id not in self._arrays:
            path = postings_path(self.folder, segment_id)
            arrays = SegmentArrays.load(path, RECIPE)
            if arrays is None:
                arrays = _segment_arrays(reader)
                with suppress(OSError):  # a read-only index still searches, from memory
                    arrays.save(path)
            self._arrays[segment_id] = arrays
        return self._arrays[segment_id]

    def search(self, query: Query, *, limit: int, by_date: bool, offset: int = 0,
               facets: bool = False) -> Hits:
        """Documents ``offset`` to ``offset + limit``: the required terms count and score them, the
        optional terms and the phrase checks are applied to the best candidates only."""
        if not query.levels:
            return Hits(0, [])
        with self._lock:
            try:
                if self.vectorised:
                    return self._search(self._current(), query, limit, by_date, offset, facets)
                return self._search_whoosh(self.reference_searcher(_levels(query)), query, limit, by_date,
                                           offset, facets)
            except (OSError, ValueError, EOFError, KeyError, struct.error) as exc:
                raise IndexUnavailable(f"không đọc được chỉ mục tìm kiếm ({exc}); {REBUILD_HINT}") from exc

    def _search(self, reader: Any, query: Query, limit: int, by_date: bool, offset: int,
                facets: bool) -> Hits:
        """Every match found, counted and scored in numpy, segment by segment; the top ones by score
        (then newest first, then by tie key), or newest first (then by tie key)."""
        pool = offset + limit if by_date else max(offset + limit, RERANK_POOL)
        idf = self._idf(query)
        found = [leaf.match(query, idf) for leaf in self._leaves]
        docnums = np.concatenate([leaf.offset + docs for leaf, (docs, _) in zip(self._leaves, found,
                                                                                strict=True)]
                                 + [np.zeros(0, np.int64)]).astype(np.int64)
        if by_date or not query.required:
            order = self._order[docnums]
            chosen = top(order, lambda at: order[at], pool)
            scores = ((order[chosen] >> TIE_BITS) + _SORT_SHIFT).astype(np.float64)
        else:
            every = np.concatenate([s for _, s in found] + [np.zeros(0)])
            chosen = top(every, lambda at: self._order[docnums[at]], pool)
            scores = every[chosen]
        candidates = [(int(docnums[i]), float(score)) for i, score in zip(chosen, scores, strict=True)]
        if not by_date and query.optional:
            candidates = self._rerank_arrays(query, candidates)
        rows = [(self._stored(docnum), score) for docnum, score in candidates[offset:offset + limit]]
        counted = self._facets(found) if facets else {}
        return Hits(len(docnums), rows, counted)

    def _stored(self, docnum: int) -> dict[str, Any]:
        """A document's stored fields, read from its segment (Whoosh's reader would also check each
        field's name against the schema: a quarter of the time)."""
        leaf = self._leaves[bisect_right(self._offsets, docnum) - 1]
        return leaf.stored(docnum - leaf.offset)

    def _idf(self, query: Query) -> dict[tuple[str, str], float]:
        """Each required term's idf, its counts over the live documents of the viewer's levels only
        (from the copy: Whoosh's own look-up reads its term file, milliseconds a term)."""
        levels = _levels(query)
        count = sum(leaf.documents(levels) for leaf in self._leaves)
        return {term: _idf(count, sum(leaf.frequency(term, levels) for leaf in self._leaves))
                for term in query.required}

    def _facets(self, found: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, dict[str, int]]:
        """How many of the matching documents carry each value of the facet fields."""
        counts = {}
        for name in FACET_FIELDS:
            total: dict[str, int] = {}
            for leaf, (docs, _) in zip(self._leaves, found, strict=True):
                for value, n in leaf.facet_counts(name, docs).items():
                    total[value] = total.get(value, 0) + n
            counts[name] = dict(sorted(sorted(total.items()), key=lambda item: -item[1]))
        return counts

    def _search_whoosh(self, searcher: Any, query: Query, limit: int, by_date: bool, offset: int,
                       facets: bool) -> Hits:
        """The same search through Whoosh's collectors: slower, kept as the reference the numpy
        path is tested against. It collects every match (told not to swap in cheaper matchers,
        which would stop counting), checks every phrase, then orders the matches
        as the numpy path does, from their stored fields."""
        from whoosh import collectors
        from whoosh import query as wq

        main = wq.And([wq.Term(f, t) for f, t in query.required]) if query.required else wq.Every()
        pool = offset + limit if by_date else max(offset + limit, RERANK_POOL)
        dated = by_date or not query.required
        if dated:
            collector = collectors.SortingCollector("day", limit=None, reverse=True)
        else:
            collector = collectors.UnlimitedCollector()
            collector.replace = 0
        collector = collectors.FilterCollector(collector, allow=_filters(query))
        searcher.search_with_collector(main, collector)
        found = [(hit.docnum, float(hit.score or 0.0)) for hit in collector.results()]
        found = self._check_phrases(searcher, query, found)[0]
        candidates = self._in_order(searcher, found, dated, pool)
        if not by_date and query.optional:
            candidates = self._rerank(searcher, query, candidates)
        rows = [(searcher.stored_fields(docnum), score)
                for docnum, score in candidates[offset:offset + limit]]
        counted = self._facets_whoosh(searcher, main, query) if facets else {}
        return Hits(len(found), rows, counted)

    @staticmethod
    def _in_order(searcher: Any, found: list[tuple[int, float]], dated: bool,
                  pool: int) -> list[tuple[int, float]]:
        """The first ``pool`` matches in the numpy path's order: by score (rounded: Whoosh adds a
        query's term scores in an order of its own), then day, then tie key; or by day (the sorting
        collector's score), then tie key. Only the matches that can be among them have their stored
        fields read."""
        if len(found) > pool > 0:
            threshold = sorted((round(score, 9) for _, score in found), reverse=True)[pool - 1]
            found = [hit for hit in found if round(hit[1], 9) >= threshold]

        def key(hit: tuple[int, float]) -> tuple:
            fields = searcher.stored_fields(hit[0])
            day = date.fromisoformat(fields["date"]).toordinal() if fields.get("date") else 0
            order = (day << TIE_BITS) | tie_key(fields.get("id", ""))
            return (-order,) if dated else (-round(hit[1], 9), -order)

        return sorted(found, key=key)[:pool]

    def _facets_whoosh(self, searcher: Any, main: wq.Query, query: Query) -> dict[str, dict[str, int]]:
        from whoosh import query as wq

        matched = set(searcher.docs_for_query(wq.And([main, _filters(query)])))
        if query.phrases:  # a long phrase's order is checked in the candidates only
            for fieldname, words in query.phrases:
                matched &= _present(wq.Phrase(fieldname, words).matcher(searcher), sorted(matched))
        reader, counts = searcher.reader(), {}
        for name in FACET_FIELDS:
            found = {}
            for term in reader.lexicon(name):
                value = term.decode("utf-8") if isinstance(term, bytes) else term
                found[value] = len(set(reader.postings(name, term).all_ids()) & matched)
            counts[name] = {value: n for value, n in sorted(found.items(), key=lambda i: -i[1]) if n}
        return counts

    @staticmethod
    def _check_phrases(searcher: Any, query: Query,
                       candidates: list[tuple[int, float]]) -> tuple[list[tuple[int, float]], int]:
        """Keep the candidates whose phrases stand word by word, as written."""
        from whoosh import query as wq

        kept = candidates
        for fieldname, words in query.phrases:
            ordered = sorted(docnum for docnum, _ in kept)
            matching = _present(wq.Phrase(fieldname, words).matcher(searcher), ordered)
            kept = [(docnum, score) for docnum, score in kept if docnum in matching]
        return kept, len(candidates) - len(kept)

    def _rerank_arrays(self, query: Query, candidates: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """``_rerank`` from the numpy copies: each optional term looked up in the candidates only."""
        docnums = np.array([docnum for docnum, _ in candidates], np.int64)
        bonus = np.zeros(len(candidates))
        for leaf in self._leaves:
            inside = np.flatnonzero((docnums >= leaf.offset) & (docnums < leaf.offset + leaf.size))
            local = (docnums[inside] - leaf.offset).astype(np.int32)
            for fieldname, text, weight in query.optional if len(inside) else ():
                bonus[inside[present(leaf.postings(fieldname, text)[0], local)[0]]] += weight
        return sorted(((docnum, score + 1000.0 * float(extra))
                       for (docnum, score), extra in zip(candidates, bonus, strict=True)),
                      key=lambda item: -item[1])

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
