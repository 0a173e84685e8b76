"""Writing files so that a reader never sees half of one, and a crash leaves nothing half-written.

Each write goes to a hidden temporary name in the target's own folder, is
fsynced, and only then takes its final name (rename, or hard link where an
existing file must not be replaced). The folder is fsynced after, so the new
name survives a power cut as well.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from docgen.errors import InvalidInput

TEMPORARY_PREFIX = ".vanthu-"
TEMPORARY_SUFFIX = ".tmp"


def fsync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _umask() -> int:
    """The process's umask, read without changing it (Linux), else set and restored at once."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def temporary_copy(folder: Path, data: bytes) -> Iterator[Path]:
    """A complete, fsynced copy of ``data`` under a hidden name, removed afterwards."""
    handle, name = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX, dir=folder)
    try:
        # mkstemp makes the file 0600; a written file gets the mode any new file would (0644
        # under umask 022), so that colleagues on a shared folder can open it
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet; it appears whole or not at all."""
    with temporary_copy(path.parent, data) as temporary:
        try:
            os.link(temporary, path)
        except FileExistsError as exc:
            raise InvalidInput("tệp đã tồn tại, không ghi đè", file=path) from exc
    fsync_folder(path.parent)


def write_replacing(path: Path, data: bytes) -> None:
    with temporary_copy(path.parent, data) as temporary:
        os.replace(temporary, path)
    fsync_folder(path.parent)


def is_temporary(path: Path) -> bool:
    return path.name.startswith(TEMPORARY_PREFIX) and path.name.endswith(TEMPORARY_SUFFIX)


def ensure_inside(root: Path, path: Path) -> Path:
    """``path`` if it lies inside ``root`` once links and ``..`` are resolved; vanthu writes nowhere else."""
    resolved = path.parent.resolve() / path.name
    if path.name in ("", ".", "..") or not resolved.is_relative_to(root.resolve()):
        raise InvalidInput(f"đường dẫn nằm ngoài thư mục {root}, không ghi", file=path)
    return path


def place_file(source: Path, target: Path, *, move: bool) -> None:
    """Put ``source`` at the new name ``target`` without reading it into memory.

    Moving is a hard link then unlink (nothing overwritten, no copy); copying,
    or moving across file systems, streams into a temporary file, fsyncs it and
    links it into place.
    """
    try:
        if not move:
            raise OSError("copy wanted")
        os.link(source, target)
    except FileExistsError as exc:
        raise InvalidInput("tệp đã tồn tại, không ghi đè", file=target) from exc
    except OSError:
        handle, name = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, suffix=TEMPORARY_SUFFIX, dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream, source.open("rb") as original:
                shutil.copyfileobj(original, stream, 1024 * 1024)
                stream.flush()
                os.fsync(stream.fileno())
            os.link(name, target)
        finally:
            Path(name).unlink(missing_ok=True)
    fsync_folder(target.parent)
    if move:
        source.unlink()
        fsync_folder(source.parent)
