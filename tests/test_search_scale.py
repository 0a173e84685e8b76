"""Search at archive scale: the numpy path counts and ranks exactly as a full Whoosh reference does.

A generated archive (bench/corpus.py) of a thousand and more documents, some of
them MẬT, is indexed for real; every benchmark query is run through both paths
(``SearchIndex.vectorised`` on and off) and its total checked against an exact
count of Whoosh's own (``docs_for_query``), after a rebuild, an incremental
commit, deletions and a merge.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date
from pathlib import Path

import pytest
from whoosh import query as wq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from bench_search import QUERIES
from corpus import make_record, write_corpus

from archive.store import ArchiveStore
from docgen.secrecy import CONSOLE, Viewer
from indexer.columns import SUFFIX
from indexer.engine import SearchIndex, _filters
from indexer.gazetteer import localities
from indexer.indexing import index_document, rebuild
from indexer.search import SearchRequest, build_query
from office.workspace import init_workspace

REQUESTS = [r for group in QUERIES.values() for r in group] + [
    SearchRequest(""), SearchRequest("", kind="TB"), SearchRequest("giải ngân", sort="date"),
    SearchRequest("hồ chứa nước", team=2), SearchRequest("du lịch", topic="du-lich"),
    SearchRequest("", locality="Đắk Song", sort="date"), SearchRequest("xyzw không có"),
]
SECRET_EVERY = 7  # every seventh document is MẬT (level 1)


@pytest.fixture(scope="module")
def archive_ws(tmp_path_factory):
    workspace = init_workspace(tmp_path_factory.mktemp("scale") / "ws")
    records = write_corpus(workspace.archive, 1500)  # the benchmark's: its symbol queries find documents
    for record in records[::SECRET_EVERY]:
        record["secrecy"] = "MẬT"
        sidecar = (workspace.archive / record["path"]).with_suffix(".json")
        sidecar.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    with workspace.catalog() as catalog:
        rebuild(ArchiveStore(workspace.archive), workspace.index, catalog, workspace.gazetteer,
                workspace.taxonomy)
    return workspace


def exact_total(index: SearchIndex, query) -> int:
    """Whoosh's own full count: every required term, the filters, each phrase by its positions."""
    searcher = index.reference_searcher()
    parts = [wq.Term(f, t) for f, t in query.required] or [wq.Every()]
    parts += [wq.Phrase(f, words) for f, words in query.phrases]
    return len(set(searcher.docs_for_query(wq.And([*parts, _filters(query)]))))


def answers(workspace, viewer=CONSOLE, facets=True, fast=None):
    fast, reference = fast or workspace.search_index(), workspace.search_index()
    reference.vectorised = False
    for request in REQUESTS:
        query, parsed = build_query(request, workspace.gazetteer, workspace.taxonomy, viewer)
        by_date = request.sort == "date" or parsed.empty
        got = fast.search(query, limit=20, by_date=by_date, facets=facets)
        want = reference.search(query, limit=20, by_date=by_date, facets=facets)
        yield request, query, fast, got, want


def assert_same_as_reference(workspace, kept=None) -> None:
    """Every request's total, top 20 and facets equal to the reference; through ``kept`` (a
    SearchIndex that searched before the index changed, its caches warm) if given."""
    checked = 0
    for request, query, fast, got, want in answers(workspace, fast=kept):
        label = f"{request.text!r} {request.locality or request.team or request.kind or ''}"
        assert got.total == exact_total(fast, query), label
        assert got.total == want.total, label
        assert [(f["id"], round(s, 9)) for f, s in got.rows] == [(f["id"], round(s, 9)) for f, s in want.rows]
        assert got.facets == want.facets, label
        checked += got.total > 0
    # the corpus answers every query but the nonsense one (and, once deleted, a document's own symbol)
    assert checked >= len(REQUESTS) - 1 - len(QUERIES["symbol"])


def test_totals_are_exact_and_the_top_20_are_whooshs(archive_ws):
    assert_same_as_reference(archive_ws)


def test_the_whoosh_reference_counts_every_match_too(archive_ws):
    for _, query, fast, _, want in answers(archive_ws, facets=False):
        assert want.total == exact_total(fast, query)


def test_each_segment_has_its_numpy_copy_beside_it(archive_ws):
    index = archive_ws.search_index()
    index._current()
    files = sorted(path.name for path in archive_ws.index.glob(f"*{SUFFIX}"))
    assert len(files) == len(index._leaves) >= 1
    assert index.write_arrays() == 0  # nothing left to write


def test_a_viewer_cleared_for_ordinary_documents_never_sees_a_secret_one(archive_ws):
    everyone, ordinary = Viewer("a", 3), Viewer("b", 0)
    index = archive_ws.search_index()
    for request in REQUESTS[:8]:
        query, parsed = build_query(request, archive_ws.gazetteer, archive_ws.taxonomy, ordinary)
        hits = index.search(query, limit=1000, by_date=parsed.empty, facets=True)
        assert hits.rows and all(fields["secrecy"] == "0" for fields, _ in hits.rows)
        assert hits.total == len(hits.rows) == sum(hits.facets["kind"].values())
        query.levels = [1, 2, 3]  # the corpus's own secret documents are of every level
        secret = index.search(query, limit=1000, by_date=parsed.empty, facets=True)
        assert secret.total and all(fields["secrecy"] in "123" for fields, _ in secret.rows)
        query.levels = everyone.levels
        both = index.search(query, limit=20, by_date=parsed.empty, facets=True)
        assert both.total == hits.total + secret.total
        query.levels = []
        assert index.search(query, limit=20, by_date=parsed.empty, facets=True).total == 0


def test_incremental_commits_deletions_and_merges_stay_exact(archive_ws):
    """Last in this module: it changes the shared index."""
    pool, rng = list(localities()), random.Random(99)
    index = SearchIndex(archive_ws.index)
    kept = archive_ws.search_index()  # as the service's: its caches outlive each change of the index
    kept.warm([[0], [0, 1, 2, 3]])
    assert_same_as_reference(archive_ws, kept)
    extra = [make_record(5000 + i, rng, pool, date(2026, 1, 1)) for i in range(120)]
    index.add(index_document(r, archive_ws.gazetteer, archive_ws.taxonomy) for r in extra)
    assert_same_as_reference(archive_ws)  # a new small segment
    assert_same_as_reference(archive_ws, kept)  # the old segments' caches kept, the new one's made

    searcher = index.reference_searcher()
    doomed = [searcher.stored_fields(n)["id"] for n in range(0, 1500, 3)]
    with index.writer() as writer:
        for key in doomed:
            writer.delete_by_term("id", key)
    assert_same_as_reference(archive_ws)  # deletions masked in old segments
    assert_same_as_reference(archive_ws, kept)  # their masks made again
    assert index.search(build_query(SearchRequest(""), archive_ws.gazetteer, archive_ws.taxonomy,
                                    CONSOLE)[0], limit=1, by_date=True).total == 1500 + 120 - len(doomed)

    index._open().optimize()  # one merged segment, whose numpy copy is made when first searched
    assert_same_as_reference(archive_ws)
    assert_same_as_reference(archive_ws, kept)
    assert index.write_arrays() == 0  # made by the search, and the merged segments' copies dropped
    assert len(list(archive_ws.index.glob(f"*{SUFFIX}"))) == 1
