"""Every route × every role, and the secrecy rule per route: the table that would have caught the leaks."""

from __future__ import annotations

import pytest
from conftest import SECRET_SUBJECT
from web_client import client

import office
from docgen.secrecy import CONSOLE

ROLES = (None, "vt", "cv", "ld", "qt")
READERS = {"vt", "cv", "ld"}
# (path, who may open it); every other logged-in role gets 403, nobody logged in is sent to log in.
PAGES = [
    ("/van-ban/{doc}", READERS), ("/van-ban/{doc}/tep/0", READERS), ("/soan", {"vt", "cv"}),
    ("/soan/cong-van", {"vt", "cv"}), ("/so-dang-ky", {"vt", "ld"}), ("/so-dang-ky/{entry}/docx", {"vt", "ld"}),
    ("/luu-tru", {"vt"}), ("/bao-cao-tuan", READERS), ("/quan-tri", {"qt"}), ("/nhat-ky", {"ld", "qt"}),
    ("/cho-xac-nhan", {"vt"}), ("/van-ban/{doc}/trang/1.png", {"vt"}),
]
APIS = [
    ("/api/search?q=ra+soat", READERS), ("/api/documents/{doc}", READERS),
    ("/api/documents/{doc}/files/0", READERS), ("/api/register", {"vt", "ld"}), ("/api/tasks", READERS),
    ("/api/digest", {"vt", "ld"}),
]


def _ids(workspace) -> dict[str, str]:
    plain = office.find_document(workspace, "01-CV/TU", CONSOLE)
    secret = office.find_document(workspace, "02-CV/TU", CONSOLE)
    entry = office.register_entries(workspace, CONSOLE, kind="CV")[0]
    return {"doc": plain["id"], "secret": secret["id"], "entry": str(entry["id"])}


def _expected(login: str | None, url: str, allowed: set[str]) -> int:
    if login is None:
        return 401 if url.startswith("/api/") else 303
    return 200 if login in allowed else 403


@pytest.mark.parametrize("login", ROLES)
def test_every_route_checks_the_login_and_the_role(office_ws, login):
    ids = _ids(office_ws)
    with client(office_ws, login) as (c, _csrf):
        c.follow_redirects = False
        for path, allowed in PAGES + APIS:
            url = path.format(**ids)
            response = c.get(url)
            expected = _expected(login, url, allowed)
            assert response.status_code == expected, (login, url, response.status_code)
            if login is None and expected == 303:
                assert response.headers["location"].startswith("/dang-nhap?next=")


def test_health_needs_no_login(office_ws):
    with client(office_ws) as (c, _):
        response = c.get("/api/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_the_browser_tab_icon_needs_no_login_and_every_page_links_it(office_ws):
    with client(office_ws) as (c, _):
        icon = c.get("/favicon.ico")  # what browsers ask for by themselves
        login_page = c.get("/dang-nhap")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert '<link rel="icon" href="/static/favicon.svg"' in login_page.text


def test_an_administrator_is_sent_to_administration_not_to_documents(office_ws):
    with client(office_ws, "qt") as (c, _):
        c.follow_redirects = False
        assert c.get("/").headers["location"] == "/quan-tri"
        assert c.get("/api/search?q=ra+soat").status_code == 403


SECRET_ROUTES = ["/van-ban/{secret}", "/van-ban/{secret}/tep/0", "/api/documents/{secret}",
                 "/api/documents/{secret}/files/0", "/api/documents/02-CV/TU"]
LISTINGS = ["/", "/?q=Phú+Quý", "/?q=dien+tap", "/?q=&sort=date", "/api/search?q=dien+tap&facets=1",
            "/api/search?facets=1", "/bao-cao-tuan", "/api/tasks?all=1", "/api/register", "/so-dang-ky",
            "/api/digest", "/soan"]


def test_a_secret_document_does_not_exist_for_a_viewer_without_clearance(office_ws):
    ids = _ids(office_ws)
    with client(office_ws, "cv") as (c, _):
        for path in SECRET_ROUTES:
            assert c.get(path.format(**ids)).status_code == 404, path
        for path in LISTINGS:
            response = c.get(path)
            assert response.status_code in (200, 403), path
            body = response.text
            # The pages list every locality for the type-ahead; the JSON must not name Phú Quý at all.
            words = (SECRET_SUBJECT, ids["secret"], "02-CV/TU", "diễn tập", *(["Phú Quý"] if "/api/" in path else []))
            for secret in words:
                assert secret not in body, (path, secret)
        answer = c.get("/api/search?facets=1").json()
    assert answer["total"] == 2  # the Công văn and the Thông báo, never the MẬT one
    localities = [v["name"] for v in answer["facets"].get("locality", [])]
    assert not any("Phú Quý" in name for name in localities)


def test_a_cleared_reader_sees_the_secret_document_and_the_view_is_audited(office_ws):
    ids = _ids(office_ws)
    with client(office_ws, "ld") as (c, _):
        page = c.get(f"/van-ban/{ids['secret']}")
        answer = c.get("/api/search?q=Phú+Quý").json()
        document = c.get(f"/api/documents/{ids['secret']}").json()
    assert page.status_code == 200 and SECRET_SUBJECT in page.text and "MẬT" in page.text
    assert answer["total"] == 1 and answer["hits"][0]["secrecy"] == "MẬT"
    assert document["secrecy"] == "MẬT"
    with office_ws.audit() as log:
        views = [e for e in log.entries(login="ld") if e.action == "view-secret"]
    assert len(views) == 2 and views[0].target == "02-CV/TU"


def test_the_leader_registers_show_only_what_their_clearance_allows(office_ws):
    with client(office_ws, "ld") as (c, _):
        assert SECRET_SUBJECT in c.get("/so-dang-ky").text
    with office_ws.users() as users:
        users.add("ld2", role="lanh-dao", password="mat-khau-khac-1")
    with client(office_ws) as (c, _):
        from web_client import log_in

        assert log_in(c, "ld2", "mat-khau-khac-1")
        assert SECRET_SUBJECT not in c.get("/so-dang-ky").text
        assert all(row["secrecy"] == "" for row in c.get("/api/register").json())


def test_searches_in_the_search_processes_keep_the_secret_from_a_viewer_without_clearance(office_ws):
    """The service's own set-up (``vanthu serve`` searches in worker processes): the viewer travels
    with each search, so the worker filters exactly as the in-process search does."""
    with client(office_ws, "cv", search_processes=1) as (c, _):
        staff = c.get("/api/search", params={"q": "diễn tập Phú Quý"}).json()
        everything = c.get("/api/search", params={"facets": "1"}).json()
        page = c.get("/", params={"q": "Phú Quý"}).text
    with client(office_ws, "vt", search_processes=1) as (c, _):
        clerk = c.get("/api/search", params={"q": "diễn tập Phú Quý"}).json()
    assert staff == {"total": 0, "hits": []}
    assert everything["total"] == 2 and SECRET_SUBJECT not in str(everything)
    assert SECRET_SUBJECT not in page
    assert [hit["symbol"] for hit in clerk["hits"]] == ["02-CV/TU"] and clerk["hits"][0]["secrecy"] == "MẬT"


@pytest.fixture(scope="module")
def incoming_office(office_template, tmp_path_factory):
    """The office with two documents of other bodies registered: one ordinary, one MẬT (its own book)."""
    import shutil
    from datetime import date, timedelta

    from click.testing import CliRunner
    from conftest import add_settings
    from incoming_papers import Letter, letter_pdf

    from office.workspace import Workspace
    from vanthu.cli import cli

    root = tmp_path_factory.mktemp("incoming-access") / "ws"
    shutil.copytree(office_template, root)
    day = date.today() - timedelta(days=3)
    letters = {"thuong.pdf": Letter(["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], "4600/UBND-TH", day,
                                    ["V/v góp ý dự thảo kế hoạch năm 2027"], ["Đề nghị góp ý dự thảo kế hoạch."]),
               "mat.pdf": Letter(["CÔNG AN TỈNH LÂM ĐỒNG"], "95/CAT-PV", day, ["V/v tình hình an ninh biên giới"],
                                 ["Công an tỉnh thông báo tình hình an ninh khu vực biên giới."], marks=["MẬT"])}
    for name, letter in letters.items():
        (root / "inbox" / name).write_bytes(letter_pdf(letter))
    add_settings(Workspace(root), unoserver=str(root / "no-unoserver"))  # cold PDFs: no warm start per client
    for args in (["ingest", str(root / "inbox")], ["incoming", "add", "4600/UBND-TH"],
                 ["incoming", "add", "95/CAT-PV"]):
        result = CliRunner().invoke(cli, [*args, "--home", str(root)])
        assert result.exit_code == 0, result.output
    return root


INCOMING_PAGES = [("/van-ban-den", READERS), ("/van-ban-den/{year}/1", READERS),
                  ("/van-ban-den/so.xlsx?nam={year}", {"vt", "ld"}), ("/so-dang-ky/so.xlsx?nam={year}", {"vt", "ld"}),
                  ("/api/incoming", READERS), ("/api/incoming/1?year={year}", READERS)]
# State changes sent without what they need: the role is refused first (403), else the input (422); nothing changes.
INCOMING_CHANGES = [("/van-ban-den", {"vt"}), ("/van-ban-den/{year}/1/chi-dao", {"ld"}),
                    ("/van-ban-den/{year}/1/xong", {"vt", "cv", "ld"}), ("/api/incoming", {"vt"}),
                    ("/api/incoming/1/direction?year={year}", {"ld"}), ("/api/incoming/1/done?year={year}",
                                                                         {"vt", "cv", "ld"})]


@pytest.mark.parametrize("login", ROLES)
def test_every_incoming_route_checks_the_login_and_the_role(incoming_office, tmp_path, login):
    import shutil
    from datetime import date

    from office.workspace import Workspace

    root = tmp_path / "ws"
    shutil.copytree(incoming_office, root)
    workspace, year = Workspace(root), date.today().year
    with client(workspace, login) as (c, csrf):
        c.follow_redirects = False
        for path, allowed in INCOMING_PAGES:
            url = path.format(year=year)
            assert c.get(url).status_code == _expected(login, url, allowed), (login, url)
        for path, allowed in INCOMING_CHANGES:
            url = path.format(year=year)
            response = (c.post(url, json={}, headers={"X-CSRF-Token": csrf}) if url.startswith("/api/")
                        else c.post(url, data={"csrf": csrf}))
            expected = _expected(login, url, allowed)
            assert response.status_code == (422 if expected == 200 else expected), (login, url, response.status_code)
    from incoming.book import Filters

    with workspace.incoming_book() as book:  # the refused changes changed nothing
        assert [row.status for row in book.select(CONSOLE, Filters())] == ["registered", "registered"]


def test_a_secret_incoming_document_does_not_exist_for_a_viewer_without_clearance(incoming_office):
    from datetime import date

    from office.workspace import Workspace

    workspace, year = Workspace(incoming_office), date.today().year
    with client(workspace, "cv") as (c, _):
        for path in (f"/van-ban-den/{year}/1?so=mat", f"/api/incoming/1?year={year}&book=MẬT"):
            assert c.get(path).status_code == 404, path
        for path in ("/van-ban-den", "/api/incoming", "/", "/bao-cao-tuan", "/van-ban-den?trang-thai=cho-chi-dao"):
            body = c.get(path).text
            for secret in ("95/CAT-PV", "an ninh biên giới", "Sổ MẬT"):
                assert secret not in body, (path, secret)
        counts = c.get("/van-ban-den").text
    assert "Chưa có ý kiến chỉ đạo <span class=\"count\">(1)</span>" in counts
    with client(workspace, "ld") as (c, _):
        assert "an ninh biên giới" in c.get(f"/van-ban-den/{year}/1?so=mat").text
        assert "Chưa có ý kiến chỉ đạo <span class=\"count\">(2)</span>" in c.get("/van-ban-den").text
