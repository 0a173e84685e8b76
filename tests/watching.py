"""Running the real ``vanthu watch`` as a separate process and reading what it reports."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

VANTHU = str(Path(sys.executable).parent / "vanthu")


class WatchProcess:
    def __init__(self, home: Path, *extra: str):
        self.process = subprocess.Popen([VANTHU, "watch", "--json", "--home", str(home), *extra],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[dict] = queue.Queue()
        self.seen: list[dict] = []
        self.arrivals: dict[str, float] = {}  # file name → when its outcome was printed
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{"):
                outcome = json.loads(line)
                self.arrivals[Path(outcome["file"]).name] = time.monotonic()
                self.lines.put(outcome)

    def wait_for(self, count: int, timeout: float = 30) -> list[dict]:
        """Block until ``count`` outcomes were reported in all (or fail after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while len(self.seen) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"only {len(self.seen)} of {count} outcomes: {self.seen}")
            try:
                self.seen.append(self.lines.get(timeout=remaining))
            except queue.Empty:
                continue
        return self.seen

    def stop(self, signum: int = signal.SIGINT, timeout: float = 20) -> tuple[int, str]:
        self.process.send_signal(signum)
        try:
            self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        stderr = self.process.stderr.read() if self.process.stderr else ""
        return self.process.returncode, stderr
