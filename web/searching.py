"""Searches run in worker processes, so that the service's searches use every core.

A search is pure-Python work (Whoosh and the ranking around it): threads of one
process take turns on the GIL, so twenty concurrent searches finish no sooner
than twenty in a row. Each worker process opens the workspace and its index
once and answers ``office.search_archive`` for the request and the viewer it is
sent; the viewer travels with every request, so secrecy is decided in the
worker by the same library code as everywhere (nothing is filtered afterwards).
A worker sees a new index generation on its own, as the in-process searcher does.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from pathlib import Path
from typing import Any

import office
from docgen.secrecy import TOP, Viewer
from indexer.engine import IndexUnavailable
from office.workspace import Workspace

_opened: dict[str, Any] = {}


def _open(root: str) -> None:
    """A worker's start: the workspace and its index, kept for every search it answers. Ctrl-C is
    the service's to handle (it stops the pool), not each worker's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    workspace = Workspace(Path(root))
    index = workspace.search_index()
    with suppress(IndexUnavailable):  # no index yet: each search says so, as without the pool
        index.warm([Viewer("", clearance).levels for clearance in range(TOP + 1)])
    _opened.update(workspace=workspace, index=index)


def _ready() -> bool:
    return "index" in _opened


def _search(request: Any, viewer: Viewer) -> dict[str, Any]:
    return office.search_archive(_opened["workspace"], request, viewer, _opened["index"])


class SearchProcesses:
    """A pool of ``count`` search processes over one workspace (started on first use)."""

    def __init__(self, root: Path, count: int):
        self.root, self.count = root, count
        self._pool: ProcessPoolExecutor | None = None

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: the service has threads (the watcher, LibreOffice's listener) by then
            self._pool = ProcessPoolExecutor(self.count, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_open, initargs=(str(self.root),))
        return self._pool

    def warm(self) -> None:
        """Start the workers now (each imports vanthu and opens the index: a second or two), so that
        the first user's search does not wait for it."""
        pool = self._started()
        for _ in range(self.count):
            pool.submit(_ready)

    async def search(self, request: Any, viewer: Viewer) -> dict[str, Any]:
        try:
            return await asyncio.wrap_future(self._started().submit(_search, request, viewer))
        except BrokenProcessPool as exc:  # a worker died (killed, out of memory): a new pool, and say so
            self._pool = None
            raise IndexUnavailable("tiến trình tìm kiếm vừa dừng bất thường; xin thử lại") from exc

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
