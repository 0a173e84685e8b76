"""Searching in Vietnamese: documents written for these tests, indexed from archive sidecars."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from click.testing import CliRunner

from indexer.gazetteer import GENERATED, from_package, localities, package_version, read_generated, write_generated
from vanthu.cli import cli

DOCS = {
    "gpmb": ("TB", "2026-03-10", "kết luận về giải phóng mặt bằng tại phường Phú Thuỷ",
             "Tiến độ giải phóng mặt bằng dự án kè biển tại phường Phú Thuỷ còn chậm. "
             "Thực hiện Nghị quyết số 57-NQ/TW về khoa học công nghệ.", "Đặng Hồng Sỹ"),
    "roi-rac": ("CV", "2026-03-12", "V/v rà soát hồ sơ đất đai",
                "Việc giải quyết hồ sơ còn chậm; phóng viên phản ánh mặt trái; cần bằng chứng cụ thể "
                "về đầu tư và tư công khai tại xã Đạ Huoai 2.", "Trần Minh Khoa"),
    "dau-tu": ("CV", "2026-04-22", "V/v đẩy mạnh giải ngân vốn đầu tư công",
               "Tỷ lệ giải ngân vốn đầu tư công tại các phường Bắc Gia Nghĩa, Nam Gia Nghĩa còn thấp. "
               "Căn cứ Công văn số 1417-CV/TU.", "Đặng Hồng Sỹ"),
    "hoa": ("KL", "2026-05-02", "kết luận về phát triển rau, hoa",
            "Phát triển vùng trồng hoa tại xã Lạc Dương, bảo đảm tiêu thụ.", "Nguyễn Văn Hòa"),
    "hoa-binh": ("TB", "2026-05-20", "thông báo về xã Hòa Bắc",
                 "Giữ vững hòa bình, ổn định; Tỉnh uỷ chỉ đạo xã Hòa Bắc tăng cường du lịch sinh thái.",
                 "Trần Minh Khoa"),
}


def vanthu(workspace, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(workspace.root)])


def write_sidecar(workspace, key: str, kind: str, day: str, subject: str, text: str, signer: str) -> str:
    sha = hashlib.sha256(key.encode()).hexdigest()
    path = f"{day[:4]}/{kind}/{key}__{sha[:12]}.pdf"
    record = {"id": sha[:12], "sha256": sha, "symbol": f"{len(key):02d}-{kind}/TU", "kind": kind,
              "body_code": "TU", "date": day, "subject": subject, "signer": signer,
              "signature": "valid", "text": f"{subject}\n{text}", "path": path}
    target = (workspace.archive / path).with_suffix(".json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    return sha[:12]


@pytest.fixture
def indexed(workspace):
    ids = {key: write_sidecar(workspace, key, *spec) for key, spec in DOCS.items()}
    result = vanthu(workspace, "index", "rebuild")
    assert result.exit_code == 0 and "5 văn bản" in result.output
    return ids


def found(workspace, *args: str) -> list[str]:
    result = vanthu(workspace, "search", *args, "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["total"] == len(answer["hits"])
    return [hit["id"] for hit in answer["hits"]]


def test_accentless_query_finds_the_accented_text(workspace, indexed):
    assert found(workspace, "giai phong mat bang")[0] == indexed["gpmb"]


def test_unquoted_words_need_all_syllables_and_rank_them_together_first(workspace, indexed):
    hits = found(workspace, "giải phóng mặt bằng")
    assert hits == [indexed["gpmb"], indexed["roi-rac"]]


def test_a_quoted_phrase_must_stand_as_written(workspace, indexed):
    assert found(workspace, '"giải phóng mặt bằng"') == [indexed["gpmb"]]
    assert found(workspace, '"đầu tư công"') == [indexed["dau-tu"]]
    assert found(workspace, '"giai ngan von"') == [indexed["dau-tu"]]


def test_both_tone_mark_styles_are_one(workspace, indexed):
    assert found(workspace, "Phú Thủy") == [indexed["gpmb"]]
    assert found(workspace, '"tỉnh ủy chỉ đạo"') == [indexed["hoa-binh"]]
    assert found(workspace, "hoà bình") == [indexed["hoa-binh"]]


def test_accents_typed_rank_exact_spellings_first(workspace, indexed):
    assert found(workspace, "hòa")[0] == indexed["hoa-binh"]
    assert found(workspace, "hoa")[:1] != []
    assert set(found(workspace, "hoa")) == {indexed["hoa"], indexed["hoa-binh"]}


def test_symbols_are_found_as_written(workspace, indexed):
    assert found(workspace, "57-NQ/TW") == [indexed["gpmb"]]
    assert found(workspace, "1417-CV/TU") == [indexed["dau-tu"]]
    assert found(workspace, "1418-CV/TU") == []


@pytest.mark.parametrize("value", ["Phú Thủy", "phu thuy", "phường Phú Thuỷ", "22924"])
def test_locality_filter_takes_names_with_or_without_accents_or_a_code(workspace, indexed, value):
    assert found(workspace, "--locality", value) == [indexed["gpmb"]]


def test_a_list_of_localities_names_each_one(workspace, indexed):
    assert found(workspace, "--locality", "Nam Gia Nghĩa") == [indexed["dau-tu"]]
    assert found(workspace, "--locality", "Bắc Gia Nghĩa") == [indexed["dau-tu"]]


def test_a_locality_does_not_match_a_longer_name_containing_it(workspace, indexed):
    assert found(workspace, "--locality", "Đạ Huoai") == []
    assert found(workspace, "--locality", "Đạ Huoai 2") == [indexed["roi-rac"]]


def test_team_topic_kind_signer_and_date_filters(workspace, indexed):
    team = next(t for t, codes in workspace.gazetteer.teams.items() if "22924" in codes)
    assert indexed["gpmb"] in found(workspace, "--team", str(team))
    assert found(workspace, "--topic", "dau-tu-cong") == [indexed["dau-tu"]]
    assert found(workspace, "--topic", "du-lich") == [indexed["hoa-binh"]]
    assert found(workspace, "--kind", "KL") == [indexed["hoa"]]
    assert found(workspace, "--signer", "nguyen van hoa") == [indexed["hoa"]]
    assert found(workspace, "--from", "2026-04-01", "--to", "30/4/2026") == [indexed["dau-tu"]]


def test_filters_alone_list_by_date_newest_first(workspace, indexed):
    assert found(workspace, "--signer", "Trần Minh Khoa") == [indexed["hoa-binh"], indexed["roi-rac"]]
    assert found(workspace, "--from", "2026-01-01")[0] == indexed["hoa-binh"]


def test_json_hit_carries_what_a_clerk_reads(workspace, indexed):
    answer = json.loads(vanthu(workspace, "search", "giải ngân", "--json").output)
    [hit] = answer["hits"]
    assert hit["symbol"] == "06-CV/TU" and hit["date"] == "2026-04-22" and hit["kind"] == "CV"
    assert hit["localities"] == ["Phường Bắc Gia Nghĩa", "Phường Nam Gia Nghĩa"]
    assert "dau-tu-cong" in hit["topics"] and hit["teams"]
    assert "**giải ngân**" in hit["snippet"] and hit["path"].startswith("2026/CV/")


def test_terminal_view_and_bad_filters(workspace, indexed):
    result = vanthu(workspace, "search", "giải phóng")
    assert result.exit_code == 0 and "Tìm thấy 2 văn bản." in result.output
    assert "10/03/2026" in result.output
    result = vanthu(workspace, "search", "--locality", "Hà Nội")
    assert result.exit_code == 2 and "không có xã, phường, đặc khu «Hà Nội»" in result.output
    result = vanthu(workspace, "search", "--topic", "thoi-tiet")
    assert result.exit_code == 2 and "không có chủ đề «thoi-tiet»" in result.output
    result = vanthu(workspace, "search", "--team", "13")
    assert result.exit_code == 2 and "không có Tổ theo dõi địa bàn số 13" in result.output
    result = vanthu(workspace, "search", "--sort", "zzz")
    assert result.exit_code == 2 and "'zzz' không hợp lệ; chọn một trong: 'relevance', 'date'" in result.output


def test_an_edited_taxonomy_is_applied_by_rebuild(workspace, indexed):
    with workspace.config.open("a", encoding="utf-8") as stream:
        stream.write('\n[topics.bien-dao]\nname = "Biển, đảo"\nkeywords = ["kè biển"]\n')
    assert vanthu(workspace, "search", "--topic", "bien-dao", "--json").exit_code == 0
    assert found(workspace, "--topic", "bien-dao") == []
    assert vanthu(workspace, "index", "rebuild").exit_code == 0
    assert found(workspace, "--topic", "bien-dao") == [indexed["gpmb"]]


def test_a_damaged_index_says_to_rebuild_it(workspace, indexed):
    for path in workspace.index.iterdir():
        path.write_bytes(b"hong")
    result = vanthu(workspace, "search", "giải ngân")
    assert result.exit_code == 2 and "vanthu index rebuild" in result.output
    assert vanthu(workspace, "index", "rebuild").exit_code == 0
    assert found(workspace, "giải ngân") == [indexed["dau-tu"]]


def test_a_missing_index_says_to_rebuild_it(workspace, indexed):
    shutil.rmtree(workspace.index)
    result = vanthu(workspace, "search", "giải ngân")
    assert result.exit_code == 2 and "vanthu index rebuild" in result.output


def test_localities_lists_the_gazetteer_and_a_team(workspace):
    rows = json.loads(vanthu(workspace, "localities", "--json").output)
    assert len(rows) == 124
    kinds = [row["kind"] for row in rows]
    assert (kinds.count("xã"), kinds.count("phường"), kinds.count("đặc khu")) == (103, 20, 1)
    assert all(row["teams"] for row in rows)
    names = {row["full_name"] for row in rows}
    assert {"Xã Đắk Song", "Phường Phú Thủy", "Đặc khu Phú Quý", "Phường Xuân Hương - Đà Lạt"} <= names
    team = json.loads(vanthu(workspace, "localities", "--team", "1", "--json").output)
    assert 0 < len(team) < 124 and all(1 in row["teams"] for row in team)


def test_the_generated_gazetteer_is_the_installed_packages(tmp_path):
    """indexer/lam_dong.json (read by every search instead of vietnam-provinces) says which version of
    the package it came from, and holds exactly what that package gives: after an upgrade of the
    package this fails until ``python -m indexer.gazetteer`` writes it again."""
    source, generated = read_generated()
    assert source == f"vietnam-provinces {package_version()}"
    assert generated == from_package() == localities()
    assert len(generated) == 124 and len({loc.code for loc in generated}) == 124
    write_generated(tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text("utf-8") == GENERATED.read_text("utf-8")
    assert read_generated(tmp_path / "missing.json") is None


def test_a_team_naming_an_unknown_locality_is_refused(workspace):
    text = workspace.config.read_text("utf-8")
    first = workspace.gazetteer.team_localities(1)[0].full_name
    workspace.config.write_text(text.replace(f'"{first}",', '"Xã Không Có",', 1), "utf-8")
    for args in (["localities"], ["search", "--team", "1"]):  # a search reads the teams when it filters by one
        result = vanthu(workspace, *args)
        assert result.exit_code == 2, args
        assert f"Tệp {workspace.config}, trường «teams.1[1]»" in result.output, args


def test_a_snippet_is_cut_from_the_passage_that_holds_the_query_words_not_the_first_mention():
    from indexer.search import parse_text, snippet

    filler = "Các đơn vị tiếp tục thực hiện nghiêm các nhiệm vụ được giao trong năm. " * 6
    text = f"TỈNH ỦY LÂM ĐỒNG Kính gửi: Phòng Thu thập thông tin. {filler} Về ngân sách, kết quả thu đạt 95% dự toán."
    shown = snippet(text, parse_text("thu ngan sach"))
    assert "Về **ngân sách**, kết quả **thu** đạt" in shown
    assert "Kính gửi" not in shown
