"""The rebuild's writer (indexer/bulk.py): the same index Whoosh's own writer makes, by one process per
core, in bounded segments; a broken sidecar stops the rebuild with its name and keeps the old index."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from corpus import write_corpus

from archive.store import SIDECAR, ArchiveStore
from indexer.columns import SegmentArrays, postings_path
from indexer.engine import RECIPE, IndexUnavailable, SearchIndex, _segment_arrays
from indexer.indexing import index_document, rebuild
from office.workspace import init_workspace
from vanthu.cli import cli

COUNT = 600  # more than bulk.PARALLEL_FROM: the workers are forked


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    workspace = init_workspace(tmp_path_factory.mktemp("bulk") / "ws")
    write_corpus(workspace.archive, COUNT, seed=11)
    return workspace


def _documents(workspace) -> list[tuple[str, dict]]:
    records = [json.loads(p.read_text("utf-8")) for p in sorted(workspace.archive.rglob(f"*{SIDECAR}"))]
    return [(r["sha256"], index_document(r, workspace.gazetteer, workspace.taxonomy)) for r in records]


def _everything(index: SearchIndex) -> tuple[list, list]:
    """Every term's postings (document, weight, positions) and every stored document, in order."""
    with index._open().reader() as reader:
        postings = []
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            while matcher.is_active():
                postings.append((fieldname, text, matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
        return postings, list(reader.all_stored_fields())


def test_the_bulk_writer_makes_the_index_whoosh_makes(corpus, tmp_path):
    documents = _documents(corpus)
    whoosh_made = SearchIndex.create(tmp_path / "whoosh")
    whoosh_made.add(document for _key, document in documents)  # Whoosh's own writer and pool
    bulk = SearchIndex.create(tmp_path / "bulk")
    read = dict(documents).__getitem__
    keys = bulk.load([key for key, _ in documents], lambda key: (key, read(key)), segment_postings=40_000)
    assert keys == [key for key, _ in documents]
    with bulk._open().reader() as reader:
        assert len(list(reader.leaf_readers())) > 4  # the budget cut the workers' shares into segments
    expected, stored = _everything(whoosh_made)
    assert len(expected) > 100_000
    assert _everything(bulk) == (expected, stored)
    assert bulk.write_arrays() == 0  # each segment's numpy copy was made from the workers' pools,
    with bulk._open().reader() as reader:  # and is the copy made by reading the segment back
        for segment, _ in reader.leaf_readers():
            made = SegmentArrays.load(postings_path(bulk.folder, segment.segment().segment_id()), RECIPE)
            read = _segment_arrays(segment)
            for name in ("keys", "spans", "docs", "weights", "tie", "day", "starts", "positions"):
                assert np.array_equal(getattr(made, name), getattr(read, name)), name
            assert made.filters == read.filters


def test_a_broken_sidecar_stops_the_rebuild_and_keeps_the_index(corpus):
    runner = CliRunner()
    assert runner.invoke(cli, ["index", "rebuild", "--home", str(corpus.root)]).exit_code == 0
    before = json.loads(runner.invoke(cli, ["search", "giải ngân", "--json", "--home", str(corpus.root)]).output)
    broken = sorted(corpus.archive.rglob(f"*{SIDECAR}"))[COUNT // 3]
    original = broken.read_bytes()
    broken.write_bytes(original[: len(original) // 2])
    try:
        result = runner.invoke(cli, ["index", "rebuild", "--home", str(corpus.root)])
        with corpus.catalog() as catalog, pytest.raises(IndexUnavailable) as raised:  # in the workers
            rebuild(ArchiveStore(corpus.archive), corpus.index, catalog, corpus.gazetteer, corpus.taxonomy)
    finally:
        broken.write_bytes(original)
    assert result.exit_code != 0 and "Traceback" not in result.output
    for message in (result.output, str(raised.value)):
        assert f"Tệp mô tả {broken} bị hỏng" in message and "bản sao lưu" in message
    assert "không dựng được chỉ mục" in str(raised.value)
    after = json.loads(runner.invoke(cli, ["search", "giải ngân", "--json", "--home", str(corpus.root)]).output)
    assert after["total"] == before["total"] > 0
