"""Walking through the service as a person does: a real ``vanthu serve`` and Debian's Chromium.

The server runs as a subprocess on a free port of 127.0.0.1 and is polled until it answers;
Playwright drives the system Chromium (its own browser download is not reachable here). Each
test takes a screenshot of what the person saw; ``VANTHU_SCREENSHOTS=docs/screenshots`` keeps
them for the README.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PASSWORD, SECRET_SUBJECT
from pdf_factory import sign_pdf
from playwright.sync_api import Browser, Page, expect, sync_playwright
from serving import served

from office.workspace import Workspace

# What a page shows after a conversion by LibreOffice may take more than expect's 5 s on a busy machine.
expect.set_options(timeout=30_000)
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"  # 4.14.1, MPL-2.0
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def signed(issued, tmp_path_factory) -> Path:
    """A PDF signed by pyHanko, made before the browser starts (Playwright's sync API holds the event loop
    that pyHanko's own asyncio.run would need)."""
    path = tmp_path_factory.mktemp("signed") / "cong-van-da-ky.pdf"
    path.write_bytes(sign_pdf(issued.pdfs["cv1"], issued.signer, issued.ca))
    return path


@pytest.fixture(scope="module")
def server(office_template: Path, signed: Path, tmp_path_factory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("served") / "ws"
    shutil.copytree(office_template, root)
    with served(root) as base:
        yield base, root


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # bypass_csp: the page's CSP forbids inline scripts, axe-core is injected by the test only
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True,
                                  bypass_csp=True)
    yield context.new_page()
    context.close()


def shot(page: Page, name: str, tmp_path: Path) -> Path:
    folder = Path(os.environ.get("VANTHU_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def looked_at(page: Page, name: str, tmp_path: Path) -> None:
    """A page as a person meets it: no accessibility violation (axe-core), nothing wider than a
    390 px phone, and a screenshot at 1280 px and at 390 px."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                          ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))")
    assert found == [], f"{name}: {found}"
    shot(page, name, tmp_path)
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        culprits = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
              if (e.getBoundingClientRect().right <= 391) return false;
              for (let a = e.parentElement; a; a = a.parentElement)
                if (getComputedStyle(a).overflowX !== 'visible') return false;
              return true; })
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
        assert wide <= PHONE["width"], f"{name}: {wide} px wide on a 390 px phone: {culprits}"
        shot(page, f"{name}-390", tmp_path)
    finally:
        page.set_viewport_size(size)


def log_in(page: Page, base: str, login: str, password: str = PASSWORD) -> None:
    page.goto(base + "/")
    page.get_by_label("Tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def search(page: Page, text: str) -> None:
    page.get_by_label("Tìm kiếm").fill(text)
    page.get_by_role("button", name="Tìm", exact=True).click()


def test_search_with_and_without_accents_a_facet_and_a_documents_pdf(server, page, tmp_path):
    base, _root = server
    log_in(page, base, "vt")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()
    search(page, "giải phóng mặt bằng")
    with_accents = page.get_by_role("status").inner_text()
    search(page, "giai phong mat bang")
    expect(page.get_by_role("status")).to_have_text(with_accents)
    expect(page.locator(".hit mark").first).to_be_visible()
    looked_at(page, "tra-cuu", tmp_path)
    page.locator(".facet", has_text="Địa bàn").get_by_role("link", name="Đắk Song").click()
    assert "locality=" in page.url  # the URL holds the query: a search can be bookmarked
    expect(page.get_by_role("status")).to_contain_text("Tìm thấy 1 văn bản")
    page.locator("a.symbol").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thông báo")
    # the PDF viewer may also cancel or re-ask for the file: the answer that counts is the one with a body
    with page.expect_response(lambda r: "/tep/0" in r.url and "content-type" in r.headers) as answer:
        page.reload()
    assert answer.value.headers["content-type"] == "application/pdf"
    looked_at(page, "van-ban", tmp_path)


def test_a_clerk_drafts_previews_issues_and_downloads_a_cong_van(server, page, tmp_path):
    base, _root = server
    log_in(page, base, "vt")
    page.get_by_role("link", name="Soạn văn bản").click()
    page.get_by_role("link", name="Công văn").click()
    page.get_by_label("Trích yếu").fill("đôn đốc nộp báo cáo nhanh đúng hạn")
    page.get_by_label("Kính gửi").fill("Các Tổ theo dõi địa bàn\nĐảng ủy các xã, phường, đặc khu")
    page.get_by_label("Nội dung").fill("Đề nghị các Tổ gửi báo cáo nhanh trước 09 giờ thứ Sáu hằng tuần.")
    page.get_by_label("Nơi nhận").fill("Thường trực Tỉnh ủy")
    started = time.monotonic()
    with page.expect_response(lambda r: r.request.method == "POST" and "/soan/" in r.url) as preview:
        page.get_by_role("button", name="Xem trước", exact=True).click()
    assert preview.value.headers["content-type"] == "application/pdf"
    print(f"xem trước: {time.monotonic() - started:.2f} s")
    page.wait_for_timeout(2000)  # the browser's PDF viewer draws the page
    looked_at(page, "soan-van-ban", tmp_path)
    page.get_by_role("button", name="Cấp số và phát hành").click()
    # numbering, rendering and the PDF by LibreOffice: seconds on a busy machine, more than expect's default 5
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đã cấp số 03-CV/TU", timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    looked_at(page, "da-cap-so", tmp_path)
    page.get_by_role("link", name="Xem sổ đăng ký").click()
    expect(page.get_by_role("cell", name="đôn đốc nộp báo cáo nhanh đúng hạn")).to_be_visible()
    looked_at(page, "so-dang-ky", tmp_path)


def test_a_clerk_uploads_a_signed_pdf(server, signed, page, tmp_path):
    base, _root = server
    log_in(page, base, "vt")
    page.get_by_role("link", name="Lưu trữ").click()
    page.get_by_label("Tệp PDF đã ký").set_input_files(str(signed))
    page.get_by_role("button", name="Lưu trữ", exact=True).click()
    expect(page.get_by_role("cell", name="Đã lưu trữ")).to_be_visible()
    expect(page.get_by_role("cell", name="Chưa xác thực được nguồn")).to_be_visible()
    looked_at(page, "luu-tru", tmp_path)


def test_staff_send_their_teams_report_and_a_clerk_compiles_the_digest(server, page, tmp_path):
    base, _root = server
    log_in(page, base, "cv")
    page.get_by_role("link", name="Báo cáo tuần").click()
    expect(page.get_by_label("Tổ", exact=True)).to_have_value("9")
    page.get_by_label("Nổi bật").fill("Tình hình an ninh trật tự ổn định\nThu ngân sách đạt kế hoạch")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nhận báo cáo của Tổ 9")
    expect(page.get_by_role("row", name="Tổ 9")).not_to_contain_text("CHƯA BÁO CÁO")
    looked_at(page, "bao-cao-tuan", tmp_path)
    page.get_by_role("button", name="Đăng xuất").click()
    log_in(page, base, "vt")
    page.get_by_role("link", name="Báo cáo tuần").click()
    page.get_by_role("button", name="Tổng hợp").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đã tạo báo cáo tổng hợp")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải DOCX").click()
    assert Path(download.value.path()).read_bytes().startswith(b"PK")


def test_staff_without_clearance_never_meet_the_secret_document(server, page, tmp_path):
    base, root = server
    log_in(page, base, "cv")
    for text in ("Phú Quý", "dien tap", ""):
        search(page, text)
        expect(page.locator("main")).not_to_contain_text(SECRET_SUBJECT)
    import office
    from docgen.secrecy import CONSOLE
    from office.workspace import Workspace

    secret = office.find_document(Workspace(root), "02-CV/TU", CONSOLE)["id"]
    for path in (f"/van-ban/{secret}", f"/api/documents/{secret}", f"/van-ban/{secret}/tep/0"):
        answer = page.goto(base + path)
        assert answer is not None and answer.status == 404
        expect(page.locator("body")).not_to_contain_text(SECRET_SUBJECT)
    page.goto(base + "/api/digest?week=2026-W23")
    expect(page.locator("body")).not_to_contain_text("02-CV/TU")
    page.goto(base + f"/van-ban/{secret}")
    looked_at(page, "khong-tim-thay", tmp_path)


def test_a_forged_form_is_refused(server, page, tmp_path):
    base, _root = server
    log_in(page, base, "vt")
    page.get_by_role("link", name="Sổ đăng ký").click()
    form = page.locator("form.inline-form").first
    form.locator("input[name=csrf]").evaluate("field => field.value = 'gia-mao'")
    form.get_by_placeholder("Lý do").fill("thử giả mạo")
    form.get_by_role("button", name="Hủy số").click()
    expect(page.get_by_role("alert")).to_contain_text("CSRF")
    looked_at(page, "csrf", tmp_path)
    page.goto(base + "/so-dang-ky")
    expect(page.locator("main")).not_to_contain_text("thử giả mạo")


def test_the_browser_says_in_vietnamese_what_a_form_still_needs(server, page):
    """An office PC's Windows may be English: the browser's own «Please fill out this field.» is said in
    Vietnamese (web/static/forms.js), and what is typed again is checked afresh."""
    base, _root = server
    page.goto(base + "/")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_label("Tên đăng nhập").evaluate("field => field.validationMessage") == "Hãy điền mục này."
    log_in(page, base, "vt")
    page.goto(base + "/doi-mat-khau")
    page.get_by_label("Mật khẩu hiện tại").fill(PASSWORD)
    page.get_by_label("Mật khẩu mới", exact=True).fill("abc")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    new = page.get_by_label("Mật khẩu mới", exact=True)
    assert new.evaluate("field => field.validationMessage") == "Cần ít nhất 8 ký tự (đang có 3)."
    new.fill("mat-khau-du-dai")
    assert new.evaluate("field => field.validationMessage") == ""
    assert page.url.endswith("/doi-mat-khau")  # nothing was sent


def test_a_file_field_says_chon_tep_in_vietnamese_by_mouse_keyboard_and_without_script(server, signed, page, browser,
                                                                                        tmp_path):
    """The browser's «Choose File / No file chosen» is the language of the PC's Windows: the field says «Chọn
    tệp…» and what was chosen, is reached by Tab and opened by Space, and a browser without script still sends."""
    base, _root = server
    log_in(page, base, "vt")
    page.goto(base + "/luu-tru")
    pick = page.locator(".file-pick", has=page.get_by_label("Tệp PDF đã ký"))
    expect(pick).to_have_text("Chọn tệp… (một hoặc nhiều tệp)Chưa chọn tệp")
    page.get_by_label("Tệp PDF đã ký").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(signed))
    expect(pick).to_contain_text(signed.name)
    expect(page.get_by_label("Tệp PDF đã ký")).to_have_accessible_description(signed.name)
    looked_at(page, "luu-tru-chon-tep", tmp_path)
    page.goto(base + "/soan")
    expect(page.locator(".file-pick")).to_have_text("Chọn tệp…Chưa chọn tệp")
    bare = browser.new_context(java_script_enabled=False, locale="vi-VN").new_page()  # the browser's own field
    log_in(bare, base, "vt")
    bare.goto(base + "/luu-tru")
    expect(bare.locator(".file-pick")).to_have_count(0)
    bare.get_by_label("Tệp PDF đã ký").set_input_files(str(signed))
    bare.get_by_role("button", name="Lưu trữ", exact=True).click()
    expect(bare.locator("td.file-name")).to_have_text(signed.name)  # the results of the upload
    bare.context.close()


def test_the_header_stays_on_one_line_at_1366_px_and_wraps_on_a_phone(server, page, tmp_path):
    """A clerk's laptop is 1366 px wide: the widest menu (a văn thư's) and a full name stay on one line."""
    base, root = server
    with Workspace(root).users() as users:
        users.add("lan", role="van-thu", password=PASSWORD, name="Nguyễn Thị Thanh Hương", clearance=1)
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, base, "lan")
    links = page.locator("header.top nav a")
    expect(links).to_have_count(7)
    tops = links.evaluate_all("all => all.map(a => Math.round(a.getBoundingClientRect().top))")
    nav = page.locator("header.top nav").bounding_box()
    out = page.get_by_role("button", name="Đăng xuất").bounding_box()
    assert len(set(tops)) == 1 and out["y"] < nav["y"] + nav["height"], (tops, nav, out)
    assert page.locator("header.top").bounding_box()["height"] < 80
    expect(page.locator("header.top .who").first).to_contain_text("Nguyễn Thị Thanh Hương")
    looked_at(page, "dau-trang-1366", tmp_path)  # and on a phone, nothing wider than its screen


def test_five_wrong_passwords_lock_the_login(server, page, tmp_path):
    base, _root = server
    for _ in range(5):
        log_in(page, base, "ld", "mat-khau-sai")
        expect(page.get_by_role("alert")).to_contain_text("không đúng")
    log_in(page, base, "ld")
    expect(page.get_by_role("alert")).to_contain_text("tạm khóa")
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    looked_at(page, "dang-nhap-bi-khoa", tmp_path)


def test_a_clerks_second_week_every_page_changed_is_looked_at(server, page, tmp_path):
    """The pages issue 24 changed, walked as a clerk and an administrator do (axe-core, a phone's width)."""
    base, _root = server
    page.goto(base + "/dang-nhap")
    looked_at(page, "dang-nhap", tmp_path)
    log_in(page, base, "vt")
    page.get_by_role("link", name="Sổ đăng ký").click()
    row = page.get_by_role("row").filter(has_text="01-TB/TU")
    row.get_by_placeholder("Lý do").fill("ban hành nhầm")
    row.get_by_role("button", name="Hủy số").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hủy số 01-TB/TU")
    looked_at(page, "huy-so", tmp_path)
    page.get_by_role("button", name="Hủy số 01-TB/TU").click()
    expect(page.get_by_role("status")).to_contain_text("Đã hủy số 01-TB/TU")
    looked_at(page, "so-dang-ky-da-huy", tmp_path)
    page.get_by_role("link", name="Tra cứu").click()
    search(page, "Đắk Song")
    expect(page.locator(".hit", has_text="01-TB/TU")).to_contain_text("ĐÃ HỦY SỐ")
    page.locator("a.symbol", has_text="01-TB/TU").click()
    expect(page.get_by_role("alert").first).to_contain_text("đã bị hủy")
    looked_at(page, "van-ban-da-huy", tmp_path)
    page.get_by_role("link", name="Báo cáo tuần").click()
    page.get_by_label("Tổ", exact=True).select_option("11")
    page.get_by_label("Nổi bật").fill("Thu ngân sách xã Đắk Song đạt 80% kế hoạch")
    page.get_by_label("Thời điểm nhận").fill(time.strftime("%d/%m/%Y 08:00"))
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("status")).to_contain_text("Đã nhận báo cáo của Tổ 11")
    looked_at(page, "bao-cao-tuan-nhiem-vu", tmp_path)
    page.get_by_role("link", name="Xem báo cáo").click()
    expect(page.get_by_role("heading", level=2, name="Nổi bật")).to_be_visible()
    looked_at(page, "bao-cao-nhanh", tmp_path)
    page.get_by_role("link", name="Chờ xác nhận").click()
    looked_at(page, "cho-xac-nhan", tmp_path)
    page.get_by_role("link", name="Văn bản đến").click()
    looked_at(page, "van-ban-den", tmp_path)
    page.goto(base + "/soan/quy-che")
    looked_at(page, "soan-quy-che", tmp_path)
    page.get_by_role("link", name="Đổi mật khẩu").click()
    looked_at(page, "doi-mat-khau", tmp_path)
    page.get_by_role("button", name="Đăng xuất").click()
    log_in(page, base, "qt")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quản trị")
    page.get_by_role("row").filter(has_text="cv").get_by_role("button", name="Đặt lại mật khẩu").click()
    expect(page.get_by_role("status").first).to_contain_text("Đã đặt lại mật khẩu của cv")
    looked_at(page, "quan-tri", tmp_path)
    page.get_by_role("navigation").get_by_role("link", name="Nhật ký").click()
    looked_at(page, "nhat-ky", tmp_path)
