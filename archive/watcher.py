"""Watching the inbox: hand a file to the pipeline once it has stopped changing.

Three sources of candidates, so nothing is stranded: watchdog events (inotify,
or polling for network shares where inotify sees nothing), a scan at start,
and a rescan every few minutes. A file that is locked, or a write that fails,
is retried with a growing delay; a file that cannot be archived goes to
quarantine and the watcher carries on.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from archive.pipeline import FileUnavailable, Outcome, Pipeline
from docgen.database import is_damage

IGNORED_SUFFIXES = (".part", ".crdownload", ".tmp", ".partial", ".download", ".swp")
IGNORED_NAMES = ("thumbs.db", "desktop.ini", ".ds_store")


def is_ignored(path: Path) -> bool:
    """Temporary and hidden files that are not documents (yet)."""
    name = path.name.lower()
    return (name.startswith((".", "~$")) or name in IGNORED_NAMES
            or name.endswith(IGNORED_SUFFIXES))


def is_side_door(path: Path) -> bool:
    """A link, or something that is neither a file nor a folder: refused at once, never waited for."""
    return path.is_symlink() or (path.exists() and not path.is_file() and not path.is_dir())


def candidate_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if (path.is_file() or is_side_door(path)) and not is_ignored(path) and not any(
                part.startswith(".") for part in path.relative_to(folder).parts[:-1]):
            yield path


class FileStabilityTracker:
    """Which files have kept the same size and mtime for ``delay`` seconds."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic):
        self.delay, self.clock = delay, clock
        self._seen: dict[Path, tuple[tuple[int, int], float]] = {}

    def touch(self, path: Path) -> None:
        if path not in self._seen and not is_ignored(path):
            self._seen[path] = ((-1, -1), self.clock())

    def __len__(self) -> int:
        return len(self._seen)

    def ready(self) -> list[Path]:
        now, stable = self.clock(), []
        for path, (signature, since) in list(self._seen.items()):
            try:
                info = path.stat()
            except FileNotFoundError:
                del self._seen[path]
                continue
            current = (info.st_size, info.st_mtime_ns)
            if current != signature:
                self._seen[path] = (current, now)
            elif now - since >= self.delay:
                del self._seen[path]
                stable.append(path)
        return stable


class RetrySchedule:
    """Backoff for files that could not be processed: 2, 4, 8 … seconds, capped."""

    def __init__(self, cap: float, clock: Callable[[], float] = time.monotonic):
        self.cap, self.clock = cap, clock
        self._due: dict[Path, tuple[int, float]] = {}

    def schedule(self, path: Path) -> float:
        attempts = self._due.get(path, (0, 0.0))[0] + 1
        wait = min(2.0 ** attempts, self.cap)
        self._due[path] = (attempts, self.clock() + wait)
        return wait

    def forget(self, path: Path) -> None:
        self._due.pop(path, None)

    def due(self) -> list[Path]:
        now = self.clock()
        ready = [path for path, (_n, when) in self._due.items() if when <= now]
        return ready



class _Events(FileSystemEventHandler):
    def __init__(self, sink: queue.Queue[Path]):
        self.sink = sink

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in ("created", "modified", "moved", "closed"):
            return
        target = getattr(event, "dest_path", "") or event.src_path
        self.sink.put(Path(str(target)))


@dataclass
class WatchOptions:
    delay: float = 2.0
    rescan_seconds: float = 300.0
    polling: bool = False
    poll_seconds: float = 1.0
    retry_cap_seconds: float = 300.0
    tick_seconds: float = 0.2


Report = Callable[[Outcome | None, str], None]


class InboxWatcher:
    def __init__(self, pipeline: Pipeline, inbox: Path, options: WatchOptions, report: Report):
        self.pipeline, self.inbox, self.options, self.report = pipeline, inbox, options, report
        self.tracker = FileStabilityTracker(options.delay)
        self.retries = RetrySchedule(options.retry_cap_seconds)
        self.events: queue.Queue[Path] = queue.Queue()
        self.after_tick: list[Callable[[], object]] = []  # e.g. index what this tick archived
        self._next_scan = 0.0

    def _observer(self):
        observer = (PollingObserver(timeout=self.options.poll_seconds) if self.options.polling
                    else Observer())
        observer.schedule(_Events(self.events), str(self.inbox), recursive=True)
        return observer

    def run(self, stop: threading.Event) -> None:
        """Watch until ``stop`` is set; what is already in the inbox goes first."""
        observer = self._observer()
        observer.start()
        try:
            self.pipeline.reader.start()  # the first file should not wait for a reader to start
            self.pipeline.recover()
            while not stop.is_set():
                self.tick()
                stop.wait(self.options.tick_seconds)
        finally:
            observer.stop()
            observer.join()

    def _candidates(self) -> Iterable[Path]:
        while not self.events.empty():
            yield self.events.get_nowait()
        if time.monotonic() >= self._next_scan:
            self._next_scan = time.monotonic() + self.options.rescan_seconds
            yield from candidate_files(self.inbox)
        yield from self.retries.due()

    def tick(self) -> None:
        for path in self._candidates():
            if is_ignored(path):
                continue
            if is_side_door(path):
                self.process(path)
            elif path.is_file():
                self.tracker.touch(path)
        for path in self.tracker.ready():
            self.process(path)
        for hook in self.after_tick:
            hook()

    def process(self, path: Path) -> None:
        try:
            outcome = self.pipeline.ingest(path)
        except FileUnavailable as exc:
            if not exc.vanished:
                wait = self.retries.schedule(path)
                self.report(None, f"{path}: {exc.reason}; thử lại sau {wait:.0f} giây")
            return
        except (OSError, sqlite3.Error) as exc:
            if isinstance(exc, sqlite3.DatabaseError) and is_damage(exc):
                raise  # waiting cures a lock, not a damaged file: stop and say so
            wait = self.retries.schedule(path)
            self.report(None, f"{path}: lỗi khi lưu ({exc}); thử lại sau {wait:.0f} giây")
            return
        self.retries.forget(path)
        self.report(outcome, "")
