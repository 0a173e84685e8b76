"""Whether a page's text layer says what the page shows, or is broken.

Real files carry text layers that render right and read wrong: a font whose ToUnicode map is not
the one its glyphs were drawn with (a PDF re-written by Ghostscript reads ``ӃW TXҧ NLӇP`` for
``Kết quả kiểm``), or an old OCR layer under a scan (``Ding Cong sin Viet Nam``). Such a layer is
told by its own shape: characters that Vietnamese never writes, words that are no Vietnamese
syllable, syllables that never carry a diacritic. A page whose layer is broken is read by OCR
instead (``archive/reading.py``), as a scan is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from docgen.text import fold

# Some fonts map the letter Ư/ư to the Latin letter OI (U+01A2/U+01A3), which looks the same.
LOOKALIKES = str.maketrans({"\u01a2": "Ư", "\u01a3": "ư"})

_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEUS = ("uyeu|uyen|uyet|oai|oay|oeo|uay|uya|uoi|uou|ieu|yeu|uye|uyu|ay|au|ai|ao|eo|eu|ia|ie|iu|oa|oe|oi|"
            "oo|ua|ue|ui|uo|uu|uy|ye|ya|a|e|i|o|u|y")
_CODA = "ch|ng|nh|c|m|n|p|t|i|y|o|u"
_SYLLABLE = re.compile(rf"(?:{_ONSET})?(?:{_NUCLEUS})(?:{_CODA})?")
_WORD = re.compile(r"[^\W\d_]+")
# Letters Vietnamese writes: Latin with its diacritics (Latin-1, Latin Extended-A for Đ Ă Ĩ Ũ, Ơ and Ư,
# Latin Extended Additional for the rest), not the Cyrillic or Greek a wrong map gives.
_VIETNAMESE = re.compile(r"[A-Za-z\u00c0-\u017f\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
# Under this many words a page says too little to judge (a title page, a signature page).
MIN_WORDS = 30
# A layer is broken with more than this share of characters Vietnamese does not write …
MAX_FOREIGN = 0.01
# … or of words that are no Vietnamese syllable (abbreviations in capitals aside) …
MAX_NOT_SYLLABLES = 0.25
# … or with fewer syllables than this carrying a diacritic (Vietnamese marks about two in three).
MIN_MARKED = 0.15


def _letters_foreign(text: str) -> tuple[int, int]:
    """The letters and controls of ``text``, and how many of them are not Vietnamese."""
    letters = [ch for ch in text if ch.isalpha() or (unicodedata.category(ch) == "Cc" and ch not in "\n\t\r")]
    return len(letters), sum(1 for ch in letters if not _VIETNAMESE.fullmatch(ch))


def is_syllable(word: str) -> bool:
    """Whether ``word`` (letters only) has the shape of a Vietnamese syllable, diacritics aside."""
    return bool(_SYLLABLE.fullmatch(fold(word).replace("đ", "d")))


@dataclass(frozen=True)
class Quality:
    """What a text layer's shape says: shares of foreign characters, of words that are no syllable,
    of syllables with a diacritic, over ``words`` words."""

    foreign: int
    foreign_share: float
    words: int
    not_syllables: float
    marked: float


def quality(text: str) -> Quality:
    letters, foreign = _letters_foreign(text)
    words = [w for w in _WORD.findall(text) if not (w.isupper() and len(w) > 1 and not is_syllable(w))]
    syllables = [w for w in words if is_syllable(w)]
    marked = sum(1 for w in syllables if fold(w) != w.lower())
    return Quality(foreign, foreign / letters if letters else 0.0, len(words),
                   1 - len(syllables) / len(words) if words else 0.0, marked / len(syllables) if syllables else 1.0)


def broken(text: str) -> str:
    """Why the text layer ``text`` is not what the page shows, in Vietnamese; ``""`` when it reads right."""
    q = quality(text)
    if q.foreign_share > MAX_FOREIGN and q.foreign >= 5:
        return f"lớp chữ có {q.foreign} ký tự không phải chữ Việt (bảng mã phông chữ sai)"
    if q.words < MIN_WORDS:
        return ""
    if q.not_syllables > MAX_NOT_SYLLABLES:
        return "lớp chữ có nhiều từ không phải tiếng Việt (lớp chữ nhận dạng cũ, kém chất lượng)"
    if q.marked < MIN_MARKED:
        return "lớp chữ thiếu dấu tiếng Việt (lớp chữ nhận dạng cũ, kém chất lượng)"
    return ""
