"""A rebuild's writer: Whoosh segments written by one process per core, their postings pooled as arrays.

Whoosh's own multiprocessing writer spends most of a rebuild's time on Python objects: its parent
pickles every document to a file for the sub-writers, and each sub-writer pools every posting as a
tuple, dumping sorted runs to disk a pickle per posting and reading them back to merge them. Here
each worker process reads its share of the archive itself (the sidecars, the tags), and keeps the
postings in arrays (term number, document number, weight, value), sorted once by numpy when its
segment is written. A worker whose pool passes ``SEGMENT_POSTINGS`` writes its segment and begins
another, so a worker's memory stays bounded whatever the archive's size, and nothing is spilled.

The postings, the stored fields and the segment files are Whoosh's own, byte for byte what its
writer makes of the same documents (``tests/test_search_scale.py`` compares searches, totals and
the top 20 against Whoosh's own searcher). One difference, on purpose: the terms' length bounds are
not kept (``length_stats``); they serve BM25's block skipping, and vanthu scores by TF-IDF, which
needs no field length.
"""

from __future__ import annotations

import multiprocessing
from array import array
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from docgen.errors import VanthuError

# A worker writes its segment and begins another when its pool holds this many postings (about
# 38 bytes each with their values: some 600 MB), about 40,000 documents of the archive, unless what
# is left of its share would make a small segment of its own (``_full``; at most 900 MB then): each
# segment costs every search a little.
SEGMENT_POSTINGS = 16_000_000
# Fewer items than this are written in this process: starting workers would cost more.
PARALLEL_FROM = 400
REPORT_EVERY = 50  # items a worker reads between two reports of its progress

# An item's receipt: its key (a file's SHA-256) and its index document, None when it is not listed.
Receipt = tuple[str, dict[str, Any] | None]


class IndexBuildFailed(Exception):
    """A worker could not read its share, or stopped; the index being built is not used."""


class ArrayPool:
    """Whoosh's posting pool (``whoosh.writing.PostingPool``), kept as arrays and never spilled.

    Whoosh's writer calls ``add`` with one ``(fieldname, term bytes, document number, weight,
    value)`` tuple a posting, the documents in order, and reads them back sorted by field, term and
    document from ``iter_postings``: a stable sort of the term numbers gives that order.
    """

    def __init__(self) -> None:
        self.terms: dict[tuple[str, bytes], int] = {}
        self.term_ids = array("I")
        self.docnums = array("I")
        self.weights = array("d")
        self.values = bytearray()  # every posting's value (its positions, or its frequency), end to end
        self.ends = array("Q")  # where each posting's value ends in ``values``
        self.fieldnames: set[str] = set()

    def __len__(self) -> int:
        return len(self.docnums)

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, text, docnum, weight, value = item
        term = self.terms.setdefault((fieldname, text), len(self.terms))
        self.term_ids.append(term)
        self.docnums.append(docnum)
        self.weights.append(weight)
        if value:
            self.values += value
        self.ends.append(len(self.values))

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes | None]]:
        keys = sorted(self.terms)
        self.fieldnames.update(fieldname for fieldname, _ in keys)
        rank = np.empty(len(keys), dtype=np.uint32)
        rank[np.fromiter((self.terms[key] for key in keys), dtype=np.int64, count=len(keys))] = \
            np.arange(len(keys), dtype=np.uint32)
        ranks = rank[np.frombuffer(self.term_ids, dtype=np.uint32)]
        order = np.argsort(ranks, kind="stable")
        docnums, weights, values, ends = self.docnums, self.weights, self.values, self.ends
        for term, posting in zip(ranks[order].tolist(), order.tolist(), strict=True):
            fieldname, text = keys[term]
            start = ends[posting - 1] if posting else 0
            yield fieldname, text, docnums[posting], weights[posting], bytes(values[start:ends[posting]])

    def cleanup(self) -> None:
        """Nothing was written to disk (Whoosh's writer calls this when it closes a segment)."""


def lean_writer(index: Any, **options: Any) -> SegmentWriter:
    """A Whoosh segment writer pooling in arrays, without the terms' length bounds (see above)."""
    codec = W3Codec()
    codec.length_stats = False
    writer = SegmentWriter(index, codec=codec, **options)
    writer.pool = ArrayPool()
    return writer


def _full(postings: int, read: int, left: int, budget: int) -> bool:
    """Whether a pool of ``postings`` (from ``read`` items) makes its segment now: at the budget,
    unless the ``left`` items would come to less than half of it (then at one and a half times)."""
    if postings >= budget * 1.5:
        return True
    return postings >= budget and left * postings / read >= budget / 2


# Called with a writer that has just written its segment and each of its documents' day and id: the
# numpy copy made from the pool, still full (``indexer.engine``), which then needs no reading back.
Copy = Callable[[SegmentWriter, list[tuple[int, str]]], None]


def _write_share(index: Any, items: Sequence[Any], read: Callable[[Any], Receipt],
                 report: Callable[[int], None], budget: int,
                 copy: Copy | None = None) -> tuple[list[Any], list[str]]:
    """The segments of one share of the items, and the keys of all the items read."""
    segments, keys, added = [], [], []
    writer = lean_writer(index, _lk=False)  # the parent holds the index's lock

    def finish() -> None:
        segments.append(writer._finalize_segment())
        if copy is not None:  # after: Whoosh gathers every file named after the segment into it
            copy(writer, added)
        added.clear()

    for number, item in enumerate(items, start=1):
        key, document = read(item)
        keys.append(key)
        if document is not None:
            writer.add_document(**document)
            added.append((document.get("day", 0), document.get("id", "")))
        if _full(len(writer.pool), number, len(items) - number, budget):
            finish()
            writer = lean_writer(index, _lk=False)
        if number % REPORT_EVERY == 0:
            report(REPORT_EVERY)
    report(len(items) % REPORT_EVERY)
    if writer._added:
        finish()
    else:
        writer._close_segment()
    return segments, keys


def _worker(conn: Connection, index: Any, items: Sequence[Any], read: Callable[[Any], Receipt],
            budget: int, copy: Copy | None) -> None:
    try:
        segments, keys = _write_share(index, items, read, lambda count: conn.send(("read", count)), budget,
                                      copy)
    except VanthuError as exc:  # a message for the user (a damaged sidecar, named)
        conn.send(("failed", str(exc)))
    except Exception as exc:  # the process's boundary: the parent says what failed and stops
        conn.send(("failed", f"{exc.__class__.__name__}: {exc}"))
    else:
        conn.send(("done", (segments, keys)))
    conn.close()


def _shares(items: Sequence[Any], workers: int) -> list[Sequence[Any]]:
    size = -(-len(items) // workers)
    return [items[start:start + size] for start in range(0, len(items), size)]


def _gather(processes: dict[Connection, Any], tick: Callable[[int], None]) -> tuple[list[Any], list[str]]:
    segments, keys, results = [], [], {}
    while len(results) < len(processes):
        for conn in wait([c for c in processes if c not in results]):
            try:
                what, value = conn.recv()
            except EOFError:
                processes[conn].join()
                raise IndexBuildFailed(f"một tiến trình dựng chỉ mục dừng bất thường "
                                       f"(mã {processes[conn].exitcode})") from None
            if what == "failed":
                raise IndexBuildFailed(value)
            if what == "read":
                tick(value)
            else:
                results[conn] = value
    for conn in processes:  # in the items' order, as one writer would have numbered them
        segments += results[conn][0]
        keys += results[conn][1]
    return segments, keys


def write_segments(index: Any, items: Sequence[Any], read: Callable[[Any], Receipt], workers: int,
                   tick: Callable[[int], None] = lambda _count: None,
                   budget: int = SEGMENT_POSTINGS, copy: Copy | None = None) -> tuple[list[Any], list[str]]:
    """New segments of ``index`` holding the documents ``read`` makes of the items (not yet in the
    index's table of contents: the caller commits them), and every item's key; ``tick`` hears how
    many items were read as they are; a segment holds about ``budget`` postings at most. The
    workers are forked: they inherit ``read``'s state. ``copy`` is called as each segment is
    written."""
    if workers < 2 or len(items) < PARALLEL_FROM:
        return _write_share(index, items, read, tick, budget, copy)
    context = multiprocessing.get_context("fork")
    processes = {}
    try:
        for share in _shares(items, workers):
            parent, child = context.Pipe()
            process = context.Process(target=_worker, args=(child, index, share, read, budget, copy),
                                      daemon=True)
            process.start()
            child.close()
            processes[parent] = process
        return _gather(processes, tick)
    finally:
        for process in processes.values():
            if process.is_alive():
                process.kill()
            process.join()
