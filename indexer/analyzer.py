"""Vietnamese for the search index: syllables, accent folding, syllable pairs.

Vietnamese words are mostly two or three syllables, so nearly every real
query is a phrase, and positional phrase queries are slow when a phrase holds
common syllables. The index therefore also holds each pair of adjacent
syllables as one term: a two-syllable phrase is one look-up, a longer one the
intersection of its pairs, with positions read only in the documents that
hold them all. Folding (no diacritics, ``đ`` as ``d``) lets
``giai phong mat bang`` find ``giải phóng mặt bằng``; the exact syllables are
kept too, so that a query typed with accents ranks exact matches first.
Nothing is dropped: one-letter syllables (``ý``, ``ở``) count, and there are no
stop words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from docgen.text import canonical

_SYLLABLE = re.compile(r"\w+")
_SYMBOL = re.compile(
    r"(?<![\w/-])(\d{1,5})\s*-\s*([^\W\d_]{1,4})\s*/\s*([^\W\d_]{1,8}(?:-[^\W\d_]{1,8})*)(?![\w/])"
)

# The state's symbols (Nghị định 30): ``970/QĐ-TTg``, ``30/2020/NĐ-CP``, ``9734/BTC-TCDT``.
_STATE_SYMBOL = re.compile(
    r"(?<![\w/-])(\d{1,5})\s*/\s*(?:(\d{4})\s*/\s*)?([^\W\d_]{1,6})\s*-\s*"
    r"([^\W\d_]{1,8}(?:\d{1,3}[^\W\d_]?)?(?:\s*-\s*[^\W\d_]{1,8}(?:\d{1,3}[^\W\d_]?)?)*)(?![\w/])"
)


@lru_cache(maxsize=200_000)
def fold_syllable(syllable: str) -> str:
    """``giải`` → ``giai``, ``Đồng`` → ``dong``; one syllable, cached (Vietnamese has a few thousand)."""
    decomposed = unicodedata.normalize("NFD", syllable.replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


_last: tuple[str, list[str]] = ("", [])


def syllables(text: str) -> list[str]:
    """Canonical (one tone-mark style), lower-case syllables, digits included.

    The index reads one document's text into several fields in a row, so the
    last answer is kept: a document is split once, not once per field.
    """
    global _last
    if text is not _last[0]:
        _last = (text, _SYLLABLE.findall(canonical(text).lower()))
    return list(_last[1])


def folded(items: list[str]) -> list[str]:
    return [fold_syllable(item) for item in items]


def ngrams(items: list[str], size: int) -> list[str]:
    return ["_".join(items[i:i + size]) for i in range(len(items) - size + 1)]


def has_diacritics(text: str) -> bool:
    return any(fold_syllable(s) != s for s in syllables(text))


def symbol_key(number: str | int, kind: str, body: str) -> str:
    """``01-QĐ/TU``, ``1-qd/tu`` → ``1-qd/tu``: one key however the symbol is typed."""
    return f"{int(number)}-{fold_syllable(kind)}/{fold_syllable(body)}"


def state_symbol_key(number: str, year: str | None, code: str, body: str) -> str:
    """``970/QĐ-TTg``, ``970/qd-ttg`` → ``970/qd-ttg``."""
    middle, bodies = (f"{year}/" if year else ""), "".join(body.split())  # a joint symbol's bodies, spaced or not
    return f"{int(number)}/{middle}{fold_syllable(code)}-{fold_syllable(bodies)}"


def _keys(text: str) -> list[str]:
    text = canonical(text)
    found = [(m.start(), symbol_key(*m.groups())) for m in _SYMBOL.finditer(text)]
    found += [(m.start(), state_symbol_key(*m.groups())) for m in _STATE_SYMBOL.finditer(text)]
    return [key for _, key in sorted(found)]


def symbols_in(text: str) -> list[str]:
    """Every number-and-symbol in a text (its own, and those it cites), as keys."""
    return list(dict.fromkeys(_keys(text)))


def split_symbols(query: str) -> tuple[list[str], str]:
    """The symbols typed in a query, and the rest of it."""
    return _keys(query), _STATE_SYMBOL.sub(" ", _SYMBOL.sub(" ", canonical(query)))


_QUOTED = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")


@dataclass
class ParsedText:
    """A query as typed: its quoted phrases, its other words, its symbols."""

    phrases: list[list[str]]  # syllables of each quoted phrase
    words: list[str]  # syllables outside quotes
    symbols: list[str]

    @property
    def empty(self) -> bool:
        return not (self.phrases or self.words or self.symbols)


def parse_text(text: str) -> ParsedText:
    phrases = [syllables(m) for m in _QUOTED.findall(text)]
    symbols, rest = split_symbols(_QUOTED.sub(" ", text))
    return ParsedText([p for p in phrases if p], syllables(rest), symbols)


class _FoldTable(dict):
    """Each character's fold, one character (or itself), made the first time it is met: ``translate``
    then folds a text in C, where a call per character cost a millisecond a page (every snippet)."""

    def __missing__(self, code: int) -> str:
        character = chr(code)
        self[code] = folded = fold_syllable(character)[:1] or character
        return folded


_FOLD_TABLE = _FoldTable()


def fold_text(text: str) -> str:
    """Fold character by character, keeping the length: positions map back to the text."""
    return canonical(text).translate(_FOLD_TABLE)
