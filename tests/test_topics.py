"""Topics that mean something: scored per document, at most three, the deciding words shown."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from office.workspace import Workspace, init_workspace
from vanthu.cli import cli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_topics import evaluate  # noqa: E402

DISCIPLINE = {  # the Công văn of issue 9 that the old tagging gave dau-tu-cong and giao-duc-y-te
    "subject": "chấn chỉnh kỷ luật, kỷ cương trong thực thi công vụ",
    "to": "Các cơ quan, đơn vị",
    "body": "Thời gian qua, một số cơ quan, đơn vị còn để xảy ra vi phạm kỷ luật, kỷ cương; việc triển khai "
            "một số nhiệm vụ được giao còn chậm tiến độ, né tránh trách nhiệm.\n\n"
            "- Tăng cường kiểm tra, giám sát việc chấp hành kỷ luật, kỷ cương; xử lý nghiêm các trường hợp vi "
            "phạm, kết hợp giáo dục, răn đe, phòng ngừa.\n"
            "- Đề cao trách nhiệm người đứng đầu trong việc để xảy ra vi phạm tại cơ quan, đơn vị mình.",
    "recipients": ["Thường trực Tỉnh ủy", "Như trên"],
    "date": "2026-06-05",
}


def vanthu(home: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(home)])


@pytest.fixture(scope="module")
def archived(tmp_path_factory) -> Path:
    """The demo's Thông báo kết luận and Công văn, and the discipline letter, made and archived."""
    root = tmp_path_factory.mktemp("topics") / "ws"
    init_workspace(root)
    letter = tmp_path_factory.mktemp("data") / "ky-luat.yaml"
    letter.write_text(yaml.safe_dump(DISCIPLINE, allow_unicode=True), "utf-8")
    for kind, source in (("thong-bao", ROOT / "examples/thong_bao_ket_luan.yaml"),
                         ("cong-van", ROOT / "examples/cong_van.yaml"), ("cong-van", letter)):
        result = vanthu(root, "new", kind, str(source), "--pdf")
        assert result.exit_code == 0, result.output
    result = vanthu(root, "ingest", *map(str, sorted((root / "out").glob("*.pdf"))))
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def ws(archived, tmp_path) -> Workspace:
    shutil.copytree(archived, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


def shown(ws: Workspace, key: str) -> dict:
    result = vanthu(ws.root, "show", key, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def listed(ws: Workspace, *args: str) -> list[str]:
    result = vanthu(ws.root, "search", *args, "--json")
    assert result.exit_code == 0, result.output
    return [hit["symbol"] for hit in json.loads(result.output)["hits"]]


def test_real_documents_carry_their_main_topics_only(ws):
    conclusion = shown(ws, "01-TB/TU")
    assert {t["slug"] for t in conclusion["topics"]} == {"dat-dai-gpmb", "dau-tu-cong"}
    # the weekly-report letter names investment, land and budget in one bullet: none is its topic
    assert shown(ws, "01-CV/TU")["topics"] == []
    discipline = shown(ws, "02-CV/TU")
    assert [t["slug"] for t in discipline["topics"]] == ["ky-luat-ky-cuong"]
    assert listed(ws, "--topic", "giao-duc-y-te") == [] and listed(ws, "--topic", "dau-tu-cong") == ["01-TB/TU"]


def test_show_says_which_words_decided_each_topic(ws):
    [topic] = shown(ws, "02-CV/TU")["topics"]
    words = {w["keyword"]: (w["subject"], w["text"]) for w in topic["words"]}
    assert words["kỷ luật"][0] == 1 and words["kỷ luật"][1] >= 3 and words["vi phạm"] == (0, 3)
    result = vanthu(ws.root, "show", "02-CV/TU")
    assert result.exit_code == 0
    line = next(t for t in result.output.splitlines() if t.startswith("Chủ đề: "))
    assert line.startswith(f"Chủ đề: Kỷ luật, kỷ cương (điểm {topic['score']}: «kỷ luật» 1 lần trong trích yếu")
    assert "«vi phạm» 3 lần trong nội dung" in line


def test_an_edited_taxonomy_is_applied_by_a_rebuild(ws):
    with ws.config.open("a", encoding="utf-8") as config:
        config.write('\n[topics.bao-cao-nhanh]\nname = "Báo cáo nhanh"\nkeywords = ["báo cáo nhanh"]\n')
    assert vanthu(ws.root, "index", "rebuild").exit_code == 0
    assert listed(ws, "--topic", "bao-cao-nhanh") == ["01-CV/TU"]
    assert [t["slug"] for t in shown(ws, "01-CV/TU")["topics"]] == ["bao-cao-nhanh"]


def write_sidecar(ws: Workspace, number: int, day: str, subject: str, text: str) -> None:
    sha = hashlib.sha256(str(number).encode()).hexdigest()
    path = f"{day[:4]}/CV/{number}-CV-TU__{sha[:12]}.pdf"
    record = {"id": sha[:12], "sha256": sha, "symbol": f"{number}-CV/TU", "kind": "CV", "body_code": "TU",
              "date": day, "subject": subject, "signer": "Trần Minh Khoa", "signature": "valid",
              "text": f"{subject}\n{text}", "path": path}
    target = (ws.archive / path).with_suffix(".json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, ensure_ascii=False), "utf-8")


def test_a_topic_listing_is_ranked_by_the_topics_strength(tmp_path):
    ws = init_workspace(tmp_path / "ws")
    filler = " ".join(["Các cơ quan liên quan phối hợp tổ chức thực hiện."] * 12)
    write_sidecar(ws, 11, "2026-06-01", "V/v phát triển du lịch cộng đồng",  # strongest, oldest
                  f"Phát triển du lịch cộng đồng, đón du khách, mở thêm cơ sở lưu trú. {filler}")
    write_sidecar(ws, 12, "2026-06-20", "V/v hoàn thiện hồ sơ dự án",  # the newest, a weaker mention
                  f"Dự án phục vụ du lịch, thu hút du khách đến địa phương. {filler}")
    write_sidecar(ws, 13, "2026-06-10", "V/v du lịch sinh thái", f"Quảng bá điểm đến. {filler}")
    write_sidecar(ws, 14, "2026-06-30", "V/v rà soát dự án", f"Có nhắc tới du lịch một lần. {filler}")
    assert vanthu(ws.root, "index", "rebuild").exit_code == 0
    assert listed(ws, "--topic", "du-lich") == ["11-CV/TU", "13-CV/TU", "12-CV/TU"]
    assert listed(ws, "--topic", "du-lich", "--sort", "date") == ["12-CV/TU", "13-CV/TU", "11-CV/TU"]


def test_at_most_three_topics_the_strongest_first(workspace):
    taxonomy = workspace.taxonomy
    text = ("Giải ngân vốn đầu tư công, giải ngân dự án đầu tư. Giải phóng mặt bằng, bồi thường, tái định cư. "
            "Thu ngân sách, nợ thuế. Du lịch, du khách. Chuyển đổi số, ký số.")
    tagged = taxonomy.tag("V/v giải ngân vốn đầu tư công", text)
    assert tagged[:2] == ["dau-tu-cong", "dat-dai-gpmb"] and len(tagged) == 3
    assert len(taxonomy.scores("V/v giải ngân vốn đầu tư công", text)) == 5


def test_tagging_agrees_with_the_documents_labelled_by_hand():
    result = evaluate()
    precision, recall = result["after"]
    assert len(result["documents"]) >= 30
    assert precision >= 0.8 and recall >= 0.8, (precision, recall)
