"""The weekly work on a small month built with vanthu itself: documents generated, converted,
signed and archived, teams' reports received, tasks followed up, digest read back from its DOCX."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.oxml.ns import qn
from pdf_factory import sign_pdf
from pypdf import PdfReader

from digest.chart import font_used
from office.workspace import Workspace, init_workspace
from vanthu.cli import cli

CONCLUSION = {
    "subject": "kết luận của Thường trực Tỉnh ủy tại buổi làm việc với Ban Thường vụ Đảng ủy xã Đắk Song",
    "date": "2026-05-18",
    "body": "Thường trực Tỉnh ủy kết luận:\n\n"
            "- Đảng ủy xã Đắk Song hoàn thành bàn giao mặt bằng dự án hồ chứa nước trước ngày 10/5/2026.\n"
            "- Ủy ban nhân dân phường Phú Thủy rà soát các dự án chậm tiến độ trong tháng 5/2026.\n"
            "- Sở Giáo dục và Đào tạo bố trí đủ phòng học trong quý IV năm 2026.\n"
            "- Văn phòng Tỉnh ủy tổng hợp, báo cáo chậm nhất 03 ngày làm việc kể từ ngày ký.",
    "recipients": ["Thường trực Tỉnh ủy"],
}
LETTERS = [
    {"subject": "đôn đốc giải ngân vốn đầu tư công tại xã Đắk Song", "date": "2026-05-20",
     "to": "Đảng ủy xã Đắk Song", "body": "Đề nghị Đảng ủy xã Đắk Song đẩy nhanh giải ngân vốn đầu tư công."},
    {"subject": "phát triển du lịch tại phường Phú Thủy", "date": "2026-05-08",
     "to": "Đảng ủy phường Phú Thủy", "body": "Đề nghị phường Phú Thủy phát triển du lịch biển."},
]


def vanthu(home: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(home)])


@pytest.fixture(scope="module")
def month(tmp_path_factory, issued) -> Path:
    """A workspace holding May 2026: a conclusion with tasks and two letters, signed and archived."""
    root = tmp_path_factory.mktemp("month") / "ws"
    init_workspace(root)
    data = tmp_path_factory.mktemp("month-data")
    files = []
    for index, item in enumerate([CONCLUSION, *LETTERS]):
        path = data / f"{index}.yaml"
        path.write_text(yaml.safe_dump(item, allow_unicode=True), "utf-8")
        files.append(path)
    for kind, paths in (("thong-bao", files[:1]), ("cong-van", files[1:])):
        result = vanthu(root, "new", kind, *map(str, paths), "--pdf")
        assert result.exit_code == 0, result.output
    signed = data / "signed"
    signed.mkdir()
    for pdf in (root / "out").glob("*.pdf"):
        (signed / pdf.name).write_bytes(sign_pdf(pdf.read_bytes(), issued.signer, issued.ca))
    assert vanthu(root, "ingest", str(signed)).exit_code == 0
    return root


@pytest.fixture
def ws(month, tmp_path) -> Workspace:
    shutil.copytree(month, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


def team_of(ws: Workspace, name: str) -> int:
    code = ws.gazetteer.resolve(name).code
    return next(team for team, codes in ws.gazetteer.teams.items() if code in codes)


def report_file(tmp_path: Path, **sections) -> Path:
    path = tmp_path / "bao-cao.yaml"
    path.write_text(yaml.safe_dump(sections, allow_unicode=True), "utf-8")
    return path


def tasks_json(ws: Workspace, *args: str) -> list[dict]:
    result = vanthu(ws.root, "tasks", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_archiving_a_conclusion_reads_its_tasks(ws):
    found = tasks_json(ws)
    assert [(t["actor"], t["due"], t["symbol"]) for t in found] == [
        ("Đảng ủy xã Đắk Song", "2026-05-10", "01-TB/TU"),
        ("Văn phòng Tỉnh ủy", "2026-05-21", "01-TB/TU"),
        ("Ủy ban nhân dân phường Phú Thủy", "2026-05-31", "01-TB/TU"),
        ("Sở Giáo dục và Đào tạo", "2026-12-31", "01-TB/TU"),
    ]
    assert found[0]["localities"] == ["Xã Đắk Song"]


def test_a_one_paragraph_letter_gives_its_body_sentence_not_its_header(ws, tmp_path, issued):
    letter = tmp_path / "cv.yaml"
    letter.write_text(yaml.safe_dump({
        "subject": "báo cáo tiến độ giải ngân vốn đầu tư công", "date": "2026-05-21",
        "to": "Đảng ủy xã Đắk Song",
        "body": "Đề nghị Đảng ủy xã Đắk Song báo cáo kết quả giải ngân vốn đầu tư công trước ngày 29/5/2026.",
    }, allow_unicode=True), "utf-8")
    result = vanthu(ws.root, "new", "cong-van", str(letter), "--pdf")
    assert result.exit_code == 0, result.output
    pdf = next(ws.root.glob("out/03-CV-TU.pdf"))
    signed = tmp_path / "signed"
    signed.mkdir()
    (signed / pdf.name).write_bytes(sign_pdf(pdf.read_bytes(), issued.signer, issued.ca))
    assert vanthu(ws.root, "ingest", str(signed)).exit_code == 0
    [task] = [t for t in tasks_json(ws) if t["symbol"] == "03-CV/TU"]
    assert task["sentence"] == ("Đề nghị Đảng ủy xã Đắk Song báo cáo kết quả giải ngân vốn đầu tư công "
                                "trước ngày 29/5/2026.")
    assert (task["actor"], task["due"]) == ("Đảng ủy xã Đắk Song", "2026-05-29")


def test_tasks_filters_done_and_edit(ws):
    overdue = tasks_json(ws, "--overdue", "--on", "2026-05-22")
    assert [(t["actor"], t["days_overdue"]) for t in overdue] == [("Đảng ủy xã Đắk Song", 12),
                                                                 ("Văn phòng Tỉnh ủy", 1)]
    soon = tasks_json(ws, "--due-within", "14", "--on", "2026-05-22")
    assert [t["actor"] for t in soon] == ["Ủy ban nhân dân phường Phú Thủy"]
    in_phu_thuy = tasks_json(ws, "--locality", "phu thuy")
    assert [t["actor"] for t in in_phu_thuy] == ["Ủy ban nhân dân phường Phú Thủy"]
    team = team_of(ws, "Đắk Song")
    assert "Đảng ủy xã Đắk Song" in [t["actor"] for t in tasks_json(ws, "--team", str(team))]
    first, second = overdue
    assert vanthu(ws.root, "tasks", "done", str(first["id"]), "--note", "đã bàn giao").exit_code == 0
    result = vanthu(ws.root, "tasks", "edit", str(second["id"]), "--due", "30/5/2026")
    assert result.exit_code == 0 and "30/5/2026" in result.output
    assert tasks_json(ws, "--overdue", "--on", "2026-05-22") == []
    assert vanthu(ws.root, "index", "rebuild").exit_code == 0  # corrections survive a rebuild
    after = {t["id"]: t for t in tasks_json(ws, "--all")}
    assert after[first["id"]]["status"] == "done" and after[first["id"]]["note"] == "đã bàn giao"
    assert after[second["id"]]["due"] == "2026-05-30" and after[second["id"]]["due_edited"] is True


def test_tasks_errors_are_in_vietnamese(ws):
    result = vanthu(ws.root, "tasks", "done", "999")
    assert result.exit_code == 2 and "không có nhiệm vụ số 999" in result.output
    result = vanthu(ws.root, "tasks", "edit", "1", "--due", "31/02/2026")
    assert result.exit_code == 2 and "--due" in result.output


def test_reports_on_time_late_and_missing(ws, tmp_path):
    dak_song, phu_thuy = team_of(ws, "Đắk Song"), team_of(ws, "Phú Thủy")
    source = report_file(tmp_path, noi_bat=["Thu ngân sách đạt 85% dự toán"],
                         kho_khan="Giải phóng mặt bằng hồ chứa nước còn chậm", kien_nghi=["Hỗ trợ kinh phí"],
                         localities=["Đắk Song"])
    result = vanthu(ws.root, "report", "add", "--team", str(dak_song), "--received", "2026-05-21 16:00",
                    str(source))
    assert result.exit_code == 0 and "tuần 2026-W21" in result.output and "muộn" not in result.output
    result = vanthu(ws.root, "report", "add", "--team", str(phu_thuy), "--received", "2026-05-22 09:00",
                    str(source))
    assert result.exit_code == 0 and "tuần 2026-W22" in result.output
    result = vanthu(ws.root, "report", "add", "--team", str(phu_thuy), "--week", "2026-W21",
                    "--received", "2026-05-22 10:15", str(source))
    assert result.exit_code == 0 and "báo cáo muộn" in result.output
    status = json.loads(vanthu(ws.root, "report", "status", "--week", "2026-W21", "--json").output)
    by_team = {row["team"]: row["status"] for row in status["teams"]}
    assert by_team[dak_song] == "on_time" and by_team[phu_thuy] == "late"
    assert sum(s == "missing" for s in by_team.values()) == 10
    assert status["deadline"] == "2026-05-22T09:00:00"


def test_a_docx_or_pdf_report_keeps_its_text_and_is_searchable(ws, tmp_path, issued):
    document = docx.Document()
    document.add_paragraph("Báo cáo nhanh: tình hình sạt lở đất tại xã Đắk Song đã được khắc phục.")
    path = tmp_path / "bao-cao.docx"
    document.save(str(path))
    team = team_of(ws, "Đắk Song")
    result = vanthu(ws.root, "report", "add", "--team", str(team), "--week", "2026-W21", str(path))
    assert result.exit_code == 0
    pdf = tmp_path / "bao-cao.pdf"
    pdf.write_bytes(issued.pdfs["tb"])
    assert vanthu(ws.root, "report", "add", "--team", "1", "--week", "2026-W21", str(pdf)).exit_code == 0
    answer = json.loads(vanthu(ws.root, "search", "sạt lở đất", "--json").output)
    assert [hit["kind"] for hit in answer["hits"]] == ["BC"]
    assert "**sạt lở đất**" in answer["hits"][0]["snippet"]


@pytest.mark.parametrize(("content", "field"), [
    ({"noi_bat": "x", "ghi_chu": "y"}, "ghi_chu"),
    ({"localities": ["Đắk Song"]}, "noi_bat"),
    ({"noi_bat": "x", "localities": ["Hà Nội"]}, "localities[1]"),
])
def test_a_bad_report_names_the_file_and_the_field(ws, tmp_path, content, field):
    source = report_file(tmp_path, **content)
    result = vanthu(ws.root, "report", "add", "--team", "1", "--week", "2026-W21", str(source))
    assert result.exit_code == 2 and f"Tệp {source}, trường «{field}»" in result.output
    assert not (ws.reports / "2026-W21").exists()


def test_an_unknown_team_is_refused(ws, tmp_path):
    result = vanthu(ws.root, "report", "add", "--team", "13", str(report_file(tmp_path, noi_bat="x")))
    assert result.exit_code == 2 and "không có Tổ theo dõi địa bàn số 13" in result.output


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def table_with(document, *headers: str):
    return next(t for t in document.tables if [c.text for c in t.rows[0].cells][:len(headers)] == list(headers))


def test_the_digest_of_a_week_read_back_from_its_docx(ws, tmp_path):
    dak_song = team_of(ws, "Đắk Song")
    source = report_file(tmp_path, noi_bat=["Thu ngân sách đạt 85% dự toán"], kho_khan=["Mặt bằng chậm"])
    vanthu(ws.root, "report", "add", "--team", str(dak_song), "--week", "2026-W21",
           "--received", "2026-05-21 08:00", str(source))
    result = vanthu(ws.root, "digest", "--week", "2026-W21")
    assert result.exit_code == 0, result.output
    document = docx.Document(str(ws.out / "tong-hop-2026-W21.docx"))
    lines = texts(document)
    assert "BÁO CÁO" in lines
    assert any("tuần 21 năm 2026 (từ 09 giờ ngày 15/5/2026 đến 09 giờ ngày\u00a022/5/2026)" in t for t in lines)
    # The digest opens with the 12 teams at a glance.
    assert lines.index("I. TỔNG QUAN CÁC TỔ THEO DÕI ĐỊA BÀN") < lines.index("II. VĂN BẢN TRONG TUẦN")
    assert "Báo cáo nhanh: 1 Tổ đúng hạn, 0 Tổ nộp muộn, 11 Tổ chưa báo cáo." in lines
    overview = document.tables[1]
    assert [c.text for c in overview.rows[0].cells] == ["Tổ", "Báo cáo nhanh", "Văn bản liên quan địa bàn",
                                                       "Nhiệm vụ quá hạn", "Nhiệm vụ đến hạn trong 14 ngày"]
    rows = {int(r.cells[0].text): [c.text for c in r.cells[1:]] for r in overview.rows[1:]}
    assert sorted(rows) == list(range(1, 13))
    assert rows[dak_song] == ["đúng hạn (08:00 ngày 21/5/2026)", "2", "2", "0"]
    assert sum(r[0] == "chưa báo cáo" for r in rows.values()) == 11
    assert "Trong tuần có 2 văn bản được ban hành, lưu trữ." in lines
    kinds = {row.cells[0].text: row.cells[1].text for row in table_with(document, "Loại văn bản").rows[1:]}
    assert kinds == {"Thông báo": "1", "Công văn": "1"}
    assert any(r._element.xpath(".//pic:pic") for p in document.paragraphs for r in p.runs)
    start = lines.index(f"Tổ theo dõi địa bàn số {dak_song}")
    section = lines[start:start + 20]
    assert section[section.index("Nổi bật:") + 1] == "- Thu ngân sách đạt 85% dự toán"  # items stay items
    assert any(t.startswith("- 01-TB/TU, ngày 18/5/2026") for t in section)
    assert any(t.startswith("- 01-CV/TU, ngày 20/5/2026") for t in section)
    assert any("quá hạn 12 ngày; hạn 10/5/2026; 01-TB/TU" in t for t in section)
    # A team with nothing to report takes one line.
    quiet = [t for t in lines if t.startswith("Tổ theo dõi địa bàn số ") and ":" in t]
    assert len(quiet) >= 9 and "Tổ theo dõi địa bàn số 1: chưa báo cáo, không có văn bản, nhiệm vụ." in quiet
    assert "- Không có." not in lines
    overdue = table_with(document, "Số, ký hiệu")
    assert [c.text for c in overdue.rows[0].cells] == ["Số, ký hiệu", "Địa bàn", "Nhiệm vụ", "Hạn",
                                                       "Số ngày quá hạn"]
    assert [(r.cells[0].text, r.cells[3].text, r.cells[4].text) for r in overdue.rows[1:]] == [
        ("01-TB/TU", "10/5/2026", "12"), ("01-TB/TU", "21/5/2026", "1")]
    data = json.loads(vanthu(ws.root, "digest", "--week", "2026-W21", "--json").output)
    assert data["summary"]["total"] == 2 and len(data["teams"]) == 12 and len(data["overdue"]) == 2
    assert [d["symbol"] for d in data["documents"]] == ["01-TB/TU", "01-CV/TU"]


def test_the_digest_keeps_headings_with_their_text_and_the_signature_with_the_body(ws, tmp_path):
    dak_song = team_of(ws, "Đắk Song")
    source = report_file(tmp_path, noi_bat=["Thu ngân sách đạt 85% dự toán"])
    vanthu(ws.root, "report", "add", "--team", str(dak_song), "--week", "2026-W21",
           "--received", "2026-05-21 08:00", str(source))
    assert vanthu(ws.root, "digest", "--week", "2026-W21").exit_code == 0
    document = docx.Document(str(ws.out / "tong-hop-2026-W21.docx"))
    heads = [p for p in document.paragraphs
             if re.match(r"(I|II|III|IV)\. |Tổ theo dõi địa bàn số \d+$", p.text) or p.text.endswith(":")]
    assert {"IV. NHIỆM VỤ QUÁ HẠN", "Nổi bật:", "Văn bản trong tuần liên quan địa bàn:",
            "Nhiệm vụ quá hạn hoặc đến hạn trong 14 ngày:"} <= {p.text for p in heads}
    assert [p.text for p in heads if not p.paragraph_format.keep_with_next] == []
    for table in document.tables[1:-1]:  # a table's header row stays with its first row
        assert all(p.paragraph_format.keep_with_next for c in table.rows[0].cells for p in c.paragraphs)
    # The body's last line (now the incoming documents' section, after the overdue tasks' table), the
    # spacer and the closing hold together.
    assert table_with(document, "Số, ký hiệu") is not None
    closing = document.tables[-1]
    assert "Nơi nhận:" in closing.rows[0].cells[0].text
    assert closing.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    spacer = closing._tbl.getprevious()
    assert spacer.tag == qn("w:p") and spacer.find(qn("w:pPr")).find(qn("w:keepNext")) is not None
    last = spacer.getprevious()
    assert last.tag == qn("w:p") and last.find(qn("w:pPr")).find(qn("w:keepNext")) is not None
    assert "".join(t.text for t in last.iter(qn("w:t"))) == "Không có văn bản đến quá hạn hoặc đến hạn giải quyết."


def test_a_week_with_no_activity_still_gives_a_valid_digest(ws):
    out = ws.root / "trong.docx"
    result = vanthu(ws.root, "digest", "--week", "2026-W10", "--out", str(out))
    assert result.exit_code == 0
    lines = texts(docx.Document(str(out)))
    assert "Trong tuần có 0 văn bản được ban hành, lưu trữ." in lines
    assert "Báo cáo nhanh: 0 Tổ đúng hạn, 0 Tổ nộp muộn, 12 Tổ chưa báo cáo." in lines
    one_liners = [f"Tổ theo dõi địa bàn số {n}: chưa báo cáo, không có văn bản, nhiệm vụ." for n in range(1, 13)]
    assert all(line in lines for line in one_liners) and "Không có nhiệm vụ quá hạn." in lines


def test_the_digest_can_be_issued_as_a_numbered_bao_cao(ws):
    result = vanthu(ws.root, "digest", "--week", "2026-W21", "--issue", "--pdf")
    assert result.exit_code == 0 and "Đã cấp số 01-BC/VPTU" in result.output
    path = ws.out / "01-BC-VPTU.docx"
    [entry] = [e for e in json.loads(vanthu(ws.root, "register", "list", "--json").output)
               if e["kind_code"] == "BC"]
    assert entry["docx_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (ws.out / "01-BC-VPTU.pdf").is_file()
    header = docx.Document(str(path)).tables[0].rows[0].cells[0]
    assert [p.text for p in header.paragraphs][:4] == ["TỈNH ỦY LÂM ĐỒNG", "VĂN PHÒNG", "*", "Số 01-BC/VPTU"]


def chart_boxes(pdf: Path) -> list[tuple[int, float, float, float, float]]:
    """Where each picture is drawn: (page, left, top, right, bottom) in points from the top left."""
    boxes = []
    for number, page in enumerate(PdfReader(pdf).pages):
        height = float(page.mediabox.height)

        def visit(operator, operands, cm, tm, number=number, height=height):
            if operator == b"Do":
                left, bottom, width, tall = cm[4], cm[5], cm[0], cm[3]
                boxes.append((number, left, height - bottom - tall, left + width, height - bottom))

        page.extract_text(visitor_operand_before=visit)
    return boxes


def page_words(pdf: Path) -> dict[int, list[tuple[float, float, float, float, str]]]:
    """Every word of the text layer with its box, by page, as poppler reads them."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages: dict[int, list] = {}
    for number, page in enumerate(html.split("<page ")[1:]):
        pages[number] = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)]
    return pages


def page_pixels(pdf: Path, number: int, folder: Path) -> tuple[int, bytes]:
    """Page ``number`` rendered by pdftoppm in grey at 72 dpi (a pixel a point): width and rows."""
    stem = folder / f"page-{number}"
    subprocess.run(["pdftoppm", "-gray", "-r", "72", "-f", str(number + 1), "-l", str(number + 1),
                    "-singlefile", str(pdf), str(stem)], check=True)
    raw = stem.with_suffix(".pgm").read_bytes()
    magic, width, height, _depth, pixels = raw.split(maxsplit=4)
    assert magic == b"P5" and len(pixels) == int(width) * int(height)
    return int(width), pixels


def test_the_digest_pdf_has_a_labelled_chart_that_overlaps_nothing(ws, tmp_path):
    """Rendered as it prints: the chart stands alone in its band of the page, below the table."""
    result = vanthu(ws.root, "digest", "--week", "2026-W21", "--pdf")
    assert result.exit_code == 0, result.output
    pdf = ws.out / "tong-hop-2026-W21.pdf"
    [(page, left, top, right, bottom)] = chart_boxes(pdf)
    assert right - left > 300 and bottom - top > 150  # 150 × 80 mm, readable when printed
    words = page_words(pdf)[page]
    kinds_row = [y1 for _x0, _y0, _x1, y1, word in words if word == "Thông"]  # the table's last row
    assert kinds_row and max(kinds_row) <= top, "bảng loại văn bản phải ở ngay trên biểu đồ, cùng trang"
    for x0, y0, x1, y1, word in words:
        assert x1 <= left + 1 or x0 >= right - 1 or y1 <= top + 1 or y0 >= bottom - 1, (word, top, bottom)
    width, pixels = page_pixels(pdf, page, tmp_path)
    text_left, text_right = round(30 * 72 / 25.4), width - round(15 * 72 / 25.4)  # the margins
    band = range(int(top) + 1, int(bottom) - 1)
    beside = [x for x in range(text_left, text_right) if x < left - 1 or x > right + 1]
    inked = [(x, y) for y in band for x in beside if pixels[y * width + x] < 200]
    assert inked == [], f"trang {page + 1}: có nét in cạnh biểu đồ, ví dụ {inked[:3]}"
    inside = [pixels[y * width + x] for y in band for x in range(int(left) + 1, int(right) - 1)]
    assert min(inside) < 120  # the bars are drawn
    assert font_used() == "Liberation Serif"


def test_a_report_pasted_with_invisible_characters_still_gives_a_digest(ws, tmp_path):
    """Text pasted from Word carries its line break (\\x0b) and, now and then, a control character no one
    sees: a DOCX cannot hold one, so one team's report must not stop the week's digest for everyone."""
    team = team_of(ws, "Đắk Song")
    source = report_file(tmp_path, noi_bat=["Hoàn thành\x01 kê khai\x0bđất đai"], kho_khan=["Thiếu\x7f cán bộ"])
    added = vanthu(ws.root, "report", "add", "--team", str(team), "--week", "2026-W33",
                   "--received", "2026-08-13 08:00", str(source))
    assert added.exit_code == 0, added.output
    result = vanthu(ws.root, "digest", "--week", "2026-W33")
    assert result.exit_code == 0, result.output
    lines = "\n".join(texts(docx.Document(str(ws.out / "tong-hop-2026-W33.docx"))))
    assert "- Hoàn thành kê khai\nđất đai" in lines  # Word's line break is one here too
    assert "Thiếu cán bộ" in lines
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", lines)
