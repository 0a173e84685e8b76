"""The closed vocabularies a scan's reading is put right against: where a word can only be one of a
known list, a syllable OCR read one diacritic off (``Trân Phước Hiền``, ``CỤC THUE``) is that word.

A real syllable is never changed in free text (a subject): ``phòng thì`` and ``phòng thi`` are both
Vietnamese, and only a language model could tell them apart. Tesseract's own Vietnamese word list (in
``vie.traineddata``, unpacked with ``combine_tessdata`` and ``dawg2wordlist``, which come with Tesseract)
says what is a real syllable: a word that is none (``vục``, ``triên``) and has one real syllable alone
among those written with the same letters (``vực``, ``triển``) is that syllable. A closed list is used
where its words are the only ones that can stand in that place: the first word of a signer's name is a
family name (Vietnamese family names are a short list), and a header in capitals names a body (the
ministries and the offices every province has).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

from docgen.text import canonical, fold

# Family names, the common ones (a name's first word): ``Trân`` is none of them, ``Trần`` is.
SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đinh", "Đào", "Trương", "Lâm", "Mai", "Trịnh", "Đoàn", "Lương", "Tô", "Hà", "Tạ", "Thái",
    "Lưu", "La", "Châu", "Cao", "Quách", "Chu", "Phùng", "Vương", "Đàm", "Triệu", "Kiều", "Mạc", "Nông", "Lục",
    "Thân", "Hứa", "Tăng", "Khúc", "Tống", "Lại", "Từ", "Diệp", "Giang", "Hầu", "Khổng", "Lò", "Ông",
    "Quan", "Thạch", "Tôn", "Ninh", "Nghiêm", "Âu", "Doãn", "Mạnh", "Bạch", "Cù", "Hàn", "Khương", "Lã",
    "Vi", "Phó", "Đồng", "Bế", "Kim", "Lạc", "Mã", "Nhữ", "Quản", "Tiêu", "Trình",
)

# Bodies as a header prints them in capitals: the ministries and the Government's bodies (2025 and the
# names before it), the offices of a province, the Party's boards. Compared folded, a phrase at a time.
BODIES = (
    "BỘ QUỐC PHÒNG", "BỘ CÔNG AN", "BỘ NGOẠI GIAO", "BỘ NỘI VỤ", "BỘ TƯ PHÁP", "BỘ TÀI CHÍNH",
    "BỘ CÔNG THƯƠNG", "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "BỘ XÂY DỰNG", "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
    "BỘ KHOA HỌC VÀ CÔNG NGHỆ", "BỘ GIÁO DỤC VÀ ĐÀO TẠO", "BỘ Y TẾ", "BỘ DÂN TỘC VÀ TÔN GIÁO",
    "BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "BỘ GIAO THÔNG VẬN TẢI", "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
    "BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG", "BỘ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "BỘ THÔNG TIN VÀ TRUYỀN THÔNG",
    "NGÂN HÀNG NHÀ NƯỚC VIỆT NAM", "THANH TRA CHÍNH PHỦ", "VĂN PHÒNG CHÍNH PHỦ", "KIỂM TOÁN NHÀ NƯỚC",
    "CỤC THUẾ", "KHO BẠC NHÀ NƯỚC", "BẢO HIỂM XÃ HỘI", "CỤC HẢI QUAN",
    "SỞ NỘI VỤ", "SỞ TƯ PHÁP", "SỞ TÀI CHÍNH", "SỞ CÔNG THƯƠNG", "SỞ XÂY DỰNG", "SỞ Y TẾ",
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "SỞ DÂN TỘC VÀ TÔN GIÁO",
    "BAN TỔ CHỨC", "BAN TUYÊN GIÁO VÀ DÂN VẬN", "BAN TUYÊN GIÁO", "BAN DÂN VẬN", "BAN NỘI CHÍNH",
    "ỦY BAN KIỂM TRA", "BAN CHẤP HÀNH", "BAN THƯỜNG VỤ", "TỈNH ỦY", "THÀNH ỦY",
)


def _by_fold(words: tuple[str, ...]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for word in dict.fromkeys(words):
        found.setdefault(fold(word), []).append(word)
    return found


_SURNAMES = _by_fold(SURNAMES)


def surname(word: str) -> str:
    """A signer's first word as the family name it can only be (``Trân`` → ``Trần``), else as read: a word
    that is a family name already, or that folds to two (``La``, ``Lã``), stays."""
    if canonical(word) in SURNAMES:
        return word
    names = _SURNAMES.get(fold(word), [])
    return names[0] if len(names) == 1 else word


def with_surname(name: str) -> str:
    first, _, rest = name.partition(" ")
    return f"{surname(first)} {rest}".strip() if rest else name


@functools.cache
def syllables() -> frozenset[str]:
    """Tesseract's Vietnamese word list, lower case (empty where Tesseract's tools or model are missing):
    the syllables of the language, some foreign words and abbreviations among them."""
    tools = [shutil.which(tool) for tool in ("combine_tessdata", "dawg2wordlist", "tesseract")]
    model = _model()
    if not all(tools) or model is None:
        return frozenset()
    with tempfile.TemporaryDirectory(prefix="vanthu-words-") as work:
        base = Path(work) / "vie."
        try:
            subprocess.run([tools[0], "-u", str(model), str(base)], capture_output=True, timeout=60, check=True)
            subprocess.run([tools[1], f"{base}lstm-unicharset", f"{base}lstm-word-dawg", f"{base}words"],
                           capture_output=True, timeout=60, check=True)
            text = Path(f"{base}words").read_text(encoding="utf-8", errors="replace")
        except (OSError, subprocess.SubprocessError):
            return frozenset()
    return frozenset(canonical(word).casefold() for word in text.split())


def _model() -> Path | None:
    """Where Tesseract keeps ``vie.traineddata``, as it says itself."""
    try:
        done = subprocess.run(["tesseract", "--list-langs"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    first = done.stdout.decode("utf-8", "replace").splitlines()[:1]
    folder = first[0].split('"')[1] if first and first[0].count('"') >= 2 else ""
    model = Path(folder) / "vie.traineddata"
    return model if folder and model.is_file() else None


_PUNCTUATION = ".,;:()\"'“”"


def _key(word: str) -> str:
    """A word as the word list writes it: its punctuation left out, lower case, in one form."""
    return canonical(word.strip(_PUNCTUATION)).casefold()


def is_syllable(word: str) -> bool:
    """Whether ``word`` (its punctuation aside) is in Tesseract's Vietnamese word list."""
    return _key(word) in syllables()


def real_share(words: list[str]) -> float:
    """The share of ``words`` (those with letters) that are real syllables; 0 with no such word."""
    letters = [w for w in words if any(ch.isalpha() for ch in _key(w))]
    return sum(map(is_syllable, letters)) / len(letters) if letters else 0.0


@functools.cache
def _by_letters() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for word in syllables():
        found.setdefault(fold(word), []).append(word)
    return found


def _syllable(word: str) -> str:
    """``word`` put right where it is no syllable and one syllable alone is written with its letters."""
    core = word.strip(_PUNCTUATION)
    if len(core) < 2 or not core.isalpha() or is_syllable(core):  # a letter alone may be anything
        return word
    found = [w for w in _by_letters().get(fold(core), []) if w != fold(w)]  # the bare letters are no choice
    if len(found) != 1:
        return word
    return word.replace(core, cased(found[0], core), 1)


def cased(right: str, word: str) -> str:
    """``right`` (lower case) in the case ``word`` was printed in: capitals, a capital first, or none."""
    if word.isupper() and len(word) > 1:
        return right.upper()
    return right[:1].upper() + right[1:] if word[:1].isupper() else right


def put_right(text: str) -> str:
    """Each word of ``text`` that is no syllable, as the one syllable it can be (``lĩnh vục`` → ``lĩnh vực``)."""
    if not syllables():
        return text
    return " ".join(_syllable(word) for word in text.split(" "))


# A signing block's titles (Nghị định 30/2020/NĐ-CP, Phụ lục I; the Party's rules alike): each head's, and
# the title of the deputy who signs for him (``KT. BỘ TRƯỞNG`` over ``THỨ TRƯỞNG``), the only one that can
# stand under a ``KT.`` line but for a rank added after it (``PHÓ CHỦ TỊCH THƯỜNG TRỰC``).
DEPUTIES = {
    "CHỦ TỊCH": "PHÓ CHỦ TỊCH", "THỦ TƯỚNG": "PHÓ THỦ TƯỚNG", "BỘ TRƯỞNG": "THỨ TRƯỞNG",
    "GIÁM ĐỐC": "PHÓ GIÁM ĐỐC", "TỔNG GIÁM ĐỐC": "PHÓ TỔNG GIÁM ĐỐC", "HIỆU TRƯỞNG": "PHÓ HIỆU TRƯỞNG",
    "CỤC TRƯỞNG": "PHÓ CỤC TRƯỞNG", "TỔNG CỤC TRƯỞNG": "PHÓ TỔNG CỤC TRƯỞNG", "VỤ TRƯỞNG": "PHÓ VỤ TRƯỞNG",
    "VIỆN TRƯỞNG": "PHÓ VIỆN TRƯỞNG", "TRƯỞNG BAN": "PHÓ TRƯỞNG BAN", "TRƯỞNG PHÒNG": "PHÓ TRƯỞNG PHÒNG",
    "BÍ THƯ": "PHÓ BÍ THƯ", "CHÁNH VĂN PHÒNG": "PHÓ CHÁNH VĂN PHÒNG", "CHÁNH THANH TRA": "PHÓ CHÁNH THANH TRA",
    "CHÁNH ÁN": "PHÓ CHÁNH ÁN", "VIỆN TRƯỞNG VIỆN KIỂM SÁT": "PHÓ VIỆN TRƯỞNG VIỆN KIỂM SÁT",
    "CHỦ NHIỆM": "PHÓ CHỦ NHIỆM", "TỔNG THANH TRA": "PHÓ TỔNG THANH TRA", "THỐNG ĐỐC": "PHÓ THỐNG ĐỐC",
    "TỔNG KIỂM TOÁN": "PHÓ TỔNG KIỂM TOÁN",
}
TITLES = (*DEPUTIES, *DEPUTIES.values(), "PHÓ BÍ THƯ THƯỜNG TRỰC", "PHÓ CHỦ TỊCH THƯỜNG TRỰC")


def _distance(a: str, b: str, most: int) -> int:
    """Levenshtein's distance between ``a`` and ``b``, or ``most + 1`` once it is sure to pass ``most``."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    row = list(range(len(b) + 1))
    for i, ch in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, other in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ch != other))
        if min(row) > most:
            return most + 1
    return row[-1]


def head_of(level: str) -> str:
    """The head's title that a ``KT.`` line's words open with (``TRƯỞNG BAN BAN CHÍNH SÁCH`` → ``TRƯỞNG BAN``),
    compared folded; ``""`` for none."""
    key = fold(level)
    heads = [head for head in DEPUTIES if key == fold(head) or key.startswith(fold(head) + " ")]
    return max(heads, key=len, default="")


def title(read: str, head: str = "") -> str:
    """A signing block's title line as the one it can be: under ``KT. head`` the deputy's title, where what OCR
    read is two letters from it or its end (``TRƯỞNG`` for ``THỨ TRƯỞNG``, ``ƯỞNG BAN`` for ``PHÓ TRƯỞNG BAN``:
    the start lost under a signature or a seal); else the one listed title a letter away from it
    (``PHÓ CHỦ TỊC``); else as read."""
    key = fold(read)
    if sum(ch.isalpha() for ch in key) < 3:
        return read
    deputy = fold(DEPUTIES.get(head, ""))
    if deputy and (_distance(key, deputy, 2) <= 2 or (deputy.endswith(key) and len(key.split()) >= 2)
                   or deputy.endswith(" " + key)):
        return DEPUTIES[head]
    near = [name for name in TITLES if _distance(key, fold(name), 1) <= 1]
    return near[0] if len(near) == 1 else read
