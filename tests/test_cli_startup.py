"""Start-up: a command imports only what it uses, and the lazy list of commands says what each one does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from corpus import write_corpus

from vanthu.cli import LAZY_COMMANDS, cli

HEAVY = ("pyhanko", "docx", "docxtpl", "pypdf", "archive.pipeline", "archive.signatures", "aiohttp")
# What ``vanthu search`` does not use either: the gazetteer's source package (its data is generated
# into indexer/lam_dong.json), Whoosh's query objects, searcher and collectors (numpy finds and ranks;
# they serve the reference path), the two modules Whoosh imports and never calls
# (indexer/whoosh_lean.py), worker pools (a rebuild's), the indexing side and the register.
NOT_FOR_SEARCH = (*HEAVY, "vietnam_provinces", "whoosh.query", "whoosh.searching", "whoosh.collectors",
                  "whoosh.sorting", "whoosh.highlight", "whoosh.writing", "asyncio", "urllib.request",
                  "cached_property", "multiprocessing", "concurrent.futures", "indexer.indexing",
                  "archive.metadata", "archive.catalog", "docgen.register", "importlib.resources",
                  "importlib.metadata")
# A search that filters by no team or topic and asks for no facets reads no configuration: neither the
# TOML parser, nor the profile (the document formats), nor the settings.
NO_CONFIGURATION = ("tomllib", "docgen.profile", "office.settings")


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (a new process: nothing cached)."""
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def heavy(modules: set[str], names: tuple[str, ...] = HEAVY) -> set[str]:
    return {m for m in modules if any(m == h or m.startswith(h + ".") for h in names)}


def test_help_imports_no_command_module():
    modules = loaded_after("import vanthu.cli")
    assert heavy(modules) == set()
    assert not {"vanthu.archive_cli", "vanthu.digest_cli", "vanthu.search_cli", "whoosh", "numpy"} & modules


def test_search_imports_only_what_a_search_uses(workspace):
    """Real searches over an indexed archive (words with snippets, a phrase with a filter, a listing):
    none of the modules a search does not need is loaded."""
    write_corpus(workspace.archive, 60)
    assert CliRunner().invoke(cli, ["index", "rebuild", "--home", str(workspace.root)]).exit_code == 0
    for args in (["giải ngân"], ['"Tổ theo dõi địa bàn"', "--team", "3"], ["--kind", "CV", "--sort", "date"]):
        code = ("from click.testing import CliRunner\nfrom vanthu.cli import cli\n"
                f"r = CliRunner().invoke(cli, ['search', *{args!r}, '--home', {str(workspace.root)!r}])\n"
                "assert r.exit_code == 0 and 'Tìm thấy 0 ' not in r.output, r.output")
        modules = loaded_after(code)
        assert {"indexer.engine", "numpy", "whoosh.reading"} <= modules
        assert heavy(modules, NOT_FOR_SEARCH) == set(), args
        assert ("--team" in args) == bool(heavy(modules, NO_CONFIGURATION)), args


def test_the_whoosh_stand_ins_leave_the_real_modules_to_later_imports():
    code = ("import indexer.engine, sys\nassert 'asyncio' not in sys.modules\n"
            "import urllib.request, cached_property\n"
            "assert callable(urllib.request.urlopen) and cached_property.threaded_cached_property")
    assert {"urllib.request", "cached_property", "asyncio"} <= loaded_after(code)


def test_deleted_documents_stay_unfound_through_the_stand_in(tmp_path):
    """Whoosh's one use of cached_property (a segment's deleted documents), in a process where the
    stand-in was the one Whoosh got: a deleted document is neither counted nor listed."""
    code = f"""
import sys
sys.path.insert(0, {str(Path(__file__).resolve().parent.parent / "bench")!r})
from pathlib import Path
from indexer.engine import Query, SearchIndex
assert "asyncio" not in sys.modules
from corpus import corpus_records
from indexer.indexing import index_document
from office.workspace import init_workspace
workspace = init_workspace(Path({str(tmp_path / "ws")!r}))
index = SearchIndex.create(workspace.index)
records = corpus_records(5)
index.add(index_document(r, workspace.gazetteer, workspace.taxonomy) for r in records)
with index.writer() as writer:
    writer.delete_by_term("id", records[0]["id"])
hits = index.search(Query(levels=[0]), limit=10, by_date=True)
assert hits.total == 4 and records[0]["id"] not in [fields["id"] for fields, _ in hits.rows], hits
assert "asyncio" not in sys.modules
"""
    assert "indexer.engine" in loaded_after(code)


def test_the_list_of_commands_is_each_commands_own_help():
    lazy = CliRunner().invoke(cli, ["--help"])
    context = click.Context(cli)
    for name in LAZY_COMMANDS:
        cli.get_command(context, name)  # now imported: the list is printed from the commands
    loaded = CliRunner().invoke(cli, ["--help"])
    assert lazy.exit_code == loaded.exit_code == 0
    assert lazy.output == loaded.output
    assert "search" in lazy.output and "Lệnh" in lazy.output


def test_every_lazy_command_runs_with_its_options():
    for name, (_, text) in LAZY_COMMANDS.items():
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert " ".join(result.output.split()).count(text[:40]) == 1, name
        command = cli.get_command(click.Context(cli), name)
        assert isinstance(command, click.Group) or "--home" in result.output, name
    result = CliRunner().invoke(cli, ["serch"])
    assert result.exit_code == 2 and "Không có lệnh" in result.output
