"""The quarantine folder: files that could not be archived, each beside a ``.reason.txt``.

A clerk looks at them, and either tries a file again (it goes back into the
inbox, where the watcher or the next ingest takes it) or sets it aside
(``da-loai-bo/``: nothing that arrived is ever deleted by vanthu).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import InvalidInput
from docgen.secrecy import LEVELS, TOP, UNREAD_LEVEL

REASON = ".reason.txt"
SET_ASIDE = "da-loai-bo"


@dataclass
class Quarantined:
    name: str
    size: int
    reason: str
    at: str
    level: int = 0  # the secrecy of the archived document its reason names (a duplicate's original), or
    # MẬT when what the file is could not be read


def _fields(note: str) -> dict[str, str]:
    fields = {}
    for line in note.splitlines():
        key, _, value = line.partition(": ")
        fields.setdefault(key.strip(), value.strip())
    return fields


class Quarantine:
    def __init__(self, folder: Path, inbox: Path):
        self.folder, self.inbox = folder, inbox

    def items(self, clearance: int = TOP) -> list[Quarantined]:
        """The files in quarantine whose reason names nothing above ``clearance``."""
        found = []
        for path in sorted(self.folder.glob("*")):
            if not path.is_file() or path.name.endswith(REASON) or path.is_symlink():
                continue
            item = self._item(path)
            if item.level <= clearance:
                found.append(item)
        return found

    @staticmethod
    def _item(path: Path) -> Quarantined:
        note = path.with_name(path.name + REASON)
        fields = _fields(note.read_text("utf-8", errors="replace")) if note.is_file() else {}
        # a level not known (a file that could not be read) counts as MẬT, as a document would
        level = LEVELS.get(fields.get("Độ mật", ""), UNREAD_LEVEL) if "Độ mật" in fields else 0
        return Quarantined(path.name, path.stat().st_size, fields.get("Lý do", ""), fields.get("Thời điểm", ""),
                           level)

    def _path(self, name: str, clearance: int = TOP) -> Path:
        path = self.folder / Path(name).name
        if (name != path.name or not path.is_file() or path.name.endswith(REASON)
                or self._item(path).level > clearance):
            raise InvalidInput(f"không có tệp «{name}» trong thư mục cách ly", field="tệp")
        return path

    def retry(self, name: str, clearance: int = TOP) -> Path:
        """Back into the inbox under a name no file there has; the reason goes with the old copy."""
        path = self._path(name, clearance)
        target = self.inbox / path.name
        counter = 1
        while target.exists():
            target = self.inbox / f"{path.stem}-thu-lai-{counter}{path.suffix}"
            counter += 1
        os.replace(path, target)
        path.with_name(path.name + REASON).unlink(missing_ok=True)
        return target

    def set_aside(self, name: str, clearance: int = TOP) -> Path:
        """Out of the list, kept with its reason in ``da-loai-bo/``."""
        path = self._path(name, clearance)
        folder = self.folder / SET_ASIDE
        folder.mkdir(exist_ok=True)
        note = path.with_name(path.name + REASON)
        os.replace(path, folder / path.name)
        if note.exists():
            os.replace(note, folder / note.name)
        return folder / path.name
