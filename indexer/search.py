"""Searching the archive: a clerk's query and filters turned into index look-ups, with snippets.

A quoted phrase must stand as written: it becomes its syllable pairs, which
the index holds as single terms, and a longer phrase's word order is checked
in the candidates. Unquoted words must all occur; documents where they stand
together, or in the trích yếu, or spelt with the very accents typed, rank
first. Symbols (``1417-CV/TU``) are looked up as written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from archive.store import SIDECAR, ArchiveStore
from docgen.kinds import find_kind, resolve_kind
from docgen.secrecy import Viewer, mark_name
from docgen.text import canonical
from indexer.analyzer import (
    ParsedText,
    fold_syllable,
    fold_text,
    folded,
    has_diacritics,
    ngrams,
    parse_text,
    syllables,
)
from indexer.engine import Query, SearchIndex
from indexer.gazetteer import Gazetteer
from indexer.topics import Taxonomy

# How candidates rank, before the engine's own score: words standing together first, then in the
# trích yếu, then spelt with the accents typed.
TOGETHER_WEIGHT, TITLE_WEIGHT, EXACT_WEIGHT = 8.0, 2.0, 0.5


@dataclass
class SearchRequest:
    text: str = ""
    locality: str | None = None
    team: int | None = None
    topic: str | None = None
    kind: str | None = None
    signer: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0
    facets: bool = False
    signature: str | None = None  # valid | untrusted | invalid | unsigned


def _phrase_terms(query: Query, phrase: list[str]) -> None:
    """A pair is one term; a longer phrase needs all its pairs, and positions checked only
    in the few documents that hold every pair."""
    flat = folded(phrase)
    if len(flat) == 1:
        query.required.append(("body", flat[0]))
    else:
        query.required += [("pairs", p) for p in dict.fromkeys(ngrams(flat, 2))]
    if len(flat) > 2:
        query.phrases.append(("body", flat))
    query.optional += [("title_pairs", p, TITLE_WEIGHT) for p in ngrams(flat, 2)]


def _word_terms(query: Query, words: list[str]) -> None:
    flat = folded(words)
    query.required += [("body", w) for w in dict.fromkeys(flat)]
    query.optional += [("pairs", p, TOGETHER_WEIGHT) for p in ngrams(flat, 2)]
    query.optional += [("title_pairs", p, TITLE_WEIGHT) for p in ngrams(flat, 2)]


def _exact_terms(query: Query, parsed: ParsedText) -> None:
    """Accents typed: the very spelling earns more than its folded look-alikes."""
    for item in [*parsed.phrases, parsed.words]:
        exact = [s for s in item if fold_syllable(s) != s]
        query.optional += [("body_exact", s, EXACT_WEIGHT) for s in exact]


def _filters(query: Query, request: SearchRequest, gazetteer: Gazetteer, taxonomy: Taxonomy) -> None:
    if request.locality:
        query.any_of.append([("localities", gazetteer.resolve(request.locality).code)])
    if request.team is not None:
        query.any_of.append([("localities", loc.code) for loc in gazetteer.team_localities(request.team)])
    if request.topic:
        query.any_of.append([("topics", taxonomy.resolve(request.topic).slug)])
    if request.kind:
        kind = resolve_kind(request.kind)  # an unknown one is refused with the nearest named
        query.any_of.append([("kind", kind.code)])
    if request.signature:
        query.any_of.append([("signatures", request.signature)])  # any file in that state
    if request.signer:
        query.required += [("signer_name", s) for s in folded(syllables(request.signer))]
    query.date_from = request.date_from.isoformat() if request.date_from else None
    query.date_to = request.date_to.isoformat() if request.date_to else None


def build_query(request: SearchRequest, gazetteer: Gazetteer, taxonomy: Taxonomy,
                viewer: Viewer) -> tuple[Query, ParsedText]:
    parsed = parse_text(request.text)
    query = Query(levels=viewer.levels)
    query.required += [("symbols", key) for key in parsed.symbols]
    for phrase in parsed.phrases:
        _phrase_terms(query, phrase)
    if parsed.words:
        _word_terms(query, parsed.words)
    if has_diacritics(request.text):
        _exact_terms(query, parsed)
    _filters(query, request, gazetteer, taxonomy)
    return query, parsed


def prepared(text: str) -> tuple[str, str]:
    """A text as snippets are cut from it: one line in canonical form, and its folded twin (same length)."""
    shown = re.sub(r"\s+", " ", canonical(text)).strip()
    return shown, fold_text(shown).lower()


def _densest(folded_text: str, terms: set[str], width: int) -> int:
    """Where a window of ``width`` holds the most different query syllables (then the most of them):
    the passage about the query, rather than the first passing mention in a header or a list."""
    found = [(m.start(), m.group()) for m in re.finditer(r"\w+", folded_text) if m.group() in terms]
    best, best_score, first = 0, (0, 0), 0
    for last, (position, _word) in enumerate(found):
        while found[first][0] < position - width * 3 // 4:
            first += 1
        window = [word for _p, word in found[first:last + 1]]
        score = (len(set(window)), len(window))
        if score > best_score:
            best, best_score = max(0, found[first][0] - width // 4), score
    return best


def snippet(text: str | tuple[str, str], parsed: ParsedText, width: int = 200) -> str:
    """A window of the text around the first match, matched syllables marked ``**…**``; the text may
    come already ``prepared``."""
    shown, folded_text = prepared(text) if isinstance(text, str) else text
    wanted = [folded(p) for p in parsed.phrases] + ([folded(parsed.words)] if parsed.words else [])
    terms = {s for item in wanted for s in item}
    start = _densest(folded_text, terms, width)
    for item in sorted(wanted, key=len, reverse=True):  # the words together, as typed, win
        m = re.search(r"(?<!\w)" + r"\W+".join(map(re.escape, item)) + r"(?!\w)", folded_text)
        if m:
            start = max(0, m.start() - width // 4)
            break
    end = min(len(shown), start + width)
    pieces, cursor = [], start
    for m in re.finditer(r"\w+", folded_text[start:end]):
        if m.group() in terms:
            a, b = start + m.start(), start + m.end()
            pieces += [shown[cursor:a], f"**{shown[a:b]}**"]
            cursor = b
    pieces.append(shown[cursor:end])
    marked = "".join(pieces).replace("** **", " ")  # a phrase is marked as one run
    return ("…" if start else "") + marked + ("…" if end < len(shown) else "")


def search(index: SearchIndex, store: ArchiveStore, request: SearchRequest, gazetteer: Gazetteer,
           taxonomy: Taxonomy, viewer: Viewer) -> dict[str, Any]:
    """The ``{"total", "hits"}`` answer of ``vanthu search``, of what ``viewer`` may read only
    (and ``"facets"`` when the request asks for them)."""
    query, parsed = build_query(request, gazetteer, taxonomy, viewer)
    by_date = request.sort == "date" or (parsed.empty and not request.topic)
    if parsed.empty and request.topic:  # a topic's listing: the documents most about it first
        query.required.append(("topic_strength", taxonomy.resolve(request.topic).slug))
    found = index.search(query, limit=request.limit, by_date=by_date, offset=request.offset,
                         facets=request.facets)
    hits = [_hit(fields, score, store, parsed, gazetteer) for fields, score in found.rows]
    answer: dict[str, Any] = {"total": found.total, "hits": hits}
    if request.facets:
        answer["facets"] = _named_facets(found.facets, gazetteer, taxonomy)
    return answer


def _sidecar(root: Path, relative_pdf: str) -> Path:
    return (root / relative_pdf).with_suffix(SIDECAR)  # not indexer.indexing's: a search needs none of it


def _stamp(root: Path, relative_pdf: str) -> int:
    """When the sidecar was last written: an archived file's never changes, a team's report is replaced
    in place (same path), so the cached texts and snippets are keyed by it too."""
    try:
        return _sidecar(root, relative_pdf).stat().st_mtime_ns
    except OSError:
        return 0


@lru_cache(maxsize=4096)
def _text_of(root: Path, relative_pdf: str, stamp: int) -> tuple[str, str]:
    """A document's text ready for its snippet, kept (by path and ``stamp``) rather than read, parsed and
    folded again: the service is asked the same documents again and again."""
    return prepared(json.loads(_sidecar(root, relative_pdf).read_text("utf-8")).get("text", ""))


def _terms(parsed: ParsedText) -> tuple[tuple[str, ...], ...]:
    return (tuple(parsed.words), tuple(parsed.symbols), *map(tuple, parsed.phrases))


@lru_cache(maxsize=8192)
def _snippet_of(root: Path, relative_pdf: str, stamp: int, terms: tuple[tuple[str, ...], ...]) -> str:
    """A document's snippet for a query's terms, cut once: a service is asked the same query by one
    user page after page, and by colleagues."""
    words, symbols, *phrases = terms
    return snippet(_text_of(root, relative_pdf, stamp),
                   ParsedText([list(p) for p in phrases], list(words), list(symbols)))


def _hit(fields: dict[str, Any], score: float, store: ArchiveStore, parsed: ParsedText,
         gazetteer: Gazetteer) -> dict[str, Any]:
    return {
        "id": fields["id"], "symbol": fields.get("symbol", ""), "kind": fields.get("kind", ""),
        "date": fields.get("date", ""), "subject": fields.get("subject", ""),
        "signer": fields.get("signer", ""),
        "localities": [gazetteer.by_code[c].full_name for c in _split(fields.get("localities"))
                       if c in gazetteer.by_code],
        "teams": [int(t) for t in _split(fields.get("teams"))],
        "topics": _split(fields.get("topics")),
        "signature": fields.get("signature", ""), "signatures": _split(fields.get("signatures")),
        "void": fields.get("void") or "",
        "secrecy": mark_name(int(fields.get("secrecy") or 0)),
        "score": round(score, 3), "snippet": _snippet_of(store.root, fields.get("path", ""),
                                                         _stamp(store.root, fields.get("path", "")), _terms(parsed))
        if not parsed.empty and fields.get("path") else "",
        "path": fields.get("path", ""),
    }


def _named_facets(counts: dict[str, dict[str, int]], gazetteer: Gazetteer,
                  taxonomy: Taxonomy) -> dict[str, list[dict[str, Any]]]:
    """Facet counts as the page shows them: each value with its name and its count."""
    def name(field: str, value: str) -> str:
        if field == "localities" and value in gazetteer.by_code:
            return gazetteer.by_code[value].full_name
        if field == "topics" and value in taxonomy.by_slug:
            return taxonomy.by_slug[value].name
        if field == "kind":
            kind = find_kind(value)
            return kind.name if kind else value
        if field == "teams":
            return f"Tổ {value}"
        return value

    keys = {"kind": "kind", "localities": "locality", "teams": "team", "topics": "topic",
            "signer_key": "signer"}
    return {keys[field]: [{"value": value, "name": name(field, value), "count": count}
                          for value, count in values.items() if value]  # a report has no signer: no entry
            for field, values in counts.items()}


def _split(value: str | None) -> list[str]:
    return [item for item in (value or "").split(",") if item]
