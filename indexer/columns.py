"""One index segment's postings as numpy arrays: what makes counting and ranking every match cheap.

Reading a posting through Whoosh's matchers costs a microsecond or more in
Python, so a query with tens of thousands of matches cannot be both exact and
fast that way. A segment never changes once written (deletions are kept apart,
as a set), so its postings can be copied once into flat arrays, written beside
it in one file and memory-mapped by every process that searches: the CLI maps
it in well under a millisecond, the service keeps it mapped. This module knows
numpy and the file; it knows nothing of Whoosh (``indexer/engine.py`` does).

The file: 8 bytes of header length, a JSON header (the segment's document count
and, for each term, where its postings start and stop, and where its position
offsets start if it has positions), padding to 8 bytes, then the document
numbers (int32, sorted within a term), the weights (float32), each document's
tie key (int64: a hash of its id, which orders equal hits whatever else the
index holds), the date ordinal of every document (int32, 0 where there is
none), the position offsets (int64,
one more than the term's postings) and the positions (int32) of the body's
syllables: a phrase is checked in numpy in every candidate, so its total is
exact too.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

FORMAT_VERSION = 4
DENSE_FROM = 16  # candidates × this ≥ the documents of the segment: look them up in a table
SUFFIX = ".vanthu-postings"


def postings_path(folder: Path, segment_id: str) -> Path:
    return folder / f"{segment_id}{SUFFIX}"


class Postings:
    """One term's postings in one segment: documents (sorted), weights, and for a positional term
    the position offsets (one more than the documents) into its positions."""

    def __init__(self, docs: Iterable[int], weights: Iterable[float],
                 offsets: np.ndarray | None = None, positions: np.ndarray | None = None):
        self.docs = np.asarray(docs, dtype=np.int32)
        self.weights = np.asarray(weights, dtype=np.float32)
        self.offsets, self.positions = offsets, positions


def phrase_keys(docs: np.ndarray, offsets: np.ndarray, positions: np.ndarray, candidates: np.ndarray,
                shift: int) -> np.ndarray:
    """(candidate number << 32) + position - ``shift`` for every position of a term in the candidates
    where a phrase whose ``shift``-th word it is could start (position ≥ shift): a phrase stands where
    every word's keys meet. Sorted: the candidates are, and so are a term's positions in each document."""
    hit, where = present(docs, candidates)
    owners, where = np.flatnonzero(hit), where[hit]
    first, lengths = offsets[where], offsets[where + 1] - offsets[where]
    runs = np.repeat(np.arange(len(owners)), lengths)  # the candidate each position is of
    places = positions[np.arange(len(runs)) + (first - (np.cumsum(lengths) - lengths))[runs]]
    keys = ((owners.astype(np.int64) << 32) - shift)[runs] + places
    return keys[places >= shift] if shift else keys


def phrase_present(words: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
                   candidates: np.ndarray) -> np.ndarray:
    """Which candidates hold the words one after another (each word: docs, offsets, positions).

    The word with the fewest positions gives the places where the phrase could start; each other
    word is then looked for at its own place in each of them, by a binary search among its positions
    in that document (a few, sorted): the cost follows the first word's positions, not every word's."""
    mask = np.zeros(len(candidates), bool)
    if not words:
        return mask
    sizes = [int(offsets[-1] - offsets[0]) if len(offsets) else 0 for _docs, offsets, _positions in words]
    order = sorted(range(len(words)), key=lambda i: sizes[i])
    keys = phrase_keys(*words[order[0]], candidates, order[0])
    owners, starts = (keys >> 32).astype(np.intp), keys & 0xFFFFFFFF
    for shift in order[1:]:
        if not len(owners):
            break
        docs, offsets, positions = words[shift]
        hit, where = present(docs, candidates)
        hit, where = hit[owners], where[owners]
        owners, starts, where = owners[hit], starts[hit], where[hit]
        found = _position_in(positions, offsets[where], offsets[where + 1], starts + shift)
        owners, starts = owners[found], starts[found]
    mask[owners] = True
    return mask


def _position_in(positions: np.ndarray, low: np.ndarray, end: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Whether each ``target`` is among ``positions[low:end]`` (sorted), all at once: a binary search
    each, as many rounds as the longest range needs."""
    if len(positions) == 0:
        return np.zeros(len(target), bool)
    last, high = len(positions) - 1, end.copy()
    active = low < high
    while active.any():
        middle = (low + high) >> 1
        below = positions[np.minimum(middle, last)] < target
        low = np.where(active & below, middle + 1, low)
        high = np.where(active & ~below, middle, high)
        active = low < high
    return (low < end) & (positions[np.minimum(low, last)] == target)


@lru_cache(maxsize=1 << 16)
def term_hash(field: str, text: str) -> int:
    """A term's key in the copy: 64 bits of a hash of its field and text (among a million terms, the
    chance that two share a key is about one in thirty million)."""
    digest = hashlib.blake2b(f"{field}\x00{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _spread(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])``, at once."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, np.int64)
    before = np.cumsum(lengths) - lengths
    return np.repeat(starts.astype(np.int64) - before, lengths) + np.arange(total)


def _narrow(values: np.ndarray, small: type, large: type, limit: int) -> np.ndarray:
    return values.astype(small if not len(values) or (values.min() >= 0 and values.max() < limit) else large)


class SegmentArrays:
    """A segment's stored postings: ``term(field, text)`` gives (docs, weights) or None.

    Every term of the copied fields is there: a term is found by its hash (``keys``, sorted) and
    ``spans`` (where its postings start and stop, and where its position offsets start, -1 if it
    has none); ``filters`` lists the values of the filter fields."""

    def __init__(self, size: int, arrays: dict[str, np.ndarray], filters: dict[str, list[str]]):
        self.size, self.filters = size, filters
        self.keys, self.spans = arrays["keys"], arrays["spans"].reshape(-1, 3)
        self.docs, self.weights, self.day, self.tie = arrays["docs"], arrays["weights"], arrays["day"], arrays["tie"]
        self.starts, self.positions = arrays["starts"], arrays["positions"]
        self.recipe = ""  # what was copied (fields, threshold): a copy made otherwise is made again

    def _span(self, field: str, text: str) -> np.ndarray | None:
        key = np.uint64(term_hash(field, text))
        where = int(np.searchsorted(self.keys, key))
        if where < len(self.keys) and self.keys[where] == key:
            return self.spans[where]
        return None

    def term(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        span = self._span(field, text)
        if span is None:
            return None
        return self.docs[span[0]:span[1]], self.weights[span[0]:span[1]]

    def term_positions(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        """A positional term's documents and position offsets (one more than its documents):
        the positions in its i-th document are ``positions[offsets[i]:offsets[i + 1]]``."""
        span = self._span(field, text)
        if span is None or span[2] < 0:
            return None
        return self.docs[span[0]:span[1]], self.starts[span[2]:span[2] + span[1] - span[0] + 1].astype(np.int64)

    def values(self, field: str) -> list[str]:
        """The values of a filter field, sorted."""
        return self.filters.get(field, [])

    @classmethod
    def build(cls, size: int, terms: Iterable[tuple[str, str, Postings]], day: np.ndarray,
              tie: np.ndarray, filter_fields: Iterable[str] = ()) -> SegmentArrays:
        """From each term's postings (with positions or not), each document's day and tie key."""
        terms = list(terms)
        names = [(field, text) for field, text, _ in terms]
        lengths = np.array([len(p.docs) for _, _, p in terms], np.int64)
        bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        counts = [np.diff(p.offsets) if p.offsets is not None else None for _, _, p in terms]
        def joined(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype)

        return cls.flat(size, names, bounds, joined([p.docs for _, _, p in terms], np.int32),
                        joined([p.weights for _, _, p in terms], np.float32), counts,
                        joined([p.positions for _, _, p in terms if p.offsets is not None], np.int64),
                        day, tie, filter_fields)

    @classmethod
    def flat(cls, size: int, names: list[tuple[str, str]], bounds: np.ndarray, docs: np.ndarray,
             weights: np.ndarray, counts: list[np.ndarray | None], positions: np.ndarray, day: np.ndarray,
             tie: np.ndarray, filter_fields: Iterable[str] = ()) -> SegmentArrays:
        """From postings laid end to end: term i's are ``docs[bounds[i]:bounds[i + 1]]``; ``counts[i]``
        its postings' numbers of positions (None: a term without), the positions of the positional
        terms' postings end to end in ``positions``, in the terms' order."""
        keys = np.fromiter((term_hash(f, t) for f, t in names), np.uint64, len(names))
        order = np.argsort(keys, kind="stable")
        lengths = np.diff(bounds)
        postings = _spread(bounds[:-1][order], lengths[order])
        positional = np.array([c is not None for c in counts], bool)
        flat_counts = [c for c in counts if c is not None]
        per_posting = np.concatenate(flat_counts).astype(np.int64) if flat_counts else np.zeros(0, np.int64)
        first = np.concatenate([[0], np.cumsum(per_posting)])  # where each positional posting's start
        term_first = np.zeros(len(names), np.int64)  # each positional term's first positional posting
        term_first[positional] = np.cumsum([0] + [len(c) for c in flat_counts])[:-1]
        chosen = order[positional[order]]
        posting_rows = _spread(term_first[chosen], lengths[chosen])
        spans = np.zeros((len(names), 3), np.int64)
        spans[:, 0] = np.concatenate([[0], np.cumsum(lengths[order])])[:-1]
        spans[:, 1] = spans[:, 0] + lengths[order]
        spans[:, 2] = -1
        rows = np.flatnonzero(positional[order])
        spans[rows, 2] = np.concatenate([[0], np.cumsum(lengths[chosen] + 1)])[:-1]
        counts_out = per_posting[posting_rows]
        starts, at = [], 0
        pieces = np.split(counts_out, np.cumsum(lengths[chosen])[:-1]) if len(chosen) else []
        for piece in pieces:
            starts.append(np.concatenate([[0], np.cumsum(piece)]) + at)
            at += int(piece.sum())
        moved = _spread(first[:-1][posting_rows], counts_out)
        filters = {field: sorted(t for f, t in names if f == field) for field in filter_fields}
        weights = np.asarray(weights, np.float32)[postings]
        small = weights.astype(np.float16)
        arrays = {"keys": keys[order], "spans": spans.reshape(-1),
                  "docs": np.asarray(docs, np.int32)[postings],
                  "weights": small if np.array_equal(small.astype(np.float32), weights) else weights,
                  "tie": np.asarray(tie, np.int64), "day": np.asarray(day, np.int32),
                  "starts": _narrow(np.concatenate(starts) if starts else np.zeros(0, np.int64), np.uint32,
                                    np.int64, 2 ** 32),
                  "positions": _narrow(np.asarray(positions, np.int64)[moved], np.uint16, np.int32, 2 ** 16)}
        return cls(size, arrays, filters)

    ORDER = ("keys", "spans", "tie", "docs", "day", "starts", "weights", "positions")

    def save(self, path: Path) -> None:
        """Written under a temporary name and renamed: a reader sees the whole file or none."""
        arrays = {"keys": self.keys, "spans": self.spans.reshape(-1), "tie": self.tie, "docs": self.docs,
                  "day": self.day, "starts": self.starts, "weights": self.weights, "positions": self.positions}
        layout = {name: [str(arrays[name].dtype), len(arrays[name])] for name in self.ORDER}
        header = json.dumps({"version": FORMAT_VERSION, "recipe": self.recipe, "size": self.size,
                             "layout": layout, "filters": self.filters}, ensure_ascii=False).encode("utf-8")
        header += b" " * (-(len(header) + 8) % 8)
        partial = path.with_name(path.name + f".{os.getpid()}.tmp")
        with partial.open("wb") as stream:
            stream.write(struct.pack("<q", len(header)))
            stream.write(header)
            for name in self.ORDER:
                data = np.ascontiguousarray(arrays[name]).tobytes()
                stream.write(data + b"\0" * (-len(data) % 8))
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path, recipe: str) -> SegmentArrays | None:
        """The mapped file, or None when it is missing, of another version or recipe, or cut short."""
        try:
            with path.open("rb") as stream:
                (length,) = struct.unpack("<q", stream.read(8))
                header = json.loads(stream.read(length))
            if header.get("version") != FORMAT_VERSION or header.get("recipe") != recipe:
                return None
            layout = [(name, np.dtype(header["layout"][name][0]), header["layout"][name][1]) for name in cls.ORDER]
            sizes = [dtype.itemsize * count for _, dtype, count in layout]
            offset = 8 + length
            if path.stat().st_size != offset + sum(size + (-size % 8) for size in sizes):
                return None
            # One map of the file, plain arrays over it: a slice of a numpy.memmap is a memmap again,
            # tens of microseconds each (a search takes a hundred slices), of an array a fraction.
            with path.open("rb") as stream:
                mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
            arrays = {}
            for (name, dtype, count), size in zip(layout, sizes, strict=True):
                arrays[name] = np.frombuffer(mapped, dtype, count, offset) if count else np.zeros(0, dtype)
                offset += size + (-size % 8)
        except (OSError, ValueError, KeyError, TypeError, struct.error):
            return None
        loaded = cls(header["size"], arrays, header["filters"])
        loaded.recipe = recipe
        return loaded


def present(docs: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted ``docs`` and any ``candidates``: which candidates are in docs, and where (0 where
    not). Many candidates: through a table over the document numbers (a segment's few tens of
    thousands), a look-up each; few: a binary search each."""
    if len(docs) == 0 or len(candidates) == 0:
        return np.zeros(len(candidates), bool), np.zeros(len(candidates), np.intp)
    size = max(int(docs[-1]), int(candidates.max())) + 1
    if len(candidates) * DENSE_FROM >= size:
        table = np.full(size, -1, np.intp)
        table[docs] = np.arange(len(docs))
        where = table[candidates]
        hit = where >= 0
        where[~hit] = 0
        return hit, where
    where = np.searchsorted(docs, candidates)
    where[where == len(docs)] = 0
    return docs[where] == candidates, where


def top(scores: np.ndarray, keys: Callable[[np.ndarray], np.ndarray], count: int) -> np.ndarray:
    """Positions of the ``count`` best, best first: the higher score, on a tie the higher key
    (``keys`` gives those of the positions asked: the tied ones only, then the chosen). The keys are
    the documents' own (a date and a hash of the id), not their places in the index, which change
    with what else it holds (documents the viewer may not read included): equal hits come in the
    same order whatever the rest of the index."""
    if count <= 0 or len(scores) == 0:
        return np.zeros(0, np.intp)
    if len(scores) > count:
        threshold = np.partition(scores, len(scores) - count)[len(scores) - count]
        above = np.flatnonzero(scores > threshold)
        equal = np.flatnonzero(scores == threshold)
        wanted = count - len(above)
        if len(equal) > wanted:
            equal = equal[np.argpartition(keys(equal), len(equal) - wanted)[len(equal) - wanted:]]
        chosen = np.concatenate([above, equal])
    else:
        chosen = np.arange(len(scores))
    return chosen[np.lexsort((-keys(chosen), -scores[chosen]))]
