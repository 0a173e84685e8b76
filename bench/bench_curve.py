"""Where one machine stops being enough: a real ``vanthu serve`` at N documents, 1, 4 and 16 clients.

For each number of clients, the clients search through ``/api/search`` (top 20 with snippets, each
sends its next search as soon as the last is answered, bench/bench_web.py's raw-socket clients and
query mix) for SECONDS seconds; prints searches a second, p50 and p95, and whether p95 stays within
100 ms. Then the memory of the service and its search processes after that query mix: the resident
set (RSS) of each process and their proportional share (PSS, from /proc/PID/smaps_rollup: pages
shared between the processes, the mapped numpy copy above all, counted once in total).

    python bench/bench_curve.py DOCUMENTS [SECONDS] [--workspace DIR]

With ``--workspace DIR`` an archive indexed there before (by this script or bench_search.py's) is
reused, else one is built in a temporary folder. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import VANTHU, _free_port, _requests, _wait, client, run_for
from corpus import write_corpus

from archive.store import ArchiveStore
from indexer.indexing import rebuild
from office.workspace import Workspace, init_workspace

CLIENTS = (1, 4, 16)
BOUND_MS = 100.0


def prepared(root: Path, count: int) -> str:
    """A workspace of ``count`` indexed documents at ``root`` (built unless it is there) and a reader's
    API token."""
    if not (root / "index").is_dir():
        workspace = init_workspace(root)
        write_corpus(workspace.archive, count)
        with workspace.catalog() as catalog:
            rebuild(ArchiveStore(workspace.archive), workspace.index, catalog, workspace.gazetteer,
                    workspace.taxonomy)
    with Workspace(root).users() as users:
        if users.get("taiki") is None:
            users.add("taiki", role="chuyen-vien", password="mat-khau-tai-thu")
        return users.create_token("taiki", "đo tải")[1]


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with (task / "children").open() as stream:
            found += [int(p) for p in stream.read().split()]
    return found + [grand for child in found for grand in _children(child)]


def _memory(pid: int) -> tuple[float, float]:
    """RSS and PSS of one process, in MB (PSS 0 where smaps_rollup cannot be read)."""
    fields = {}
    for name in ("status", "smaps_rollup"):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                key, _, value = line.partition(":")
                if value.strip().endswith("kB"):
                    fields[key] = int(value.split()[0]) / 1024
        except OSError:
            pass
    return fields.get("VmRSS", 0.0), fields.get("Pss", 0.0)


def memory_report(pid: int) -> str:
    processes = [pid, *_children(pid)]
    figures = [_memory(p) for p in processes]
    rss, pss = sum(r for r, _ in figures), sum(p for _, p in figures)
    each = ", ".join(f"{r:.0f}/{p:.0f}" for r, p in figures)
    return (f"memory of vanthu serve and its {len(processes) - 1} child processes: RSS {rss:.0f} MB summed, "
            f"PSS {pss:.0f} MB (each RSS/PSS MB: {each})")


def measure(port: int, requests: list[bytes], clients: int, seconds: float) -> tuple[float, float, float, int]:
    stop, latencies, statuses, errors = threading.Event(), [], Counter(), []
    threads = [threading.Thread(target=client, args=(port, requests, stop, i * 7, latencies, statuses, errors))
               for i in range(clients)]
    run_for(threads, stop, seconds)
    ordered = sorted(latencies)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)] * 1000 if ordered else float("nan")
    p50 = statistics.median(ordered) * 1000 if ordered else float("nan")
    return len(latencies) / seconds, p50, p95, len(errors) + sum(n for s, n in statuses.items() if s != 200)


def run(root: Path, count: int, seconds: float) -> None:
    started = time.perf_counter()
    token = prepared(root, count)
    print(f"{count} documents (workspace ready in {time.perf_counter() - started:.0f} s), "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    port = _free_port()
    server = subprocess.Popen([VANTHU, "serve", "--port", str(port), "--no-watch", "--home", str(root)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait(port)
        requests = _requests(token)
        measure(port, requests, 2, min(seconds, 10))  # the search processes started, their pages read
        for clients in CLIENTS:
            load = os.getloadavg()[0]
            rate, p50, p95, errors = measure(port, requests, clients, seconds)
            verdict = "within" if p95 <= BOUND_MS else "over"
            print(f"  {clients:>2} clients: {rate:6.1f} searches/s, p50 {p50:6.1f} ms, p95 {p95:6.1f} ms "
                  f"({verdict} {BOUND_MS:.0f} ms), errors {errors}; load average before {load:.1f}, "
                  f"after {os.getloadavg()[0]:.1f}")
        print("  " + memory_report(server.pid))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=90)


def main(argv: list[str]) -> None:
    keep = argv.index("--workspace") if "--workspace" in argv else None
    folder = Path(argv[keep + 1]) if keep is not None else None
    numbers = [a for i, a in enumerate(argv) if keep is None or i not in (keep, keep + 1)]
    count, seconds = int(numbers[0]), float(numbers[1]) if len(numbers) > 1 else 20.0
    if folder is not None:
        run(folder, count, seconds)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp) / "ws", count, seconds)


if __name__ == "__main__":
    main(sys.argv[1:])
