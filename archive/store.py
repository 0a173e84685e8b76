"""The archive folder: ``<year>/<kind>/<symbol or id>__<sha256 prefix>.pdf`` with a JSON sidecar.

The sidecar holds every field read from the document and its SHA-256, so the
archive folder alone is enough to rebuild the catalog, the register links and
the search index. Files are written temporary-name, fsync, rename; writing the
same content again is a no-op, which is what makes an interrupted ingest safe
to run again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import VanthuError
from docgen.files import ensure_inside, is_temporary, write_replacing

SIDECAR = ".json"


class SidecarDamaged(VanthuError, ValueError):
    """A sidecar (the record beside an archived PDF) cannot be read: nothing is built from a guess.
    A ``ValueError`` too, as the JSON error it replaces: readers that skip a bad sidecar still do."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"Tệp mô tả {path} bị hỏng ({reason}); hãy lấy lại tệp này từ bản sao lưu "
                         f"(vanthu backup), rồi chạy lại lệnh")
        self.path = path


def load_sidecar(path: Path) -> dict[str, Any]:
    """The record of one sidecar; a truncated or overwritten one is named, not a traceback."""
    try:
        record = json.loads(path.read_text("utf-8"))
    except UnicodeDecodeError as exc:
        raise SidecarDamaged(path, f"không phải văn bản UTF-8 ở byte {exc.start}") from exc
    except json.JSONDecodeError as exc:
        raise SidecarDamaged(path, f"JSON hỏng ở dòng {exc.lineno}, cột {exc.colno}") from exc
    if not isinstance(record, dict) or not {"id", "sha256"} <= record.keys():
        raise SidecarDamaged(path, "thiếu trường «id» hoặc «sha256»")
    return record
UNKNOWN_KIND = "khac"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sidecar_sha(path: Path) -> str:
    try:
        return str(json.loads(path.read_text("utf-8")).get("sha256", ""))
    except (ValueError, UnicodeDecodeError, AttributeError):
        return ""


def relative_target(record: dict[str, Any]) -> Path:
    year = (record.get("date") or record["archived_at"])[:4]
    kind = record.get("kind") or UNKNOWN_KIND
    stem = "".join(record.get("symbol", "").split()).replace("/", "-") or record["id"]  # printed «3 /2025/…»
    return Path(year) / kind / f"{stem}__{record['sha256'][:12]}.pdf"


@dataclass
class CheckReport:
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    untracked: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.changed or self.missing or self.untracked)


class ArchiveStore:
    def __init__(self, root: Path):
        self.root = root

    def put(self, data: bytes, record: dict[str, Any]) -> Path:
        """Write the PDF, then its sidecar; return the PDF's path relative to the archive."""
        relative = relative_target(record)
        target = ensure_inside(self.root, self.root / relative)  # names come from the document's text
        target.parent.mkdir(parents=True, exist_ok=True)
        if not (target.is_file() and sha256_of(target.read_bytes()) == record["sha256"]):
            write_replacing(target, data)
        sidecar = json.dumps({**record, "path": str(relative)}, ensure_ascii=False, indent=1)
        write_replacing(target.with_suffix(SIDECAR), sidecar.encode("utf-8"))
        return relative

    def damaged(self, relative_pdf: str, sha: str) -> bool:
        """The archived copy is missing or no longer the content the catalog recorded."""
        path = self.root / relative_pdf
        return not path.is_file() or sha256_of(path.read_bytes()) != sha or not path.with_suffix(SIDECAR).is_file()

    def restore(self, data: bytes, relative_pdf: str, record: dict[str, Any]) -> None:
        """Put back a lost or changed archived copy (and its sidecar) from the same content."""
        target = self.root / relative_pdf
        target.parent.mkdir(parents=True, exist_ok=True)
        write_replacing(target, data)
        self.rewrite_sidecar(relative_pdf, record)

    def rewrite_sidecar(self, relative_pdf: str, record: dict[str, Any]) -> None:
        """A sidecar written again (signatures re-checked); the archived PDF is never touched."""
        sidecar = json.dumps({**record, "path": relative_pdf}, ensure_ascii=False, indent=1)
        write_replacing((self.root / relative_pdf).with_suffix(SIDECAR), sidecar.encode("utf-8"))

    def sidecars(self) -> Iterator[dict[str, Any]]:
        for path in sorted(self.root.rglob(f"*{SIDECAR}")):
            yield load_sidecar(path)

    def remove_temporaries(self) -> int:
        """Temporary files a killed process left behind; they were never anything's copy."""
        leftovers = [path for path in self.root.rglob("*") if is_temporary(path)]
        for path in leftovers:
            path.unlink(missing_ok=True)
        return len(leftovers)

    def check(self, expected: dict[str, str]) -> CheckReport:
        """Compare the folder with ``expected`` (relative path → SHA-256), PDFs and sidecars."""
        report = CheckReport()
        for relative, sha in sorted(expected.items()):
            path = self.root / relative
            sidecar = path.with_suffix(SIDECAR)
            for each in (path, sidecar):
                if not each.is_file():
                    report.missing.append(str(each.relative_to(self.root)))
            if path.is_file() and sha256_of(path.read_bytes()) != sha:
                report.changed.append(relative)
            if sidecar.is_file() and _sidecar_sha(sidecar) != sha:
                report.changed.append(str(sidecar.relative_to(self.root)))
        known = set(expected) | {str(Path(p).with_suffix(SIDECAR)) for p in expected}
        for path in sorted(self.root.rglob("*")):
            relative = str(path.relative_to(self.root))
            if path.is_file() and relative not in known:
                report.untracked.append(relative)
        return report
