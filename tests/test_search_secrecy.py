"""Non-interference of search: a viewer gets the same answers whether or not documents above their
clearance exist, scores, order, totals, facets and snippets included.

Two workspaces hold the same ordinary documents (bench/corpus.py); the second also holds secret
ones (MẬT, TỐI MẬT, TUYỆT MẬT) made of the same sentences and citing the same symbols, so that
every term's document frequency and the number of documents differ, and after the rebuild it takes
secret documents one commit at a time, so that its segments merge otherwise and its ordinary
documents get other numbers. Equal hits (twin documents, the same day) must still come in the same
order. Every kind of query a viewer without clearance can ask, through the numpy path and through
the Whoosh reference, compared answer against answer, field by field.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from corpus import corpus_records

from archive.store import ArchiveStore
from docgen.secrecy import SECRECY, Viewer
from indexer.indexing import index_document, rebuild
from indexer.search import SearchRequest, search
from office.workspace import Workspace, init_workspace

STAFF, CLEARED = Viewer("staff", 0), Viewer("leader", 1)
ORDINARY = [{**record, "secrecy": ""} for record in corpus_records(300, seed=5)]
SECRET = ORDINARY[::8]  # each copied as a secret document
CITED = re.search(r"Kết luận số (\S+),", SECRET[1]["text"]).group(1)  # also cited by its secret copy
TWIN = ("V/v kiểm tra công tác phòng cháy chữa cháy tại các chợ",
        "Đề nghị kiểm tra phòng cháy chữa cháy tại chợ trung tâm, báo cáo trước ngày 20.")
REQUESTS = [
    SearchRequest("giải ngân"), SearchRequest("bồi thường"), SearchRequest("phòng cháy"),
    SearchRequest('"giải phóng mặt bằng"'), SearchRequest('"Tổ theo dõi địa bàn"'),
    SearchRequest("giai phong mat bang"), SearchRequest("chuyen doi so"),
    SearchRequest("đầu tư công", locality="Đắk Song"), SearchRequest("giải phóng mặt bằng", team=3),
    SearchRequest("thu ngân sách", kind="TB"), SearchRequest("du lịch", topic="du-lich"),
    SearchRequest(""), SearchRequest("", locality="Đắk Song"), SearchRequest("", kind="TB"),
    SearchRequest("", topic="du-lich"), SearchRequest("", signer="Trần Minh Khoa"),
    SearchRequest("giải ngân", sort="date"), SearchRequest("giải ngân", offset=20),
    SearchRequest("phòng cháy", sort="date"), SearchRequest(CITED), SearchRequest(f"kết luận {CITED}"),
    SearchRequest(f"5001-{SECRET[1]['kind']}/TU"),  # the secret copy's own symbol
]


def _copy(record: dict, number: int, **changes: str) -> dict:
    """Another document with the record's text: its own symbol, hash, id and file."""
    text = record["text"].replace(record["symbol"], f"{number}-{record['kind']}/TU")
    sha = hashlib.sha256(f"{number}:{text}:{changes}".encode()).hexdigest()
    symbol = f"{number}-{record['kind']}/TU"
    return {**record, "text": text, "symbol": symbol, "sha256": sha, "id": sha[:12],
            "path": f"{record['date'][:4]}/{record['kind']}/{symbol.replace('/', '-')}__{sha[:12]}.pdf",
            **changes}


def _twin(record: dict, number: int) -> dict:
    return _copy({**record, "subject": TWIN[0], "text": f"{TWIN[0]}\n{TWIN[1]}", "date": "2026-02-02"}, number)


def _write(workspace: Workspace, records: list[dict]) -> None:
    for record in records:
        path = (workspace.archive / record["path"]).with_suffix(".json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")


def _commit(workspace: Workspace, records: list[dict]) -> None:
    _write(workspace, records)
    workspace.search_index().add(index_document(r, workspace.gazetteer, workspace.taxonomy) for r in records)


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Workspace, Workspace]:
    """The workspace without secret documents, and the one with them."""
    ordinary = ORDINARY
    secret = [_copy(record, 5000 + i, secrecy=SECRECY[i % 3]) for i, record in enumerate(SECRET)]
    # Four one-document segments: Whoosh merges them, and the twins' first segment, into the next
    # commit's (its documents first): there the twins come in another order of document numbers.
    late = [_copy(record, 6000 + i, secrecy="TỐI MẬT") for i, record in enumerate(ordinary[1:3])]
    late += [_twin(ordinary[0], 6100 + i) | {"secrecy": "MẬT"} for i in range(2)]
    built = []
    for name, hidden in (("plain", []), ("secret", secret)):
        workspace = init_workspace(tmp_path_factory.mktemp(name) / "ws")
        _write(workspace, ordinary + hidden)
        with workspace.catalog() as catalog:
            rebuild(ArchiveStore(workspace.archive), workspace.index, catalog, workspace.gazetteer,
                    workspace.taxonomy)
        _commit(workspace, [_twin(ordinary[0], 7000), _twin(ordinary[0], 7001)])
        for record in late if hidden else []:
            _commit(workspace, [record])
        _commit(workspace, [_twin(ordinary[0], 7002), _twin(ordinary[0], 7003)])
        built.append(workspace)
    return built[0], built[1]


def _answers(workspace: Workspace, viewer: Viewer, vectorised: bool) -> list[dict]:
    index = workspace.search_index()
    index.vectorised = vectorised
    store = ArchiveStore(workspace.archive)
    return [search(index, store, SearchRequest(**{**vars(r), "facets": True}), workspace.gazetteer,
                   workspace.taxonomy, viewer) for r in REQUESTS]


@pytest.mark.parametrize("vectorised", [True, False], ids=["numpy", "whoosh"])
def test_a_viewer_without_clearance_gets_the_same_answers_whatever_the_secret_documents(pair, vectorised):
    plain, secret = (_answers(workspace, STAFF, vectorised) for workspace in pair)
    for request, want, got in zip(REQUESTS, plain, secret, strict=True):
        assert got == want, request
    assert all(a["total"] for a in plain[:-1]) and not plain[-1]["total"]  # all but the secret symbol
    twins = next(a for r, a in zip(REQUESTS, plain, strict=True) if r.text == "phòng cháy" and r.sort != "date")
    assert len({hit["score"] for hit in twins["hits"]}) == 1 and twins["total"] == 4  # equal hits, ordered


def test_the_secret_documents_are_there_for_a_viewer_cleared_for_them(pair):
    _, secret = pair
    for request, a, b in zip(REQUESTS, _answers(secret, STAFF, True), _answers(secret, CLEARED, True),
                             strict=True):
        if request.text in ("giải ngân", "phòng cháy") and not request.offset:
            assert b["total"] > a["total"], request


def test_the_numpy_path_and_the_reference_count_the_same_levels(pair):
    _, secret = pair
    for viewer in (STAFF, CLEARED):
        for request, a, b in zip(REQUESTS, _answers(secret, viewer, True), _answers(secret, viewer, False),
                                 strict=True):
            assert a == b, (viewer, request)
