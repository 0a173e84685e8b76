"""The kinds of Party documents and their codes (Quy định 399-QĐ/TW, Hướng dẫn 36-HD/VPTW and 05-HD/VPTW).

The printed code of a Quy định differs between guides (``QĐi`` by 36-HD, ``QĐ`` by 05-HD), so
the profile may override codes; ``code`` here names the kind (and its sequence in the register).
Each kind's ``layout`` says which parts it has (see ``docgen.blueprints``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from docgen.errors import InvalidInput
from docgen.text import guessed


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    slug: str
    template: str | None = None

    @property
    def layout(self) -> str:
        """The family of parts the kind is laid out with (``docgen.blueprints.LAYOUTS``)."""
        return LAYOUTS.get(self.code, "plain")

    @property
    def title(self) -> str:
        """The kind name as the title block writes it (``QUYẾT ĐỊNH``)."""
        return self.name.upper()


# The parts of each kind (Hướng dẫn 05-HD/VPTW, Phần II): a Công văn has Kính gửi and no title; a Quyết
# định căn cứ and articles; a Quy chế or Quy định căn cứ, chapters and articles; a Tờ trình Kính trình; a
# Biên bản two signatures and no Nơi nhận; Nghị quyết, Kết luận, Chỉ thị name their author in the title.
LAYOUTS = {"CV": "letter", "QĐ": "decision", "QC": "rules", "QĐi": "rules", "TTr": "submission",
           "BB": "minutes", "NQ": "authored", "KL": "authored", "CT": "authored"}

KINDS: tuple[Kind, ...] = (
    Kind("NQ", "Nghị quyết", "nghi-quyet", "nghi_quyet.docx"),
    Kind("QĐ", "Quyết định", "quyet-dinh", "quyet_dinh.docx"),
    Kind("CT", "Chỉ thị", "chi-thi", "chi_thi.docx"),
    Kind("KL", "Kết luận", "ket-luan", "ket_luan.docx"),
    Kind("QC", "Quy chế", "quy-che", "quy_che.docx"),
    Kind("QĐi", "Quy định", "quy-dinh", "quy_dinh.docx"),
    Kind("HD", "Hướng dẫn", "huong-dan", "huong_dan.docx"),
    Kind("TT", "Thông tri", "thong-tri"),
    Kind("TB", "Thông báo", "thong-bao", "thong_bao.docx"),
    Kind("BC", "Báo cáo", "bao-cao", "bao_cao.docx"),
    Kind("TTr", "Tờ trình", "to-trinh", "to_trinh.docx"),
    Kind("CTr", "Chương trình", "chuong-trinh", "chuong_trinh.docx"),
    Kind("KH", "Kế hoạch", "ke-hoach", "ke_hoach.docx"),
    Kind("ĐA", "Đề án", "de-an", "de_an.docx"),
    Kind("CV", "Công văn", "cong-van", "cong_van.docx"),
    Kind("BB", "Biên bản", "bien-ban", "bien_ban.docx"),
    Kind("GM", "Giấy mời", "giay-moi", "giay_moi.docx"),
)


def _key(text: str) -> str:
    """A kind name folded as clerks type it: case, accents, ``đ``, hyphens and spaces do not count
    (``CV``, ``cv``, ``cong-van``, ``cong van``, ``công văn``, ``Công Văn`` are one kind)."""
    decomposed = unicodedata.normalize("NFD", text.strip().casefold().replace("đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_-]+", "", bare)


_BY_KEY = {_key(k.code): k for k in KINDS} | {_key(k.slug): k for k in KINDS}
_BY_KEY |= {_key(k.name): k for k in KINDS}


def find_kind(text: str) -> Kind | None:
    """The kind named by a code (``CV``, ``QĐ``, ``QD``), a slug or a Vietnamese name."""
    return _BY_KEY.get(_key(text))


def known_kinds() -> str:
    return ", ".join(f"{k.code} ({k.name})" for k in KINDS)


def resolve_kind(text: str, *, field: str = "--kind") -> Kind:
    """The kind ``text`` names, or InvalidInput listing the known ones: the one resolver every
    command uses, so that ``register list --kind cong-van`` finds what ``new cong-van`` made."""
    kind = find_kind(text)
    if kind is None:
        raise InvalidInput(f"không có loại văn bản {guessed_kind(text)}; các loại: {known_kinds()}", field=field)
    return kind


def guessed_kind(text: str) -> str:
    """``«cong-vann» (có phải «cong-van»?)``: a kind typed wrong, with the slug nearest to it."""
    return guessed(text, {k.slug for k in KINDS})


def generated_kinds() -> list[Kind]:
    """Kinds that have a template, i.e. that ``vanthu new`` can generate."""
    return sorted((k for k in KINDS if k.template), key=lambda k: k.slug)


# The state's kinds and codes (Nghị định 30/2020/NĐ-CP, Phụ lục III), with the two legal kinds whose
# symbols carry the year (``30/2020/NĐ-CP``). A Công văn has no code: its symbol is the body's.
STATE_KINDS: tuple[Kind, ...] = (
    Kind("NĐ", "Nghị định", "nghi-dinh"), Kind("TT", "Thông tư", "thong-tu"),
    Kind("NQ", "Nghị quyết", "nghi-quyet"), Kind("QĐ", "Quyết định", "quyet-dinh"),
    Kind("CT", "Chỉ thị", "chi-thi"), Kind("QC", "Quy chế", "quy-che"), Kind("QyĐ", "Quy định", "quy-dinh"),
    Kind("TC", "Thông cáo", "thong-cao"), Kind("TB", "Thông báo", "thong-bao"),
    Kind("HD", "Hướng dẫn", "huong-dan"), Kind("CTr", "Chương trình", "chuong-trinh"),
    Kind("KH", "Kế hoạch", "ke-hoach"), Kind("PA", "Phương án", "phuong-an"), Kind("ĐA", "Đề án", "de-an"),
    Kind("DA", "Dự án", "du-an"), Kind("BC", "Báo cáo", "bao-cao"), Kind("BB", "Biên bản", "bien-ban"),
    Kind("TTr", "Tờ trình", "to-trinh"), Kind("HĐ", "Hợp đồng", "hop-dong"),
    Kind("CĐ", "Công điện", "cong-dien"), Kind("GN", "Bản ghi nhớ", "ban-ghi-nho"),
    Kind("TTh", "Bản thỏa thuận", "ban-thoa-thuan"), Kind("GUQ", "Giấy ủy quyền", "giay-uy-quyen"),
    Kind("GM", "Giấy mời", "giay-moi"), Kind("GGT", "Giấy giới thiệu", "giay-gioi-thieu"),
    Kind("GNP", "Giấy nghỉ phép", "giay-nghi-phep"), Kind("PG", "Phiếu gửi", "phieu-gui"),
    Kind("PC", "Phiếu chuyển", "phieu-chuyen"), Kind("PB", "Phiếu báo", "phieu-bao"),
    Kind("CV", "Công văn", "cong-van"),
    # Joint documents of several bodies (Luật Ban hành văn bản quy phạm pháp luật; the ministries' joint
    # guidance): their symbols name every body (``24/HDLN-BCA-BQP-BYT``).
    Kind("TTLT", "Thông tư liên tịch", "thong-tu-lien-tich"),
    Kind("NQLT", "Nghị quyết liên tịch", "nghi-quyet-lien-tich"),
    Kind("HDLN", "Hướng dẫn liên ngành", "huong-dan-lien-nganh"),
)
_STATE_BY_CODE = {k.code: k for k in STATE_KINDS} | {_key(k.code): k for k in STATE_KINDS}


def find_state_kind(code: str) -> Kind | None:
    """The state kind of a symbol's code as printed (``QĐ``), or as OCR or a clerk types it (``QD``)."""
    return _STATE_BY_CODE.get(code) or _STATE_BY_CODE.get(_key(code))
