"""Scans of state documents as the Government's portal publishes them.

A page laid out to Nghị định 30/2020/NĐ-CP (Phụ lục I) is drawn at 200 dpi, the number and the day
written by hand over the blanks (a calligraphic font, tilted, in blue ink), a red seal over the
signer's title, the receiver's ``ĐẾN`` stamp with its own handwritten number and date, an urgency
stamp; then it is made 1-bit (dithered, as a black-and-white office scanner does) and written as an
image-only PDF (CCITT G4). The portal's signature appearance (``Người ký: … Thời gian ký: …``) is
put on the page as its only text layer, and the file is signed with pyHanko by an organisation's
certificate.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStamp, TextStampStyle

DPI = 200
WIDTH, HEIGHT = 1654, 2339  # A4 at 200 dpi
FONTS = Path("/usr/share/fonts/truetype/liberation2")
HAND = Path("/usr/share/fonts/opentype/urw-base35/Z003-MediumItalic.otf")
INK, BLUE, RED = (0, 0, 0), (25, 35, 150), (235, 95, 95)
LEFT_X, RIGHT_X = 390, 1130  # centres of the header columns


@dataclass
class StateDocument:
    """What the paper says, and so what the archive must read (or propose)."""

    name: str
    issuer: list[str]
    number: str  # written by hand
    code: str  # the printed part after the number: ``/QĐ-TTg``
    place: str
    day: str  # written by hand
    month: int
    year: int
    title: str  # ``QUYẾT ĐỊNH``; empty for a Công văn
    subject: list[str]
    body: list[str]
    authority: list[str]
    signer: str
    recipients: list[str]
    urgency: str = ""
    received: tuple[str, str] = ("2156", "16/9/2024")  # the ĐẾN stamp's number and date
    appearance: list[str] = field(default_factory=list)
    printed: bool = False  # the number and the day typed, not written by hand

    @property
    def symbol(self) -> str:
        return f"{self.number}{self.code}"

    @property
    def date(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{int(self.day):02d}"


QUYET_DINH = StateDocument(
    name="qd-ttg", issuer=["THỦ TƯỚNG CHÍNH PHỦ"], number="970", code="/QĐ-TTg", place="Hà Nội",
    day="13", month=9, year=2024, title="QUYẾT ĐỊNH",
    subject=["Phê duyệt Chương trình hành động quốc gia", "về phát triển kinh tế tuần hoàn đến năm 2030"],
    body=["Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;",
          "Căn cứ Nghị quyết số 136/NQ-CP ngày 25 tháng 9 năm 2020 của Chính phủ;",
          "Theo đề nghị của Bộ trưởng Bộ Kế hoạch và Đầu tư.", "QUYẾT ĐỊNH:",
          "Điều 1. Phê duyệt Chương trình hành động quốc gia về phát triển kinh tế",
          "tuần hoàn đến năm 2030 kèm theo Quyết định này.",
          "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành.",
          "Điều 3. Các Bộ trưởng, Chủ tịch Ủy ban nhân dân các tỉnh chịu trách nhiệm",
          "thi hành Quyết định này."],
    authority=["KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG"], signer="Trần Hồng Hà",
    recipients=["- Như Điều 3;", "- Văn phòng Chính phủ;", "- Lưu: VT, KTTH (2b)."], urgency="HỎA TỐC",
    appearance=["Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ", "Cơ quan: VĂN PHÒNG CHÍNH PHỦ",
                "Thời gian ký: 18.09.2024 17:02:11 +07:00"])

CONG_VAN = StateDocument(
    name="cv-btc", issuer=["BỘ TÀI CHÍNH"], number="9734", code="/BTC-TCDT", place="Hà Nội",
    day="12", month=9, year=2024, title="",
    subject=["V/v hướng dẫn xuất cấp gạo dự trữ quốc gia", "hỗ trợ nhân dân sau bão số 3"],
    body=["Kính gửi: Ủy ban nhân dân tỉnh Lâm Đồng.",
          "Thực hiện Quyết định số 970/QĐ-TTg ngày 13 tháng 9 năm 2024 của Thủ tướng",
          "Chính phủ, Bộ Tài chính hướng dẫn việc xuất cấp gạo dự trữ quốc gia như sau:",
          "1. Tổng cục Dự trữ Nhà nước giao gạo cho địa phương tại trung tâm các xã.",
          "2. Ủy ban nhân dân tỉnh tổ chức tiếp nhận và phân phối kịp thời."],
    authority=["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"], signer="Nguyễn Đức Chi",
    recipients=["- Như trên;", "- Tổng cục Dự trữ Nhà nước;", "- Lưu: VT, TCDT."],
    appearance=["Người ký: BỘ TÀI CHÍNH", "Cơ quan: BỘ TÀI CHÍNH",
                "Thời gian ký: 14.09.2024 08:15:40 +07:00"])


UBND = StateDocument(
    name="qd-ubnd", issuer=["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"], number="1039", code="/QĐ-UBND",
    place="Lâm Đồng", day="21", month=8, year=2025, title="QUYẾT ĐỊNH",
    subject=["Về việc thành lập Tổ công tác rà soát", "thủ tục hành chính cấp xã"],
    body=["Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
          "Xét đề nghị của Giám đốc Sở Nội vụ.", "QUYẾT ĐỊNH:",
          "Điều 1. Thành lập Tổ công tác rà soát thủ tục hành chính cấp xã.",
          "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
          "Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh chịu trách nhiệm thi hành."],
    authority=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], signer="Hồ Văn Mười",
    recipients=["- Như Điều 3;", "- Lưu: VT, NC."],
    appearance=["Người ký: ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "Cơ quan: TỈNH LÂM ĐỒNG",
                "Thời gian ký: 22.08.2025 09:30:00 +07:00"])


def _font(size: int, style: str = "Regular") -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / f"LiberationSerif-{style}.ttf"), size)


def _centred(draw: ImageDraw.ImageDraw, x: int, y: int, text: str, font: ImageFont.FreeTypeFont,
             fill: tuple[int, int, int] = INK) -> tuple[int, int]:
    """Text centred on ``x``; returns its left and right edges."""
    width = draw.textlength(text, font=font)
    draw.text((x - width / 2, y), text, font=font, fill=fill)
    return int(x - width / 2), int(x + width / 2)


def _hand(page: Image.Image, x: int, y: int, text: str, size: int = 54, angle: float = 6) -> None:
    """Handwriting in blue ink: a calligraphic font, tilted, over the blank left for it."""
    font = ImageFont.truetype(str(HAND), size)
    box = Image.new("RGBA", (int(size * 0.8 * len(text)) + 40, size + 30), (0, 0, 0, 0))
    ImageDraw.Draw(box).text((10, 5), text, font=font, fill=(*BLUE, 255))
    box = box.rotate(angle, expand=True, resample=Image.BICUBIC)
    page.paste(box, (x, y), box)


def _header(page: Image.Image, draw: ImageDraw.ImageDraw, doc: StateDocument) -> None:
    bold, regular, italic = _font(34, "Bold"), _font(36), _font(36, "Italic")
    y = 150
    for line in doc.issuer:
        left, right = _centred(draw, LEFT_X, y, line, bold)
        y += 44
    draw.line((LEFT_X - 70, y + 4, LEFT_X + 70, y + 4), fill=INK, width=2)
    _centred(draw, RIGHT_X, 150, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold)
    left, right = _centred(draw, RIGHT_X, 194, "Độc lập - Tự do - Hạnh phúc", _font(36, "Bold"))
    draw.line((left, 240, right, 240), fill=INK, width=2)
    number_y = y + 40
    if doc.printed:
        _centred(draw, LEFT_X, number_y, f"Số: {doc.number}{doc.code}", regular)
        _centred(draw, RIGHT_X, number_y, f"{doc.place}, ngày {doc.day} tháng {doc.month} năm {doc.year}", italic)
    else:
        label = f"Số:            {doc.code}"
        left, _ = _centred(draw, LEFT_X, number_y, label, regular)
        _hand(page, left + int(draw.textlength("Số: ", font=regular)) - 8, number_y - 22, doc.number)
        date_line = f"{doc.place}, ngày        tháng {doc.month} năm {doc.year}"
        left, _ = _centred(draw, RIGHT_X, number_y, date_line, italic)
        _hand(page, left + int(draw.textlength(f"{doc.place}, ngày ", font=italic)), number_y - 20, doc.day)
    if not doc.title:
        for offset, line in enumerate(doc.subject):
            _centred(draw, LEFT_X, number_y + 50 + offset * 40, line, _font(30))


def _stamps(draw: ImageDraw.ImageDraw, doc: StateDocument, top: int) -> None:
    """The urgency stamp and the receiver's ``ĐẾN`` stamp, in the left margin under the header."""
    if doc.urgency:
        draw.rectangle((120, top, 380, top + 70), outline=INK, width=5)
        _centred(draw, 250, top + 12, doc.urgency, _font(42, "Bold"))
    box = (120, top + 110, 560, top + 330)
    draw.rectangle(box, outline=INK, width=3)
    small = _font(28)
    draw.text((140, top + 120), "CÔNG VĂN ĐẾN", font=_font(30, "Bold"), fill=INK)
    draw.text((140, top + 170), "Số:", font=small, fill=INK)
    draw.text((140, top + 220), "Ngày:", font=small, fill=INK)
    draw.text((140, top + 270), "Chuyển:", font=small, fill=INK)
    hand = ImageFont.truetype(str(HAND), 40)
    draw.text((240, top + 160), doc.received[0], font=hand, fill=BLUE)
    draw.text((240, top + 210), doc.received[1], font=hand, fill=BLUE)


def _seal(page: Image.Image, centre: tuple[int, int]) -> None:
    """A red round seal, drawn over the signer's title as the stamp lands on paper."""
    seal = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    x, y = centre
    for radius, width in ((150, 9), (118, 4)):
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=(*RED, 170), width=width)
    draw.regular_polygon((x, y, 40), 5, fill=(*RED, 170))
    _centred(draw, x, y + 50, "CHÍNH PHỦ", _font(30, "Bold"), fill=(*RED, 170))
    page.alpha_composite(seal) if page.mode == "RGBA" else page.paste(seal, (0, 0), seal)


def _body(draw: ImageDraw.ImageDraw, doc: StateDocument, y: int) -> int:
    if doc.title:
        _centred(draw, WIDTH // 2, y, doc.title, _font(40, "Bold"))
        y += 56
        for line in doc.subject:
            _centred(draw, WIDTH // 2, y, line, _font(38, "Bold"))
            y += 50
        draw.line((WIDTH // 2 - 120, y + 6, WIDTH // 2 + 120, y + 6), fill=INK, width=2)
        y += 40
        _centred(draw, WIDTH // 2, y, doc.issuer[-1], _font(38, "Bold"))
        y += 70
    for line in doc.body:
        font = _font(38, "Bold") if line == "QUYẾT ĐỊNH:" else _font(38)
        if line == "QUYẾT ĐỊNH:":
            _centred(draw, WIDTH // 2, y, line, font)
        else:
            draw.text((230, y), line, font=font, fill=INK)
        y += 58
    return y


def _closing(page: Image.Image, draw: ImageDraw.ImageDraw, doc: StateDocument, y: int) -> None:
    draw.text((200, y), "Nơi nhận:", font=_font(30, "BoldItalic"), fill=INK)
    for offset, item in enumerate(doc.recipients, start=1):
        draw.text((200, y + offset * 36), item, font=_font(26), fill=INK)
    sign_x = 1150
    for offset, line in enumerate(doc.authority):
        _centred(draw, sign_x, y + offset * 46, line, _font(36, "Bold"))
    draw.line((sign_x - 120, y + 200, sign_x - 20, y + 150, sign_x + 60, y + 210, sign_x + 130, y + 160),
              fill=BLUE, width=5, joint="curve")  # the hand signature
    _centred(draw, sign_x, y + 330, doc.signer, _font(38, "Bold"))
    _seal(page, (sign_x - 190, y + 200))


def draw_page(doc: StateDocument) -> Image.Image:
    page = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(page)
    _header(page, draw, doc)
    _stamps(draw, doc, 420)
    y = _body(draw, doc, 800)
    _closing(page, draw, doc, y + 60)
    return page


def image_pdf(page: Image.Image) -> bytes:
    """1-bit, dithered as a black-and-white scanner does, in an image-only PDF (CCITT G4)."""
    out = io.BytesIO()
    page.convert("L").convert("1").save(out, "PDF", resolution=DPI)
    return out.getvalue()


def printed_and_scanned(pdf: bytes, *, ink: int | None = None, dots: int = 0) -> bytes:
    """A PDF's first page printed and scanned: 200 dpi, turned 0.7°, blurred, ``dots`` specks, 1-bit: dithered,
    or cut at the grey ``ink`` (a heavy toner: strokes thicken, a mark touches its letter), image only."""
    import random
    import subprocess
    import tempfile

    from PIL import ImageFilter

    with tempfile.TemporaryDirectory(prefix="vanthu-test-scan-") as work:
        source = Path(work) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "-singlefile", "-f", "1", "-l", "1",
                        str(source), str(Path(work) / "page")], check=True)
        page = Image.open(Path(work) / "page.png").convert("L")
    page = page.rotate(0.7, fillcolor=255, resample=Image.BICUBIC).filter(ImageFilter.GaussianBlur(0.6))
    specks = random.Random(9)
    for _ in range(dots):
        page.putpixel((specks.randrange(page.width), specks.randrange(page.height)), 0)
    if ink is not None:
        page = page.point(lambda grey: 255 if grey > ink else 0)
    return image_pdf(page.convert("RGB"))


def with_appearance(data: bytes, lines: list[str]) -> bytes:
    """The portal's signature appearance, as the page's only text layer, at its top right."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    font = GlyphAccumulatorFactory(str(FONTS.parent / "liberation2" / "LiberationSans-Regular.ttf"))
    style = TextStampStyle(stamp_text="\n".join(lines), text_box_style=TextBoxStyle(font=font, font_size=7),
                           border_width=0)
    TextStamp(writer, style).apply(0, 330, 815)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scan(doc: StateDocument) -> bytes:
    """The unsigned scan with its appearance text layer (signing is the caller's, with its keys)."""
    return with_appearance(image_pdf(draw_page(doc)), doc.appearance)
