"""Every kind the office issues, the guide in force on each date, and ``vanthu check-format``.

One workspace issues one document of every kind (the examples), converted to PDF in one LibreOffice
run; the DOCX are read back with python-docx, the PDFs with pdftotext, and both are checked with the
format check, which must find nothing in them. Faults are then put into a DOCX one at a time, and the
check must name exactly that fault.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from conftest import CONG_VAN, EXAMPLES
from docx.shared import Mm, Pt
from docx_reading import cell_texts, flag, paragraph_with, size_pt

import office
from docgen.kinds import generated_kinds
from docgen.pdf import convert_to_pdf
from docgen.secrecy import CONSOLE
from office.formats import check_format
from office.workspace import Workspace, init_workspace
from vanthu.cli import cli

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "real-documents"
EXAMPLE_OF = {"cong-van": "cong_van", "quyet-dinh": "quyet_dinh", "thong-bao": "thong_bao_ket_luan"}


def invoke(root: Path, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(root)])


@pytest.fixture(scope="module")
def issued(tmp_path_factory) -> tuple[Workspace, dict[str, dict]]:
    """One document of every generated kind, dated today (Hướng dẫn 05-HD/VPTW), DOCX and PDF."""
    root = tmp_path_factory.mktemp("kinds") / "ws"
    workspace = init_workspace(root)
    made = {}
    for kind in generated_kinds():
        example = EXAMPLES / f"{EXAMPLE_OF.get(kind.slug, kind.slug.replace('-', '_'))}.yaml"
        result = invoke(root, "new", kind.slug, str(example), "--json")
        assert result.exit_code == 0, result.output
        made[kind.slug] = json.loads(result.output.splitlines()[-1])
    pdfs = convert_to_pdf([Path(item["docx"]) for item in made.values()])
    for item, pdf in zip(made.values(), pdfs, strict=True):
        item["pdf"] = str(pdf)
    return workspace, made


def pdftext(path: str) -> str:
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout


def test_every_kind_is_numbered_from_its_own_sequence(issued):
    workspace, made = issued
    assert {slug for slug in made} >= {"nghi-quyet", "ket-luan", "chi-thi", "quy-che", "quy-dinh", "huong-dan",
                                      "ke-hoach", "chuong-trinh", "bao-cao", "to-trinh", "de-an", "bien-ban",
                                      "giay-moi", "cong-van", "quyet-dinh", "thong-bao"}
    assert all(item["number"] == 1 and item["guide"] == "05-HD/VPTW" for item in made.values())
    # 05-HD/VPTW prints a Quy định's code as a Quyết định's: two sequences, two files, one printed symbol
    assert made["quy-dinh"]["symbol"] == made["quyet-dinh"]["symbol"] == "01-QĐ/TU"
    assert Path(made["quy-dinh"]["docx"]).name == "01-QĐ-TU-quy-dinh.docx"
    entries = json.loads(invoke(workspace.root, "register", "list", "--kind", "quy-dinh", "--json").output)
    assert [(e["kind_code"], e["symbol"]) for e in entries] == [("QĐi", "01-QĐ/TU")]


@pytest.mark.parametrize("slug", [k.slug for k in generated_kinds()])
def test_each_kind_reads_back_with_its_parts(issued, slug):
    _workspace, made = issued
    item = made[slug]
    document = docx.Document(item["docx"])
    kind = next(k for k in generated_kinds() if k.slug == slug)
    left, right = document.tables[0].rows[0].cells
    assert f"Số {item['symbol']}" in cell_texts(left) and cell_texts(right)[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    texts = [p.text for p in document.paragraphs]
    if kind.layout != "letter":
        title = paragraph_with(document, kind.title)
        assert title.text == kind.title and flag(title, "bold") and size_pt(title) == 16
    closing_left, closing_right = (cell_texts(cell) for cell in document.tables[-1].rows[0].cells)
    if kind.layout == "minutes":  # who kept the minutes on the left, who chaired on the right
        assert closing_left == ["NGƯỜI GHI BIÊN BẢN", "Nguyễn Thị Mai"]
        assert closing_right == ["CHỦ TRÌ HỘI NGHỊ", "Trần Minh Khoa"]
    else:
        assert closing_left[0] == "Nơi nhận:" and closing_left[-1].startswith("- Lưu")
    if kind.layout == "submission":
        assert "Kính trình: Thường trực Tỉnh ủy" in texts
        assert closing_left[1] == "- Như trên;"
    if kind.layout == "authored":
        assert texts[texts.index(kind.title) + 1] == "CỦA BAN THƯỜNG VỤ TỈNH ỦY"
    if slug == "quy-che":
        chapters = [t for t in texts if t.startswith("Chương ")]
        assert chapters == ["Chương I", "Chương II", "Chương III"]
        assert texts[texts.index("Chương II") + 1] == "NỘI DUNG PHỐI HỢP"
        assert "Điều 3. Chế độ thông tin, báo cáo" in texts  # articles numbered across chapters
        assert flag(paragraph_with(document, "Điều 1."), "bold")
    text = pdftext(item["pdf"])
    assert item["symbol"] in text and (kind.title in text or kind.layout == "letter")


def test_vanthu_documents_have_no_format_deviation(issued):
    workspace, made = issued
    for item in made.values():
        for path in (item["docx"], item["pdf"]):
            report = check_format(workspace, Path(path))
            assert report.guide.symbol == "05-HD/VPTW", path
            assert [d.text() for d in report.deviations] == [], path


def test_a_letter_to_one_addressee_with_a_list_in_its_body_and_a_signer_set_high_pass(issued, tmp_path):
    """A clerk's Công văn to one addressee on the «Kính gửi:» line, whose body lists «- …» points, is right:
    those points are the body's, not Kính gửi's. A Party board's letter whose «K/T TRƯỞNG BAN» stands a
    little above «Nơi nhận» ends its body with the body's own last line."""
    import test_incoming

    shutil.copytree(issued[0].root, tmp_path / "ws")
    workspace = Workspace(tmp_path / "ws")
    data = {**CONG_VAN, "subject": "đôn đốc báo cáo chuyển đổi số", "to": ["Các ban, đơn vị tham mưu giúp việc"],
            "body": "Văn phòng Tỉnh ủy đề nghị các đơn vị rà soát công việc.\n\n- Báo cáo trước ngày 15/12/2026.\n\n"
                    "- Đầu mối: Phòng Hành chính - Lưu trữ."}
    made = json.loads(invoke(workspace.root, "new", "cong-van", str(_yaml(tmp_path, data)), "--pdf", "--json").output)
    for path in (made["docx"], made["pdf"]):
        assert [d.text() for d in check_format(workspace, Path(path)).deviations] == [], path
    board = tmp_path / "ban.pdf"
    board.write_bytes(test_incoming.BOARD_PDF)
    said = [d.text() for d in check_format(workspace, board).deviations]
    assert not any("K/T TRƯỞNG BAN" in text for text in said), said


def _yaml(folder: Path, data: dict) -> Path:
    path = folder / "du-lieu.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return path


def test_check_format_cli_json_and_exit_codes(issued, tmp_path):
    workspace, made = issued
    result = invoke(workspace.root, "check-format", made["cong-van"]["pdf"], made["bien-ban"]["docx"], "--json")
    assert result.exit_code == 0, result.output
    reports = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["profile"], r["deviations"]) for r in reports] == [("05-HD/VPTW", []), ("05-HD/VPTW", [])]
    faulty = tmp_path / "sai.docx"
    document = docx.Document(made["cong-van"]["docx"])
    paragraph_with(document, "Số 01").runs[0].text = "Số: 01-CV/TU"
    document.save(str(faulty))
    result = invoke(workspace.root, "check-format", str(faulty))
    assert result.exit_code == 1 and "xóa dấu «:» sau chữ «Số»" in result.output
    text = tmp_path / "ghi-chu.txt"
    text.write_text("không phải văn bản", "utf-8")
    result = invoke(workspace.root, "check-format", str(text))
    assert result.exit_code == 2 and "chỉ kiểm tra được tệp DOCX hoặc PDF" in result.output


def _set_text(paragraph, text: str) -> None:
    runs = paragraph.runs
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def _faults():
    """(rule, how to put the fault into the Công văn) — one fault each."""
    def margin(d):
        d.sections[0].left_margin = Mm(25)

    def colon(d):
        _set_text(paragraph_with(d, "Số 01"), "Số: 01-CV/TU")

    def zeros(d):
        p = paragraph_with(d, "Lâm Đồng, ngày")
        _set_text(p, p.text.replace("ngày 03", "ngày 3"))

    def prefix(d):
        p = paragraph_with(d, "Về việc")
        _set_text(p, p.text.replace("Về việc", "V/v"))

    def star(d):
        p = paragraph_with(d, "*")
        p._p.getparent().remove(p._p)

    def archive(d):
        _set_text(paragraph_with(d, "- Lưu"), "- Lưu: VT.")

    def authority(d):
        _set_text(paragraph_with(d, "T/M"), "TM. BAN THƯỜNG VỤ")

    def title_bold(d):
        for run in paragraph_with(d, "PHÓ BÍ THƯ").runs:
            run.bold = True

    def party_size(d):
        for run in paragraph_with(d, "ĐẢNG CỘNG SẢN").runs:
            run.font.size = Pt(13)

    def font(d):
        for run in paragraph_with(d, "Thời gian qua").runs:
            run.font.name = "Arial"

    def separator(d):
        p = paragraph_with(d, "- Các đồng chí Tổ trưởng")
        _set_text(p, p.text.replace(";", ","))

    def page_number(d):
        header = d.sections[0].header
        for p in header.paragraphs:
            p._p.getparent().remove(p._p)
        header.add_paragraph("")

    def body_end(d):
        p = paragraph_with(d, "3. Văn phòng Tỉnh ủy")
        p.runs[-1].text = p.runs[-1].text.rstrip(".")

    def nhu_tren(d):
        p = paragraph_with(d, "- Như trên")
        p._p.getparent().remove(p._p)

    return {"page.margin_left": margin, "symbol.colon": colon, "date.zeros": zeros, "subject.cv": prefix,
            "header.star": star, "recipients.archive": archive, "signature.authority": authority,
            "style.signer_title": title_bold, "size.party": party_size, "font.name": font,
            "list.punctuation": separator, "page.numbers": page_number, "body.end": body_end,
            "recipients.nhu_tren": nhu_tren}


@pytest.mark.parametrize("rule", list(_faults()))
def test_each_fault_gives_exactly_its_deviation(issued, tmp_path, rule):
    workspace, made = issued
    document = docx.Document(made["cong-van"]["docx"])
    _faults()[rule](document)
    path = tmp_path / "loi.docx"
    document.save(str(path))
    report = check_format(workspace, path)
    assert [d.rule for d in report.deviations] == [rule], [d.text() for d in report.deviations]
    assert report.deviations[0].fix  # says how to fix it, in Vietnamese


def test_the_guide_follows_the_date_on_both_sides_of_27_may_2026(tmp_path):
    root = tmp_path / "ws"
    workspace = init_workspace(root)
    files = []
    for day in ("2026-05-26", "2026-05-27"):
        path = tmp_path / f"cv-{day}.yaml"
        path.write_text(yaml.safe_dump({**CONG_VAN, "date": day, "subject": f"việc ngày {day}"},
                                       allow_unicode=True), "utf-8")
        files.append(str(path))
    result = invoke(root, "new", "cong-van", *files, "--json")
    assert result.exit_code == 0, result.output
    before, after = (json.loads(line) for line in result.output.splitlines())
    assert (before["guide"], after["guide"]) == ("36-HD/VPTW", "05-HD/VPTW")
    old, new = docx.Document(before["docx"]), docx.Document(after["docx"])
    assert cell_texts(old.tables[0].rows[0].cells[0])[3].startswith("V/v việc ngày")
    assert cell_texts(new.tables[0].rows[0].cells[0])[3].startswith("Về việc việc ngày")
    assert paragraph_with(old, "- Đảng ủy các xã").text.endswith(",")
    assert paragraph_with(new, "- Đảng ủy các xã").text.endswith(";")
    old_title, new_title = paragraph_with(old, "PHÓ BÍ THƯ"), paragraph_with(new, "PHÓ BÍ THƯ")
    assert (flag(old_title, "bold"), flag(new_title, "bold")) == (True, False)
    assert (size_pt(paragraph_with(old, "Nơi nhận")), size_pt(paragraph_with(new, "Nơi nhận"))) == (12, 14)
    entries = json.loads(invoke(root, "register", "list", "--json").output)
    assert [e["guide"] for e in entries] == ["36-HD/VPTW", "05-HD/VPTW"]
    for item in (before, after):  # each checked against its own date's guide, and right by it
        assert check_format(workspace, Path(item["docx"])).deviations == []
    # a Quy định keeps one sequence while its printed code changes
    rule = {"subject": "về chế độ báo cáo", "articles": [{"title": "Hiệu lực", "body": "Có hiệu lực từ ngày ký."}]}
    for day, symbol in (("2026-05-26", "01-QĐi/TU"), ("2026-05-27", "02-QĐ/TU")):
        path = tmp_path / f"qd-{day}.yaml"
        path.write_text(yaml.safe_dump({**rule, "date": day}, allow_unicode=True), "utf-8")
        result = invoke(root, "new", "quy-dinh", str(path), "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["symbol"] == symbol


def test_a_workspace_overrides_a_guide_and_keeps_its_old_tables(tmp_path):
    root = tmp_path / "ws"
    workspace = init_workspace(root)
    text = workspace.config.read_text("utf-8").replace('cv_subject_prefix = "Về việc"', 'cv_subject_prefix = "V/v"')
    workspace.config.write_text(text + "\n[page]\nmargin_left_mm = 28\n", "utf-8")  # and a legacy table
    workspace = Workspace(root)
    on_05, on_36 = workspace.profile.at(date(2026, 6, 3)), workspace.profile.at(date(2026, 4, 22))
    assert on_05.text.cv_subject_prefix == "V/v" and on_05.text.list_separator == ";"
    assert on_36.page.margin_left_mm == 28  # a top-level [page] was written for the guide of its day
    assert on_05.page.margin_left_mm == 28  # and 05-HD/VPTW, based on it, changes no margin


REAL = ("hd-06-tw.pdf", "hd-21-btctu-hanoi.pdf", "nd-45-2026-cp.pdf")  # all of them: bench/bench_format.py


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared/real-documents in a fresh clone")
def test_real_documents_are_checked_without_error(issued):
    workspace, _made = issued
    reports = {name: check_format(workspace, SHARED / name) for name in REAL if (SHARED / name).is_file()}
    assert reports["hd-06-tw.pdf"].guide.symbol == "36-HD/VPTW"  # 09/6/2025
    assert reports["hd-21-btctu-hanoi.pdf"].guide.symbol == "36-HD/VPTW"  # August 2025, the day by hand
    state = reports["nd-45-2026-cp.pdf"]  # the state's: said to be no Party document
    assert state.guide is None and "Nghị định 30/2020" in state.notes[0]


def test_the_service_drafts_every_kind_and_checks_an_upload(office_ws, tmp_path):
    from web_client import client

    ids = office.find_document(office_ws, "01-CV/TU", CONSOLE)["id"]
    with client(office_ws, "vt") as (c, csrf):
        listed = c.get("/soan").text
        for kind in generated_kinds():
            assert f'href="/soan/{kind.slug}"' in listed, kind.slug
        form = c.get("/soan/quy-che").text
        assert "Các chương và điều" in form and "Hướng dẫn 05-HD/VPTW" in form
        issued_page = c.post("/soan/quy-che", data={
            "csrf": csrf, "action": "issue", "subject": "làm việc của Văn phòng", "bases": "Căn cứ Điều lệ Đảng",
            "outline": "Chương: Quy định chung\nĐiều: Phạm vi\nQuy chế này quy định lề lối làm việc.\n"
                       "Chương: Tổ chức thực hiện\nĐiều: Hiệu lực\nCó hiệu lực từ ngày ký."})
        assert issued_page.status_code == 200, issued_page.text
        assert "Đã cấp số 01-QC/TU" in issued_page.text and "Thể thức theo Hướng dẫn 05-HD/VPTW" in issued_page.text
        faulty = tmp_path / "cong-van-xa.docx"
        document = docx.Document(str(next(office_ws.out.glob("01-CV-TU.docx"))))
        _set_text(paragraph_with(document, "Số 01"), "Số: 01-CV/TU")
        document.save(str(faulty))
        checked = c.post("/soan/kiem-tra-the-thuc", data={"csrf": csrf},
                         files={"file": ("cong-van-xa.docx", faulty.read_bytes())})
        assert checked.status_code == 200 and "1 điểm sai thể thức" in checked.text
        assert "xóa dấu «:» sau chữ «Số»" in checked.text
        refused = c.post("/soan/kiem-tra-the-thuc", files={"file": ("a.docx", faulty.read_bytes())})
        assert refused.status_code == 403  # no CSRF token
        page = c.get(f"/van-ban/{ids}").text
        assert "<h2>Thể thức</h2>" in page and "đúng thể thức" in page


def test_a_quy_dinh_and_a_quyet_dinh_printed_alike_are_told_apart(issued, tmp_path):
    """Both are 01-QĐ/TU by 05-HD/VPTW: the CLI chooses with --kind, the register page voids its row's entry,
    and only the Quyết định's archived copy is theirs (its Nơi nhận in the printed book, not marked void)."""
    from openpyxl import load_workbook
    from web_client import client

    root = tmp_path / "ws"
    shutil.copytree(issued[0].root, root)
    workspace, made = Workspace(root), issued[1]
    shutil.copy(made["quyet-dinh"]["pdf"], workspace.inbox / "qd.pdf")
    assert invoke(root, "ingest", str(workspace.inbox)).exit_code == 0
    refused = invoke(root, "register", "void", "01-QĐ/TU", "--reason", "ban hành nhầm")
    assert refused.exit_code == 2 and "(Quy định, Quyết định)" in refused.output
    assert "--kind quy-dinh hoặc --kind quyet-dinh" in refused.output
    assert "--kind quy-dinh" in invoke(root, "pdf", "01-QĐ/TU").output
    with workspace.users() as users:
        users.add("vt", role="van-thu", password="mat-khau-thu-nghiem")
    rows = {e["kind_code"]: e for e in office.register_entries(workspace, CONSOLE, kind=None) if e["number"] == 1}
    with client(workspace, "vt") as (c, csrf):
        page = c.get("/so-dang-ky").text
        voided = c.post(f"/so-dang-ky/{rows['QĐi']['id']}/huy", data={"csrf": csrf, "reason": "ban hành nhầm",
                                                                     "confirm": "1"})
        book = load_workbook(io.BytesIO(c.get(f"/so-dang-ky/so.xlsx?nam={date.today().year}").content)).active
    assert "<th>Loại</th>" in page and "<td>Quy định</td>" in page and "<td>Quyết định</td>" in page
    assert voided.status_code == 200 and "Đã hủy số 01-QĐ/TU." in voided.text
    status = {e["kind_code"]: e["status"] for e in office.register_entries(workspace, CONSOLE) if e["number"] == 1}
    assert status["QĐi"] == "void" and status["QĐ"] != "void"
    copy = office.find_document(workspace, "01-QĐ/TU", CONSOLE)  # the Quyết định's: its entry's, not secret
    assert not copy.get("void") and not copy["secrecy"] and copy["register"] == "01-QĐ/TU"
    cells = {row[2]: row[4] for row in book.iter_rows(values_only=True) if row[0] == "01-QĐ/TU"}
    said = [name for name in cells if name.startswith("Quy định")]
    assert said and not cells[said[0]]  # the Quy định was never archived: no Nơi nhận of another's
    assert any(name.startswith("Quyết định") and cells[name] for name in cells)
    again = invoke(root, "pdf", "01-QĐ/TU", "--kind", "quy-dinh")
    assert again.exit_code == 2 and "đã bị hủy (ban hành nhầm)" in again.output


def test_a_secret_quy_dinh_archived_beside_a_quyet_dinh_printed_alike_stays_its_own_document(issued, tmp_path):
    """Archived, the two 01-QĐ/TU are two documents, each its own secrecy: a Quy định marked MẬT neither
    hides the ordinary Quyết định from staff nor lends it a copy."""
    root = tmp_path / "ws"
    shutil.copytree(issued[0].root, root)
    workspace, made = Workspace(root), issued[1]
    for slug in ("quyet-dinh", "quy-dinh"):
        shutil.copy(made[slug]["pdf"], workspace.inbox / f"{slug}.pdf")
    assert invoke(root, "ingest", str(workspace.inbox)).exit_code == 0
    with workspace.users() as users:
        users.add("cv", role="chuyen-vien", password="mat-khau-thu-nghiem")

    def hits(*extra: str) -> list[dict]:
        result = invoke(root, "search", "01-QĐ/TU", "--json", *extra)
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["hits"]

    both = hits()
    assert sorted(hit["kind"] for hit in both) == ["QĐ", "QĐi"] and len({h["id"] for h in both}) == 2
    rule = next(hit["id"] for hit in both if hit["kind"] == "QĐi")
    edited = invoke(root, "edit", rule, "--secrecy", "MẬT", "--note", "đóng dấu MẬT trên bản giấy")
    assert edited.exit_code == 0, edited.output
    seen = hits("--as", "cv")
    assert [hit["kind"] for hit in seen] == ["QĐ"] and seen[0]["id"] != rule
    shown = invoke(root, "show", seen[0]["id"], "--as", "cv", "--json")
    assert shown.exit_code == 0 and not json.loads(shown.output)["secrecy"], shown.output


def _not_docx(folder: Path, good: str) -> dict[str, tuple[Path, str]]:
    """Files named .docx that python-docx would refuse with its own words: each with what the clerk is told."""
    import zipfile

    files = {"rong.docx": b"", "ghi-chu.docx": "không phải văn bản Word".encode()}
    made = {name: folder / name for name in (*files, "bang-tinh.docx", "bom.docx")}
    for name, data in files.items():
        made[name].write_bytes(data)
    with zipfile.ZipFile(made["bang-tinh.docx"], "w") as package:  # a zip, but no Word document in it
        package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    shutil.copy(good, made["bom.docx"])
    with (zipfile.ZipFile(made["bom.docx"], "a", zipfile.ZIP_DEFLATED, compresslevel=1) as package,
          package.open("word/media/anh.bin", "w", force_zip64=True) as member):  # 1 MB here, 210 MB unpacked
        for _ in range(210):
            member.write(bytes(1024 * 1024))
    said = {"rong.docx": "tệp rỗng (0 byte)", "ghi-chu.docx": "không phải tệp DOCX (văn bản Word 2007 trở lên)",
            "bang-tinh.docx": "không phải tệp DOCX của Word (có thể là tệp .odt",
            "bom.docx": "nội dung giải nén ra 210 MB, quá giới hạn 200 MB"}
    return {name: (made[name], said[name]) for name in made}


def test_each_file_that_is_no_docx_gets_its_own_line_and_the_others_are_checked(issued, tmp_path):
    workspace, made = issued
    bad = _not_docx(tmp_path, made["cong-van"]["docx"])
    result = invoke(workspace.root, "check-format", *(str(path) for path, _said in bad.values()),
                    made["cong-van"]["docx"])
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    for path, said in bad.values():
        assert any(line.startswith(f"Lỗi: Tệp {path}: {said}") for line in lines), (path, result.output)
    assert any(line.startswith(f"Tệp {made['cong-van']['docx']} (") and "đúng thể thức" in line for line in lines)
    assert "Error" not in result.output and "Zip" not in result.output  # no PackageNotFoundError, BadZipFile


@pytest.fixture(scope="module")
def clerk_ws(issued, tmp_path_factory) -> Workspace:
    """The workspace of every kind, served to a clerk, with an upload limit of 8 MB."""
    from conftest import PASSWORD, add_settings

    root = tmp_path_factory.mktemp("served") / "ws"
    shutil.copytree(issued[0].root, root)
    add_settings(Workspace(root), upload_limit_mb=8)
    workspace = Workspace(root)
    with workspace.users() as users:
        users.add("vt", role="van-thu", password=PASSWORD, name="Nguyễn Thị Lan")
    return workspace


def _noise(megabytes: int) -> bytes:
    """Bytes no compression shrinks: a photo's worth of data, the same on every run."""
    import random

    return random.Random(megabytes).randbytes(megabytes * 1024 * 1024)


def test_the_drafting_page_checks_files_of_several_mb_up_to_the_upload_limit(clerk_ws, issued, tmp_path):
    """A Công văn with a photo (5 MB) as DOCX, its PDF with a 5 MB annex: checked, not refused at 2 MB;
    a file past the upload limit is refused naming it; a file that is no DOCX is named as the user sent it."""
    from PIL import Image
    from pypdf import PdfWriter
    from web_client import client

    _workspace, made = issued
    photo = tmp_path / "anh.png"
    Image.frombytes("RGB", (1300, 1300), _noise(5)[:1300 * 1300 * 3]).save(photo, compress_level=1)
    document = docx.Document(made["cong-van"]["docx"])
    document.add_picture(str(photo), width=Mm(60))
    big_docx = io.BytesIO()
    document.save(big_docx)
    writer = PdfWriter(clone_from=made["cong-van"]["pdf"])
    writer.add_attachment("phu-luc.bin", _noise(5))
    big_pdf = io.BytesIO()
    writer.write(big_pdf)
    assert min(len(big_docx.getvalue()), len(big_pdf.getvalue())) > 4 * 1024 * 1024
    with client(clerk_ws, "vt") as (c, csrf):
        answers = {name: c.post("/soan/kiem-tra-the-thuc", data={"csrf": csrf}, files={"file": (name, data)})
                   for name, data in (("cong-van-co-anh.docx", big_docx.getvalue()),
                                      ("cong-van-co-phu-luc.pdf", big_pdf.getvalue()),
                                      ("qua-lon.pdf", b"%PDF-1.7\n" + _noise(9)),
                                      ("C:\\Tai lieu\\bao-cao.docx", b"khong phai Word"))}
    for name in ("cong-van-co-anh.docx", "cong-van-co-phu-luc.pdf"):
        assert answers[name].status_code == 200, answers[name].text
        assert f"Kết quả: {name}" in answers[name].text and "Theo Hướng dẫn 05-HD/VPTW" in answers[name].text
    too_big = answers["qua-lon.pdf"]
    assert too_big.status_code == 413 and "qua-lon.pdf quá lớn: tối đa 8 MB" in too_big.text
    refused = answers["C:\\Tai lieu\\bao-cao.docx"]
    assert refused.status_code == 422 and "Tệp bao-cao.docx: không phải tệp DOCX" in refused.text
    assert "tai-len" not in refused.text and "Tai lieu" not in refused.text
    assert not list(clerk_ws.root.glob(".check-*"))


def test_a_deviation_reads_as_a_sentence_with_decimal_commas_and_the_body_end_in_words(issued, tmp_path):
    workspace, made = issued
    document = docx.Document(made["cong-van"]["docx"])
    document.sections[0].left_margin = Mm(25.4)
    for run in paragraph_with(document, "ĐẢNG CỘNG SẢN").runs:
        run.font.size = Pt(13.5)
    _set_text(paragraph_with(document, "Về việc"), "")  # no trích yếu at all
    last = paragraph_with(document, "3. Văn phòng Tỉnh ủy")
    last.runs[-1].text = last.runs[-1].text.rstrip(".")
    path = tmp_path / "loi.docx"
    document.save(str(path))
    result = invoke(workspace.root, "check-format", str(path))
    assert result.exit_code == 1, result.output
    said = result.output
    assert "Lề trái: 25,4 mm; cần 30 mm." in said and "cỡ 13,5; cần cỡ 15" in said
    assert not re.search(r"\d\.\d", said.split("):", 1)[1])  # no decimal point once the heading's date is past
    assert "Trích yếu công văn: không có; cần «Về việc …» dưới số và ký hiệu" in said
    assert "««" not in said and "»»" not in said and "«không có»" not in said and "[" not in said
    words = " ".join(last.text.split()[-8:])
    assert f"Đoạn cuối của nội dung (ngay trên phần Nơi nhận và chữ ký): «… {words}»; cần kết thúc bằng" in said


def test_a_state_document_is_named_by_the_state_rule_and_never_by_a_party_guide(clerk_ws, tmp_path):
    from incoming_papers import Letter, letter_pdf
    from web_client import client

    letter = Letter(["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], "4711/UBND-VX", date(2026, 6, 10),
                    ["V/v rà soát danh mục công trình trường học"], ["Đề nghị các đơn vị rà soát danh mục."])
    pdf = tmp_path / "ubnd.pdf"
    pdf.write_bytes(letter_pdf(letter))
    shutil.copy(pdf, clerk_ws.inbox / "ubnd.pdf")
    assert invoke(clerk_ws.root, "ingest", str(clerk_ws.inbox)).exit_code == 0
    shown = invoke(clerk_ws.root, "show", "4711/UBND-VX")
    checked = invoke(clerk_ws.root, "check-format", str(pdf), "--json")
    with client(clerk_ws, "vt") as (c, _csrf):
        page = c.get(f"/van-ban/{office.find_document(clerk_ws, '4711/UBND-VX', CONSOLE)['id']}").text
    assert shown.exit_code == 0 and "Thể thức: Nghị định 30/2020/NĐ-CP" in shown.output, shown.output
    assert "chỉ kiểm tra thể thức văn bản của Đảng" in shown.output and "HD/VPTW" not in shown.output
    report = json.loads(checked.output)
    assert checked.exit_code == 0 and report["state"] and report["profile"] is None and not report["deviations"]
    section = page.split("<h2>Thể thức</h2>")[1].split("<h2>")[0]
    assert "Nghị định 30/2020/NĐ-CP" in section and "chỉ kiểm tra thể thức văn bản của Đảng" in section
    assert "HD/VPTW" not in section and "điểm sai" not in section
