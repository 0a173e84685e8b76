"""One index segment's postings as numpy arrays: what makes counting and ranking every match cheap.

Reading a posting through Whoosh's matchers costs a microsecond or more in
Python, so a query with tens of thousands of matches cannot be both exact and
fast that way. A segment never changes once written (deletions are kept apart,
as a set), so its postings can be copied once into flat arrays, written beside
it in one file and memory-mapped by every process that searches: the CLI maps
it in well under a millisecond, the service keeps it mapped. This module knows
numpy and the file; it knows nothing of Whoosh (``indexer/engine.py`` does).

The file: 8 bytes of header length, a JSON header (the segment's document count
and, for each term, where its postings start and stop), padding to 8 bytes, then
the document numbers (int32, sorted within a term), the weights (float32) and
the date ordinal of every document (int32, 0 where there is none).
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterable
from pathlib import Path

import numpy as np

FORMAT_VERSION = 1
SUFFIX = ".vanthu-postings"


def postings_path(folder: Path, segment_id: str) -> Path:
    return folder / f"{segment_id}{SUFFIX}"


class SegmentArrays:
    """A segment's stored postings: ``term(field, text)`` gives (docs, weights) or None."""

    def __init__(self, size: int, spans: dict[str, tuple[int, int]], docs: np.ndarray,
                 weights: np.ndarray, day: np.ndarray):
        self.size, self._spans = size, spans
        self.docs, self.weights, self.day = docs, weights, day

    @staticmethod
    def key(field: str, text: str) -> str:
        return f"{field}\x00{text}"

    def term(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray] | None:
        span = self._spans.get(self.key(field, text))
        if span is None:
            return None
        return self.docs[span[0]:span[1]], self.weights[span[0]:span[1]]

    def values(self, field: str) -> list[str]:
        """The terms stored for ``field`` (every one, for a filter field), in key order."""
        prefix = f"{field}\x00"
        return [key[len(prefix):] for key in self._spans if key.startswith(prefix)]

    @classmethod
    def build(cls, size: int, terms: Iterable[tuple[str, str, list[int], list[float]]],
              day: np.ndarray) -> SegmentArrays:
        spans: dict[str, tuple[int, int]] = {}
        all_docs: list[np.ndarray] = []
        all_weights: list[np.ndarray] = []
        start = 0
        for field, text, docs, weights in sorted(terms, key=lambda t: (t[0], t[1])):
            spans[cls.key(field, text)] = (start, start + len(docs))
            all_docs.append(np.asarray(docs, dtype=np.int32))
            all_weights.append(np.asarray(weights, dtype=np.float32))
            start += len(docs)
        docs = np.concatenate(all_docs) if all_docs else np.zeros(0, np.int32)
        weights = np.concatenate(all_weights) if all_weights else np.zeros(0, np.float32)
        return cls(size, spans, docs, weights, np.asarray(day, dtype=np.int32))

    def save(self, path: Path) -> None:
        """Written under a temporary name and renamed: a reader sees the whole file or none."""
        header = json.dumps({"version": FORMAT_VERSION, "size": self.size, "spans": self._spans,
                             "count": len(self.docs)}, ensure_ascii=False).encode("utf-8")
        header += b" " * (-(len(header) + 8) % 8)
        partial = path.with_name(path.name + f".{os.getpid()}.tmp")
        with partial.open("wb") as stream:
            stream.write(struct.pack("<q", len(header)))
            stream.write(header)
            for array in (self.docs, self.weights, self.day):
                stream.write(np.ascontiguousarray(array).tobytes())
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path) -> SegmentArrays | None:
        """The mapped file, or None when it is missing, of another version or cut short."""
        try:
            with path.open("rb") as stream:
                (length,) = struct.unpack("<q", stream.read(8))
                header = json.loads(stream.read(length))
            if header.get("version") != FORMAT_VERSION:
                return None
            count, size = header["count"], header["size"]
            start = 8 + length
            if path.stat().st_size != start + 8 * count + 4 * size:
                return None
            docs = np.memmap(path, np.int32, "r", start, (count,)) if count else np.zeros(0, np.int32)
            weights = (np.memmap(path, np.float32, "r", start + 4 * count, (count,)) if count
                       else np.zeros(0, np.float32))
            day = (np.memmap(path, np.int32, "r", start + 8 * count, (size,)) if size
                   else np.zeros(0, np.int32))
        except (OSError, ValueError, KeyError, struct.error):
            return None
        spans = {key: (span[0], span[1]) for key, span in header["spans"].items()}
        return cls(size, spans, docs, weights, day)


def present(docs: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted ``docs`` and any ``candidates``: which candidates are in docs, and where."""
    if len(docs) == 0:
        return np.zeros(len(candidates), bool), np.zeros(len(candidates), np.intp)
    where = np.searchsorted(docs, candidates)
    where[where == len(docs)] = 0
    return docs[where] == candidates, where


def top(keys: np.ndarray, count: int) -> np.ndarray:
    """Positions of the ``count`` largest keys, largest first; equal keys keep their positions' order
    (the caller's arrays are in document order, so the lower document wins a tie, as in Whoosh)."""
    if count <= 0 or len(keys) == 0:
        return np.zeros(0, np.intp)
    if len(keys) > count:
        threshold = keys[np.argpartition(keys, len(keys) - count)[len(keys) - count]]
        above = np.flatnonzero(keys > threshold)
        equal = np.flatnonzero(keys == threshold)[:count - len(above)]
        chosen = np.sort(np.concatenate([above, equal]))
    else:
        chosen = np.arange(len(keys))
    return chosen[np.argsort(-keys[chosen], kind="stable")]
