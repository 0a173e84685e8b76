"""``vanthu serve`` as a subprocess on a free port of 127.0.0.1, polled until it answers: what the
browser tests and the tests that need real concurrency run against."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

VANTHU = str(Path(sys.executable).parent / "vanthu")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(root: Path, *args: str) -> Iterator[str]:
    """The service of the workspace ``root``, its base address; stopped with SIGTERM afterwards, which
    must end it cleanly (exit code 0)."""
    port = free_port()
    process = subprocess.Popen([VANTHU, "serve", "--port", str(port), "--home", str(root), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/api/health", timeout=1) as answer:
                if answer.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"vanthu serve did not answer: {process.stdout.read() if process.stdout else ''}")
    try:
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=90) == 0
