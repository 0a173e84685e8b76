"""The ingest pipeline: one file from the inbox into the archive, in named steps.

read → (duplicate?) → analyse (open, text, signatures, metadata) → match the
register → catalog ``pending`` → store → link the register → catalog
``stored`` → remove the inbox copy → catalog ``done`` → tell the listeners.

The inbox copy is removed only after the archived copy and its sidecar are
fsynced; a file that cannot be archived goes to quarantine with its reason.
Every step can be interrupted (SIGKILL, power cut) and the next run finishes
the job: see ``catalog.py``.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archive.catalog import Catalog, document_id
from archive.limits import MB, Limits, current
from archive.metadata import add_received, read_metadata
from archive.proposals import HANDWRITTEN, judge, not_judged
from archive.reading import Rejected, read_pdf
from archive.store import ArchiveStore, sha256_of
from archive.trust import TrustMaterial, TrustStore
from archive.worker import LimitedPool
from docgen.files import ensure_inside, fsync_folder, place_file, write_new, write_replacing
from docgen.register import Entry, Register
from docgen.secrecy import LEVELS, UNKNOWN_MARK, level_of, mark_name, strongest_mark
from docgen.text import canonical

if TYPE_CHECKING:
    from archive.signatures import SignatureCheck

Listener = Callable[[dict[str, Any]], None]


class FileUnavailable(Exception):
    """The file cannot be read now (locked, or gone); the caller decides whether to retry."""

    def __init__(self, path: Path, reason: str, *, vanished: bool):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.vanished = path, reason, vanished


class Refused(Exception):
    """The file is refused before it is read: a link, not a regular file, or too large.

    ``keep`` says whether the file itself goes to quarantine (too large) or only
    a note of what it was (a link or a device: its content is never read).
    """

    def __init__(self, path: Path, reason: str, *, keep: bool):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.keep = path, reason, keep


@dataclass
class Outcome:
    file: str
    status: str  # archived | duplicate | quarantined
    record: dict[str, Any] = field(default_factory=dict)
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        keys = ("id", "symbol", "kind", "date", "subject", "signer", "signature", "signed_by", "signed_at")
        return {"file": self.file, "status": self.status,
                **{key: self.record.get(key, "") for key in keys}, "reason": self.reason,
                "signature_reason": self.record.get("signature_reason", ""),
                "signatures": self.record.get("signatures", []), "warnings": self.record.get("warnings", []),
                "needs_review": self.record.get("needs_review", [])}


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def _not_regular(path: Path) -> Refused:
    if path.is_symlink():
        return Refused(path, f"là liên kết tượng trưng (symlink) tới {os.readlink(path)}, không phải tệp "
                             "thật; không đọc, không lưu trữ", keep=False)
    return Refused(path, "không phải tệp thông thường (thư mục, thiết bị, ống dẫn…); không đọc, "
                         "không lưu trữ", keep=False)


def read_file(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file, never following a link, refusing one over ``max_bytes``."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        raise FileUnavailable(path, "tệp đã biến mất", vanished=True) from exc
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENXIO):
            raise _not_regular(path) from exc
        busy = exc.errno in (errno.EACCES, errno.EBUSY, errno.EPERM, errno.EAGAIN)
        reason = "tệp đang bị khóa hoặc không có quyền đọc" if busy else f"không đọc được ({exc.strerror})"
        raise FileUnavailable(path, reason, vanished=False) from exc
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path)
        if max_bytes is not None and info.st_size > max_bytes:
            raise Refused(path, Limits(file_mb=max_bytes // MB).file_too_large(info.st_size), keep=True)
        return stream.read()


def _same_text(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", canonical(text)).strip().casefold().removeprefix("v/v ")

    return norm(a) == norm(b)


def signature_keys(check: SignatureCheck, other_warnings: list[str]) -> dict[str, Any]:
    """The record's signature keys; ``warnings`` holds the others' and the signatures' own."""
    return {"signature": check.status, "signed_by": check.signed_by, "signed_at": check.signed_at,
            "signature_reason": check.reason, "signature_detail": check.detail, "signatures": check.signatures,
            "signature_warnings": check.warnings, "warnings": [*other_warnings, *check.warnings],
            "signatures_checked_at": _now()}


def analyse(file_name: str, data: bytes, trust: TrustMaterial,
            verify: bool = True) -> dict[str, Any] | Rejected:
    """Everything read from the bytes alone: text, signatures, metadata.

    A pure function of its arguments, so that ``vanthu ingest`` can run it in
    worker processes; a file that cannot be read comes back as ``Rejected``. pyHanko is imported
    here, where the workers (which preload it) check signatures: the main process never needs it.
    """
    from archive.signatures import SignatureCheck, check_signatures

    sha = sha256_of(data)
    try:
        content = read_pdf(data)
    except Rejected as exc:
        return exc
    meta = read_metadata(content.text, ocr=content.ocr)
    add_received(meta, content.received)
    review = (judge(meta, content.ocr_lines, current()) if content.ocr
              else judge(meta, content.ocr_lines, current(), HANDWRITTEN) if content.ocr_lines else not_judged())
    signature = (check_signatures(data, trust, meta.issuer, meta.signer) if verify
                 else SignatureCheck("unsigned", reason="chưa kiểm tra"))
    warnings = ["tệp không có lớp chữ (bản quét), chưa đọc được nội dung"] if content.no_text else []
    warnings += content.warnings
    return {
        "id": document_id(sha), "sha256": sha, "file": file_name, "size": len(data),
        "pages": content.pages, "archived_at": _now(), "no_text": content.no_text,
        "ocr": content.ocr, "ocr_seconds": content.ocr_seconds, "appearance": content.appearance,
        **meta.as_dict(), **review,
        **signature_keys(signature, warnings), "register": "",
        # None: the mark could not be read (no text), and the document counts as secret (docgen.secrecy)
        # A scan's mark is read by OCR, which may miss it: MẬT until a clerk says (archive/proposals.py)
        "secrecy": None if content.no_text or "secrecy" in review["needs_review"] else strongest_mark(meta.marks),
        "text": content.text,
    }


class Pipeline:
    def __init__(self, *, store: ArchiveStore, catalog: Catalog, register: Register, trust: TrustStore,
                 inbox: Path, quarantine: Path, listeners: list[Listener] | None = None,
                 verify_signatures: bool = True, limits: Limits | None = None):
        self.store, self.catalog, self.register, self.trust = store, catalog, register, trust
        self.inbox, self.quarantine = inbox.resolve(), quarantine
        self.listeners = listeners or []
        self.verify_signatures = verify_signatures  # off only to measure what the check costs
        self.limits = limits or Limits()
        self._reader: LimitedPool | None = None

    @property
    def reader(self) -> LimitedPool:
        """The one reading worker of one-by-one ingests (the watcher's)."""
        if self._reader is None:
            self._reader = LimitedPool(1, self.limits)
        return self._reader

    @property
    def max_bytes(self) -> int:
        return self.limits.file_mb * MB

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def recover(self) -> None:
        """Finish what a killed run left: temporary files, and ingests whose inbox copy is gone."""
        self.store.remove_temporaries()
        for row in self.catalog.unfinished():
            if row.state == "stored" and not Path(row.source).exists():
                self.catalog.done(row.sha256)

    def ingest(self, path: Path) -> Outcome:
        try:
            data = read_file(path, self.max_bytes)
        except Refused as refused:
            return self.refuse(refused)
        return self.settled(path, data) or self.archive(path, data, self.analyse(path, data))

    def settled(self, path: Path, data: bytes) -> Outcome | None:
        """The outcome when this content is already known: a duplicate, or an ingest to finish."""
        sha = sha256_of(data)
        known = self.catalog.get(sha)
        if known and known.state == "done" and self.store.damaged(known.path, sha):
            self.store.restore(data, known.path, known.record)  # the same content repairs the archive
            self._finish(path, sha)
            return Outcome(str(path), "archived", known.record,
                           f"đã khôi phục bản lưu trữ bị mất hoặc bị sửa: archive/{known.path}")
        if known and (known.state == "done" or (known.state == "stored" and known.source != str(path))):
            label = f"{known.symbol} (mã {known.id})" if known.symbol else f"mã {known.id}"
            return self._quarantine(path, data, f"trùng nội dung với văn bản đã lưu trữ {label}",
                                    "duplicate", known.record,
                                    level=level_of(known.record))
        if known and known.state == "stored":
            self._finish(path, sha)
            return Outcome(str(path), "archived", known.record)
        return None

    def analyse(self, path: Path, data: bytes) -> dict[str, Any] | Rejected:
        return self.reader.run(analyse, path.name, data, self.trust.material(), self.verify_signatures)

    def archive(self, path: Path, data: bytes, analysed: dict[str, Any] | Rejected) -> Outcome:
        """Store an analysed file; ``settled`` is asked again, as a batch may hold the same content twice."""
        if isinstance(analysed, Rejected):
            return self._quarantine(path, data, analysed.reason, level=None)
        record = dict(analysed)
        done = self.settled(path, data)
        if done:
            return done
        entry = self._match_register(record)
        self.catalog.begin(record["sha256"], str(path))
        record["path"] = str(self.store.put(data, record))
        self._link_register(entry, record)
        self.catalog.stored(record["sha256"], record["path"], record)
        self._finish(path, record["sha256"])
        for listener in self.listeners:
            listener(record)
        return Outcome(str(path), "archived", record)

    def _match_register(self, record: dict[str, Any]) -> Entry | None:
        return match_register(self.register, record)

    def _link_register(self, entry: Entry | None, record: dict[str, Any]) -> None:
        link_register(self.register, entry, record)

    def _inside_inbox(self, path: Path) -> bool:
        """Whether the entry itself (not what a link points at) is in the inbox."""
        return (path.parent.resolve() / path.name).is_relative_to(self.inbox)

    def _finish(self, path: Path, sha: str) -> None:
        if self._inside_inbox(path):
            path.unlink(missing_ok=True)
            fsync_folder(path.parent)
        self.catalog.done(sha)

    def _quarantine(self, path: Path, data: bytes, reason: str, status: str = "quarantined",
                    record: dict[str, Any] | None = None, *, level: int | None = 0) -> Outcome:
        """Keep the file in quarantine with its reason; an inbox copy goes only once that is safe.
        ``level``: the secrecy of what the reason names (a duplicate's archived original), None when
        it is not known (a file that could not be read may be a secret one: it is listed as MẬT)."""
        target = self._quarantine_target(path, reason, level)
        write_new(target, data)
        if self._inside_inbox(path):
            path.unlink(missing_ok=True)
            fsync_folder(path.parent)
        return Outcome(str(path), status, dict(record or {}), reason)

    def _quarantine_target(self, path: Path, reason: str, level: int | None = None) -> Path:
        """A free name in quarantine, its reason already written beside it."""
        self.quarantine.mkdir(parents=True, exist_ok=True)
        target = ensure_inside(self.quarantine, self.quarantine / path.name)
        counter = 1
        while target.exists() or target.with_name(target.name + ".reason.txt").exists():
            target = self.quarantine / f"{path.stem}-{counter}{path.suffix}"
            counter += 1
        note = f"Tệp: {path}\nThời điểm: {_now()}\nLý do: {reason}\n"
        note += f"Độ mật: {UNKNOWN_MARK if level is None else mark_name(level)}\n" if level != 0 else ""
        write_replacing(target.with_name(target.name + ".reason.txt"), note.encode("utf-8"))
        return target

    def refuse(self, refused: Refused) -> Outcome:
        """Quarantine a file refused unread: a too-large one moved whole, a link or device as a note only."""
        path = refused.path
        target = self._quarantine_target(path, refused.reason)
        inside = self._inside_inbox(path)
        if refused.keep:
            place_file(path, target, move=inside)
        elif inside:
            path.unlink(missing_ok=True)  # the link itself, never what it points at
            fsync_folder(path.parent)
        return Outcome(str(path), "quarantined", {}, refused.reason)


def _secrecy_to_confirm(record: dict[str, Any], floor: str, reason: str) -> None:
    """The file's secrecy is not known: at least ``floor``, counted as MẬT, until a clerk confirms it."""
    record["secrecy"] = floor or None
    record.setdefault("proposed", {})["secrecy"] = {"value": floor, "confidence": 0.0, "reason": reason}
    record["needs_review"] = [*[n for n in record.get("needs_review") or [] if n != "secrecy"], "secrecy"]


def match_register(register: Register, record: dict[str, Any]) -> Entry | None:
    """The register entry of this symbol, with a warning for each thing that disagrees. A scan whose
    symbol is still a proposal is linked to nothing, but is marked void at once if its proposed
    number was voided: a clerk must not meet it as a live document before confirming it.

    A file claiming one of the office's own numbers is as secret as the number's entry: when the
    entry is above the file's own mark, or when the register never gave the number, the file's
    secrecy is not known and it counts as MẬT until a clerk confirms it. The two cases are one, so
    that uploading a file with a chosen number tells nothing of what that number is."""
    if not record["symbol"]:
        proposed = _entry(register, str((record.get("proposed") or {}).get("symbol", {}).get("value") or ""), record)
        set_void(record, proposed if proposed and proposed.status == "void" else None, proposed=True)
        return None
    entry = _entry(register, record["symbol"], record)
    if entry is None:
        set_void(record, None)
        if register.keeps(record["symbol"]):
            _secrecy_to_confirm(record, "", UNKNOWN_NUMBER)
        return None
    warnings = record["warnings"]
    if record["date"] and entry.date != record["date"]:
        warnings.append(f"ngày trên văn bản ({record['date']}) khác ngày trong sổ đăng ký ({entry.date})")
    if record["subject"] and not _same_text(entry.subject, record["subject"]):
        warnings.append(f"trích yếu khác sổ đăng ký (sổ ghi: «{entry.subject}»)")
    set_void(record, entry if entry.status == "void" else None)
    record["register"] = entry.symbol
    if entry.secrecy and LEVELS[entry.secrecy] > LEVELS.get(record["secrecy"] or "", 0):
        # the register knows the mark even when the text hides it
        _secrecy_to_confirm(record, entry.secrecy, UNKNOWN_NUMBER)
    return entry


UNKNOWN_NUMBER = "số, ký hiệu của văn phòng chưa có văn bản thường tương ứng trong sổ đăng ký: cần xác định độ mật"


def _entry(register: Register, symbol: str, record: dict[str, Any]) -> Entry | None:
    """The entry of the file's symbol; where a Quyết định and a Quy định print it alike, of the file's kind."""
    return register.copy_entry(symbol, record.get("kind")) if symbol else None


def set_void(record: dict[str, Any], entry: Entry | None, *, proposed: bool = False) -> None:
    """``void`` (the register's reason) and its warning on a record whose number was voided, or
    neither when it is not (a symbol corrected to another number); the warning is said once."""
    warnings = record.setdefault("warnings", [])
    record["warnings"] = warnings = [w for w in warnings if VOID_WARNING not in w]
    if entry is None:
        record.pop("void", None)
        return
    record["void"] = entry.void_reason or "số đã hủy"
    which = "số đề xuất" if proposed else "số"
    warnings.append(f"{which} {entry.symbol}{VOID_WARNING}{record['void']})")


VOID_WARNING = " đã bị hủy trong sổ đăng ký ("


def link_register(register: Register, entry: Entry | None, record: dict[str, Any]) -> None:
    """The register entry of an archived document points at it (signed, or archived unsigned)."""
    if entry is None:
        return
    signed = record["signature"] in ("valid", "untrusted")
    status = entry.status if entry.status == "void" else ("signed" if signed else "archived")
    register.link_archive(entry.id, status, record["path"])


def read_with_retries(path: Path, attempts: int = 4, sleep: Callable[[float], None] = time.sleep,
                      max_bytes: int | None = None) -> bytes:
    """A locked file is tried again a few times (0.5, 1, 2 s) before giving up."""
    for attempt in range(attempts):
        try:
            return read_file(path, max_bytes)
        except FileUnavailable as exc:
            if exc.vanished or attempt == attempts - 1:
                raise
            sleep(0.5 * 2 ** attempt)
    raise AssertionError("unreachable")


def ingest_many(pipeline: Pipeline, paths: list[Path],
                workers: int) -> Iterator[tuple[Path, Outcome | FileUnavailable]]:
    """A bulk import: files analysed in ``workers`` limited processes, stored one by one in this one.

    Reading text with pypdf is most of an ingest's cost, and it needs nothing
    but the bytes, so a back catalogue goes as fast as the cores allow while the
    catalog, the archive folder and the register keep a single writer. A file
    that breaks a limit comes back rejected and its worker is replaced; the
    others go on. Outcomes come in the order the files finish.
    """
    trust = pipeline.trust.material()
    with LimitedPool(workers, pipeline.limits) as pool:
        pending: dict[int, tuple[Path, bytes]] = {}
        for path in paths:
            try:
                data = read_with_retries(path, max_bytes=pipeline.max_bytes)
            except FileUnavailable as exc:
                yield path, exc
                continue
            except Refused as refused:
                yield path, pipeline.refuse(refused)
                continue
            early = pipeline.settled(path, data)
            if early:
                yield path, early
                continue
            job = pool.submit(analyse, path.name, data, trust, pipeline.verify_signatures)
            pending[job] = (path, data)
            while len(pending) > 2 * workers:
                yield from _store_finished(pipeline, pool, pending)
        while pending:
            yield from _store_finished(pipeline, pool, pending)


def _store_finished(pipeline: Pipeline, pool: LimitedPool,
                    pending: dict[int, tuple[Path, bytes]]) -> Iterator[tuple[Path, Outcome]]:
    for job, analysed in pool.wait():
        path, data = pending.pop(job)
        yield path, pipeline.archive(path, data, analysed)
