"""Topics the teams follow, tagged from keyword rules that the office can edit.

A taxonomy lives in ``vanthu.toml`` (``[topics.<slug>]`` with ``name`` and
``keywords``); documents are tagged when indexed, so an edited taxonomy is
re-applied by ``vanthu index rebuild``. Keywords match whole words, in either
tone-mark style and any case.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from docgen.errors import InvalidInput
from docgen.text import canonical, diacritic_slips, fold, fold_keep


def _folded(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", fold(canonical(text))).strip()


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    keywords: tuple[str, ...]
    min_count: int = 1


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", canonical(text).casefold())


# How a topic is scored in a document: a keyword in the trích yếu counts SUBJECT_WEIGHT, the keywords
# in the text count 10 / √(words of the text) each (the text taken as at least SHORTEST words long): one
# passing word in a page of text weighs little, two in a page or one in a three-line note weigh enough.
# A topic is attached from THRESHOLD on, when at least RELATIVE of the strongest topic's score, and at
# most MAX_TOPICS to a document. Calibrated on bench/topic_labels.yaml (bench/bench_topics.py).
SUBJECT_WEIGHT, SHORTEST, THRESHOLD, RELATIVE, MAX_TOPICS = 3.0, 60, 1.1, 0.1, 3
# The closing block (Nơi nhận, the signer) says nothing of what the document is about.
_WORD = re.compile(r"\w+")
_IS_WORD = re.compile(r"\w").match
_CLOSING = re.compile(r"^\s*N(?:ơ|ơ)i nhận\s*:", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True)
class TopicScore:
    """How strongly a document is about a topic, and the words that said so: each keyword found,
    with its occurrences in the trích yếu and in the text."""

    slug: str
    name: str
    score: float
    words: dict[str, tuple[int, int]]

    def as_dict(self) -> dict[str, Any]:
        return {"slug": self.slug, "name": self.name, "score": round(self.score, 2),
                "words": [{"keyword": k, "subject": s, "text": t} for k, (s, t) in self.words.items()]}

    def because(self) -> str:
        """The words in Vietnamese, strongest first: «giải ngân» 1 lần trong trích yếu, 3 lần trong nội dung."""
        parts = []
        for keyword, (subject, text) in sorted(self.words.items(), key=lambda kv: (-kv[1][0], -kv[1][1])):
            where = [f"{n} lần trong {place}" for n, place in ((subject, "trích yếu"), (text, "nội dung")) if n]
            parts.append(f"«{keyword}» {', '.join(where)}")
        return "; ".join(parts)


class Taxonomy:
    def __init__(self, topics: list[Topic] | Callable[[], list[Topic]]):
        """``topics``, or what reads them when first asked (``vanthu.toml``'s ``[topics]``: a search
        without ``--topic`` or facets needs none, and parses no configuration)."""
        if callable(topics):
            self._read_topics = topics
        else:
            self.topics = topics

    @cached_property
    def topics(self) -> list[Topic]:
        return self._read_topics()

    @cached_property
    def by_slug(self) -> dict[str, Topic]:
        return {topic.slug: topic for topic in self.topics}

    @cached_property
    def _keywords(self) -> list[tuple[int, str]]:
        return [(i, k) for i, t in enumerate(self.topics) for k in t.keywords]

    @cached_property
    def _by_first_word(self) -> dict[str, list[tuple[int, str]]]:
        """Each keyword (its number, its normal form) under its first word, the longest keywords first:
        one dictionary look-up a word of the text, where one regular expression of every keyword tried
        each keyword at each place (a millisecond a document, half of what a rebuild does per document
        in its main process)."""
        found: dict[str, list[tuple[int, str]]] = {}
        for number, (_i, keyword) in sorted(enumerate(self._keywords), key=lambda item: -len(item[1][1])):
            normal = _normal(keyword)
            first = _WORD.match(normal)
            if first:
                found.setdefault(first.group(), []).append((number, normal))
        return found

    @cached_property
    def _folded(self) -> tuple[re.Pattern[str] | None, dict[str, list[int]]]:
        """The keywords folded, for text read by OCR: one pattern, and the keywords of each fold."""
        by_fold: dict[str, list[int]] = {}
        for number, (_topic, keyword) in enumerate(self._keywords):
            by_fold.setdefault(fold_keep(_normal(keyword)), []).append(number)
        alternatives = "|".join(re.escape(k) for k in sorted(by_fold, key=len, reverse=True))
        return (re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)") if by_fold else None), by_fold

    def _counts(self, text: str, slips: int = 0) -> dict[int, int]:
        found: dict[int, int] = {}
        for number in self._slipped(text, slips) if slips else self._exact(text):
            found[number] = found.get(number, 0) + 1
        return found

    def _exact(self, text: str) -> Iterator[int]:
        """The keywords occurring in the text as whole words; occurrences do not overlap, and where
        several keywords start at one word the longest wins."""
        normal, end, keywords = _normal(text), 0, self._by_first_word
        for word in _WORD.finditer(normal):
            start = word.start()
            if start < end or word.group() not in keywords:
                continue
            for number, keyword in keywords[word.group()]:
                stop = start + len(keyword)
                if normal.startswith(keyword, start) and not (stop < len(normal) and _IS_WORD(normal[stop])):
                    yield number
                    end = stop
                    break

    def _slipped(self, text: str, slips: int) -> Iterator[int]:
        """Keywords spelt with at most ``slips`` wrong diacritics, where one keyword fits best."""
        pattern, by_fold = self._folded
        normal = _normal(text)
        for match in pattern.finditer(fold_keep(normal)) if pattern else ():
            read = normal[match.start():match.end()]
            wrong = sorted((diacritic_slips(read, _normal(self._keywords[n][1])), n) for n in by_fold[match.group()])
            if wrong[0][0] <= slips and (len(wrong) == 1 or wrong[1][0] > wrong[0][0]):
                yield wrong[0][1]

    def scores(self, subject: str, text: str, *, slips: int = 0) -> list[TopicScore]:
        """Every topic whose keywords occur in the document, strongest first; ``slips``: how many
        wrong diacritics a keyword may carry (text read by OCR)."""
        text = _CLOSING.split(text, maxsplit=1)[0]
        in_subject, in_text = self._counts(subject, slips), self._counts(text, slips)
        length = max(len(re.findall(r"\w+", text)), SHORTEST)
        found: dict[int, dict[str, tuple[int, int]]] = {}
        for number in sorted({*in_subject, *in_text}):
            topic, keyword = self._keywords[number]
            found.setdefault(topic, {})[keyword] = (in_subject.get(number, 0), in_text.get(number, 0))
        scored = []
        for index, words in found.items():
            topic = self.topics[index]
            if sum(s + t for s, t in words.values()) < topic.min_count:
                continue
            score = sum(SUBJECT_WEIGHT * s + 10 * t / math.sqrt(length) for s, t in words.values())
            scored.append(TopicScore(topic.slug, topic.name, score, words))
        return sorted(scored, key=lambda t: (-t.score, t.slug))

    def attached(self, subject: str, text: str, *, slips: int = 0) -> list[TopicScore]:
        """The topics a document is tagged with: strong enough, at most ``MAX_TOPICS``, strongest first."""
        scored = self.scores(subject, text, slips=slips)
        top = scored[0].score if scored else 0.0
        return [t for t in scored if t.score >= THRESHOLD and t.score >= RELATIVE * top][:MAX_TOPICS]

    def tag(self, subject: str, text: str = "", *, slips: int = 0) -> list[str]:
        """The slugs of the topics attached to a document (its trích yếu and its text)."""
        return [t.slug for t in self.attached(subject, text, slips=slips)]

    def resolve(self, slug: str) -> Topic:
        """A topic by its slug or its display name, with or without accents (``nông nghiệp``,
        ``nong nghiep``, ``nong-nghiep``)."""
        if slug in self.by_slug:
            return self.by_slug[slug]
        typed = _folded(slug)
        for topic in self.topics:
            if typed in (_folded(topic.slug), _folded(topic.name)):
                return topic
        known = ", ".join(f"{t.slug} ({t.name})" for t in self.topics)
        raise InvalidInput(f"không có chủ đề «{slug}» (có: {known})", field="--topic")


def parse_topics(table: Any, source: str) -> Taxonomy:
    """``[topics]`` of vanthu.toml."""
    if not isinstance(table, dict):
        raise InvalidInput("phải là một bảng (table)", file=source, field="topics")
    topics = []
    for slug, spec in table.items():
        field = f"topics.{slug}"
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise InvalidInput("mỗi chủ đề cần name = \"…\" và keywords = [\"…\"]", file=source, field=field)
        keywords = spec.get("keywords")
        if not isinstance(keywords, list) or not keywords or not all(isinstance(k, str) and k.strip()
                                                                     for k in keywords):
            raise InvalidInput("keywords phải là danh sách từ khóa không rỗng", file=source,
                               field=f"{field}.keywords")
        count = spec.get("min_count", 1)
        if not isinstance(count, int) or count < 1:
            raise InvalidInput("min_count phải là số nguyên dương", file=source, field=f"{field}.min_count")
        topics.append(Topic(slug, spec["name"], tuple(keywords), count))
    return Taxonomy(topics)
