"""Shared fixtures: real workspaces in temporary folders, driven through the real CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from vanthu.cli import cli
from vanthu.workspace import Workspace, init_workspace

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


@pytest.fixture
def run(workspace: Workspace) -> Callable[..., Result]:
    """Run ``vanthu ARGS --home WS`` through CliRunner."""

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, [*args, "--home", str(workspace.root)])

    return invoke


@pytest.fixture
def datafile(tmp_path: Path) -> Callable[..., Path]:
    """Write a data mapping as YAML and return its path."""
    counter = iter(range(10_000))

    def write(data: dict | str, name: str | None = None) -> Path:
        path = tmp_path / (name or f"data{next(counter)}.yaml")
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
        path.write_text(text, "utf-8")
        return path

    return write


CONG_VAN = {
    "subject": "rà soát tiến độ giải phóng mặt bằng",
    "to": ["Đảng ủy các xã, phường, đặc khu", "Các Tổ theo dõi địa bàn"],
    "body": "Đề nghị các đơn vị **khẩn trương** rà soát.\n\n- Báo cáo trước ngày 15/12/2026.",
    "recipients": ["Thường trực Tỉnh ủy", "Như trên"],
    "date": "2026-06-03",
}
