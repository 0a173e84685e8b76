"""Every archived signature checked again against today's trust store and revocation lists.

A CRL often arrives after a document was archived, and a CA is often added
later: the state a signature had at ingest is what was known then. The
re-check reads each archived PDF (never writes it), judges its signatures
again at the time they were made, and rewrites only the sidecar and the
catalog row when the answer changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from archive.catalog import Catalog
from archive.pipeline import signature_keys
from archive.store import ArchiveStore, sha256_of
from archive.trust import TrustMaterial
from indexer.indexing import read_sidecar


@dataclass
class StateChange:
    """One signature whose state is not what the record said."""

    id: str
    symbol: str
    number: int  # 1 = the first signature made
    holder: str
    old: str
    new: str
    reason: str


def _old_state(record: dict[str, Any], item: dict[str, Any]) -> str:
    """A record made before signatures had their own state carries the document's."""
    return str(item.get("state") or record.get("signature", ""))


def _changes(record: dict[str, Any], fresh: list[dict[str, Any]]) -> Iterator[StateChange]:
    old = record.get("signatures") or []
    for number, item in enumerate(fresh, start=1):
        before = _old_state(record, old[number - 1]) if number <= len(old) else ""
        if before != item["state"]:
            yield StateChange(record["id"], record.get("symbol", ""), number, item["holder"], before,
                              item["state"], item["reason"])


def _renewed(record: dict[str, Any], data: bytes, trust: TrustMaterial) -> dict[str, Any]:
    from archive.signatures import check_signatures  # pyHanko: for ``vanthu check``, not every command

    check = check_signatures(data, trust, record.get("issuer", ""), record.get("signer", ""))
    own = set(record.get("signature_warnings") or [])
    others = [w for w in record.get("warnings") or [] if w not in own]
    return {**record, **signature_keys(check, others)}


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("signature", "signature_reason", "signatures", "warnings")
    return all(a.get(key) == b.get(key) for key in keys)


def recheck_signatures(store: ArchiveStore, catalog: Catalog, trust: TrustMaterial,
                       updated: Callable[[dict[str, Any]], None]) -> list[StateChange]:
    """Re-validate every archived document; ``updated`` hears each record that changed.

    A PDF that is missing or whose bytes no longer match the catalog is left to
    the hash check, which reports it: its signatures say nothing about what arrived.
    """
    changes: list[StateChange] = []
    for row in catalog.archived():
        path = store.root / row.path
        try:
            data = path.read_bytes()
            record = read_sidecar(store, row.path)
        except (OSError, ValueError):
            continue
        if sha256_of(data) != row.sha256 or record.get("sha256") != row.sha256:
            continue
        fresh = _renewed(record, data, trust)
        changes.extend(_changes(record, fresh["signatures"]))
        if not _same(record, fresh):
            store.rewrite_sidecar(row.path, fresh)
            catalog.update_record(row.sha256, fresh)
            updated(fresh)
    return changes

