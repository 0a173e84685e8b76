"""Start-up: a command imports only what it uses, and the lazy list of commands says what each one does."""

from __future__ import annotations

import json
import subprocess
import sys

import click
from click.testing import CliRunner

from vanthu.cli import LAZY_COMMANDS, cli

HEAVY = ("pyhanko", "docx", "docxtpl", "pypdf", "archive.pipeline", "archive.signatures", "aiohttp")


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (a new process: nothing cached)."""
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)}


def test_help_imports_no_command_module():
    modules = loaded_after("import vanthu.cli")
    assert heavy(modules) == set()
    assert not {"vanthu.archive_cli", "vanthu.digest_cli", "vanthu.search_cli", "whoosh", "numpy"} & modules


def test_search_imports_neither_the_archive_pipeline_nor_python_docx(workspace):
    code = ("from click.testing import CliRunner\nfrom vanthu.cli import cli\n"
            f"r = CliRunner().invoke(cli, ['search', 'giải ngân', '--home', {str(workspace.root)!r}])\n"
            "assert r.exit_code == 0, r.output")
    modules = loaded_after(code)
    assert "indexer.engine" in modules and heavy(modules) == set()


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
