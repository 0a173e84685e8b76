"""Shared fixtures: real workspaces in temporary folders, driven through the real CLI."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from pdf_factory import Identity, make_identity

from office.workspace import Workspace, init_workspace
from vanthu.cli import cli

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


def add_settings(workspace: Workspace, **values: object) -> None:
    """Append a [settings] table to the workspace's vanthu.toml."""
    lines = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in values.items())
    with workspace.config.open("a", encoding="utf-8") as stream:
        stream.write(f"\n[settings]\n{lines}")


@dataclass
class Issued:
    """PDFs issued and converted by vanthu in one workspace, and a test CA to sign them."""

    root: Path
    pdfs: dict[str, bytes]
    ca: Identity
    signer: Identity


@pytest.fixture(scope="session")
def issued(tmp_path_factory) -> Issued:
    root = tmp_path_factory.mktemp("issued") / "ws"
    init_workspace(root)
    data = tmp_path_factory.mktemp("data")
    files = []
    for name, subject in (("cv1", "kiểm tra tiến độ thu ngân sách"), ("cv2", "chuyển đổi số cấp xã")):
        path = data / f"{name}.yaml"
        path.write_text(yaml.safe_dump({**CONG_VAN, "subject": subject}, allow_unicode=True), "utf-8")
        files.append(str(path))
    for args in (["cong-van", *files], ["thong-bao", str(EXAMPLES / "thong_bao_ket_luan.yaml")]):
        result = CliRunner().invoke(cli, ["new", *args, "--pdf", "--home", str(root)])
        assert result.exit_code == 0, result.output
    out = root / "out"
    pdfs = {"cv1": (out / "01-CV-TU.pdf").read_bytes(), "cv2": (out / "02-CV-TU.pdf").read_bytes(),
            "tb": (out / "01-TB-TU.pdf").read_bytes()}
    ca = make_identity("CA Thử nghiệm vanthu")
    return Issued(root, pdfs, ca, make_identity("Đặng Hồng Sỹ", ca))


@pytest.fixture
def archive_ws(issued: Issued, tmp_path: Path) -> Workspace:
    """A fresh copy of the workspace that issued the PDFs (its register knows their numbers)."""
    root = tmp_path / "archive-ws"
    shutil.copytree(issued.root, root)
    return Workspace(root)


PASSWORD = "mat-khau-thu-nghiem"
# One user a role: the clerk and the leader cleared for MẬT, the staff member of team 9 for nothing.
USERS = {"vt": ("van-thu", "MẬT", None), "cv": ("chuyen-vien", "", 9), "ld": ("lanh-dao", "MẬT", None),
         "qt": ("quan-tri", "", None)}
SECRET_SUBJECT = "phương án diễn tập khu vực phòng thủ tại đặc khu Phú Quý"


@pytest.fixture(scope="session")
def office_template(tmp_path_factory) -> Path:
    """A workspace as an office has it: three documents issued by vanthu and archived (one of them
    MẬT, the only one naming Phú Quý), and a user for each role."""
    root = tmp_path_factory.mktemp("office") / "ws"
    init_workspace(root)
    data = tmp_path_factory.mktemp("office-data")
    secret = data / "mat.yaml"
    secret.write_text(yaml.safe_dump({**CONG_VAN, "subject": SECRET_SUBJECT, "secrecy": "MẬT",
                                      "body": "Đề nghị đặc khu Phú Quý chuẩn bị lực lượng diễn tập."},
                                     allow_unicode=True), "utf-8")
    plain = data / "cv.yaml"
    plain.write_text(yaml.safe_dump(CONG_VAN, allow_unicode=True), "utf-8")
    for args in (["cong-van", str(plain), str(secret)], ["thong-bao", str(EXAMPLES / "thong_bao_ket_luan.yaml")]):
        result = CliRunner().invoke(cli, ["new", *args, "--pdf", "--home", str(root)])
        assert result.exit_code == 0, result.output
    for pdf in (root / "out").glob("*.pdf"):
        shutil.copy(pdf, root / "inbox" / pdf.name)
    result = CliRunner().invoke(cli, ["ingest", str(root / "inbox"), "--home", str(root)])
    assert result.exit_code == 0, result.output
    for login, (role, clearance, team) in USERS.items():
        args = ["user", "add", login, "--role", role, "--password-stdin", "--home", str(root)]
        args += ["--clearance", clearance] if clearance else []
        args += ["--team", str(team)] if team else []
        result = CliRunner().invoke(cli, args, input=PASSWORD + "\n")
        assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def office_ws(office_template: Path, tmp_path: Path) -> Workspace:
    root = tmp_path / "office-ws"
    shutil.copytree(office_template, root)
    return Workspace(root)
