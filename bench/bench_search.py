"""Benchmark of search: vanthu, tantivy and FTS5 side by side, on the same corpus, at the same moment.

``python bench/bench_search.py [N] [--workspace DIR] [--runs R] [--unseen U] [--fts5-runs F]``
(``make bench``: 10,000 documents). ``--workspace DIR`` keeps the corpus, the three indexes and their
build figures in DIR and reuses them (a 100,000-document build takes minutes); ``--runs 0`` builds
only; ``--fts5-runs`` gives FTS5 fewer runs (at 100,000 documents its answer with facets takes a
large part of a second: 200 runs of 42 queries would take most of an hour). The corpus is ``bench/corpus.py``'s, about
10% of it secret; every query is asked by a viewer without clearance, and every engine answers what
the search page asks (``bench/search_engines.py``): the exact total, the top 20 with their stored
fields, and the facet counts.

What it measures, every engine in the same run:
- **warm**: each query once untimed, then R runs (200) per query and engine, interleaved query by
  query (the engines' turns rotate every round), p50 and p95 per query type;
- **unseen**: U runs (30) per query and engine, each after the engine's caches of earlier queries
  were dropped (vanthu's filter masks, phrase checks, term statistics and rare terms read; a new
  tantivy searcher; a new SQLite connection), the operating system's page cache kept warm for all;
- **cold**: each query in a new process (interpreter start, imports, index opened, answered), and
  ``vanthu search`` as typed at a terminal;
- the checks that the engines answer alike: every total equal, the same dates in the same order in
  the top 20 of every listing, every facet count equal;
- each index's size, build time and peak memory (RSS), and each engine's RSS after the query mix;
- the load average with every figure (the machine is shared: interleaving keeps the comparison fair).
Ranking quality follows (``bench/quality.py``).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus_records
from search_engines import ENGINES, FTS5, Answer, Tantivy, documents, resolver

from docgen.secrecy import Viewer
from indexer.search import SearchRequest

FIRST = corpus_records(30)
VIEWER = Viewer("staff", 0)  # cleared for ordinary documents only: ~10% of the corpus is hidden
RUNS, UNSEEN = 200, 30
PACKAGES = ("vanthu", "office", "docgen", "archive", "indexer", "digest", "access", "web")
QUERIES = {
    "term": [SearchRequest("giải ngân"), SearchRequest("bồi thường"), SearchRequest("du khách"),
             SearchRequest("trạm y tế"), SearchRequest("nợ đọng"), SearchRequest("cà phê")],
    "rare": [SearchRequest("kè chống sạt lở"), SearchRequest("chợ trung tâm"), SearchRequest("trạm bơm"),
             SearchRequest("cầu dân sinh"), SearchRequest("hồ chứa nước"), SearchRequest("đường vành đai")],
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
                SearchRequest("", team=7), SearchRequest("")],
    # The symbols of three of the corpus's first documents (one hit each), and three symbols they cite
    # (a few hits in 10,000): the first records are the same whatever the corpus's size.
    "symbol": [SearchRequest(r["symbol"]) for r in FIRST[1:30:10]]
              + [SearchRequest("Kết luận " + re.search(r"Kết luận số (\S+),", r["text"]).group(1))
                 for r in FIRST[5:30:10]],
}


def load() -> str:
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def p95(values: list[float]) -> float:
    """The 95th percentile, the nearest rank (of 200 samples: the 190th)."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def child(arguments: list[str]) -> tuple[str, float, float]:
    """Run this file in a new process; its output, wall time and peak RSS (MB, its own processes')."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, *arguments], stdout=subprocess.PIPE, text=True)
    out = process.stdout.read() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{arguments} failed")
    return out, time.perf_counter() - started, usage.ru_maxrss / 1024


def build_one(engine: str, root: Path, count: int) -> None:
    """In a child process: build one engine's index from the corpus."""
    if engine == "vanthu":
        from corpus import write_corpus

        from archive.store import ArchiveStore
        from indexer.indexing import rebuild
        from office.workspace import init_workspace

        workspace = init_workspace(root)
        write_corpus(workspace.archive, count)
        started = time.perf_counter()
        with workspace.catalog() as catalog:
            rebuild(ArchiveStore(workspace.archive), workspace.index, catalog, workspace.gazetteer,
                    workspace.taxonomy)
        print(time.perf_counter() - started)
    elif engine == "analysis":
        started = time.perf_counter()
        sum(1 for _ in documents(root))
        print(time.perf_counter() - started)
    else:
        started = time.perf_counter()
        (Tantivy if engine == "tantivy" else FTS5).build(root)
        print(time.perf_counter() - started)


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def builds(root: Path, count: int) -> dict:
    """Each index built (or as a run left it), with its build time, peak RSS and size."""
    record = root / "builds.json"
    figures = json.loads(record.read_text()) if record.is_file() else {}
    steps = {"vanthu": root / "index", "analysis": root / "documents.jsonl", "tantivy": root / "tantivy",
             "FTS5": root / "fts5.sqlite3"}
    for name, path in steps.items():
        if name not in figures or not path.exists():
            out, wall, rss = child(["--build", name, str(root), str(count)])
            figures[name] = {"seconds": float(out.split()[-1]), "wall": wall, "rss": rss, "load": load()}
            record.write_text(json.dumps(figures, indent=1))
        figures[name]["bytes"] = size(path)
    return figures


def agree(answers: dict[str, Answer], request: SearchRequest) -> list[str]:
    """What differs between the engines' answers: totals, listing dates, facet counts."""
    problems: list[str] = []
    first, want = next(iter(answers.items()))
    for name, got in answers.items():
        if got.total != want.total:
            problems.append(f"total {name} {got.total} ≠ {first} {want.total}")
        if not request.text and got.dates != want.dates:
            problems.append(f"listing dates {name} ≠ {first}")
        for facet, counts in want.facets.items():
            if {k: v for k, v in got.facets.get(facet, {}).items() if v} != counts:
                problems.append(f"facet {facet} {name} ≠ {first}")
    return problems


def check(engines: dict) -> int:
    mismatches = 0
    for group in QUERIES.values():
        for request in group:
            problems = agree({name: engine.answer(request, VIEWER) for name, engine in engines.items()}, request)
            for problem in problems:
                print(f"    MISMATCH {request.text!r} {request.locality or request.team or request.kind or ''}: "
                      f"{problem}")
            mismatches += len(problems)
    return mismatches


def timed(engines: dict, runs: int, unseen: bool, fewer: dict[str, int]) -> dict[str, dict[str, list[float]]]:
    """Per engine and query type, every run's time; the engines' turns rotate every round (an engine
    given ``fewer`` runs takes its turns in the first rounds only)."""
    times: dict[str, dict[str, list[float]]] = {name: {kind: [] for kind in QUERIES} for name in engines}
    order = list(engines)
    for kind, group in QUERIES.items():
        for request in group:
            for engine in engines.values():
                engine.answer(request, VIEWER)
            for round_ in range(runs):
                for name in order[round_ % len(order):] + order[:round_ % len(order)]:
                    if round_ >= fewer.get(name, runs):
                        continue
                    engine = engines[name]
                    if unseen:
                        engine.forget()
                    started = time.perf_counter()
                    engine.answer(request, VIEWER)
                    times[name][kind].append(time.perf_counter() - started)
    return times


COLD = """
import sys
sys.path.insert(0, sys.argv[1])
from corpus import corpus_records
from search_engines import ENGINES
name, root, fields, codes = sys.argv[2], __import__("pathlib").Path(sys.argv[3]), eval(sys.argv[4]), eval(sys.argv[5])
if name == "vanthu":
    from docgen.secrecy import Viewer
    from indexer.search import SearchRequest
    request, viewer = SearchRequest(**fields), Viewer("staff", 0)
else:  # nothing of vanthu's but the analyzer: the filters come as locality codes
    from types import SimpleNamespace
    request, viewer = SimpleNamespace(**fields), SimpleNamespace(levels=[0])
ENGINES[name](root, lambda request: codes).answer(request, viewer)
"""


def cold(root: Path) -> dict[str, list[float]]:
    """Each query in a new process per engine, the engines in turn: wall time from the process's
    start (interpreter, imports, index opened, answered) to its end."""
    times: dict[str, list[float]] = {name: [] for name in ENGINES}
    resolve = resolver(root)
    for group in QUERIES.values():
        for request in group:
            fields = vars(request)
            for name in ENGINES:
                started = time.perf_counter()
                subprocess.run([sys.executable, "-c", COLD, str(Path(__file__).parent), name, str(root),
                                repr(fields), repr(resolve(request))], check=True, capture_output=True)
                times[name].append(time.perf_counter() - started)
    return times


def commands(root: Path, runs: int = 15) -> dict[str, list[float]]:
    """``vanthu search`` and ``vanthu --help`` as typed at a terminal, from bytecode as pip leaves an
    installed package (where PYTHONDONTWRITEBYTECODE is set an editable install would compile vanthu's
    modules in every process)."""
    project = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(project / p) for p in PACKAGES)],
                   capture_output=True, check=True)
    vanthu = str(Path(sys.executable).with_name("vanthu"))
    typed = {"vanthu --help": [vanthu, "--help"],
             "vanthu search": [vanthu, "search", "giải phóng mặt bằng", "--home", str(root)]}
    times: dict[str, list[float]] = {name: [] for name in typed}
    for _ in range(runs):
        for name, command in typed.items():
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times[name].append(time.perf_counter() - started)
    return times


MIX = """
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from corpus import corpus_records
from search_engines import ENGINES
from types import SimpleNamespace
name, root, asked = sys.argv[2], __import__("pathlib").Path(sys.argv[3]), json.load(sys.stdin)
codes = {}
engine = ENGINES[name](root, lambda request: codes[request.text, request.locality, request.team])
if name == "vanthu":
    from docgen.secrecy import Viewer
    from indexer.search import SearchRequest
    make, viewer = SearchRequest, Viewer("staff", 0)
else:
    make, viewer = lambda **fields: SimpleNamespace(**fields), SimpleNamespace(levels=[0])
for fields, found in asked:
    codes[fields["text"], fields["locality"], fields["team"]] = found
    engine.answer(make(**fields), viewer)
# the peak of this process's own memory (ru_maxrss would keep that of the process it was forked from)
print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024)
"""


def memory(root: Path) -> dict[str, float]:
    """Each engine's peak RSS (MB) in a process that answered every query once (importing, as in a
    cold process, nothing of vanthu's but the analyzer for tantivy and FTS5)."""
    resolve = resolver(root)
    asked = json.dumps([(vars(r), resolve(r)) for group in QUERIES.values() for r in group], default=str)
    return {name: float(subprocess.run([sys.executable, "-c", MIX, str(Path(__file__).parent), name, str(root)],
                                       input=asked, check=True, capture_output=True, text=True).stdout)
            for name in ENGINES}


def ms(values: list[float], share: float | None = None) -> str:
    return f"{(p95(values) if share else statistics.median(values)) * 1000:.2f}"


def table(warm: dict, unseen: dict) -> None:
    names = list(warm)
    print("  query type | " + " | ".join(f"{n} warm p50/p95 | {n} unseen p50/p95" for n in names))
    for kind in QUERIES:
        cells = [f"{ms(warm[n][kind])} / {ms(warm[n][kind], 95)} | {ms(unseen[n][kind])} / "
                 f"{ms(unseen[n][kind], 95)}" for n in names]
        print(f"  {kind:<10} | " + " | ".join(cells))
    for mode, figures in (("warm", warm), ("unseen", unseen)):
        behind = [f"{kind} {p95(figures['vanthu'][kind]) / p95(figures['tantivy'][kind]):.2f}×"
                  for kind in QUERIES]
        print(f"  vanthu p95 / tantivy p95, {mode}: " + ", ".join(behind))


def run(root: Path, count: int, runs: int, unseen_runs: int, chosen: list[str], fts5_runs: int) -> None:
    from quality import report as quality_report

    from office.workspace import Workspace

    print(f"{count} documents in {root}; load average {load()}")
    for name, figures in builds(root, count).items():
        print(f"  build {name:<8} {figures['seconds']:7.1f} s (wall {figures['wall']:.1f} s), peak RSS "
              f"{figures['rss']:6.0f} MB, size {figures['bytes'] / 2**20:7.1f} MiB; load {figures['load']}")
    if not runs:
        return  # --runs 0: the builds only
    engines = {name: ENGINES[name](root) for name in chosen}
    print(f"  engines agree on every query: {check(engines)} mismatches; load {load()}")
    fewer = {"FTS5": fts5_runs} if fts5_runs < runs else {}
    warm = timed(engines, runs, unseen=False, fewer=fewer)
    print(f"  warm: {runs} runs per query and engine{f' ({fts5_runs} for FTS5)' if fewer else ''}; "
          f"load {load()}")
    unseen = timed(engines, unseen_runs, unseen=True, fewer={k: min(v, unseen_runs) for k, v in fewer.items()})
    print(f"  unseen: {unseen_runs} runs per query and engine; load {load()}")
    table(warm, unseen)
    started = load()
    for name, values in cold(root).items():
        print(f"  cold process {name:<8} p50 {ms(values)} ms, p95 {ms(values, 95)} ms")
    for name, values in commands(root).items():
        print(f"  {name:<14} p50 {ms(values)} ms, p95 {ms(values, 95)} ms, best {min(values) * 1000:.0f} ms")
    print(f"  (cold runs: load {started} before, {load()} after)")
    print("  peak RSS after the query mix: " + ", ".join(f"{n} {v:.0f} MB" for n, v in memory(root).items()))
    (root / f"results-{count}.json").write_text(json.dumps({"warm": warm, "unseen": unseen, "load": load()}))
    quality_report(Workspace(root), corpus_records(count))


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--build":
        build_one(argv[1], Path(argv[2]), int(argv[3]))
        return
    options = {"--workspace": None, "--runs": str(RUNS), "--unseen": str(UNSEEN), "--engines": ",".join(ENGINES),
               "--fts5-runs": None}
    numbers = []
    arguments = iter(argv)
    for argument in arguments:
        if argument in options:
            options[argument] = next(arguments)
        else:
            numbers.append(argument)
    count = int(numbers[0]) if numbers else 10_000
    runs, unseen = int(options["--runs"] or RUNS), int(options["--unseen"] or UNSEEN)
    chosen = [name for name in ENGINES if name in (options["--engines"] or "").split(",")]
    fts5 = int(options["--fts5-runs"] or runs)
    if options["--workspace"]:
        run(Path(options["--workspace"]), count, runs, unseen, chosen, fts5)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(Path(tmp) / "ws", count, runs, unseen, chosen, fts5)


if __name__ == "__main__":
    main(sys.argv[1:])
