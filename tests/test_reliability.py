"""SIGKILL the watcher at random moments while it ingests: nothing is lost, nothing doubled."""

from __future__ import annotations

import hashlib
import json
import random
import signal
import time

from click.testing import CliRunner
from conftest import add_settings
from pdf_factory import sign_pdf
from watching import WatchProcess

from vanthu.cli import cli

TRIALS = 20
PER_TRIAL = 4


def _archived(workspace) -> list[str]:
    return [json.loads(p.read_text("utf-8"))["sha256"] for p in workspace.archive.rglob("*.json")]


def _inbox(workspace) -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in workspace.inbox.iterdir()
            if p.is_file()}


def test_sigkill_during_ingest_loses_and_doubles_nothing(archive_ws, issued):
    add_settings(archive_ws, stability_delay=0.2)
    rng = random.Random(20260422)
    sources = list(issued.pdfs.values())
    dropped: dict[str, str] = {}
    interrupted = 0  # trials killed while there was still work under way
    for trial in range(TRIALS):
        before = len(_archived(archive_ws))
        for i in range(PER_TRIAL):
            data = sign_pdf(sources[i % len(sources)], issued.signer, issued.ca)
            name = f"t{trial:02d}-{i}.pdf"
            (archive_ws.inbox / name).write_bytes(data)
            dropped[hashlib.sha256(data).hexdigest()] = name
        watcher = WatchProcess(archive_ws.root)
        if trial % 2:  # at any moment, from start-up to idle
            time.sleep(rng.uniform(0.3, 1.5))
        else:  # surely inside a batch: after its first file, before its last
            watcher.wait_for(1, timeout=30)
            time.sleep(rng.uniform(0.0, 0.1))
        watcher.stop(signal.SIGKILL)
        archived, waiting = _archived(archive_ws), _inbox(archive_ws)
        assert len(archived) == len(set(archived)), "a document was archived twice"
        assert set(dropped) <= set(archived) | waiting, "a file was lost"
        assert list(archive_ws.quarantine.iterdir()) == []
        interrupted += bool(waiting) and len(archived) > before
    assert interrupted >= 3, f"only {interrupted} kills landed during an ingest"

    watcher = WatchProcess(archive_ws.root)
    deadline = time.monotonic() + 60
    while (_inbox(archive_ws) or len(_archived(archive_ws)) < len(dropped)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert watcher.stop()[0] == 0
    archived = _archived(archive_ws)
    assert sorted(archived) == sorted(dropped)
    assert _inbox(archive_ws) == set()
    result = CliRunner().invoke(cli, ["check", "--home", str(archive_ws.root)])
    assert result.exit_code == 0, result.output
    catalog = archive_ws.catalog()
    assert catalog.unfinished() == [] and len(catalog.archived()) == len(dropped)
    catalog.close()
