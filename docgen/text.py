"""Vietnamese text as it comes out of real files: one form for matching.

Real documents mix NFC and decomposed Unicode, and the two tone-mark styles:
the old one marks the second vowel of an open ``oa``, ``oe``, ``uy``
(``hoà``, ``khoẻ``, ``Tỉnh uỷ``), the new one the first (``hòa``, ``khỏe``,
``Tỉnh ủy``); one real document of this office has both. ``canonical`` gives
NFC in the new style, so that readers and the search index see one spelling.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
_PAIRS = ("oa", "oe", "uy")


def _old_to_new() -> dict[str, str]:
    table = {}
    for first, second in _PAIRS:
        for tone in _TONES:
            for a, b in ((first, second), (first.upper(), second.upper()), (first.upper(), second)):
                old = unicodedata.normalize("NFC", a + b + tone)
                new = unicodedata.normalize("NFC", a + tone + b)
                table[old] = new
    return table


_OLD_TO_NEW = _old_to_new()
# An open syllable only (no letter after it), and not the "qu" of "quý", "quả".
# Character classes rather than an alternation of 90 strings: this runs over every text indexed.
_OLD_STYLE = re.compile(
    r"(?<![qQ])[oOuU][" + "".join(sorted({key[1] for key in _OLD_TO_NEW})) + r"](?!\w)"
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# Word's manual line break and page break, as text pasted from it carries them; every other control character
# prints nothing, and none may stand in a DOCX (XML 1.0 forbids them: a document holding one cannot be opened).
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """What a person typed or pasted, as a document can hold it: NFC, Word's breaks as new lines, the
    invisible control characters left out (a clerk could not see, let alone remove, what a refusal named)."""
    return _CONTROL.sub("", nfc(text).translate(_BREAKS))


def canonical(text: str) -> str:
    """NFC, with old-style tone marks moved to where the new style puts them."""
    return _OLD_STYLE.sub(lambda m: _OLD_TO_NEW.get(m.group(), m.group()), nfc(text))


def fold(text: str) -> str:
    """Lower case without diacritics, ``đ`` as ``d``: what a query typed without accents matches."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    return fold(ch)[:1] or ch


def fold_keep(text: str) -> str:
    """Folded character by character: positions in the result are positions in ``text``."""
    return "".join(map(_fold_char, text))


# A syllable OCR read with one wrong diacritic (``Tố`` for ``Tổ``, ``Đák`` for ``Đắk``) is still found
# where the name or keyword it belongs to is the only one that fits (indexer/gazetteer.py, topics.py).
OCR_SLIPS = 1


def diacritic_slips(read: str, name: str) -> int:
    """How many words of ``read`` differ from ``name``'s in diacritics alone; -1 if they differ otherwise."""
    read_words, name_words = read.casefold().split(), name.casefold().split()
    if len(read_words) != len(name_words) or fold(read) != fold(name):
        return -1
    return sum(canonical(a) != canonical(b) for a, b in zip(read_words, name_words, strict=True))


def is_upper_words(text: str) -> bool:
    """True for a line in capitals such as ``PHÓ BÍ THƯ THƯỜNG TRỰC``."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def guessed(word: str, choices: list[str] | set[str]) -> str:
    """``«urgncy» (có phải «urgency»?)``: a word typed wrong, with the known one nearest to it if any
    (unknown keys of a data file, unknown kinds)."""
    near = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"«{word}» (có phải «{near[0]}»?)" if near else f"«{word}»"


def number(value: float) -> str:
    """60.0 → «60», 14.5 → «14,5», 200000 → «200.000»: how a clerk writes a number (the decimal comma, and
    the thousands grouped by dots from 10.000 on)."""
    if float(value).is_integer() and abs(value) >= 10_000:
        return f"{int(value):,}".replace(",", ".")
    return f"{value:g}".replace(".", ",")
