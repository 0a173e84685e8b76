"""Topics the teams follow, tagged from keyword rules that the office can edit.

A taxonomy lives in ``vanthu.toml`` (``[topics.<slug>]`` with ``name`` and
``keywords``); documents are tagged when indexed, so an edited taxonomy is
re-applied by ``vanthu index rebuild``. Keywords match whole words, in either
tone-mark style and any case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from docgen.errors import InvalidInput
from docgen.text import canonical, fold


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


class Taxonomy:
    def __init__(self, topics: list[Topic]):
        self.topics = topics
        self.by_slug = {topic.slug: topic for topic in topics}
        # One pass over the text for all topics: each topic is a named group of its keywords.
        groups = [f"(?P<t{i}>" + "|".join(re.escape(_normal(k)) for k in sorted(t.keywords, key=len,
                                                                                reverse=True)) + ")"
                  for i, t in enumerate(topics)]
        self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(groups) + r")(?!\w)") if topics else None

    def tag(self, text: str) -> list[str]:
        """The slugs of every topic whose keywords occur at least ``min_count`` times."""
        if self._pattern is None:
            return []
        counts = [0] * len(self.topics)
        for match in self._pattern.finditer(_normal(text)):
            counts[int(str(match.lastgroup)[1:])] += 1
        return [t.slug for t, n in zip(self.topics, counts, strict=True) if n >= t.min_count]

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
