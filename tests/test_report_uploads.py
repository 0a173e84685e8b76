"""Team report uploads are untrusted files: zip bombs, XML entities and oversized files are refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import bombs
import docx
import pytest
from click.testing import CliRunner
from conftest import add_settings

from vanthu.cli import cli

XXE = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [<!ENTITY xxe SYSTEM '
       b'"file:///etc/passwd">]>\n<w:document xmlns:w="http://schemas.openxmlformats.org/'
       b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>')
LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
          b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>\n<w:document xmlns:w="http://schemas.openxmlformats.org'
          b'/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>')


def vanthu(workspace, *args: str):
    return CliRunner().invoke(cli, [*args, "--home", str(workspace.root)])


def _report_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("Báo cáo nhanh: tình hình sạt lở đất tại xã Đắk Song đã được khắc phục.")
    document.save(str(path))
    return path


def _rewritten(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """The same DOCX package with some parts replaced or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item, replace.pop(item.filename, old.read(item)))
        for name, data in replace.items():
            new.writestr(name, data)
    return target


def _add(workspace, path: Path):
    return vanthu(workspace, "report", "add", "--team", "1", "--week", "2026-W21", str(path))


def test_a_plain_docx_report_is_still_received(workspace, tmp_path):
    result = _add(workspace, _report_docx(tmp_path / "bao-cao.docx"))
    assert result.exit_code == 0, result.output
    assert (workspace.reports / "2026-W21" / "to-01.docx").is_file()


@pytest.mark.parametrize(("part", "content", "reason"), [
    ("word/document.xml", XXE, "có khai báo DTD hoặc thực thể XML"),
    ("word/document.xml", LAUGHS, "có khai báo DTD hoặc thực thể XML"),
    ("word/media/bom.bin", b"\0" * (120 * 1024 * 1024), "vượt giới hạn dung lượng giải nén 100 MB"),
    ("word/media/nen.bin", b"\0" * (20 * 1024 * 1024), "vượt giới hạn tỉ lệ nén 100 lần"),
])
def test_a_hostile_docx_is_refused_before_it_is_read(workspace, tmp_path, part, content, reason):
    source = _rewritten(_report_docx(tmp_path / "goc.docx"), tmp_path / "bao-cao.docx", {part: content})
    result = _add(workspace, source)
    assert result.exit_code == 2, result.output
    assert f"Tệp {source}" in result.output and reason in result.output
    assert "root:" not in result.output
    assert not (workspace.reports / "2026-W21").exists()


def test_a_report_over_the_size_limit_is_refused(workspace, tmp_path):
    add_settings(workspace, report_max_mb=1)
    source = tmp_path / "bao-cao.pdf"
    source.write_bytes(b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024) + b"\n%%EOF\n")
    result = _add(workspace, source)
    assert result.exit_code == 2
    assert f"Tệp {source}: vượt giới hạn kích thước tệp báo cáo 1 MB (tệp 2 MB)" in result.output


def test_a_pdf_report_bomb_is_read_under_the_limits(workspace, tmp_path):
    add_settings(workspace, limit_stream_mb=10)
    source = tmp_path / "bao-cao.pdf"
    source.write_bytes(bombs.inflate_bomb(30))
    result = _add(workspace, source)
    assert result.exit_code == 2
    assert "vượt giới hạn dung lượng giải nén của một luồng dữ liệu 10 MB" in result.output
