"""Reading a Party document's components back from its text, whoever produced the PDF.

The text of a PDF keeps the header and closing tables in the producer's order:
left column first, or both columns interleaved line by line (``TỈNH ỦY LÂM
ĐỒNG ĐẢNG CỘNG SẢN VIỆT NAM``). Every rule here therefore looks for a
component by its own shape (``Số …-CV/TU``, ``…, ngày … tháng … năm …``,
``T/M …``) rather than by position, on text put into one canonical form.
What cannot be read stays empty and is named in ``missing``.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from docgen.kinds import KINDS, Kind, find_kind
from docgen.text import canonical, is_upper_words

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
_LETTER = r"A-Za-zÀ-ỹĐđ"
SYMBOL = re.compile(
    rf"\b(\d{{1,5}})\s*-\s*([{_LETTER}]{{1,4}})\s*/\s*([A-ZĐ]{{1,8}}(?:-[A-ZĐ]{{1,8}})?)(?![{_LETTER}])"
)
NUMBER_LINE = re.compile(rf"Số\s*:?\s*{SYMBOL.pattern}")
_WORD = r"[^\W\d_]+"
PLACE_DATE = re.compile(
    rf"((?:{_WORD} ){{0,3}}{_WORD}),\s*ngày\s+(\d{{1,2}})\s+tháng\s+(\d{{1,2}})\s+năm\s+(\d{{4}})"
)
AUTHORITY = re.compile(rf"(?<!\w)(T/M|T/L|K/T|TM\.|TL\.|KT\.)\s*((?:{_WORD} ?)+)")
_KIND_NAMES = "|".join(sorted((k.name for k in KINDS), key=len, reverse=True))
CITATION = re.compile(
    rf"({_KIND_NAMES})\s+số\s+{SYMBOL.pattern}(?:\s*,?\s*ngày\s+(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}))?",
    re.IGNORECASE,
)
_MARKS = {"MẬT", "TỐI MẬT", "TUYỆT MẬT", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"}
_TITLES = {k.title: k for k in KINDS}
_SENTENCE_END = (".", ":", ";")
_BODY_START = ("- ", "Căn cứ", "Kính gửi", "Nơi nhận", "Điều ", "Ngày ", "Hôm nay", "Thực hiện", "Xét ",
               "Sau khi", "Qua ", "Theo ", "Để ")


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
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _lines(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in canonical(text).splitlines()]


def _without_party(line: str) -> str:
    return line.replace(PARTY, "").strip()


def _symbol(text: str, meta: Metadata) -> None:
    match = NUMBER_LINE.search(text)
    if not match:
        return
    number, code, body = int(match[1]), match[2], match[3]
    meta.number, meta.body_code = number, body
    kind = find_kind(code)
    meta.kind = kind.code if kind else code
    meta.symbol = f"{number:02d}-{meta.kind}/{body}"


def _date(text: str, meta: Metadata) -> None:
    match = PLACE_DATE.search(text)
    if not match:
        return
    try:
        meta.date = date(int(match[4]), int(match[3]), int(match[2])).isoformat()
    except ValueError:
        return
    words = match[1].split(" ")
    while words and not _title_case(words[0]):
        words.pop(0)
    meta.place = " ".join(words)


def _issuer(lines: list[str], meta: Metadata) -> None:
    """The capitals above the ``*`` or the number, the party title taken out."""
    found = []
    for line in lines[:12]:
        if NUMBER_LINE.match(line) or line == "*" or PLACE_DATE.search(line):
            meta.issuer = " ".join(found)
            return
        rest = _without_party(line).strip(" *")
        if rest in _TITLES:
            return
        if rest and is_upper_words(rest) and rest not in _MARKS:
            found.append(rest)


def _title_kind(lines: list[str]) -> tuple[int, Kind | None]:
    for index, line in enumerate(lines[:40]):
        if line in _TITLES:
            return index, _TITLES[line]
    return -1, None


def _continues(line: str, previous: str) -> bool:
    if not line or line.startswith(_BODY_START) or set(line) <= {"-", " "}:
        return False
    if previous.endswith(_SENTENCE_END) or PLACE_DATE.search(line) or PARTY in line:
        return False
    return line[0].islower() or line[0].isdigit() or len(line) < 75


def _subject_from(lines: list[str], start: int) -> str:
    taken = [lines[start]]
    for line in lines[start + 1:start + 5]:
        if not _continues(line, taken[-1]) or is_upper_words(line):
            break
        taken.append(line)
    return " ".join(taken).strip()


def _subject(lines: list[str], meta: Metadata) -> None:
    for index, line in enumerate(lines[:30]):
        if line.lower().startswith("v/v"):
            meta.subject = _subject_from(lines, index)
            return
    index, kind = _title_kind(lines)
    if kind is not None and index + 1 < len(lines):
        meta.subject = _subject_from(lines, index + 1)
        if not meta.kind:
            meta.kind = kind.code


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
    return (line.isdigit() and len(line) <= 3) or (bool(line) and _trailing_capitals(line) == line)


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
    return 2 <= len(words) <= 5 and all(_title_case(w) for w in words)


def _leading_capitals(text: str) -> str:
    taken = []
    for word in text.split(" "):
        if not is_upper_words(word):
            break
        taken.append(word)
    return " ".join(taken)


def _signer(lines: list[str], meta: Metadata) -> None:
    for index in range(len(lines) - 1, -1, -1):
        match = AUTHORITY.search(lines[index])
        if match:
            meta.authority = f"{match[1]} {_leading_capitals(match[2].strip())}"
            if index + 1 < len(lines):
                meta.signer_title = _trailing_capitals(lines[index + 1])
            break
    for line in reversed(lines[-15:]):
        if _looks_like_name(line):
            meta.signer = line
            return


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


def read_metadata(text: str) -> Metadata:
    """Every component FORMAT.md names, from a document's text."""
    meta = Metadata()
    flat = canonical(text)
    lines = [line for line in _lines(text) if line]
    _symbol(flat, meta)
    _date(flat, meta)
    _issuer(lines, meta)
    _subject(lines, meta)
    _signer(lines, meta)
    meta.marks = [line for line in lines[:15] if line in _MARKS]
    meta.to = _listed_after(lines, "Kính gửi:", same_line=True)
    meta.recipients = _listed_after(lines, "Nơi nhận:", same_line=False)
    _cites(flat, meta)
    kind = find_kind(meta.kind) if meta.kind else None
    meta.kind_name = kind.name if kind else ""
    meta.missing = [name for name in ("symbol", "date", "kind", "subject", "signer", "issuer")
                    if not getattr(meta, name)]
    return meta
