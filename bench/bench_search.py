"""Benchmark of search: index a synthetic archive, run a fixed mix of queries, compare with FTS5.

Run with ``make bench`` (10,000 documents) or ``python bench/bench_search.py 100000``;
``--workspace DIR`` keeps the indexed archive in DIR and reuses it on the next run (a
100,000-document rebuild takes minutes). Prints figures; asserts nothing. Query times are
the engine's (query built, index searched, total counted, top 20 fetched); FTS5 does the
same work: MATCH, count and top 20. Both are timed *warm*, as the long-running service
runs them: each query once untimed, then REPEATS timed runs; the first run of each query
in the process (a rare term read from Whoosh, the filter mask built) is printed apart.
Then: whether each total equals FTS5's count, a fresh process's search (index opened
included), ``vanthu search`` and ``vanthu --help`` as a clerk starts them (from bytecode,
as an installed package is), the numpy copy's size, the memory of the process and the
ranking quality set (bench/quality.py).
"""

from __future__ import annotations

import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus_records, write_corpus
from quality import report as quality_report

from archive.store import ArchiveStore
from docgen.secrecy import CONSOLE
from indexer.analyzer import fold_syllable, syllables
from indexer.indexing import rebuild
from indexer.search import SearchRequest, build_query
from office.workspace import Workspace, init_workspace

REPEATS = 5
PACKAGES = ("vanthu", "docgen", "archive", "indexer", "digest", "access", "web")
QUERIES = {
    "term": [SearchRequest("giải ngân"), SearchRequest("bồi thường"), SearchRequest("du khách"),
             SearchRequest("trạm y tế"), SearchRequest("nợ đọng"), SearchRequest("cà phê")],
    "phrase": [SearchRequest('"giải phóng mặt bằng"'), SearchRequest('"đầu tư công"'),
               SearchRequest('"Tổ theo dõi địa bàn"'), SearchRequest('"thu ngân sách nhà nước"'),
               SearchRequest('"chuyển đổi số"'), SearchRequest('"trách nhiệm người đứng đầu"')],
    "accentless": [SearchRequest("giai phong mat bang"), SearchRequest("thu ngan sach"),
                   SearchRequest("chuyen doi so"), SearchRequest("cai cach hanh chinh"),
                   SearchRequest("to theo doi dia ban"), SearchRequest("du lich")],
    "filtered": [SearchRequest("đầu tư công", locality="Đắk Song"),
                 SearchRequest("giải phóng mặt bằng", team=3),
                 SearchRequest("thu ngân sách", kind="TB"),
                 SearchRequest("chuyển đổi số", locality="Phú Quý"),
                 SearchRequest("cải cách hành chính", team=7),
                 SearchRequest("du lịch", kind="KL")],
    "listing": [SearchRequest("", locality="Đắk Song"), SearchRequest("", team=3),
                SearchRequest("", kind="TB"), SearchRequest("", locality="Phú Quý"),
                SearchRequest("", team=7), SearchRequest("", kind="KL")],
}


def fts_fold(text: str) -> str:
    """FTS5's remove_diacritics does not fold đ; do it by hand, as the issue says."""
    return text.replace("đ", "d").replace("Đ", "D")


def _codes(workspace, text: str) -> str:
    return "," + ",".join(loc.code for loc in workspace.gazetteer.find(text)) + ","


def build_fts(path: Path, workspace, records: list[dict]) -> float:
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(body, localities UNINDEXED, kind UNINDEXED, "
                 "tokenize = 'unicode61 remove_diacritics 2')")
    started = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO docs (rowid, body, localities, kind) VALUES (?, ?, ?, ?)", (
            (i, fts_fold(f"{r['subject']}\n{r['text']}"),
             _codes(workspace, f"{r['subject']}\n{r['text']}"),
             r["kind"]) for i, r in enumerate(records)))
    elapsed = time.perf_counter() - started
    conn.close()
    return len(records) / elapsed


def fts_sql(request: SearchRequest, workspace) -> tuple[str, list]:
    text = request.text
    quoted = text.startswith('"')
    words = [fold_syllable(s) for s in syllables(text)]
    match = '"' + " ".join(words) + '"' if quoted else " AND ".join(words)
    where, params = (["docs MATCH ?"], [match]) if words else (["1"], [])
    codes: list[str] = []
    if request.locality:
        codes = [workspace.gazetteer.resolve(request.locality).code]
    if request.team is not None:
        codes = [loc.code for loc in workspace.gazetteer.team_localities(request.team)]
    if codes:
        where.append("(" + " OR ".join("localities LIKE ?" for _ in codes) + ")")
        params += [f"%,{code},%" for code in codes]
    if request.kind:
        where.append("kind = ?")
        params.append(request.kind)
    return " AND ".join(where), params


def fts_totals(path: Path, workspace) -> dict[str, int]:
    conn = sqlite3.connect(path)
    totals = {}
    for requests in QUERIES.values():
        for request in requests:
            where, params = fts_sql(request, workspace)
            count = conn.execute(f"SELECT count(*) FROM docs WHERE {where}", params).fetchone()[0]
            totals[_label(request)] = count
    conn.close()
    return totals


def _label(request: SearchRequest) -> str:
    return request.text + str(request.locality or request.team or request.kind or "")


def time_fts(path: Path, workspace) -> dict[str, list[float]]:
    conn = sqlite3.connect(path)
    timings: dict[str, list[float]] = {}
    for kind, requests in QUERIES.items():
        for repeat in range(REPEATS + 1):
            for request in requests:
                where, params = fts_sql(request, workspace)
                started = time.perf_counter()
                conn.execute(f"SELECT count(*) FROM docs WHERE {where}", params).fetchone()
                order = "rank" if request.text else "rowid DESC"  # a listing: newest first
                top = f"SELECT rowid FROM docs WHERE {where} ORDER BY {order} LIMIT 20"
                conn.execute(top, params).fetchall()
                if repeat:  # the first run of each query warms SQLite's page cache
                    timings.setdefault(kind, []).append(time.perf_counter() - started)
    conn.close()
    return timings


def time_vanthu(workspace) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, int]]:
    """Warm timings per type, the first run of each query apart (in a new searcher), the totals."""
    index = workspace.search_index()
    timings: dict[str, list[float]] = {}
    first: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for kind, requests in QUERIES.items():
        for repeat in range(REPEATS + 1):
            for request in requests:
                started = time.perf_counter()
                query, parsed = build_query(request, workspace.gazetteer, workspace.taxonomy, CONSOLE)
                hits = index.search(query, limit=20, by_date=parsed.empty)
                (timings if repeat else first).setdefault(kind, []).append(time.perf_counter() - started)
                totals[_label(request)] = hits.total
    index.close()
    return timings, first, totals


FRESH = """
import sys, time
started = time.perf_counter()
from docgen.secrecy import CONSOLE
from indexer.search import SearchRequest, build_query
from office.workspace import Workspace
workspace = Workspace.locate(__import__("pathlib").Path(sys.argv[1]))
request = SearchRequest(**eval(sys.argv[2]))
imported, cpu = time.perf_counter(), time.process_time()
query, parsed = build_query(request, workspace.gazetteer, workspace.taxonomy, CONSOLE)
hits = workspace.search_index().search(query, limit=20, by_date=parsed.empty)
print(imported - started, time.perf_counter() - imported, time.process_time() - cpu)
"""


def time_fresh(workspace) -> tuple[list[float], list[float], list[float]]:
    """Each query in a new process: imports apart, then index opened, query built, searched (wall
    time, and CPU time: on a shared machine the wall time counts the other processes' turns too)."""
    imports, searches, cpus = [], [], []
    for requests in QUERIES.values():
        for request in requests:
            fields = {"text": request.text, "locality": request.locality, "team": request.team,
                      "kind": request.kind}
            done = subprocess.run([sys.executable, "-c", FRESH, str(workspace.root), repr(fields)],
                                  capture_output=True, text=True, check=True)
            a, b, c = map(float, done.stdout.split())
            imports.append(a)
            searches.append(b)
            cpus.append(c)
    return imports, searches, cpus


def time_commands(workspace, runs: int = 5) -> dict[str, list[float]]:
    """Wall time of the commands as typed at a terminal, process start included, from bytecode as pip
    leaves an installed package (an editable install where PYTHONDONTWRITEBYTECODE is set would
    compile every module of vanthu in every process: about 0.1 s more)."""
    project = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(project / p) for p in PACKAGES)],
                   capture_output=True, check=True)
    vanthu = str(Path(sys.executable).with_name("vanthu"))
    commands = {"vanthu --help": [vanthu, "--help"],
                "vanthu search": [vanthu, "search", "giải phóng mặt bằng", "--home", str(workspace.root)]}
    timings: dict[str, list[float]] = {}
    for name, command in commands.items():
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            timings.setdefault(name, []).append(time.perf_counter() - started)
    return timings


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(len(ordered) * 0.95) - 1)]


def extras(fts: Path, workspace, records: list[dict], totals: dict[str, int]) -> None:
    """Exactness, size, memory, a fresh process, the commands at a terminal, ranking quality."""
    expected = fts_totals(fts, workspace)
    equal = sum(totals[label] == count for label, count in expected.items())
    print(f"  totals equal to FTS5's count: {equal} of {len(expected)}"
          + "".join(f"\n    {label}: {totals[label]} vs {count}" for label, count in expected.items()
                    if totals[label] != count))
    disk = sum(p.stat().st_size for p in workspace.index.glob("*.vanthu-postings"))
    whoosh = sum(p.stat().st_size for p in workspace.index.iterdir()) - disk
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  index: Whoosh {whoosh / 2**20:.0f} MB, numpy copy {disk / 2**20:.0f} MB; "
          f"bench process peak RSS {rss:.0f} MB")
    imports, searches, cpus = time_fresh(workspace)
    print(f"  fresh process: search p50 {statistics.median(searches) * 1000:.0f} ms "
          f"p95 {p95(searches) * 1000:.0f} ms (index opened, query built, searched; CPU time p50 "
          f"{statistics.median(cpus) * 1000:.0f} ms p95 {p95(cpus) * 1000:.0f} ms); "
          f"imports p50 {statistics.median(imports) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}")
    for name, values in time_commands(workspace).items():
        print(f"  {name:<14} wall p50 {statistics.median(values):.2f} s, best {min(values):.2f} s; "
              f"load average {os.getloadavg()[0]:.1f}")
    quality_report(workspace, records)


def prepared(root: Path, count: int) -> tuple[object, list[dict]]:
    """The indexed archive at ``root``: built (and its rebuild timed) unless a run left it there."""
    if (root / "index").is_dir():
        print(f"{count} documents: the archive and its index as a run left them in {root}")
        workspace, records = Workspace(root), corpus_records(count)
        if not (root / "fts.sqlite3").is_file():
            build_fts(root / "fts.sqlite3", workspace, records)
        return workspace, records
    workspace = init_workspace(root)
    records = write_corpus(workspace.archive, count)
    catalog = workspace.catalog()
    started = time.perf_counter()
    rebuild(ArchiveStore(workspace.archive), workspace.index, catalog, workspace.gazetteer,
            workspace.taxonomy)
    elapsed = time.perf_counter() - started
    catalog.close()
    fts_rate = build_fts(root / "fts.sqlite3", workspace, records)
    print(f"{count} documents: vanthu index rebuild {count / elapsed:.0f} docs/s "
          f"({elapsed:.0f} s, load average {os.getloadavg()[0]:.1f}), FTS5 insert {fts_rate:.0f} docs/s")
    return workspace, records


def run(root: Path, count: int) -> None:
    workspace, records = prepared(root, count)
    print(f"  load average {os.getloadavg()[0]:.1f} before the queries")
    ours, first, totals = time_vanthu(workspace)
    theirs = time_fts(root / "fts.sqlite3", workspace)
    for kind in QUERIES:
        a50, a95 = statistics.median(ours[kind]) * 1000, p95(ours[kind]) * 1000
        b50, b95 = statistics.median(theirs[kind]) * 1000, p95(theirs[kind]) * 1000
        print(f"  {kind:<10} vanthu p50 {a50:6.1f} ms p95 {a95:6.1f} ms | FTS5 p50 {b50:6.1f} ms "
              f"p95 {b95:6.1f} ms | p95 ratio {a95 / b95:4.2f}x | first run max {max(first[kind]) * 1000:5.1f} ms")
    print(f"  hits per query: {min(totals.values())}…{max(totals.values())}; "
          f"load average {os.getloadavg()[0]:.1f} after the queries")
    extras(root / "fts.sqlite3", workspace, records, totals)


def main(argv: list[str]) -> None:
    keep = argv.index("--workspace") if "--workspace" in argv else None
    numbers = [a for i, a in enumerate(argv) if keep is None or i not in (keep, keep + 1)]
    count = int(numbers[0]) if numbers else 10_000
    if keep is not None:
        run(Path(argv[keep + 1]), count)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp) / "ws", count)


if __name__ == "__main__":
    main(sys.argv[1:])
