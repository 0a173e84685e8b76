"""The engines the search benchmark compares, each giving the answer the search page asks for.

The answer: the total (exact), the top 20 with their stored fields (newest first for a listing),
and the facet counts (kind, locality, team, topic, signer) of every match, for a viewer without
clearance (secret documents are in every index and filtered out). The engines:

- vanthu: ``SearchIndex.search`` over the workspace's index, the query built by ``build_query``
  (what the search page and ``vanthu search`` call; snippets are cut afterwards by vanthu's own
  code whatever the engine, and timed apart).
- tantivy (PyPI ``tantivy``, a benchmark dependency only): the folded body with positions, the
  symbols as raw terms, fast fields for secrecy level, locality, team, kind, topic, signer and
  date, the hit's fields stored; BM25, top k and count in one search, facets by a terms
  aggregation over the same query.
- FTS5 at its best: a contentless FTS5 table (``unicode61 remove_diacritics 2``, ``optimize``d)
  beside plain tables with B-tree indexes on every filter column; count and top k in one pass
  (a window count over the ranked matches), facets grouped over the matches materialised once.

All three are fed the same analysis of each document (``index_document``: its text, tags and
level), prepared once and kept beside the workspace (``documents.jsonl``), and the same query
parsing (``indexer.analyzer.parse_text``). A filter by locality or team is given to tantivy and
FTS5 as locality codes, resolved by vanthu's gazetteer (in a cold process: beforehand, so that
their processes import nothing of vanthu's but the analyzer).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.analyzer import folded, parse_text, syllables

Request = Any  # an indexer.search.SearchRequest, or anything with its attributes
Resolve = Callable[[Request], list[str]]  # a request's locality or team → the locality codes

LIMIT = 20
STORED = ("id", "symbol", "subject", "signer", "path", "kind", "signature", "secrecy", "date",
          "localities", "teams", "topics")
FACETS = {"kind": "kind", "localities": "localities", "teams": "teams", "topics": "topics",
          "signer_key": "signer"}  # vanthu's facet field → the other engines' column


@dataclass
class Answer:
    total: int
    hits: list[dict[str, Any]]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def dates(self) -> list[str]:
        return [hit.get("date", "") for hit in self.hits]


def _split(value: str) -> list[str]:
    return [item for item in (value or "").split(",") if item]


def prepared(document: dict[str, Any]) -> dict[str, Any]:
    """What the other engines index of one vanthu index document."""
    return {"body": " ".join(folded(syllables(document["body"]))), "symbols": _split(document["symbols"]),
            "secrecy": int(document["secrecy"]), "localities": _split(document["localities"]),
            "teams": [int(t) for t in _split(document["teams"])], "kind": document["kind"],
            "topics": _split(document["topics"]), "signer": document["signer_key"], "day": document["day"],
            "stored": {name: document[name] for name in STORED}}


def _prepare(arguments: tuple[str, str]) -> str:
    from archive.store import load_sidecar
    from indexer.indexing import index_document

    root, path = arguments
    workspace = _workspace(root)
    return json.dumps(prepared(index_document(load_sidecar(Path(path)), workspace.gazetteer,
                                              workspace.taxonomy)), ensure_ascii=False)


_WORKSPACES: dict[str, Any] = {}


def _workspace(root: str) -> Any:
    from office.workspace import Workspace

    if root not in _WORKSPACES:
        _WORKSPACES[root] = Workspace(Path(root))
    return _WORKSPACES[root]


def documents(root: Path) -> Iterator[dict[str, Any]]:
    """Every archived document as the other engines index it, analysed once (two processes) into
    ``documents.jsonl`` beside the workspace and read from there afterwards."""
    path = root / "documents.jsonl"
    if not path.is_file():
        import multiprocessing

        from archive.store import SIDECAR

        sidecars = sorted(str(p) for p in (root / "archive").rglob(f"*{SIDECAR}"))
        with multiprocessing.get_context("fork").Pool(2) as pool, path.with_suffix(".tmp").open("w") as out:
            for line in pool.imap(_prepare, [(str(root), s) for s in sidecars], chunksize=200):
                out.write(line + "\n")
        path.with_suffix(".tmp").rename(path)
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


class Vanthu:
    name = "vanthu"

    def __init__(self, root: Path, resolve: Resolve | None = None):
        from office.workspace import Workspace

        self.workspace = Workspace(root)
        self.index = self.workspace.search_index()

    def answer(self, request: Request, viewer: Any) -> Answer:
        from indexer.search import build_query

        query, parsed = build_query(request, self.workspace.gazetteer, self.workspace.taxonomy, viewer)
        by_date = request.sort == "date" or parsed.empty
        hits = self.index.search(query, limit=LIMIT, by_date=by_date, facets=True)
        return Answer(hits.total, [fields for fields, _ in hits.rows], hits.facets)

    def forget(self) -> None:
        self.index.forget_queries()


def resolver(root: Path) -> Resolve:
    """Locality codes from a request's locality or team, by the workspace's gazetteer."""
    def resolve(request: Request) -> list[str]:
        gazetteer = _workspace(str(root)).gazetteer
        if request.locality:
            return [gazetteer.resolve(request.locality).code]
        if request.team is not None:
            return [loc.code for loc in gazetteer.team_localities(request.team)]
        return []

    return resolve


class Tantivy:
    name = "tantivy"

    def __init__(self, root: Path, resolve: Resolve | None = None):
        import tantivy

        self.tantivy, self.resolve = tantivy, resolve or resolver(root)
        self.index = tantivy.Index.open(str(root / "tantivy"))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    @staticmethod
    def build(root: Path, threads: int = 2) -> None:
        import tantivy

        folder = root / "tantivy"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("body", tokenizer_name="default", index_option="position")
        builder.add_text_field("symbols", tokenizer_name="raw", index_option="basic")
        builder.add_unsigned_field("secrecy", indexed=True, fast=True)
        for name in ("localities", "kind", "topics", "signer"):
            builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
        builder.add_unsigned_field("teams", indexed=True, fast=True)
        builder.add_integer_field("day", indexed=True, fast=True)
        builder.add_bytes_field("stored", stored=True)
        index = tantivy.Index(builder.build(), path=str(folder))
        writer = index.writer(heap_size=512_000_000, num_threads=threads)
        for document in documents(root):
            entry = tantivy.Document()
            entry.add_text("body", document["body"])
            entry.add_unsigned("secrecy", document["secrecy"])
            entry.add_integer("day", document["day"])
            entry.add_text("kind", document["kind"])
            entry.add_text("signer", document["signer"])
            for name in ("symbols", "localities", "topics"):
                for value in document[name]:
                    entry.add_text(name, value)
            for team in document["teams"]:
                entry.add_unsigned("teams", team)
            entry.add_bytes("stored", json.dumps(document["stored"], ensure_ascii=False).encode("utf-8"))
            writer.add_document(entry)
        writer.commit()
        writer.wait_merging_threads()

    def _query(self, request: Request, viewer: Any) -> Any:
        t, schema = self.tantivy, self.schema
        parsed = parse_text(request.text)
        must = [t.Query.term_query(schema, "body", word) for word in dict.fromkeys(folded(parsed.words))]
        for phrase in parsed.phrases:
            words = folded(phrase)
            must.append(t.Query.phrase_query(schema, "body", words) if len(words) > 1
                        else t.Query.term_query(schema, "body", words[0]))
        must += [t.Query.term_query(schema, "symbols", key) for key in parsed.symbols]
        must.append(t.Query.term_set_query(schema, "secrecy", list(viewer.levels)))
        if codes := self.resolve(request):
            must.append(t.Query.term_set_query(schema, "localities", codes))
        if request.kind:
            must.append(t.Query.term_query(schema, "kind", request.kind))
        return t.Query.boolean_query([(t.Occur.Must, q) for q in must]), parsed.empty

    def answer(self, request: Request, viewer: Any) -> Answer:
        query, listing = self._query(request, viewer)
        searcher = self.searcher
        found = (searcher.search(query, LIMIT, count=True, order_by_field="day") if listing
                 else searcher.search(query, LIMIT, count=True))
        hits = [json.loads(searcher.doc(address)["stored"][0]) for _, address in found.hits]
        aggregations = {name: {"terms": {"field": column, "size": 10_000}} for name, column in FACETS.items()}
        buckets = searcher.aggregate(query, aggregations)
        facets = {name: {str(b["key"]): b["doc_count"] for b in buckets[name]["buckets"]} for name in FACETS}
        return Answer(found.count, hits, facets)

    def forget(self) -> None:
        self.searcher = self.index.searcher()


class FTS5:
    name = "FTS5"

    def __init__(self, root: Path, resolve: Resolve | None = None):
        self.resolve = resolve or resolver(root)
        self.conn = sqlite3.connect(root / "fts5.sqlite3")
        self.root = root

    @staticmethod
    def build(root: Path) -> None:
        path = root / "fts5.sqlite3"
        path.unlink(missing_ok=True)
        conn = sqlite3.connect(path)
        conn.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE docs (id INTEGER PRIMARY KEY, secrecy INTEGER, kind TEXT, signer TEXT,
                               day INTEGER, stored TEXT);
            CREATE TABLE doc_localities (code TEXT, doc INTEGER);
            CREATE TABLE doc_teams (team INTEGER, doc INTEGER);
            CREATE TABLE doc_topics (topic TEXT, doc INTEGER);
            CREATE TABLE doc_symbols (key TEXT, doc INTEGER);
            CREATE VIRTUAL TABLE fts USING fts5 (body, content = '',
                                                  tokenize = 'unicode61 remove_diacritics 2');
        """)
        with conn:
            for number, document in enumerate(documents(root), start=1):
                conn.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", (
                    number, document["secrecy"], document["kind"], document["signer"], document["day"],
                    json.dumps(document["stored"], ensure_ascii=False)))
                conn.execute("INSERT INTO fts (rowid, body) VALUES (?, ?)", (number, document["body"]))
                for table, column in (("doc_localities", "localities"), ("doc_teams", "teams"),
                                      ("doc_topics", "topics"), ("doc_symbols", "symbols")):
                    conn.executemany(f"INSERT INTO {table} VALUES (?, ?)",
                                     [(value, number) for value in document[column]])
        conn.executescript("""
            INSERT INTO fts (fts) VALUES ('optimize');
            CREATE INDEX docs_secrecy_day ON docs (secrecy, day);
            CREATE INDEX docs_kind ON docs (kind, secrecy, day);
            CREATE INDEX docs_signer ON docs (signer);
            CREATE INDEX doc_localities_code ON doc_localities (code, doc);
            CREATE INDEX doc_localities_doc ON doc_localities (doc, code);
            CREATE INDEX doc_teams_doc ON doc_teams (doc, team);
            CREATE INDEX doc_topics_doc ON doc_topics (doc, topic);
            CREATE INDEX doc_symbols_key ON doc_symbols (key, doc);
            ANALYZE;
        """)
        conn.close()

    def _matches(self, request: Request, viewer: Any) -> tuple[str, list[Any], str]:
        """The statement of the matching documents (doc, rank), its parameters, and its order."""
        parsed = parse_text(request.text)
        terms = [" ".join(folded(p)) for p in parsed.phrases] + list(dict.fromkeys(folded(parsed.words)))
        levels = ", ".join(str(level) for level in viewer.levels)
        where, params = [f"d.secrecy IN ({levels})"], []
        if codes := self.resolve(request):
            where.append(f"d.id IN (SELECT doc FROM doc_localities WHERE code IN ({', '.join('?' * len(codes))}))")
            params += codes
        if request.kind:
            where.append("d.kind = ?")
            params.append(request.kind)
        for key in parsed.symbols:
            where.append("d.id IN (SELECT doc FROM doc_symbols WHERE key = ?)")
            params.append(key)
        if not terms:
            return f"SELECT d.id AS doc, -d.day AS rank FROM docs d WHERE {' AND '.join(where)}", params, "rank"
        match = " AND ".join(f'"{term}"' for term in terms)
        return (f"SELECT f.rowid AS doc, f.rank AS rank FROM fts f JOIN docs d ON d.id = f.rowid "
                f"WHERE fts MATCH ? AND {' AND '.join(where)}", [match, *params], "rank")

    def answer(self, request: Request, viewer: Any) -> Answer:
        matches, params, order = self._matches(request, viewer)
        facets = " UNION ALL ".join(
            f"SELECT '{name}', {column}, count(*) FROM m JOIN {table} ON {table}.{key} = m.doc GROUP BY {column}"
            for name, table, key, column in (
                ("kind", "docs", "id", "docs.kind"), ("signer_key", "docs", "id", "docs.signer"),
                ("localities", "doc_localities", "doc", "doc_localities.code"),
                ("teams", "doc_teams", "doc", "doc_teams.team"), ("topics", "doc_topics", "doc", "doc_topics.topic")))
        rows = self.conn.execute(
            f"WITH m AS MATERIALIZED ({matches}) "
            f"SELECT 'top', doc, rank FROM (SELECT doc, rank FROM m ORDER BY {order}, doc LIMIT {LIMIT}) "
            f"UNION ALL SELECT 'total', NULL, count(*) FROM m UNION ALL {facets}", params).fetchall()
        top = [doc for what, doc, _ in rows if what == "top"]
        stored = dict(self.conn.execute(f"SELECT id, stored FROM docs WHERE id IN ({', '.join('?' * len(top))})",
                                        top).fetchall()) if top else {}
        counted: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        total = 0
        for what, value, count in rows:
            if what == "total":
                total = count
            elif what != "top":
                counted[what][str(value)] = count
        return Answer(total, [json.loads(stored[doc]) for doc in top], counted)

    def forget(self) -> None:
        self.conn.close()
        self.conn = sqlite3.connect(self.root / "fts5.sqlite3")


ENGINES = {engine.name: engine for engine in (Vanthu, Tantivy, FTS5)}
