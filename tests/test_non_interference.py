"""Secrecy as non-interference: two offices identical but for documents above a viewer's clearance
must give that viewer the same answer to every question, on every route and in the CLI.

``plain`` holds only ordinary documents; ``secret`` is a copy of it to which MẬT documents were
added afterwards: a Công văn and a Thông báo kết luận sharing words, localities and deadlines with
the ordinary ones, a Công văn issued ordinary and then reclassified MẬT (its tasks and its register
entry with it), a team's quick report carrying the mark, a duplicate of a secret file and an unreadable
file in quarantine. Every viewer without clearance (staff, a clerk, a leader, an administrator) asks
the same questions of both; the answers are compared after removing only what differs anyway (the
session's CSRF token, the minute of the clock).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import CONG_VAN, EXAMPLES, PASSWORD
from docx import Document as DocxDocument
from producers import TU, Paper, fpdf_pdf
from web_client import client

import office
from docgen.secrecy import CONSOLE
from office.workspace import Workspace, init_workspace
from vanthu.cli import cli

# Viewers without clearance, one a role; and a clerk and a leader cleared for MẬT, who must see it.
UNCLEARED = {"cv": ("chuyen-vien", "", 9), "vt0": ("van-thu", "", None), "ld0": ("lanh-dao", "", None),
             "qt0": ("quan-tri", "", None)}
CLEARED = {"vtm": ("van-thu", "MẬT", None), "ldm": ("lanh-dao", "MẬT", None)}
SECRET_WORDS = ("Phú Quý", "diễn tập", "phòng thủ", "Khu kinh tế quốc phòng", "02-CV/TU", "02-TB/TU",
                "03-CV/TU", "kho xăng dầu", "thao-truong", "ke-hoach-mat")

PLAIN_TB = EXAMPLES / "thong_bao_ket_luan.yaml"
SECRET_CV = {
    **CONG_VAN, "secrecy": "MẬT", "date": "2026-11-20",
    "subject": "rà soát phương án diễn tập phòng thủ tại đặc khu Phú Quý",
    "body": "Đề nghị Đảng ủy đặc khu Phú Quý rà soát tiến độ giải phóng mặt bằng kho xăng dầu dự trữ.\n\n"
            "- Đảng ủy đặc khu Phú Quý báo cáo kết quả trước ngày 20/12/2026.",
}
SECRET_TB = {
    "subject": "kết luận của Thường trực Tỉnh ủy về phương án phòng thủ tại xã Đắk Song",
    "secrecy": "MẬT", "date": "2026-11-21", "signer": "tl-cvp",
    "body": "Thường trực Tỉnh ủy kết luận về Khu kinh tế quốc phòng trên địa bàn xã Đắk Song:\n\n"
            "- Đảng ủy xã Đắk Song rà soát tiến độ giải phóng mặt bằng thao trường trước ngày 15/12/2026.",
    "recipients": ["Thường trực Tỉnh ủy", "Đảng ủy xã Đắk Song"],
}
RECLASSIFIED_CV = {
    **CONG_VAN, "date": "2026-11-22", "subject": "kiểm tra công tác chuyển đổi số tại xã Đắk Song",
    "body": "Đề nghị Đảng ủy xã Đắk Song rà soát kế hoạch chuyển đổi số.\n\n"
            "- Đảng ủy xã Đắk Song báo cáo trước ngày 18/12/2026.",
}


def _cli(root: Path, *args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(cli, [*args, "--home", str(root)], input=input)
    assert result.exit_code == 0, (args, result.output)
    return result.output


def _issue_and_archive(root: Path, data: Path, documents: dict[str, dict | Path]) -> None:
    """Issue each document (PDF in one LibreOffice run per kind) and archive what was issued."""
    for kind in ("cong-van", "thong-bao"):
        files = []
        for name, content in documents.items():
            if not name.startswith(kind):
                continue
            if isinstance(content, Path):
                files.append(str(content))
            else:
                path = data / f"{name}.yaml"
                path.write_text(yaml.safe_dump(content, allow_unicode=True), "utf-8")
                files.append(str(path))
        if files:
            _cli(root, "new", kind, *files, "--pdf")
    before = set((root / "archive").rglob("*.pdf"))
    for pdf in (root / "out").glob("*.pdf"):
        if not any(p.name.startswith(pdf.stem) for p in before):
            shutil.copy(pdf, root / "inbox" / pdf.name)
    _cli(root, "ingest", str(root / "inbox"))


def _secret_report(path: Path) -> Path:
    """A team's quick report as a DOCX whose first line is the MẬT mark."""
    document = DocxDocument()
    for line in ("MẬT", "BÁO CÁO NHANH", "Nổi bật: Đặc khu Phú Quý hoàn thành phương án diễn tập phòng thủ.",
                 "Khó khăn: giải phóng mặt bằng kho xăng dầu dự trữ còn chậm."):
        document.add_paragraph(line)
    document.save(path)
    return path


@pytest.fixture(scope="module")
def offices(tmp_path_factory) -> tuple[Workspace, Workspace]:
    base = tmp_path_factory.mktemp("ni") / "base"
    init_workspace(base)
    data = tmp_path_factory.mktemp("ni-data")
    _issue_and_archive(base, data, {"cong-van-1": CONG_VAN, "thong-bao-1": PLAIN_TB})
    report = data / "bao-cao-to-9.yaml"
    report.write_text(yaml.safe_dump({"noi_bat": ["Xã Đắk Song rà soát tiến độ giải phóng mặt bằng."],
                                      "localities": ["Đắk Song"]}, allow_unicode=True), "utf-8")
    _cli(base, "report", "add", "--team", "9", str(report))
    for login, (role, clearance, team) in {**UNCLEARED, **CLEARED}.items():
        args = ["user", "add", login, "--role", role, "--password-stdin"]
        args += ["--clearance", clearance] if clearance else []
        args += ["--team", str(team)] if team else []
        _cli(base, *args, input=PASSWORD + "\n")

    plain, secret = base.with_name("plain"), base.with_name("secret")
    shutil.copytree(base, plain)  # both copies of one office: its files' paths are the same in both
    shutil.copytree(base, secret)
    _issue_and_archive(secret, data, {"cong-van-mat": SECRET_CV, "thong-bao-mat": SECRET_TB,
                                      "cong-van-doi": RECLASSIFIED_CV})
    _cli(secret, "edit", "03-CV/TU", "--secrecy", "MẬT", "--note", "văn bản có nội dung mật")
    _cli(secret, "report", "add", "--team", "3", str(_secret_report(data / "bao-cao-to-3.docx")))
    shutil.copy(secret / "out" / "02-CV-TU.pdf", secret / "inbox" / "ke-hoach-mat.pdf")  # a duplicate
    (secret / "inbox" / "thao-truong.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")  # unreadable
    CliRunner().invoke(cli, ["ingest", str(secret / "inbox"), "--home", str(secret)])
    assert sorted(p.name for p in (secret / "quarantine").iterdir() if not p.name.endswith(".txt")) == [
        "ke-hoach-mat.pdf", "thao-truong.pdf"]
    return Workspace(plain), Workspace(secret)


_CSRF = re.compile(r'(name="csrf" value=")[^"]+|("csrf": ")[^"]+|(content=")[A-Za-z0-9_-]{20,}(")')
_CLOCK = re.compile(r"\b\d{2}:\d{2}(:\d{2})?\b|\d{4}-\d{2}-\d{2}T[\d:.+-]+")


def _normalised(text: str) -> str:
    text = _CSRF.sub(lambda m: (m.group(1) or m.group(2) or m.group(3) or "") + "…" + (m.group(4) or ""), text)
    return _CLOCK.sub("HH:MM", text)


def _plain_id(workspace: Workspace) -> str:
    return office.find_document(workspace, "01-CV/TU", CONSOLE)["id"]


def _secret_id(workspace: Workspace) -> str:
    return office.find_document(workspace, "02-CV/TU", CONSOLE)["id"]


ROUTES = [
    "/", "/?q=rà+soát", "/?q=ra+soat+giai+phong+mat+bang", '/?q="giải+phóng+mặt+bằng"', "/?q=01-CV/TU",
    "/?q=02-CV/TU", "/?q=Phú+Quý", "/?locality=Đắk+Song", "/?team=9", "/?sort=date", "/?kind=TB",
    "/?q=thao+trường", "/van-ban/{plain}", "/van-ban/{secret}", "/van-ban/02-CV/TU", "/van-ban/03-CV/TU",
    "/bao-cao-tuan", "/so-dang-ky", "/luu-tru", "/luu-tru?kiem-tra=1", "/cho-xac-nhan", "/soan",
    "/soan/cong-van", "/quan-tri", "/nhat-ky", "/nhat-ky?action=upload&page=1",
    "/api/search?q=rà+soát&facets=1", "/api/search?q=giai+phong+mat+bang&facets=1", "/api/search?q=01-CV/TU",
    "/api/search?q=02-CV/TU", '/api/search?q="rà+soát+tiến+độ"&facets=1', "/api/search?facets=1",
    "/api/search?sort=date&limit=50", "/api/search?locality=Đắk+Song&facets=1", "/api/search?team=3",
    "/api/search?q=bao+cao+nhanh", "/api/documents/{plain}", "/api/documents/{secret}",
    "/api/documents/02-CV/TU", "/api/documents/03-CV/TU", "/api/documents/{plain}/files/0",
    "/api/register", "/api/tasks?all=1", "/api/tasks?locality=Đắk+Song", "/api/digest",
]


def _differences(first: dict[str, tuple[int, str]], second: dict[str, tuple[int, str]]) -> dict[str, list[str]]:
    """Each route answered otherwise, with the lines that differ (what a reviewer reads first)."""
    import difflib

    found = {}
    for route, answer in first.items():
        if second[route] != answer:
            lines = difflib.unified_diff(answer[1].splitlines(), second[route][1].splitlines(), lineterm="", n=0)
            found[route] = [f"status {answer[0]} / {second[route][0]}", *list(lines)[2:8]]
    return found


def _assert_same(first: dict[str, tuple[int, str]], second: dict[str, tuple[int, str]]) -> None:
    found = _differences(first, second)
    if found:
        pytest.fail("\n".join(f"{route}:\n    " + "\n    ".join(line[:300] for line in lines)
                              for route, lines in found.items()), pytrace=False)


def _answers(workspace: Workspace, login: str, ids: dict[str, str]) -> dict[str, tuple[int, str]]:
    answers = {}
    with client(workspace, login) as (c, _csrf):
        for route in ROUTES:
            response = c.get(route.format(**ids))
            answers[route] = (response.status_code, _normalised(response.text))
    return answers


@pytest.mark.parametrize("login", sorted(UNCLEARED))
def test_every_route_answers_a_viewer_without_clearance_as_if_no_secret_existed(offices, login):
    plain, secret = offices
    ids = {"plain": _plain_id(plain), "secret": _secret_id(secret)}
    assert _plain_id(secret) == ids["plain"]
    first, second = _answers(plain, login, ids), _answers(secret, login, ids)
    _assert_same(first, second)
    for route, (_status, body) in second.items():
        for word in SECRET_WORDS:
            assert word not in body or word in first[route][1], (route, word)


def test_a_cleared_viewer_sees_what_the_others_do_not(offices, tmp_path):
    secret = Workspace(shutil.copytree(offices[1].root, tmp_path / "ws"))  # their logins are in the log
    with client(secret, "vtm") as (c, _):
        found = c.get("/api/search", params={"q": "Phú Quý"}).json()
        register = c.get("/api/register").json()
        tasks = c.get("/api/tasks", params={"all": "1"}).json()
        weekly = c.get("/bao-cao-tuan").text
        quarantine = c.get("/luu-tru").text
    reports = [hit["id"] for hit in found["hits"] if hit["kind"] == "BC"]
    assert {hit["symbol"] for hit in found["hits"]} == {"02-CV/TU", ""}
    assert len(reports) == 1 and reports[0].endswith("-03")  # the team's MẬT report
    assert {row["symbol"] for row in register} >= {"02-CV/TU", "02-TB/TU", "03-CV/TU"}
    assert {row["secrecy"] for row in register if row["symbol"] == "03-CV/TU"} == {"MẬT"}
    assert {task["symbol"] for task in tasks} >= {"02-CV/TU", "02-TB/TU", "03-CV/TU"}
    assert "thao trường" in weekly and 'class="on_time" id="to-3"' in weekly  # the MẬT task and report
    assert "ke-hoach-mat.pdf" in quarantine and "thao-truong.pdf" in quarantine


def _claiming(number: str) -> bytes:
    """A PDF with no mark that says it is the document ``number``-CV/TU."""
    paper = Paper("claim", TU, int(number), "CV", "TU", __import__("datetime").date(2026, 11, 20),
                  ["V/v rà soát phương án diễn tập"], "CHÁNH VĂN PHÒNG", "Trần Minh Khoa", "T/L BAN THƯỜNG VỤ",
                  to=["Các Tổ theo dõi địa bàn"])
    return fpdf_pdf(paper)


@pytest.mark.parametrize("login", ["vt0"])
def test_an_upload_claiming_a_secret_number_answers_as_any_other_file(offices, tmp_path, login):
    results = []
    for workspace in offices:
        copy = tmp_path / workspace.root.name
        shutil.copytree(workspace.root, copy)
        ws = Workspace(copy)
        ids = {"plain": _plain_id(ws), "secret": _secret_id(offices[1])}
        with client(ws, login) as (c, csrf):
            answer = c.post("/api/archive", files={"file": ("ban-sao.pdf", _claiming("2"), "application/pdf")},
                            headers={"X-CSRF-Token": csrf})
        results.append(((answer.status_code, _normalised(answer.text)), _answers(ws, login, ids)))
    (first_upload, first), (second_upload, second) = results
    assert first_upload == second_upload
    _assert_same(first, second)


def _cli_answers(workspace: Workspace, login: str) -> dict[str, str]:
    commands = [["search", "rà soát", "--json"], ["search", "02-CV/TU", "--json"], ["search", "--json"],
                ["search", "--locality", "Đắk Song", "--json"], ["show", "01-CV/TU", "--json"],
                ["tasks", "--all", "--json"], ["register", "list", "--json"], ["digest", "--json"],
                ["check", "--json"], ["audit", "--json"], ["report", "status", "--json"]]
    answers = {}
    for args in commands:
        result = CliRunner().invoke(cli, [*args, "--as", login, "--home", str(workspace.root)])
        answers[" ".join(args)] = f"{result.exit_code} {_normalised(result.output)}"
    return answers


@pytest.mark.parametrize("login", sorted(UNCLEARED))
def test_the_cli_answers_as_a_user_as_if_no_secret_existed(offices, login):
    plain, secret = offices
    first, second = _cli_answers(plain, login), _cli_answers(secret, login)
    # each command answers as the web would: a role without the page's right is refused (exit 2), the same
    # way in both offices; every role has some command it may run
    assert any(answer.startswith("0 ") for answer in first.values()), first
    _assert_same({k: (0, v) for k, v in first.items()}, {k: (0, v) for k, v in second.items()})


def test_the_same_document_refused_names_nothing_the_clerk_may_not_read(offices, tmp_path):
    _plain, secret = offices
    copy = tmp_path / "ws"
    shutil.copytree(secret.root, copy)
    data = tmp_path / "same.yaml"
    data.write_text(yaml.safe_dump({**SECRET_CV, "secrecy": ""}, allow_unicode=True), "utf-8")
    with client(Workspace(copy), "vt0") as (c, csrf):
        answer = c.post("/api/documents", params={"kind": "cong-van"}, headers={"X-CSRF-Token": csrf},
                        json={**SECRET_CV, "secrecy": ""})
    assert answer.status_code == 422, answer.text
    text = json.dumps(answer.json(), ensure_ascii=False)
    assert "không được xem" in text and "02-CV/TU" not in text and "MẬT" not in text
    with Workspace(copy).register() as register:
        assert [e.symbol for e in register.entries(kind_code="CV")] == ["01-CV/TU", "02-CV/TU", "03-CV/TU"]
