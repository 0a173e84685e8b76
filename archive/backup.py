"""Backups of a workspace: every database copied online, every record file kept by its SHA-256.

The register is a legal record, so a backup must be consistent while
``vanthu watch`` or ``vanthu serve`` writes, must never overwrite a good copy
with a damaged or altered one, and must prove itself on restore.

A backup folder holds ``objects/ab/<sha256>`` (each file's content, stored
once under its hash: a later run copies only what is new, and a file changed
in the workspace is a new object beside the old one), ``manifests/<time>.json``
(one per run: path → hash) and ``manifest.json`` (the latest). Databases are
copied with SQLite's online backup API, which reads one consistent snapshot
while writers go on, and are checked with ``PRAGMA integrity_check`` before
they count as backed up. The search index is not copied: it is rebuilt from
the archive's sidecars.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from docgen.database import DatabaseDamaged, integrity
from docgen.errors import VanthuError
from docgen.files import TEMPORARY_PREFIX, TEMPORARY_SUFFIX, ensure_inside, fsync_folder, write_replacing

FORMAT = 1
DATABASE_PATTERNS = ("*.sqlite3", "*.sqlite", "*.db")
FILE_FOLDERS = ("archive", "out", "reports", "trust", "templates", "quarantine")
ROOT_FILES = ("vanthu.toml",)
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(VanthuError):
    """A backup or a restore cannot be made or trusted."""


@dataclass
class BackupSummary:
    manifest: Path
    files: int = 0
    copied: int = 0
    copied_bytes: int = 0
    databases: list[str] = field(default_factory=list)


def _now() -> datetime:
    return datetime.now().astimezone()


def _copy_hashing(source: Path, folder: Path) -> tuple[Path, str, int]:
    """Copy ``source`` to a fsynced temporary file in ``folder``; its SHA-256 and size, read once."""
    digest, size = hashlib.sha256(), 0
    handle, name = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX, dir=folder)
    try:
        with os.fdopen(handle, "wb") as out, source.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), digest.hexdigest(), size


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ObjectStore:
    """Content stored once under its SHA-256; an object, once written, is never replaced."""

    def __init__(self, root: Path):
        self.root = root / "objects"

    def path(self, sha: str) -> Path:
        return self.root / sha[:2] / sha

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def add(self, source: Path) -> tuple[str, int, bool]:
        """Store a file; (hash, size, whether it was new)."""
        self.root.mkdir(parents=True, exist_ok=True)
        temporary, sha, size = _copy_hashing(source, self.root)
        try:
            target = self.path(sha)
            if target.is_file():
                return sha, size, False
            target.parent.mkdir(exist_ok=True)
            os.link(temporary, target)
            fsync_folder(target.parent)
            return sha, size, True
        finally:
            temporary.unlink(missing_ok=True)


def databases(root: Path) -> list[Path]:
    return sorted({path for pattern in DATABASE_PATTERNS for path in root.glob(pattern) if path.is_file()})


def _files(root: Path) -> Iterator[tuple[str, Path]]:
    for name in ROOT_FILES:
        if (root / name).is_file():
            yield name, root / name
    for folder in FILE_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and not path.is_symlink() and not path.name.startswith(TEMPORARY_PREFIX):
                yield str(path.relative_to(root)), path


def _snapshot(database: Path, folder: Path) -> Path:
    """A consistent copy of a live database (online backup API), checked before it is trusted."""
    handle, name = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=".sqlite3", dir=folder)
    os.close(handle)
    copy = Path(name)
    try:
        source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            target.close()
            source.close()
        problem = integrity(copy)
        if problem != "ok":
            raise DatabaseDamaged(database, problem)
    except sqlite3.DatabaseError as exc:
        copy.unlink(missing_ok=True)
        raise DatabaseDamaged(database, str(exc)) from exc
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    return copy


def read_manifest(dest: Path) -> dict[str, Any]:
    path = dest / MANIFEST
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{dest} không phải thư mục sao lưu vanthu (thiếu {MANIFEST})") from exc
    except (OSError, ValueError) as exc:
        raise BackupError(f"không đọc được {path} ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: không đúng định dạng bản sao lưu vanthu (format {FORMAT})")
    return manifest


def _previous(dest: Path) -> dict[str, dict[str, Any]]:
    if not (dest / MANIFEST).is_file():
        return {}
    return {entry["path"]: entry for entry in read_manifest(dest)["files"]}


def _add_file(objects: ObjectStore, relative: str, path: Path, before: dict[str, Any] | None,
              summary: BackupSummary) -> dict[str, Any]:
    """The manifest entry of one file; an unchanged file already stored is not read again."""
    info = path.stat()
    if before and before["size"] == info.st_size and before.get("mtime_ns") == info.st_mtime_ns \
            and objects.has(before["sha256"]):
        return {**before, "path": relative}
    sha, size, new = objects.add(path)
    summary.copied += new
    summary.copied_bytes += size if new else 0
    return {"path": relative, "sha256": sha, "size": size, "mtime_ns": info.st_mtime_ns, "kind": "file"}


def backup(root: Path, dest: Path) -> BackupSummary:
    """Copy the workspace at ``root`` into the backup folder ``dest`` (created if need be)."""
    if dest.resolve().is_relative_to(root.resolve()):
        raise BackupError(f"thư mục sao lưu {dest} nằm trong không gian làm việc; "
                          "hãy chọn ổ hoặc thư mục khác")
    dest.mkdir(parents=True, exist_ok=True)
    objects = ObjectStore(dest)
    objects.root.mkdir(exist_ok=True)
    started = _now()
    summary = BackupSummary(dest / MANIFEST)
    entries = []
    for database in databases(root):
        copy = _snapshot(database, objects.root)
        try:
            sha, size, new = objects.add(copy)
        finally:
            copy.unlink(missing_ok=True)
        summary.copied += new
        summary.copied_bytes += size if new else 0
        summary.databases.append(database.name)
        entries.append({"path": database.name, "sha256": sha, "size": size, "kind": "database"})
    before = _previous(dest)
    for relative, path in _files(root):
        entries.append(_add_file(objects, relative, path, before.get(relative), summary))
    summary.files = len(entries)
    manifest = {"format": FORMAT, "created_at": started.isoformat(timespec="seconds"),
                "workspace": str(root.resolve()), "files": entries}
    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
    (dest / "manifests").mkdir(exist_ok=True)
    write_replacing(dest / "manifests" / f"{started.strftime('%Y%m%dT%H%M%S%f')}.json", data)
    write_replacing(dest / MANIFEST, data)
    return summary


def verify(dest: Path) -> list[str]:
    """Every problem of the backup at ``dest``, in Vietnamese; an empty list means it can be restored."""
    manifest = read_manifest(dest)
    objects = ObjectStore(dest)
    problems = []
    for entry in manifest["files"]:
        stored = objects.path(entry["sha256"])
        if not stored.is_file():
            problems.append(f"thiếu bản sao của {entry['path']} (objects/{entry['sha256'][:2]}/…)")
        elif hash_file(stored) != entry["sha256"]:
            problems.append(f"bản sao của {entry['path']} bị sửa hoặc hỏng (SHA-256 không khớp)")
        elif entry["kind"] == "database" and (problem := integrity(stored)) != "ok":
            problems.append(f"bản sao cơ sở dữ liệu {entry['path']} bị hỏng ({problem})")
    return problems


def restore(src: Path, root: Path, folders: tuple[str, ...] = ()) -> int:
    """Restore the backup at ``src`` into the empty folder ``root``; the number of files restored.

    The whole backup is verified first, and every restored file is hashed again
    as it is written, so a restore either proves itself or stops saying why.
    """
    if root.exists() and any(root.iterdir()):
        raise BackupError(f"thư mục {root} không trống; chỉ khôi phục vào một thư mục trống hoặc chưa có")
    problems = verify(src)
    if problems:
        raise BackupError("bản sao lưu không dùng được: " + "; ".join(problems))
    root.mkdir(parents=True, exist_ok=True)
    objects = ObjectStore(src)
    entries = read_manifest(src)["files"]
    for entry in entries:
        target = ensure_inside(root, root / entry["path"])
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary, sha, _size = _copy_hashing(objects.path(entry["sha256"]), target.parent)
        try:
            if sha != entry["sha256"]:
                raise BackupError(f"bản khôi phục của {entry['path']} không khớp SHA-256")
            os.link(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
        fsync_folder(target.parent)
    for name in folders:
        (root / name).mkdir(exist_ok=True)
    return len(entries)

