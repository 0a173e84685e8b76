"""DOCX to PDF with LibreOffice, one ``soffice`` start for a whole batch.

A start of ``soffice`` costs more than a second, so every caller hands over
all its files at once. LibreOffice runs with a private profile folder so it
neither waits for nor disturbs a LibreOffice the clerk has open, and writes
into a temporary folder beside the DOCX: a PDF appears under its final name
only once complete.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from docgen.errors import ConversionFailed, ConverterMissing


def find_soffice(command: str) -> str:
    found = shutil.which(command)
    if not found:
        raise ConverterMissing(
            f"không tìm thấy LibreOffice («{command}») nên chưa tạo được PDF; "
            "cài đặt bằng: apt-get install libreoffice-writer-nogui fonts-liberation2"
        )
    return found


def _run(soffice: str, sources: list[Path], outdir: Path, timeout: float) -> None:
    profile = outdir / "profile"
    command = [
        soffice, "--headless", "--norestore", "--nologo", "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir),
        *(str(source) for source in sources),
    ]  # fmt: skip
    try:
        subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                       env={**os.environ, "HOME": str(outdir)})
    except subprocess.TimeoutExpired as exc:
        raise ConversionFailed(f"LibreOffice không trả lời sau {timeout:.0f} giây") from exc


def convert_to_pdf(sources: list[Path], soffice: str = "soffice", timeout: float = 300) -> list[Path]:
    """Convert DOCX files to PDFs beside them; return the PDFs in the same order."""
    if not sources:
        return []
    executable = find_soffice(soffice)
    for folder in sorted({source.parent for source in sources}):
        batch = [source for source in sources if source.parent == folder]
        with tempfile.TemporaryDirectory(prefix=".vanthu-pdf-", dir=folder) as work:
            _run(executable, batch, Path(work), timeout)
            for source in batch:
                made = Path(work) / f"{source.stem}.pdf"
                if not made.is_file() or made.stat().st_size == 0:
                    raise ConversionFailed(f"LibreOffice không tạo được PDF từ {source}")
                os.replace(made, source.with_suffix(".pdf"))
    return [source.with_suffix(".pdf") for source in sources]
