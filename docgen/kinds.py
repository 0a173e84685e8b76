"""The kinds of Party documents and their codes (Quy định 399-QĐ/TW, Hướng dẫn 36-HD/VPTW).

The code of a Quy định differs between bodies (``QĐi`` or ``QĐ``), so the
profile may override codes; everything else here is fixed by the rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from docgen.errors import InvalidInput


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    slug: str
    template: str | None = None

    @property
    def title(self) -> str:
        """The kind name as the title block writes it (``QUYẾT ĐỊNH``)."""
        return self.name.upper()


KINDS: tuple[Kind, ...] = (
    Kind("NQ", "Nghị quyết", "nghi-quyet"),
    Kind("QĐ", "Quyết định", "quyet-dinh", "quyet_dinh.docx"),
    Kind("CT", "Chỉ thị", "chi-thi"),
    Kind("KL", "Kết luận", "ket-luan"),
    Kind("QC", "Quy chế", "quy-che"),
    Kind("QĐi", "Quy định", "quy-dinh"),
    Kind("HD", "Hướng dẫn", "huong-dan"),
    Kind("TT", "Thông tri", "thong-tri"),
    Kind("TB", "Thông báo", "thong-bao", "thong_bao.docx"),
    Kind("BC", "Báo cáo", "bao-cao", "bao_cao.docx"),
    Kind("TTr", "Tờ trình", "to-trinh"),
    Kind("CTr", "Chương trình", "chuong-trinh"),
    Kind("KH", "Kế hoạch", "ke-hoach"),
    Kind("ĐA", "Đề án", "de-an"),
    Kind("CV", "Công văn", "cong-van", "cong_van.docx"),
    Kind("BB", "Biên bản", "bien-ban"),
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
        raise InvalidInput(f"không có loại văn bản «{text}»; các loại: {known_kinds()}", field=field)
    return kind


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
