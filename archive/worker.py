"""Reading untrusted files in worker processes that can be killed.

Each worker runs with the limits installed (``archive/limits.py``): an address
space cap (``RLIMIT_AS``), pypdf's decompression caps set to the stream limit,
and a timer per page. The wall time per file is enforced from outside: a worker
past its deadline is killed and replaced. Whatever a worker reports (a result,
or a ``Rejected`` naming the limit broken), the caller gets an answer for every
file it submitted, so one bad file never stops a batch.

Workers come from a fork server: a clean process (no threads, no open
databases of the caller) that has imported the readers once, so that starting
or replacing a worker costs a fork, not an interpreter start.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from archive.limits import MB, LimitExceeded, Limits, install, on_more_time
from archive.reading import Rejected

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["archive.pipeline", "archive.signatures", "digest.reports"])


def warm_up() -> None:
    """Start the fork server now: its imports (pyHanko, pypdf: about a second) then run while the
    caller opens its databases and lists its files, instead of before the first file is read."""
    from multiprocessing import forkserver

    forkserver.ensure_running()


def _pypdf_limits(limits: Limits) -> None:
    import pypdf

    stream = limits.stream_mb * MB
    pypdf.overwrite_configuration(
        maximum_declared_stream_length=stream, array_based_stream_maximum_output_length=stream,
        jbig2_maximum_output_length=stream, lzw_maximum_output_length=stream,
        run_length_maximum_output_length=stream, zlib_maximum_output_length=stream,
        brotli_maximum_output_length=stream, image_maximum_buffer_size=stream,
        stream_decoding_work_maximum_length=3 * stream, page_tree_maximum_depth=limits.depth,
        outline_maximum_depth=limits.depth, form_fields_maximum_depth=limits.depth,
        named_destinations_maximum_depth=limits.depth)


def _limited(limits: Limits) -> None:
    """Install the limits in this (worker) process."""
    install(limits)
    memory = limits.memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    _pypdf_limits(limits)
    sys.setrecursionlimit(max(1000, 20 * limits.depth))


def _answer(limits: Limits, func: Callable[..., Any], args: tuple) -> tuple[str, Any]:
    """("ok", result) or ("limit", Rejected); any failure of a reader is the file's, not the batch's."""
    from pypdf.errors import LimitReachedError

    try:
        return "ok", func(*args)
    except Rejected as exc:
        return "ok", exc
    except LimitExceeded as exc:
        return "limit", Rejected(exc.reason)
    except MemoryError:
        return "limit", Rejected(limits.too_much_memory())
    except RecursionError:
        return "limit", Rejected(limits.too_deep())
    except LimitReachedError as exc:
        reason = limits.stream_too_large() if "decompress" in str(exc) else f"vượt giới hạn an toàn ({exc})"
        return "limit", Rejected(reason)
    except Exception as exc:  # the isolation boundary: a reader's bug rejects this file only
        detail = str(exc)[:120]
        return "ok", Rejected(f"không đọc được tệp: trình đọc gặp lỗi với tệp này (chi tiết kỹ thuật: {detail})")


def _serve(conn: Connection, limits: Limits) -> None:
    """The worker's loop: one job at a time; leaves after a broken limit, its state being suspect."""
    _limited(limits)
    on_more_time(lambda seconds: conn.send(("more_time", seconds)))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        status, result = _answer(limits, *job)
        conn.send((status, result))
        if status == "limit":
            return


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ticket: int = -1
    deadline: float = 0.0


@dataclass
class _Jobs:
    queued: deque[tuple[int, Callable[..., Any], tuple]] = field(default_factory=deque)
    finished: list[tuple[int, Any]] = field(default_factory=list)


_MORE_TIME = object()  # a worker asked for more time: its job is still running


class LimitedPool:
    """Up to ``workers`` reading processes; ``submit`` jobs, ``wait`` for answers in any order."""

    def __init__(self, workers: int, limits: Limits):
        self.size, self.limits = max(1, workers), limits
        self._idle: list[_Worker] = []
        self._busy: list[_Worker] = []
        self._jobs = _Jobs()
        self._tickets = 0
        self.replaced = 0  # workers killed or retired after a broken limit

    def _start(self) -> _Worker:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_serve, args=(child, self.limits), daemon=True,
                                   name="vanthu-reader")
        process.start()
        child.close()
        return _Worker(process, parent)

    def start(self) -> None:
        """Start the workers now rather than at the first job."""
        while len(self._idle) + len(self._busy) < self.size:
            self._idle.append(self._start())

    def submit(self, func: Callable[..., Any], *args: Any) -> int:
        self._tickets += 1
        self._jobs.queued.append((self._tickets, func, args))
        return self._tickets

    @property
    def outstanding(self) -> int:
        return len(self._jobs.queued) + len(self._busy) + len(self._jobs.finished)

    def _dispatch(self) -> None:
        while self._jobs.queued and len(self._busy) < self.size:
            worker = self._idle.pop() if self._idle else self._start()
            ticket, func, args = self._jobs.queued.popleft()
            try:
                worker.conn.send((func, args))
            except (BrokenPipeError, OSError):  # died while idle: give the job to a new one
                self._retire(worker)
                self._jobs.queued.appendleft((ticket, func, args))
                continue
            worker.ticket, worker.deadline = ticket, time.monotonic() + self.limits.file_seconds
            self._busy.append(worker)

    def _retire(self, worker: _Worker, replaced: bool = True) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self.replaced += replaced

    def _collect(self, worker: _Worker) -> Any:
        try:
            status, result = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(5)
            code = worker.process.exitcode
            self._retire(worker)
            return Rejected(f"tiến trình đọc tệp dừng bất thường (mã {code}), "
                            f"có thể do {self.limits.too_much_memory()}")
        if status == "more_time":
            worker.deadline += float(result)
            return _MORE_TIME
        if status == "limit":
            self._retire(worker)
        else:
            self._idle.append(worker)
        return result

    def _step(self) -> None:
        """Wait for the first answer or deadline among the busy workers."""
        timeout = max(0.0, min(w.deadline for w in self._busy) - time.monotonic())
        ready = wait([w.conn for w in self._busy], timeout)
        now = time.monotonic()
        for worker in list(self._busy):
            if worker.conn in ready:
                answer = self._collect(worker)
                if answer is _MORE_TIME:
                    continue
                if worker in self._busy:
                    self._busy.remove(worker)
                self._jobs.finished.append((worker.ticket, answer))
            elif now >= worker.deadline:
                self._busy.remove(worker)
                self._retire(worker)
                self._jobs.finished.append((worker.ticket, Rejected(self.limits.too_slow())))

    def wait(self) -> list[tuple[int, Any]]:
        """The answers ready, waiting for at least one while any job is outstanding."""
        self._dispatch()
        while not self._jobs.finished and self._busy:
            self._step()
            self._dispatch()
        finished, self._jobs.finished = self._jobs.finished, []
        return finished

    def run(self, func: Callable[..., Any], *args: Any) -> Any:
        """One job, waited for (the watcher's way: one file at a time)."""
        ticket = self.submit(func, *args)
        while True:
            for position, (done, result) in enumerate(self._jobs.finished):
                if done == ticket:
                    del self._jobs.finished[position]
                    return result
            self._dispatch()
            self._step()

    def close(self) -> None:
        for worker in self._idle:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
            worker.process.join(2)
        for worker in self._idle + self._busy:
            self._retire(worker, replaced=False)
        self._idle, self._busy = [], []

    def __enter__(self) -> LimitedPool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
