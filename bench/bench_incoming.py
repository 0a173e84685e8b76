"""The incoming register's speed: registering an archived document, and the register listed at 10,000 rows.

``python bench/bench_incoming.py [ROWS] [DOCUMENTS]`` builds a workspace in a temporary folder: DOCUMENTS letters of
other bodies (tests/incoming_papers.py, fpdf2 with a text layer) archived through ``vanthu ingest``, each then
registered through ``office.incoming.register_incoming`` (the service's and the CLI's function: the archive's
record read, the deadline found in the text, the số đến given and the row written in one transaction, fsynced);
then the register filled to ROWS rows and listed as ``vanthu incoming list --json`` and the Văn bản đến page
list it (all rows; the page's first 50 and its counts). Aims: a registration ≤ 20 ms, the list ≤ 50 ms.
A registration's COMMIT waits for one fsync of the database's log (``synchronous=FULL``): on a slow disk, that
alone is most of it, and the figure says as much about the disk as about vanthu.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from incoming_papers import Letter, letter_pdf

from docgen.secrecy import CONSOLE, Viewer
from incoming.arrivals import Arrival
from incoming.book import Filters
from incoming.rows import Actor
from office import incoming
from office.workspace import Workspace, init_workspace


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, round(len(ordered) * 0.95) - 1)]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"


def _archive(workspace: Workspace, count: int) -> list[str]:
    from click.testing import CliRunner

    from vanthu.cli import cli

    day = date.today() - timedelta(days=3)
    for n in range(count):
        letter = Letter(["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], f"{4000 + n}/UBND-TH", day,
                        [f"V/v báo cáo chuyên đề số {n + 1}"],
                        [f"Đề nghị Văn phòng Tỉnh ủy gửi báo cáo chuyên đề số {n + 1} trước ngày "
                         f"{date.today() + timedelta(days=10):%d/%m/%Y}."])
        (workspace.inbox / f"{n:04d}.pdf").write_bytes(letter_pdf(letter))
    result = CliRunner().invoke(cli, ["ingest", str(workspace.inbox), "--home", str(workspace.root)])
    assert result.exit_code == 0, result.output
    with workspace.catalog() as catalog:
        return [row.id for row in catalog.archived()]


def registering(workspace: Workspace, keys: list[str]) -> list[float]:
    actor, times = Actor("bench"), []
    incoming.register_incoming(workspace, keys[0], CONSOLE, actor)  # imports and first opens, untimed
    for key in keys[1:]:
        start = time.perf_counter()
        incoming.register_incoming(workspace, key, CONSOLE, actor)
        times.append(time.perf_counter() - start)
    return times


def fill(workspace: Workspace, rows: int) -> None:
    """The register made ROWS rows long (a year of a large office is a few thousand), in one go."""
    with workspace.incoming_book() as book:
        book.conn.execute("PRAGMA synchronous = OFF")  # the filling is not what is measured
        for n in range(rows):
            symbol = f"{n + 1}/SNV-VP"
            arrival = Arrival(f"x{n:011d}", f"sha{n}", symbol, "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG SỞ NỘI VỤ", "CV",
                              "Công văn", "2026-03-02", f"V/v nội dung số {n + 1}", "MẬT" if n % 50 == 0 else "",
                              "KHẨN" if n % 40 == 0 else "", "điện tử", f"{symbol}|2026",
                              due_proposed="2026-04-01")
            book.register(arrival, 1 if n % 50 == 0 else 0, received="2026-03-03T08:00", who="bench")


def timed(call, repeat: int = 15) -> list[float]:
    call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    documents = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    with tempfile.TemporaryDirectory(prefix="bench-incoming-") as folder:
        workspace = init_workspace(Path(folder) / "ws")
        keys = _archive(workspace, documents)
        # The service keeps its users' connection open in every thread, so no request closes the database's
        # last connection (which checkpoints the log): the benchmark holds one open likewise.
        held = workspace.users()
        start = time.perf_counter()
        fill(workspace, rows)
        print(f"(sổ có {rows:,} dòng sau {time.perf_counter() - start:.1f} s)")
        print(f"Vào sổ từ bản ghi lưu trữ, {len(keys) - 1} văn bản, sổ đã có {rows:,} dòng: "
              f"{_ms(registering(workspace, keys))} (mục tiêu ≤ 20 ms)")
        staff = Viewer("bench", 0)
        cases = {
            f"incoming list --json, cả {rows:,} dòng (được xem mọi độ mật)":
                lambda: incoming.incoming_list(workspace, CONSOLE),
            f"cả {rows:,} dòng, người không được xem văn bản mật":
                lambda: incoming.incoming_list(workspace, staff),
            "trang Văn bản đến: 50 dòng đầu và số đếm":
                lambda: (incoming.incoming_list(workspace, CONSOLE, Filters(limit=51)),
                         incoming.incoming_counts(workspace, CONSOLE, None)),
            "GET /api/incoming: 100 dòng đầu": lambda: incoming.incoming_list(workspace, CONSOLE, Filters(limit=100)),
            "lọc quá hạn": lambda: incoming.incoming_list(workspace, CONSOLE, Filters(overdue=True)),
        }
        for name, call in cases.items():
            print(f"{name}: {_ms(timed(call))} (mục tiêu ≤ 50 ms)")
        held.close()


if __name__ == "__main__":
    main()
