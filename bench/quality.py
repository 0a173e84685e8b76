"""Ranking quality: queries a clerk would type, with the documents they expect on top.

Written by reading the bench corpus (bench/corpus.py): a clerk who types
``giải ngân vốn đầu tư công`` wants the công văn whose trích yếu is about that,
not any document that mentions the words in passing; one who adds a locality
wants the documents about that locality. Each query names what it expects as a
test on the document's trích yếu (subject). The score of a ranking is the share
of the top 10 (or of all expected documents, when fewer) that are expected.

``python bench/quality.py [N]`` indexes N documents and prints the share with
Whoosh's own collectors (the ranking before the numpy engine) and with the numpy
engine (after), query by query where they differ.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import write_corpus

from archive.store import ArchiveStore
from docgen.secrecy import CONSOLE
from indexer.indexing import rebuild
from indexer.search import SearchRequest, build_query
from office.workspace import init_workspace


def subject(*parts: str) -> Callable[[dict], bool]:
    return lambda record: all(part in record["subject"] for part in parts)


PLACES = ("Tuy Phong", "Tân Thành", "Hàm Thuận", "Quảng Trực", "Cư Jút", "Đắk Mil")
FOLDED = {"Tuy Phong": "tuy phong", "Tân Thành": "tan thanh", "Hàm Thuận": "ham thuan",
          "Quảng Trực": "quang truc", "Cư Jút": "cu jut", "Đắk Mil": "dak mil"}
QUALITY: list[tuple[SearchRequest, Callable[[dict], bool]]] = [
    (SearchRequest("giải ngân vốn đầu tư công"), subject("giải ngân vốn đầu tư công")),
    (SearchRequest("giai ngan von dau tu cong"), subject("giải ngân vốn đầu tư công")),
    (SearchRequest('"thu ngân sách nhà nước"'), subject("thu ngân sách nhà nước")),
    (SearchRequest("thu ngân sách những tháng cuối năm"), subject("thu ngân sách nhà nước")),
    (SearchRequest("chuyển đổi số cơ quan đảng"), subject("chuyển đổi số")),
    (SearchRequest("chuyen doi so"), subject("chuyển đổi số")),
    (SearchRequest("chấn chỉnh cải cách hành chính"), subject("cải cách hành chính")),
    (SearchRequest("kỷ luật kỷ cương hành chính"), subject("kỷ luật, kỷ cương")),
    (SearchRequest("chuẩn bị năm học mới"), subject("năm học mới")),
    (SearchRequest("y tế cơ sở"), subject("y tế cơ sở")),
    (SearchRequest("giải phóng mặt bằng các dự án"), subject("giải phóng mặt bằng")),
    (SearchRequest("du lịch", kind="TB"), subject("phát triển du lịch")),
    # Words of the body only: the documents about the matter, not those that touch on it.
    (SearchRequest("tái định cư"), subject("giải phóng mặt bằng")),
    (SearchRequest("hồ sơ trễ hạn một cửa"), subject("cải cách hành chính")),
    (SearchRequest("ký số văn bản"), subject("chuyển đổi số")),
    (SearchRequest("du khách lưu trú"), subject("du lịch")),
    (SearchRequest("kết nạp đảng viên mới"), subject("buổi làm việc")),
    (SearchRequest("cà phê tái canh"), subject("nông nghiệp")),
    (SearchRequest("nhà thầu thi công chậm"), subject("giải ngân vốn")),
    (SearchRequest("nợ thuế"), subject("thu ngân sách")),
    *[(SearchRequest(f"giải phóng mặt bằng {place}"), subject("giải phóng mặt bằng", place))
      for place in PLACES],
    *[(SearchRequest(f"phát triển du lịch {place}"), subject("du lịch", place)) for place in PLACES[:4]],
    *[(SearchRequest(f"an ninh trật tự {FOLDED[place]}"), subject("an ninh", place)) for place in PLACES[:4]],
    *[(SearchRequest(f"nông nghiệp bền vững {place}"), subject("nông nghiệp", place))
      for place in PLACES[2:]],
    *[(SearchRequest(f"làm việc với Ban Thường vụ Đảng ủy {place}"), subject("buổi làm việc", place))
      for place in PLACES[:3]],
]


def share(rows: list[dict], expected: set[str]) -> float:
    if not expected:
        return 1.0
    top = [fields["id"] for fields, _ in rows[:10]]
    return sum(key in expected for key in top) / min(10, len(expected))


def measure(workspace, records: list[dict], vectorised: bool) -> list[float]:
    index = workspace.search_index()
    index.vectorised = vectorised
    shares = []
    for request, wanted in QUALITY:
        expected = {r["id"] for r in records if wanted(r)}
        query, parsed = build_query(request, workspace.gazetteer, workspace.taxonomy, CONSOLE)
        hits = index.search(query, limit=10, by_date=parsed.empty)
        shares.append(share(hits.rows, expected))
    index.close()
    return shares


def report(workspace, records: list[dict]) -> None:
    before, after = measure(workspace, records, False), measure(workspace, records, True)
    print(f"ranking quality, {len(QUALITY)} queries: expected documents in the top 10 "
          f"{statistics.mean(before):.1%} before (Whoosh collectors), "
          f"{statistics.mean(after):.1%} after (numpy)")
    for (request, _), a, b in zip(QUALITY, before, after, strict=True):
        if a != b:
            print(f"  {request.text!r}: {a:.0%} -> {b:.0%}")


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workspace = init_workspace(Path(tmp) / "ws")
        records = write_corpus(workspace.archive, count)
        with workspace.catalog() as catalog:
            rebuild(ArchiveStore(workspace.archive), workspace.index, catalog, workspace.gazetteer,
                    workspace.taxonomy)
        report(workspace, records)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
