"""Precision and recall of topic tagging against documents labelled by hand (bench/topic_labels.yaml).

``python bench/bench_topics.py`` tags every labelled document with the default taxonomy, as indexing
does (the trích yếu and the text), and prints, over all (document, topic) pairs, the precision (the
share of attached topics that the label has) and the recall (the share of labelled topics attached),
for the scored tagging and for the rule before it (a topic attached as soon as one of its keywords
occurs once), then each document where the tagging and the label differ.
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import date
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_record

from indexer.gazetteer import localities
from indexer.topics import Taxonomy
from office.workspace import init_workspace

LABELS = Path(__file__).resolve().parent / "topic_labels.yaml"


def labelled_documents() -> list[dict]:
    """Each labelled document with its subject, its text (as the archive reads it) and its topics."""
    entries = yaml.safe_load(LABELS.read_text("utf-8"))["documents"]
    wanted = [e["corpus"] for e in entries if "corpus" in e]
    rng, pool, generated = random.Random(2026), list(localities()), {}
    for index in range(max(wanted, default=-1) + 1):  # as write_corpus makes them, in order
        generated[index] = make_record(index, rng, pool, date(2025, 7, 1))
    documents = []
    for entry in entries:
        if "corpus" in entry:
            record = generated[entry["corpus"]]
            assert record["subject"] == entry["subject"], f"corpus {entry['corpus']} changed: relabel it"
            subject, text, name = record["subject"], record["text"], f"corpus {entry['corpus']}"
        else:
            subject, name = entry["subject"], entry["source"]
            text = f"{subject}\n{entry['text']}"
        documents.append({"name": name, "subject": subject, "text": text, "topics": entry["topics"]})
    return documents


def default_taxonomy() -> Taxonomy:
    with tempfile.TemporaryDirectory() as folder:
        return init_workspace(Path(folder) / "ws").taxonomy


def measure(tagged: list[list[str]], labelled: list[list[str]]) -> tuple[float, float]:
    """Micro-averaged precision and recall over (document, topic) pairs."""
    right = sum(len(set(t) & set(w)) for t, w in zip(tagged, labelled, strict=True))
    attached, wanted = sum(map(len, tagged)), sum(map(len, labelled))
    return right / max(attached, 1), right / max(wanted, 1)


def evaluate(taxonomy: Taxonomy | None = None) -> dict:
    taxonomy = taxonomy or default_taxonomy()
    documents = labelled_documents()
    labelled = [d["topics"] for d in documents]
    scored = [taxonomy.tag(d["subject"], d["text"]) for d in documents]
    anyword = [[t.slug for t in taxonomy.scores(d["subject"], d["text"])] for d in documents]
    return {"documents": documents, "scored": scored, "anyword": anyword,
            "after": measure(scored, labelled), "before": measure(anyword, labelled),
            "per_document": {"before": sum(map(len, anyword)) / len(documents),
                             "after": sum(map(len, scored)) / len(documents)}}


def main() -> None:
    result = evaluate()
    documents = result["documents"]
    print(f"Topic tagging, {len(documents)} documents labelled by hand ({LABELS.name}), "
          f"{sum(len(d['topics']) for d in documents)} labelled topics")
    print(f"{'rule':<34}{'precision':>10}{'recall':>8}{'topics/doc':>12}")
    for key, rule in (("before", "any keyword once (before)"), ("after", "scored, threshold, ≤ 3 (now)")):
        precision, recall = result[key]
        print(f"{rule:<34}{precision:>10.2f}{recall:>8.2f}{result['per_document'][key]:>12.2f}")
    print("aim: precision ≥ 0.80 and recall ≥ 0.80")
    for document, tagged in zip(documents, result["scored"], strict=True):
        if set(tagged) != set(document["topics"]):
            print(f"  {document['name']}: tagged {tagged}, labelled {document['topics']}")


if __name__ == "__main__":
    main()
