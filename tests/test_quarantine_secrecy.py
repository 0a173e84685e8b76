"""A quarantined duplicate of a secret document names it in its reason: only viewers cleared for it see it."""

from __future__ import annotations

import pytest

from archive.quarantine import Quarantine
from docgen.errors import InvalidInput


def test_a_duplicate_of_a_secret_document_is_listed_and_handled_only_by_the_cleared(tmp_path):
    folder, inbox = tmp_path / "quarantine", tmp_path / "inbox"
    folder.mkdir()
    inbox.mkdir()
    (folder / "ban-sao.pdf").write_bytes(b"%PDF-1.7")
    (folder / "ban-sao.pdf.reason.txt").write_text(
        "Tệp: inbox/ban-sao.pdf\nLý do: trùng nội dung với văn bản đã lưu trữ 1776-CV/TU\nĐộ mật: TỐI MẬT\n", "utf-8")
    (folder / "hong.pdf").write_bytes(b"x")
    (folder / "hong.pdf.reason.txt").write_text("Lý do: không phải tệp PDF\n", "utf-8")
    book = Quarantine(folder, inbox)
    assert [item.name for item in book.items(0)] == ["hong.pdf"]
    assert [item.name for item in book.items(2)] == ["ban-sao.pdf", "hong.pdf"]
    with pytest.raises(InvalidInput):
        book.retry("ban-sao.pdf", clearance=1)
    assert (folder / "ban-sao.pdf").exists()
    assert book.retry("ban-sao.pdf", clearance=2) == inbox / "ban-sao.pdf"
