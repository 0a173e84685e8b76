"""Reading a Party document's components back from its text, whoever produced the PDF.

The text of a PDF keeps the header and closing tables in the producer's order:
left column first, or both columns interleaved line by line (``TỈNH ỦY LÂM
ĐỒNG ĐẢNG CỘNG SẢN VIỆT NAM``). Every rule here therefore looks for a
component by its own shape (``Số …-CV/TU``, ``…, ngày … tháng … năm …``,
``T/M …``) rather than by position, on text put into one canonical form.
What cannot be read stays empty and is named in ``missing``. Every value is given back as printed:
the canonical form is what the rules match, never what is stored.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from archive import restated, vocabulary
from docgen.kinds import KINDS, STATE_KINDS, Kind, find_kind, find_state_kind
from docgen.text import canonical, fold, fold_keep, is_upper_words, nfc

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
_LETTER = r"A-Za-zÀ-ỹĐđ"
# The Party's symbol: ``Số 06-HD/TW``, ``Số 38 - HD/BTCTW``, a joint one ``Số 01-HD/BTCTW-BTGTW``.
SYMBOL = re.compile(
    rf"\b(\d{{1,5}})\s*-\s*([{_LETTER}]{{1,4}})\s*/\s*([A-ZĐ]{{1,8}}(?:-[A-ZĐ]{{1,8}})*)(?![{_LETTER}])"
)
NUMBER_LINE = re.compile(rf"Số\s*:?\s*{SYMBOL.pattern}")
_WORD = r"[^\W\d_]+"
PLACE_DATE = re.compile(
    rf"((?:{_WORD} ){{0,3}}{_WORD}),\s*ngày\s+(\d{{1,2}})\s+tháng\s+(\d{{1,2}})\s+năm\s+(\d{{4}})"
)
AUTHORITY = re.compile(rf"(?<!\w)(T/M|T/L|K/T|TM\.|TL\.|KT\.|TUQ\.)\s*((?:{_WORD} ?)+)")
_KIND_NAMES = "|".join(sorted((k.name for k in KINDS), key=len, reverse=True))
CITATION = re.compile(
    rf"({_KIND_NAMES})\s+số\s+{SYMBOL.pattern}(?:\s*,?\s*ngày\s+(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}))?",
    re.IGNORECASE,
)
_MARKS = {"MẬT", "TỐI MẬT", "TUYỆT MẬT", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"}
_FOLDED_MARKS = {fold(mark): mark for mark in _MARKS}
_TITLES = {k.title: k for k in KINDS}
# Titles as OCR reads them too (``QUYÉT ĐỊNH``): compared folded; the Party's kind wins a shared title.
_FOLDED_TITLES = {fold(k.title): k for k in STATE_KINDS} | {fold(k.title): k for k in KINDS}
_STATE_TITLES = {fold(k.title): k for k in STATE_KINDS}
# The state's symbol: ``Số: 970/QĐ-TTg``, ``Số: 3 /2025/QĐ-UBND``, a Công văn's ``Số: 9734/BTC-TCDT``, a joint
# one naming every body (``Số: 24/HDLN-BCA-BQP-BYT-BCT-BTC-VKSNDTC-TANDTC``).
_CODE = r"[A-ZĐ][A-Za-zĐđ]{0,7}"
_UNIT = r"(?:\d{1,3}[A-ZĐ]?)?"  # a unit's number after its code: ``CAT-PA03``, ``SNN-TT1A``
STATE_SYMBOL = re.compile(
    rf"(\d{{1,5}})\s*/\s*(?:(\d{{4}})\s*/\s*)?({_CODE})\s*-\s*({_CODE}{_UNIT}(?:\s*-\s*{_CODE}{_UNIT})*)"
    rf"(?![{_LETTER}\d])"
)
STATE_NUMBER_LINE = re.compile(rf"(?<!\w)S[ốôóo]\s*:?\s*{STATE_SYMBOL.pattern}")
_MOTTO = (re.compile(r"c[o0]ng\s*h[o0]a\s+x[a]\s+h[o0]i\s+chu\s+ngh[i1]a\s+v[i1]et\s+nam"),
          re.compile(r"d[o0]c\s*l[a]p\s*[-–—]\s*t[u]\s*d[o0]\s*[-–—]\s*h[a]nh\s*ph[u]c"))
_STAMP_HEAD = ("den", "cong van den", "van ban den")
_STAMP_LINES = ("so", "ngay", "gio", "chuyen", "luu ho so", "ky hieu")
_OCR_NOISE = "“”\"'‘’|«»`~_"
_SENTENCE_END = (".", ":", ";")
_BODY_START = ("- ", "Căn cứ", "Kính gửi", "Nơi nhận", "Điều ", "Hôm nay", "Thực hiện", "Xét ",
               "Sau khi", "Qua ", "Theo ", "Để ", "Hiện nay", "Vừa qua", "Thời gian qua", "Nhằm ", "Trong thời gian")
# A date line however OCR slipped its day (``Hà Nội, ngày Ì “tháng 9 năm 2024``): never a subject's.
_DATE_WORDS = re.compile(r"\bngay.{0,12}thang.{0,12}\bnam \d{4}")
_DAY_START = re.compile(r"Ngày \d")  # ``Ngày 10/11/2026, …`` opens a body; ``Ngày Quốc khánh`` does not


@dataclass
class Metadata:
    issuer: str = ""
    symbol: str = ""
    number: int | None = None
    kind: str = ""
    kind_name: str = ""
    body_code: str = ""
    date: str = ""
    place: str = ""
    subject: str = ""
    signer: str = ""
    authority: str = ""
    signer_title: str = ""
    marks: list[str] = field(default_factory=list)
    to: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    cites: list[dict[str, str]] = field(default_factory=list)
    layout: str = "party"  # or "state": Nghị định 30/2020/NĐ-CP, Phụ lục I
    received: list[str] = field(default_factory=list)  # the receiver's ĐẾN stamp: not the document's
    guessed: list[str] = field(default_factory=list)  # fields whose digits OCR misread and we guessed
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _lines(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in canonical(text).splitlines()]


def _without_party(line: str) -> str:
    return line.replace(PARTY, "").strip()


def _without_motto(line: str) -> str:
    """The line without the national motto (``CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM``, ``Độc lập - …``),
    however OCR slipped its diacritics: it stands beside the issuer, never in it. A single word after it
    is a hand's mark in the page's corner (``… VIỆT NAM TIJ``, a reader's ``TTg``), no issuer's line."""
    for motto in _MOTTO:
        match = motto.search(fold_keep(line))
        if match:
            after = line[match.end():].strip(" -–—")
            line = (line[:match.start()] + " " + ("" if " " not in after else after)).strip(" -–—")
    return line


def _stamp_line(line: str) -> bool:
    """A line of the ``ĐẾN`` stamp: its labels (``Giờ:``, ``Ngày:``), its dotted blanks, its numbers."""
    low = fold(line).strip(" .:")
    return any(low == word or low.startswith((word + ":", word + " ", word + "."))
               for word in (*_STAMP_LINES, "den")) or bool(re.fullmatch(r"[\d/.\s]+", low)) or _DOTTED in line


_DOTTED = "...."  # a blank's dots, as a stamp prints them (``Giờ:......``): never a document's own line


def _document_lines(lines: list[str], meta: Metadata) -> list[str]:
    """The lines that are the document's: the motto and the receiver's ``ĐẾN`` stamp taken out
    (its number and date are the receiver's), the stamp kept in ``received``."""
    kept, stamp = [], 0
    for line in lines:
        if fold(line).strip(" .:") in _STAMP_HEAD:
            stamp = 5
            meta.received.append(line)
            continue
        if stamp and _stamp_line(line):
            stamp -= 1
            meta.received.append(line)
            continue
        stamp = 0
        bare = _without_motto(line)
        line = _without_stamp_head(bare, meta) if len(kept) < 30 else bare
        if bare and not line:  # the portal's stamp heading alone on its line: its labels follow
            stamp = 5
        if line:
            kept.append(line)
    return kept


# The heading of the portal's ``ĐẾN`` stamp (``CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ``), however OCR slips it
# (``CÔNG. THÔNG TÍN mà TỦ CHÍNH PHỦ``), where OCR runs it into the title's line beside it.
_STAMP_HEADING = re.compile(r"^\W*c\w{0,2}ng\W+th\w{0,2}ng\W+t\w{0,2}n\W+(?:\S+\W+){0,3}?ch\w{0,2}nh\W+ph\w?\b\W*")


def _without_stamp_head(line: str, meta: Metadata) -> str:
    match = _STAMP_HEADING.match(fold_keep(line))
    if not match:
        return line
    meta.received.append(line[:match.end()].strip())
    return line[match.end():].strip()


_TYPED_STATE = re.compile(r"^(?:số\s*:?\s*)?0*(\d{1,5})\s*/\s*(?:(\d{4})\s*/\s*)?([^\W\d_]+)\s*-\s*(\S+)$",
                          re.IGNORECASE)


def state_symbol_key(text: str) -> str | None:
    """A state symbol however it is typed (``970/QĐ-TTg``, ``970/qd-ttg``) as one key, or None."""
    match = _TYPED_STATE.match(canonical(text.strip()))
    if not match:
        return None
    year = f"{match[2]}/" if match[2] else ""
    body = re.sub(r"\s+", "", match[4])
    return f"{int(match[1])}/{year}{fold(match[3])}-{fold(body)}"


def printed_symbol(match: re.Match[str], first: int = 1) -> str:
    """The symbol as printed, from its number on, each run of spaces one space (``3 /2025/QĐ-UBND``):
    stored so, compared and searched without its spaces."""
    return re.sub(r"\s+", " ", match.string[match.start(first):match.end()]).strip()


def _state_symbol(text: str, meta: Metadata) -> None:
    """``Số: 970/QĐ-TTg`` kept as printed; a code that is no state kind is a Công văn's body."""
    match = STATE_NUMBER_LINE.search(text)
    if not match:
        return
    number, code, body = match[1], match[3], re.sub(r"\s+", "", match[4])
    kind = find_state_kind(code) if code != "CV" else None
    meta.layout, meta.number = "state", int(number)
    meta.kind, meta.body_code = (kind.code, body) if kind else ("CV", f"{code}-{body}")
    meta.symbol = printed_symbol(match)


# OCR's slips in a kind code's letters (``GV`` for ``CV``): put right only where that gives a known kind.
_CODE_SLIPS = str.maketrans({"G": "C", "0": "O", "Ð": "Đ", "l": "i", "1": "i"})


def _symbol(text: str, meta: Metadata, *, ocr: bool = False) -> None:
    match = NUMBER_LINE.search(text)
    if not match:
        return
    number, code, body = int(match[1]), match[2], match[3]
    meta.number, meta.body_code = number, body
    kind = find_kind(code)
    printed = printed_symbol(match)
    if kind is None and ocr:
        kind = find_kind(code.translate(_CODE_SLIPS))
        if kind is not None:  # OCR's slip put right in the symbol too
            printed = printed.replace(code, kind.code, 1)
    meta.kind = kind.code if kind else code
    meta.symbol = printed


FOLDED_DATE = re.compile(
    rf"((?:{_WORD} ){{0,3}}{_WORD}),\s*ngay\s+(\d{{1,2}})\s+thang\s+(\d{{1,2}})\s+nam\s+(\d{{4}})"
)


# The date line without its comma, as OCR can read it: the place (its first word a capital's) and the date
# alone on their line, not a body's ``Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;``.
OWN_LINE_DATE = re.compile(
    rf"^((?:{_WORD} ){{0,3}}{_WORD})\s+ngay\s+(\d{{1,2}})\s+thang\s+(\d{{1,2}})\s+nam\s+(\d{{4}})\W*$",
    re.MULTILINE,
)


# A day OCR read as letters (``2T`` for ``21``, ``l3`` for ``13``): a guess, never more than a proposal.
LOOSE_DATE = re.compile(
    rf"((?:{_WORD} ){{0,3}}{_WORD}),\s*ngay\s*(\S{{1,3}}?)\s*thang\s+(\d{{1,2}})\s+nam\s+(\d{{4}})"
)
_DIGIT_SLIPS = str.maketrans({"l": "1", "i": "1", "|": "1", "t": "1", "!": "1", "o": "0", "s": "5", "b": "8",
                              "z": "2", "g": "9", "q": "9"})


def _guessed_date(text: str, meta: Metadata) -> None:
    match = LOOSE_DATE.search(fold_keep(text))
    day = match[2].translate(_DIGIT_SLIPS) if match else ""
    if not day.isdigit():
        return
    with contextlib.suppress(ValueError):
        meta.date = date(int(match[4]), int(match[3]), int(day)).isoformat()
        meta.guessed.append("date")


def _own_line_date(text: str) -> re.Match[str] | None:
    """The first line that is a place, every word of it capitalised (``Hà Nội``), and a date, comma or not."""
    for match in OWN_LINE_DATE.finditer(fold_keep(text)):
        if all(map(_title_case, text[match.start(1):match.end(1)].split(" "))):
            return match
    return None


def _date(text: str, meta: Metadata, *, ocr: bool = False) -> None:
    """``Hà Nội, ngày 13 tháng 9 năm 2024``, matched folded so that OCR's ``nắm`` still counts; in OCR's
    text, its comma lost (``Hà Nội ngày 08 tháng 4 năm 2026``) where the date is a line of its own."""
    match = FOLDED_DATE.search(fold_keep(text)) or (_own_line_date(text) if ocr else None)
    if not match:
        if ocr:
            _guessed_date(text, meta)
        return
    try:
        meta.date = date(int(match[4]), int(match[3]), int(match[2])).isoformat()
    except ValueError:
        return
    words = text[match.start(1):match.end(1)].split(" ")
    while words and not _title_case(words[0]):
        words.pop(0)
    meta.place = " ".join(words)


def _capital_word(word: str) -> bool:
    """A word of a header in capitals (``CHÍNH``, ``TP.HCM``, ``ĐẢNG,``), not an OCR speck (``T1-P7``, ``Ỉ``)."""
    bare = word.strip(".,;:")
    return len(bare) >= 2 and is_upper_words(bare) and all(ch.isalpha() or ch in ".&" for ch in bare)


_SPECK_MARKS = "\\|/`'~^_([{<«“‘"


def _without_specks(line: str) -> str:
    """The line without the marks OCR read beside a block (``T1-P7 THỦ TƯỚNG``, ``, 7T TÍÝ}T ”. J THỦ``):
    the words before its first word in capitals, its tokens with no letter, and the marks run into the
    front of a word (a seal's ring by the title: ``(2/8 \\QUYÉT ĐỊNH``)."""
    words = [word.lstrip(_SPECK_MARKS) for word in line.split(" ") if any(ch.isalnum() for ch in word)]
    while words and not _capital_word(words[0]):
        words.pop(0)
    return " ".join(words)


_NUMBER_LABEL = re.compile(r"Số\s*(?:[:;.]\s*\d|:?\s*\S*\s*[/-]\s*[A-ZĐ])")


def _issuer(lines: list[str], meta: Metadata) -> None:
    """The capitals above the ``*`` or the number, the party title taken out, each line kept."""
    found = []
    for line in lines[:12]:
        if (NUMBER_LINE.match(line) or STATE_NUMBER_LINE.match(line) or line == "*" or PLACE_DATE.search(line)
                or _NUMBER_LABEL.match(line)  # the number's line, its number unreadable (``Số: 2d /CT-CS``)
                or _DATE_WORDS.search(fold(line))):  # the date's line, its day unreadable
            meta.issuer = " ".join(found)
            return
        rest = _without_specks(_without_party(line).strip(" *"))
        if rest in _TITLES or fold(rest) in _FOLDED_TITLES:
            return
        if sum(ch.isalpha() for ch in rest) >= 3 and is_upper_words(rest) and fold(rest) not in _FOLDED_MARKS:
            found.append(rest)  # two letters alone (``TP``) are a hand's initials by the header, not a body


def _title_kind(lines: list[str], state: bool) -> tuple[int, Kind | None]:
    """The title line (``QUYẾT ĐỊNH``, ``THÔNG TƯ LIÊN TỊCH``; as OCR reads it, ``QUYÉT ĐỊNH``, specks before
    it left out) and its kind, the state's in a state layout."""
    titles = _STATE_TITLES if state else _FOLDED_TITLES
    for index, line in enumerate(lines[:40]):
        if line in _TITLES and not state:
            return index, _TITLES[line]
        for text in (line, _without_specks(line)):
            if fold(text) in titles:
                return index, titles[fold(text)]
    return -1, None


def _continues(line: str, previous: str) -> bool:
    if not line or line.startswith(_BODY_START) or _DAY_START.match(line) or set(line) <= set("-–—_=~ ") or (
            _DOTTED in line):
        return False
    if previous.endswith(_SENTENCE_END) or PLACE_DATE.search(line) or PARTY in line or _DATE_WORDS.search(fold(line)):
        return False
    return line[0].islower() or line[0].isdigit() or len(line) < 75


# The line under a state document's subject that names who enacts it (``BỘ TRƯỞNG BỘ XÂY DỰNG``): not the subject's.
_ENACTING = ("bo truong", "chu tich", "thu tuong", "chinh phu", "giam doc", "ban chap hanh", "ban thuong vu",
             "ban bi thu", "bo chinh tri", "hoi dong nhan dan", "uy ban nhan dan", "hieu truong", "cuc truong")


def _enacting(line: str, meta: Metadata) -> bool:
    low = fold(line)
    return low.startswith(_ENACTING) or (bool(meta.issuer) and low in fold(meta.issuer))


def _capitals(line: str) -> bool:
    """A line mostly in capitals (``tổng CÔNG THÔNG TIN ĐIỆN TỬ``: a stamp OCR ran into a subject's line)."""
    words = [w for w in line.split(" ") if sum(ch.isalpha() for ch in w) >= 2]
    return bool(words) and sum(is_upper_words(w) for w in words) * 2 > len(words)


def _unbracketed(text: str) -> str:
    """A subject printed in parentheses under the title (``(V/v Tăng cường …)``) without them."""
    if not text.startswith("("):
        return text
    depth = 0
    for at, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return text[1:at].strip()
    return text[1:].strip()


# How OCR reads a subject's opening ``Về việc`` (``và việc``, ``Š việc``), and a speck before its first word
# (``Ì Phê chuẩn``): a letter alone before a capital.
_ABOUT = re.compile(r"^\S{1,2}\s+việc\s")
_SPECK = re.compile(r"^[^\w\s]*\w[^\w\s]*\s+(?=[A-ZĐÀ-Ỹ][a-zđà-ỹ])")


def _opening(line: str) -> str:
    return _SPECK.sub("", _ABOUT.sub("Về việc ", line))


def _subject_from(lines: list[str], start: int, meta: Metadata, *, ocr: bool = False) -> str:
    """The subject's lines from ``start``: in the case of its first (a subject in capitals stays in
    capitals), to where the body, the enacting line or the closing parenthesis comes."""
    if is_upper_words(lines[start]) and _enacting(lines[start], meta):
        return ""  # the line that names who enacts (``THỦ TƯỚNG CHÍNH PHỦ``), under a title read elsewhere
    taken = [_opening(lines[start]) if ocr else lines[start]]
    upper = is_upper_words(lines[start])
    for line in lines[start + 1:start + 6]:
        if taken[0].startswith("(") and taken[-1].endswith(")"):
            break
        if not _continues(line, taken[-1]) or _capitals(line) != upper or (upper and _enacting(line, meta)):
            break
        taken.append(line)
    return _unbracketed(" ".join(taken).strip())


def _subject(lines: list[str], meta: Metadata, *, ocr: bool = False) -> None:
    """A Công văn's ``V/v …`` (or ``Về việc …`` before any title), else the lines under the title. The kind is
    the title's (a Quy định may carry the code QĐ); a document with no title and a ``V/v`` is a Công văn."""
    index, kind = _title_kind(lines, meta.layout == "state")
    if kind is not None:
        meta.kind = kind.code
    for at, line in enumerate(lines[:30]):
        bare = line.lstrip("(")
        if bare.lower().startswith("v/v") or (bare.startswith("Về việc ") and (kind is None or at < index)):
            meta.subject = _subject_from(lines, at, meta, ocr=ocr)
            if kind is None or at < index:
                meta.kind = "CV"
            return
    if kind is not None and index + 1 < len(lines):
        meta.subject = _subject_from(lines, index + 1, meta, ocr=ocr)


def _listed_after(lines: list[str], label: str, *, same_line: bool) -> list[str]:
    for index, line in enumerate(lines):
        if label not in line:
            continue
        rest = line[line.index(label) + len(label):].strip(" *")
        if same_line and rest and not rest.startswith("-"):
            return [rest.rstrip(",;.")]
        items = [rest] if rest.startswith("-") else []
        for following in lines[index + 1:]:
            if _between_items(following):
                continue
            if not following.startswith("-"):
                break
            items.append(following)
            if following.lstrip("- ").startswith("Lưu"):
                break
        return [_strip_item(item) for item in items]
    return []


def _between_items(line: str) -> bool:
    """A line that may stand inside a list split by a page break: the next page's number, or a
    line of the signature column (``CHÁNH VĂN PHÒNG``) printed beside the list."""
    return ((line.isdigit() and len(line) <= 3) or (bool(line) and _trailing_capitals(line) == line)
            or bool(AUTHORITY.match(line)))


def _strip_item(item: str) -> str:
    """``- Như trên, PHÓ BÍ THƯ THƯỜNG TRỰC`` (interleaved) → ``Như trên``."""
    words = item.lstrip("- ").split(" ")
    capitals = 0
    while capitals < len(words) - 1 and _title_word(words[-1 - capitals]):
        capitals += 1
    if capitals >= 2:  # a title from the signature column, not an abbreviation like "TH."
        words = words[:-capitals]
    return " ".join(words).rstrip(",;. ")


def _title_word(word: str) -> bool:
    """A word of a signature title (``PHÓ``, ``T/M``): capitals, no punctuation."""
    return is_upper_words(word) and all(ch.isalpha() or ch == "/" for ch in word)


def _trailing_capitals(line: str) -> str:
    words = line.split(" ")
    taken: list[str] = []
    while words and _title_word(words[-1]):
        taken.insert(0, words.pop())
    return " ".join(taken)


def _title_case(word: str) -> bool:
    return word.isalpha() and word[:1].isupper() and (len(word) == 1 or word[1:].islower())


def _looks_like_name(line: str) -> bool:
    words = line.split(" ")
    return 2 <= len(words) <= 6 and all(_title_case(w) for w in words)


def _leading_capitals(text: str) -> str:
    taken = []
    for word in text.split(" "):
        if not is_upper_words(word):
            break
        taken.append(word)
    return " ".join(taken)


def _closing(lines: list[str]) -> list[str]:
    """The lines of the signing block: around the first ``Nơi nhận:`` past the header (the forms of an
    appendix that follow carry their own, unsigned), else the end of the text."""
    for at, line in enumerate(lines):
        if at > 5 and line.startswith("Nơi nhận"):
            return lines[max(0, at - 12):at + 60]
    return lines[-40:]


def _name_in(line: str) -> str:
    """The signer's name on its line, OCR's marks before it left out (``- "Trương Thanh Hoài``); or ``""``.
    A list's item (``- Văn Phòng``) is no name."""
    if re.match(r"[-–+•]\s*\w", line):
        return ""
    words = line.split(" ")
    for start in range(min(3, len(words))):
        rest = " ".join(words[start:]).lstrip("-–—\"'“”‘’.,:;|~_ ")
        if _looks_like_name(rest):
            return rest
        if any(ch.isalpha() for ch in words[start]) and start == 0 and _title_case(words[0]):
            break
    return ""


def _title_under(lines: list[str]) -> str:
    """The signer's title: the first line under the authority that ends in a title's capitals (``THỨ TRƯỞNG``),
    a letter OCR read from a seal or a signature (``Đ``) passed over."""
    for line in lines:
        title = _trailing_capitals(line.rstrip(".,;: "))  # OCR's speck after it (``CHỦ TỊCH.``)
        if sum(ch.isalpha() for ch in title) >= 3:
            return title
    return ""


def _signer(lines: list[str], meta: Metadata) -> None:
    """The authority lines (``TM. ỦY BAN NHÂN DÂN``, ``KT. CHỦ TỊCH``: every level, in order), the title
    under the last, and the name under them; a head signing in his own name has a title (``TRƯỞNG BAN``)
    and no authority."""
    block, levels, last = [part for line in _closing(lines) for part in _authority_lines(line)], [], -1
    for index, line in enumerate(block):
        match = AUTHORITY.match(line)
        if match:
            level, title = _level_and_title(match[1], _leading_capitals(line[match.start(2):]).rstrip(",;:"))
            levels.append(level)
            last = index
            if title:  # the title OCR ran onto the authority's line: the line under it
                block.insert(index + 1, title)
        elif levels and _name_in(line):
            meta.authority = " ".join(levels)
            meta.signer_title = _title_under(block[last + 1:index])
            meta.signer = _name_in(line)
            return
    if levels:
        meta.authority = " ".join(levels)
        meta.signer_title = _title_under(block[last + 1:last + 4])
    tail = block[-15:] if not levels else block[last + 1:]
    for at in range(len(tail) - 1, -1, -1):
        if _name_in(tail[at]):
            meta.signer = _name_in(tail[at])
            if not meta.authority:
                meta.signer_title = _title_above(tail[:at])
            return


_AUTHORITY_START = re.compile(r"\s(?=(?:T/M|T/L|K/T|TM\.|TL\.|KT\.|TUQ\.)\s)")


def _authority_lines(line: str) -> list[str]:
    """A line cut before each authority it holds: every level of the signing block is a line of its own, where
    OCR ran them together (``TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH``); a list's item beside them stays whole."""
    at = AUTHORITY.search(line)
    if at is None:
        return [line]
    head, rest = line[:at.start()].strip(), line[at.start():]
    return [*([head] if head else []), *(part.strip() for part in _AUTHORITY_START.split(rest))]


def _level_and_title(mark: str, words: str) -> tuple[str, str]:
    """An authority's line and the title run onto it: ``KT. BỘ TRƯỞNG THỨ TRƯỞNG`` is ``KT. BỘ TRƯỞNG`` over
    ``THỨ TRƯỞNG``, the deputy's title being the one that can follow a ``KT.`` (``archive/vocabulary.py``)."""
    head = vocabulary.head_of(words) if mark in ("KT.", "K/T") else ""
    split = words.split(" ")
    size = len(head.split(" ")) if head else len(split)
    rest = " ".join(split[size:])
    if rest and fold(rest) == fold(vocabulary.DEPUTIES[head]):
        return f"{mark} {' '.join(split[:size])}", rest
    return f"{mark} {words}", ""


def _title_above(lines: list[str]) -> str:
    """The signer's title: the nearest line above the name that ends in a title's capitals."""
    for line in reversed(lines[-6:]):
        title = _trailing_capitals(line)
        if len(title) > 3 and fold(title) not in _FOLDED_MARKS:
            return title
    return ""


def _cites(text: str, meta: Metadata) -> None:
    seen = set()
    for match in CITATION.finditer(text):
        kind = find_kind(match[3]) or find_kind(match[1])
        symbol = f"{int(match[2]):02d}-{kind.code if kind else match[3]}/{match[4]}"
        if symbol == meta.symbol or symbol in seen:
            continue
        seen.add(symbol)
        cited = {"kind": match[1].capitalize(), "symbol": symbol, "date": ""}
        if match[7]:
            with contextlib.suppress(ValueError):  # an impossible date stays empty
                cited["date"] = date(int(match[7]), int(match[6]), int(match[5])).isoformat()
        meta.cites.append(cited)


# Words of the layout itself, whose spelling is fixed: a scan's slip in one (``ĐÂN`` for ``DÂN``,
# ``nắm 2030``) is put right, as no other word folds the same in that place.
_FIXED = ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "THỦ TƯỚNG CHÍNH PHỦ", "CHÍNH PHỦ", "PHÓ THỦ TƯỚNG",
          "THỦ TƯỚNG", "BỘ TRƯỞNG", "THỨ TRƯỞNG", "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "TỈNH", "QUYẾT ĐỊNH",
          "Nơi nhận", "Kính gửi",
          # the header's and the signing block's titles: one spelling each (``TRƯỜNG ĐẠI HỌC`` is a school,
          # ``HIỆU TRƯỞNG`` its head, told apart by their neighbours)
          "QUỐC GIA", "THÀNH PHỐ", "HỒ CHÍ MINH", "TRƯỜNG ĐẠI HỌC", "ĐẠI HỌC", "HIỆU TRƯỞNG", "CỤC TRƯỞNG",
          "PHÓ TRƯỞNG BAN", "TRƯỞNG BAN", "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "VĂN PHÒNG",
          "TRUNG ƯƠNG", "ỦY BAN", "CÔNG THƯƠNG", "TÀI CHÍNH")
_FIXED_RULES = [(re.compile(r"(?<!\w)" + re.escape(fold(phrase)) + r"(?!\w)"), phrase)
                for phrase in sorted({*_FIXED, *vocabulary.BODIES}, key=len, reverse=True)]
_NUMBERED = re.compile(r"(?<!\w)(ngay|thang|nam)(\s+\d)")
_NUMBER_WORDS = {"ngay": "ngày", "thang": "tháng", "nam": "năm"}


def _fixed_words(line: str) -> str:
    """The layout's fixed words as they are spelt, wherever OCR slipped a diacritic in them."""
    folded = fold_keep(line)
    for rule, phrase in _FIXED_RULES:
        for match in rule.finditer(folded):
            found = line[match.start():match.end()]
            if found.isupper() == phrase.isupper():
                line = line[:match.start()] + phrase + line[match.end():]
    for match in _NUMBERED.finditer(fold_keep(line)):
        word = _NUMBER_WORDS[match[1]]
        if line[match.start():match.end(1)].islower():
            line = line[:match.start()] + word + line[match.end(1):]
    return line


def _clean(line: str) -> str:
    """OCR's stray marks at the ends of a line (``“PHÓ THỦ TƯỚNG``), its Ð for Đ, its slips in the
    layout's fixed words."""
    line = re.sub(r"^[~–—]\s", "- ", line.replace("Ð", "Đ"))
    line = re.sub(r"/+", "/", re.sub(r"[⁄∕]", "/", line))  # OCR's fraction slashes, doubled (``/⁄QĐ-TTg``)
    line = re.sub(r"^S[ỐỔÓÔOốổóôỏ6](?=\s*[:;.]?\s*\d)", "Số", line)  # ``SỐ 1775-CV/TU``, ``Só: 1114/…``
    line = re.sub(r"^s[ốổóôoỏ6](?=\s*[:;.]\s*\S)", "Số", line)  # ``số: 3 /KH-DCT``, ``số. 28 b BCT-ATMT``
    line = re.sub(r"^[\W_]+(?=(?:TM|TL|KT|TUQ)[.,;:]\s)", "", line)  # ``._KT. BỘ TRƯỞNG``: specks before it
    line = re.sub(r"^(TM|TL|KT|TUQ)[,;:](?=\s)", r"\1.", line)  # ``_TM, ỦY BAN``: OCR's comma for the dot
    line = re.sub(r"^V\s*[/|\\.]\s*[vyV]?\s", "V/v ", line)  # ``V⁄ kiểm tra``, ``V/ kiểm tra``, ``V.v …``
    line = re.sub(r"^(?:V?[ÈÉẺ]|V[àáảạèéẻẽẹ])\s+việc\s", "Về việc ", line)  # ``È việc``, ``Vẻ việc``
    return _fixed_words(line.strip(_OCR_NOISE + " "))


class _Printed:
    """The words of the text as printed, beside their canonical form: the rules read canonical text
    (one tone-mark style), the values go back as printed (``Hoà Ninh`` stays ``Hoà Ninh``)."""

    def __init__(self, text: str):
        self.words = nfc(text).split()
        self.keys = [canonical(word) for word in self.words]
        self.same = self.words == self.keys

    def _window(self, words: list[str], from_end: bool) -> int | None:
        starts = [i for i in range(len(self.keys) - len(words) + 1)
                  if all(word in self.keys[i + k] for k, word in enumerate(words))]
        return (starts[-1] if from_end else starts[0]) if starts else None

    def _word(self, word: str, index: int) -> str:
        at = self.keys[index].find(word)
        return self.words[index][at:at + len(word)]

    def __call__(self, value: str, *, from_end: bool = False) -> str:
        if self.same or not value:
            return value
        words = value.split(" ")
        start = self._window(words, from_end)
        if start is not None:
            return " ".join(self._word(word, start + k) for k, word in enumerate(words))
        printed, cursor = [], 0
        for word in words:
            index = next((i for i in range(cursor, len(self.keys)) if word in self.keys[i]), None)
            printed.append(word if index is None else self._word(word, index))
            cursor = cursor if index is None else index + 1
        return " ".join(printed)


def _as_printed(meta: Metadata, text: str) -> None:
    printed = _Printed(text)
    for name in ("issuer", "subject", "place"):
        setattr(meta, name, printed(getattr(meta, name)))
    for name in ("signer", "signer_title", "authority"):
        setattr(meta, name, printed(getattr(meta, name), from_end=True))
    meta.to = [printed(item) for item in meta.to]
    meta.recipients = [printed(item) for item in meta.recipients]


def read_metadata(text: str, *, ocr: bool = False) -> Metadata:
    """Every component FORMAT.md (the Party's) or Nghị định 30 (the state's) names, from a text."""
    meta = Metadata()
    lines = [line for line in _lines(text) if line]
    if ocr:
        lines = [line for line in map(_clean, lines) if line]
    lines = _document_lines(lines, meta)
    flat = "\n".join(lines)
    _symbol(flat, meta, ocr=ocr)
    if not meta.symbol:
        _state_symbol(flat, meta)
    if flat != canonical(text) and any(m.search(fold_keep(canonical(text))) for m in _MOTTO):
        meta.layout = "state"
    _date(flat, meta, ocr=ocr)
    _issuer(lines, meta)
    _subject(lines, meta, ocr=ocr)
    _signer(lines, meta)
    meta.marks = [_FOLDED_MARKS[fold(line)] for line in lines[:20] if fold(line) in _FOLDED_MARKS]
    meta.to = _listed_after(lines, "Kính gửi:", same_line=True)
    meta.recipients = _listed_after(lines, "Nơi nhận:", same_line=False)
    _cites(flat, meta)
    kind = None
    if meta.kind:
        kind = find_state_kind(meta.kind) if meta.layout == "state" else find_kind(meta.kind)
    meta.kind_name = kind.name if kind else ""
    meta.missing = [name for name in ("symbol", "date", "kind", "subject", "signer", "issuer")
                    if not getattr(meta, name)]
    _as_printed(meta, text)
    if ocr:
        _put_right(meta)
        meta.subject = restated.subject(meta.subject, lines)
    return meta


def add_received(meta: Metadata, lines: list[str]) -> None:
    """The lines of the stamps OCR took off a scan (``archive/stamps.py``) kept in ``received``; a secrecy or
    urgency mark among them (a mark's box drawn taller than the rules' 8 mm) still read as the page's mark."""
    meta.received += lines
    meta.marks += [_FOLDED_MARKS[fold(line)] for line in lines if fold(line) in _FOLDED_MARKS]


def _put_right(meta: Metadata) -> None:
    """A scan's words that are no syllable as the one they can be, the signer's family name as the one it
    can be (``archive/vocabulary.py``)."""
    for name in ("issuer", "subject", "signer_title", "authority", "signer", "place"):
        setattr(meta, name, vocabulary.put_right(getattr(meta, name)))
    meta.signer = vocabulary.with_surname(meta.signer)
    _titles_put_right(meta)


def _titles_put_right(meta: Metadata) -> None:
    """A scan's titles in the signing block as the listed ones they can be: each ``KT.`` level's head, and the
    signer's title as the deputy of the last ``KT.`` head (``archive/vocabulary.py``)."""
    levels, head = [], ""
    for level in _AUTHORITY_START.split(meta.authority) if meta.authority else []:
        mark, _, words = level.partition(" ")
        if mark in ("KT.", "K/T"):
            words = vocabulary.title(words)
            head = vocabulary.head_of(words)
        levels.append(f"{mark} {words}")
    meta.authority = " ".join(levels)
    meta.signer_title = vocabulary.title(meta.signer_title, head)
