"""A scan's subject put right from the body that restates it.

The subject is printed bold in the header, where a stamp, a seal's ring or the line above crowd it, and OCR
reads it worse than the body's plain lines: ``phòng thì`` for ``phòng thi``, ``Quỹ định`` for ``Quy
định``, ``Ủyb bạn`` for ``Ủy ban``, ``ˆ :ơ cầu`` for ``cơ cấu``. The body says the same words again: a
decision's article 1 restates its subject, a notice's items name what it is about. Where the body reads a
word otherwise between the same two words (a trigram's middle), the body's reading is taken, but only
where the two differ by their marks alone, or where the subject's word is no syllable at all (a speck, a
lost or an extra letter): never another word. The value stays a proposal a clerk confirms.
"""

from __future__ import annotations

import re
from collections import Counter

from archive import vocabulary
from docgen.text import fold

_TOKEN = re.compile(r"^(\W*)(.*?)(\W*)$")
_LETTERS = re.compile(r"[a-z0-9]")
_STRAY = "'`"  # marks OCR puts by a word (``Phó'``), never printed in Vietnamese
HEADER_LINES = 60  # the subject is read in the document's first lines
RESTATED = 2  # times the body reads a word with other marks, for the subject to take it
_PUNCTUATION = set("-–—,.;:()/&%+\"“”")  # a subject's own tokens with no letter (``2021 - 2025``)


def _key(word: str) -> str:
    """A word as the rules compare it: its letters folded (``Ủy`` → ``uy``), its punctuation aside."""
    return "".join(_LETTERS.findall(fold(word)))


def _parts(token: str) -> tuple[str, str, str]:
    """A token's punctuation before, its word, its punctuation after (the stray marks dropped)."""
    before, word, after = _TOKEN.match(token.strip(_STRAY)).groups()
    return before.strip(_STRAY), word, after.strip(_STRAY)


def _contexts(words: list[str]) -> dict[tuple[str, str], Counter[str]]:
    """The body's readings by the two words around them (left, right); for a word at an edge of the
    subject, by its two words on the one side (``quy`` before ``định chức``: ("", "dinh chuc"))."""
    keys = [_key(word) for word in words]
    found: dict[tuple[str, str], Counter[str]] = {}
    for at in range(1, len(words) - 1):
        reading = words[at].lower()
        found.setdefault((keys[at - 1], keys[at + 1]), Counter())[reading] += 1
        if at + 2 < len(words):
            found.setdefault(("", keys[at + 1] + " " + keys[at + 2]), Counter())[reading] += 1
        if at >= 2:
            found.setdefault((keys[at - 2] + " " + keys[at - 1], ""), Counter())[reading] += 1
    return found


def _around(keys: list[str], at: int) -> tuple[str, str]:
    """The context a subject's word is looked up in: the words on both sides, or two on the one side."""
    if 0 < at < len(keys) - 1:
        return keys[at - 1], keys[at + 1]
    if at == 0 and len(keys) > 2:
        return "", keys[1] + " " + keys[2]
    if at == len(keys) - 1 and len(keys) > 2:
        return keys[at - 2] + " " + keys[at - 1], ""
    return "-", "-"  # a subject of two words: no context


def _allowed(word: str, reading: str, times: int, both_sides: bool, capitals: bool) -> bool:
    """Whether the body's ``reading``, given ``times``, may stand for the subject's ``word``: the same
    letters with other marks, read so ``RESTATED`` times (once is one more OCR reading: ``vệ việc``); or,
    between two words, ``word`` no syllable at all, and no abbreviation (``TNDN``, in a subject not in
    capitals). A number is read as printed (``loại 1,2,3,4,9``)."""
    if any(ch.isdigit() for ch in word + reading):
        return False
    if _key(word) == _key(reading):
        return times >= RESTATED
    return both_sides and not vocabulary.is_syllable(word) and (capitals or not word.isupper())


def _body(lines: list[str], subject: str) -> list[str]:
    """The document's lines after the subject's last (in the header's first lines), or none where the
    subject is not found there: the subject's own reading is no restatement of it."""
    end = _key(subject)
    for at, line in enumerate(lines[:HEADER_LINES]):
        if len(_key(line)) >= 8 and end.endswith(_key(line)):
            return lines[at + 1:]
    return []


def subject(text: str, lines: list[str]) -> str:
    """``text``, a scan's subject read from the document's ``lines``, with each word the body reads
    otherwise between the same words put as the body reads it (``_allowed``; a word no syllable loses the
    marks OCR ran into it: ``:ơ`` → ``cơ``); specks with no letter (``ˆ``) left out, a subject's own dashes
    and brackets kept."""
    if not text or not vocabulary.syllables():
        return text
    tokens = [token for token in text.split(" ") if _key(token) or set(token) <= _PUNCTUATION]
    body = " ".join(_body(lines, text)).split()
    contexts = _contexts([_parts(token)[1] for token in body if _key(token)])
    places = [at for at, token in enumerate(tokens) if _key(token)]
    keys = [_key(tokens[at]) for at in places]
    for number, at in enumerate(places):
        before, word, after = _parts(tokens[at])
        context = _around(keys, number)
        readings = contexts.get(context, Counter())
        best = readings.most_common(1)[0][0] if readings else ""
        if (best and best != word.lower() and readings[best] > readings[word.lower()]
                and _allowed(word, best, readings[best], bool(context[0] and context[1]), text.isupper())):
            before = before if _key(word) == _key(best) else ""
            word = vocabulary.cased(best, word)
            keys[number] = _key(word)
        tokens[at] = before + word + after
    return " ".join(tokens)
