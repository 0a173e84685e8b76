"""Load on the service: concurrent clients searching while the watcher archives a PDF a second.

A real ``vanthu serve`` (a subprocess on a free port of 127.0.0.1, nothing else is ever a target) over
an archive of N synthetic documents; CLIENTS threads each send searches through their own HTTP
connection for SECONDS seconds (bounded in count and time), while a feeder drops one PDF a second
into the inbox. Prints the latency of the searches, every status seen, and what the watcher archived.

    python bench/bench_web.py [DOCUMENTS] [CLIENTS] [SECONDS]
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from archive.store import ArchiveStore
from indexer.indexing import rebuild
from office.workspace import Workspace, init_workspace

VANTHU = str(Path(sys.executable).parent / "vanthu")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
QUERIES = ["giải phóng mặt bằng", "giai phong mat bang", "chuyển đổi số", "thu ngân sách", "đầu tư công",
           '"tổ theo dõi địa bàn"', "to theo doi dia ban", "ban thường vụ", "kinh tế xã hội", "du lich"]
FILTERS = [{}, {"team": "3"}, {"topic": "dat-dai-gpmb"}, {"kind": "TB"}, {"locality": "Đắk Song"}]
MAX_REQUESTS = 200_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(root: Path, count: int) -> tuple[str, bytes]:
    """A workspace with ``count`` indexed documents, a reader's API token and a PDF to drop."""
    workspace = init_workspace(root)
    write_corpus(workspace.archive, count)
    with workspace.catalog() as catalog:
        rebuild(ArchiveStore(workspace.archive), workspace.index, catalog, workspace.gazetteer, workspace.taxonomy)
    (root / "vanthu.toml").open("a", encoding="utf-8").write("\n[settings]\nstability_delay = 0.5\n")
    with Workspace(root).users() as users:
        users.add("taiki", role="chuyen-vien", password="mat-khau-tai-thu")
        _id, token = users.create_token("taiki", "đo tải")
    subprocess.run([VANTHU, "new", "cong-van", str(EXAMPLES / "cong_van.yaml"), "--pdf", "--home", str(root)],
                   check=True, capture_output=True)
    pdf = next((root / "out").glob("*.pdf")).read_bytes()
    return token, pdf


def _requests(token: str) -> list[bytes]:
    """Every search the clients send, as the bytes of an HTTP/1.1 request, built once."""
    built = []
    for n in range(len(QUERIES) * len(FILTERS)):
        params = {"q": QUERIES[n % len(QUERIES)], **FILTERS[(n // len(QUERIES)) % len(FILTERS)]}
        built.append((f"GET /api/search?{urllib.parse.urlencode(params)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      f"Authorization: Bearer {token}\r\n\r\n").encode())
    return built


def _answer(stream: socket.socket, pending: bytes) -> tuple[int, bytes, bytes]:
    """One response read off a kept-alive connection: status, body, and what followed it."""
    while b"\r\n\r\n" not in pending:
        chunk = stream.recv(65536)
        if not chunk:
            raise ConnectionError("máy chủ đóng kết nối")
        pending += chunk
    head, _, rest = pending.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in lines if line.lower().startswith(b"content-length:"))
    while len(rest) < length:
        chunk = stream.recv(65536)
        if not chunk:
            raise ConnectionError("máy chủ đóng kết nối")
        rest += chunk
    return int(lines[0].split()[1]), rest[:length], rest[length:]


def run_for(threads: list[threading.Thread], stop: threading.Event, seconds: float) -> None:
    """Start the threads, let them work for ``seconds``, then stop them and wait for them."""
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)


def client(port: int, requests: list[bytes], stop: threading.Event, seed: int, latencies: list[float],
           statuses: Counter, errors: list[str]) -> None:
    """A client as light as can be (prebuilt requests, a raw socket): the two cores are shared with the
    server, and a heavier client (http.client) would measure itself as much as the service."""
    stream, pending, n = socket.create_connection(("127.0.0.1", port), timeout=30), b"", seed
    while not stop.is_set() and len(latencies) < MAX_REQUESTS:
        request, n = requests[n % len(requests)], n + 1
        started = time.perf_counter()
        try:
            stream.sendall(request)
            status, body, pending = _answer(stream, pending)
        except (OSError, ValueError, StopIteration) as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
            stream.close()
            stream, pending = socket.create_connection(("127.0.0.1", port), timeout=30), b""
            continue
        latencies.append(time.perf_counter() - started)
        statuses[status] += 1
        if status != 200:
            errors.append(body.decode("utf-8", "replace")[:200])
    stream.close()


def feeder(inbox: Path, pdf: bytes, stop: threading.Event, dropped: list[str]) -> None:
    """One new PDF a second (the same document with a different trailing comment: new content)."""
    while not stop.is_set():
        name = f"den-{len(dropped):04d}.pdf"
        partial = inbox / f".{name}.tmp"
        partial.write_bytes(pdf + f"\n% lần {len(dropped)}\n".encode())
        os.replace(partial, inbox / name)
        dropped.append(name)
        stop.wait(1.0)


def run(count: int, clients: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        started = time.perf_counter()
        token, pdf = prepare(root, count)
        print(f"{count} tài liệu, chỉ mục dựng trong {time.perf_counter() - started:.0f} s")
        port = _free_port()
        server = subprocess.Popen([VANTHU, "serve", "--port", str(port), "--home", str(root)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        _wait(port)
        stop, latencies, statuses, errors, dropped = threading.Event(), [], Counter(), [], []
        requests = _requests(token)
        threads = [threading.Thread(target=client, args=(port, requests, stop, i * 7, latencies, statuses, errors))
                   for i in range(clients)]
        threads.append(threading.Thread(target=feeder, args=(root / "inbox", pdf, stop, dropped)))
        run_for(threads, stop, seconds)
        time.sleep(3)  # the watcher finishes what arrived last
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=90)
        _report(root, latencies, statuses, errors, dropped, clients, seconds, code)


def _wait(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/api/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("vanthu serve không trả lời")


def _report(root: Path, latencies, statuses, errors, dropped, clients, seconds, code) -> None:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[max(0, round(len(ordered) * p) - 1)] * 1000

    with Workspace(root).catalog() as catalog:
        archived = len(catalog.archived())
    left = [p.name for p in (root / "inbox").glob("*.pdf")]
    print(f"{clients} người dùng đồng thời trong {seconds:.0f} s: {len(latencies)} lượt tìm "
          f"({len(latencies) / seconds:.0f}/s); p50 {statistics.median(ordered) * 1000:.1f} ms, "
          f"p95 {pct(0.95):.1f} ms, p99 {pct(0.99):.1f} ms, tối đa {ordered[-1] * 1000:.0f} ms")
    print(f"  mã trả lời: {dict(statuses)}; lỗi: {len(errors)}{' — ' + errors[0] if errors else ''}")
    print(f"  bộ theo dõi: thả {len(dropped)} PDF, đã lưu trữ {archived}, còn trong inbox {len(left)}; "
          f"vanthu serve thoát với mã {code}")
    print(json.dumps({"requests": len(latencies), "p95_ms": round(pct(0.95), 1), "errors": len(errors),
                      "dropped": len(dropped), "archived": archived, "exit": code}))


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:4]]
    documents, users, duration = (arguments + [10_000, 20, 30][len(arguments):])[:3]
    run(documents, users, float(duration))
