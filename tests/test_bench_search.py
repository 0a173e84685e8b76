"""The search benchmark's engines answer alike: what bench/bench_search.py checks at 10,000 and
100,000 documents, asserted on a small corpus.

vanthu, tantivy and FTS5 index the same corpus (about one document in ten secret) and a viewer
without clearance asks each benchmark query: every total must be equal, a listing's top 20 must
have the same dates in the same order, every facet count must be equal. A benchmark whose engines
answered differently would compare different work.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from bench_search import QUERIES, VIEWER, agree
from corpus import write_corpus
from search_engines import ENGINES, FTS5, Tantivy

from archive.store import ArchiveStore
from indexer.indexing import rebuild
from office.workspace import init_workspace


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    workspace = init_workspace(tmp_path_factory.mktemp("bench") / "ws")
    records = write_corpus(workspace.archive, 600)  # the benchmark's corpus
    assert 30 < sum(bool(r["secrecy"]) for r in records) < 90  # about one in ten
    with workspace.catalog() as catalog:
        rebuild(ArchiveStore(workspace.archive), workspace.index, catalog, workspace.gazetteer,
                workspace.taxonomy)
    Tantivy.build(workspace.root, threads=1)
    FTS5.build(workspace.root)
    return {name: engine(workspace.root) for name, engine in ENGINES.items()}


@pytest.mark.parametrize("kind", list(QUERIES))
def test_the_engines_agree_on_totals_listing_order_and_facets(engines, kind):
    for request in QUERIES[kind]:
        answers = {name: engine.answer(request, VIEWER) for name, engine in engines.items()}
        assert agree(answers, request) == [], request
        assert all(hit["secrecy"] == "0" for answer in answers.values() for hit in answer.hits)


def test_the_corpus_answers_every_kind_of_query(engines):
    vanthu = engines["vanthu"]
    for kind, requests in QUERIES.items():
        found = [vanthu.answer(request, VIEWER).total for request in requests]
        assert sum(bool(total) for total in found) >= len(found) - 1, (kind, found)


def test_a_difference_is_seen(engines):
    """The check itself: a total, a listing's dates, a facet count that differ are each reported."""
    request = QUERIES["listing"][0]
    answers = {name: engine.answer(request, VIEWER) for name, engine in engines.items()}
    answers["FTS5"].total += 1
    answers["FTS5"].hits.reverse()
    facet = next(iter(answers["tantivy"].facets["kind"]))
    answers["tantivy"].facets["kind"][facet] += 1
    problems = agree(answers, request)
    assert any("total FTS5" in p for p in problems) and any("dates FTS5" in p for p in problems)
    assert any("facet kind tantivy" in p for p in problems)
