"""The archive commands: watch, ingest, show, check, trust."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from archive.backup import databases
from archive.pipeline import FileUnavailable, Outcome, Pipeline, ingest_many
from archive.store import ArchiveStore
from archive.watcher import InboxWatcher, WatchOptions, candidate_files
from docgen.database import DatabaseDamaged, integrity
from docgen.errors import InvalidInput
from indexer.indexing import IndexUpdater
from vanthu.options import CliError, VanthuCommand, VanthuGroup, home_option, json_option, print_json
from vanthu.workspace import Workspace

INDEX_BATCH = 200  # records indexed per writer during a bulk ingest
STATUS_LABELS = {"archived": "Đã lưu trữ", "duplicate": "Trùng lặp", "quarantined": "Cách ly"}
SIGNATURE_LABELS = {"valid": "hợp lệ", "untrusted": "chưa xác thực được nguồn",
                    "invalid": "KHÔNG hợp lệ", "unsigned": "không ký số"}


def _warn(message: str) -> None:
    click.echo(f"Cảnh báo: {message}", err=True)


@contextmanager
def opened_pipeline(workspace: Workspace) -> Iterator[tuple[Pipeline, IndexUpdater]]:
    """The pipeline, with the search index and the follow-up book following what it archives."""
    with workspace.register() as register, workspace.catalog() as catalog, \
            workspace.task_book() as tasks:
        updater = workspace.index_updater(catalog, _warn)
        pipeline = workspace.pipeline(register, catalog)
        pipeline.listeners += [tasks.read_record, updater.queue]  # the index is flushed last
        updater.catch_up(also=[tasks.read_record])
        try:
            yield pipeline, updater
        finally:
            pipeline.close()
            updater.flush()


def _outcome_line(outcome: Outcome) -> str:
    record = outcome.record
    head = f"{STATUS_LABELS[outcome.status]}: {outcome.file}"
    if outcome.status == "archived":
        symbol = record.get("symbol") or "(không đọc được số, ký hiệu)"
        signature = SIGNATURE_LABELS.get(record.get("signature", ""), "")
        return f"{head} → {symbol}, chữ ký số {signature} [{record.get('id')}]"
    return f"{head} — {outcome.reason}"


def _emit(outcome: Outcome, as_json: bool) -> None:
    if as_json:
        print_json(outcome.as_json())
    else:
        click.echo(_outcome_line(outcome))


@click.command(cls=VanthuCommand)
@click.option("--polling", is_flag=True, help="Kiểm tra định kỳ thay vì nhận sự kiện (dùng cho ổ mạng).")
@json_option
@home_option
def watch(polling: bool, as_json: bool, home: Path | None) -> None:
    """Theo dõi inbox/ và lưu trữ các tệp PDF đã ký; Ctrl-C để dừng."""
    workspace = Workspace.locate(home)
    settings = workspace.settings
    options = WatchOptions(delay=settings.stability_delay, rescan_seconds=settings.rescan_minutes * 60,
                           polling=polling, poll_seconds=settings.poll_seconds,
                           retry_cap_seconds=settings.retry_cap_seconds)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_args: stop.set())

    def report(outcome: Outcome | None, message: str) -> None:
        if outcome is not None:
            _emit(outcome, as_json)
        else:
            _warn(message)

    with opened_pipeline(workspace) as (pipeline, updater):
        click.echo(f"Đang theo dõi {workspace.inbox} (Ctrl-C để dừng)", err=True)
        watcher = InboxWatcher(pipeline, workspace.inbox, options, report)
        watcher.after_tick.append(updater.flush)
        watcher.run(stop)
    click.echo("Đã dừng theo dõi.", err=True)


def _expand(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(candidate_files(path))
        elif path.is_file() or path.is_symlink() or path.exists():
            files.append(path)  # a link or a device is refused, with a note, by the pipeline
        else:
            raise InvalidInput("không tìm thấy tệp hoặc thư mục", file=path)
    return files


@click.command(cls=VanthuCommand)
@click.argument("paths", metavar="ĐƯỜNG_DẪN...", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
@home_option
def ingest(paths: tuple[Path, ...], as_json: bool, home: Path | None) -> None:
    """Lưu trữ một lần các tệp hoặc thư mục (nhập hồ sơ cũ).

    Tệp nằm trong inbox/ được chuyển đi; tệp ở nơi khác được sao vào kho, bản gốc giữ nguyên.
    """
    workspace = Workspace.locate(home)
    files = _expand(paths)
    outcomes: list[Outcome] = []
    failures: list[str] = []
    show_bar = not as_json and sys.stdout.isatty()
    with opened_pipeline(workspace) as (pipeline, updater):
        pipeline.recover()
        results = ingest_many(pipeline, files, workers=workspace.settings.ingest_workers)
        with click.progressbar(results, length=len(files), label="Đang lưu trữ", hidden=not show_bar) as bar:
            for path, result in bar:
                if isinstance(result, FileUnavailable):
                    failures.append(f"{path}: {result.reason}")
                    continue
                outcomes.append(result)
                if len(updater.pending) >= INDEX_BATCH:
                    updater.flush()
                if not show_bar:
                    _emit(result, as_json)
    _summarise(outcomes, failures, show_bar)


def _summarise(outcomes: list[Outcome], failures: list[str], show_bar: bool) -> None:
    if show_bar:
        for outcome in outcomes:
            if outcome.status != "archived":
                click.echo(_outcome_line(outcome))
        counts = {s: sum(o.status == s for o in outcomes) for s in STATUS_LABELS}
        click.echo(", ".join(f"{label}: {counts[s]}" for s, label in STATUS_LABELS.items()))
    for failure in failures:
        click.echo(f"Chưa xử lý được: {failure}", err=True)
    if failures:
        raise CliError(f"{len(failures)} tệp chưa xử lý được, vẫn nằm nguyên chỗ cũ", exit_code=1)
    if any(o.status != "archived" for o in outcomes):
        raise CliError("có tệp bị cách ly hoặc trùng lặp; xem lý do trong thư mục quarantine/")


FIELDS = (("symbol", "Số, ký hiệu"), ("kind_name", "Loại"), ("date", "Ngày"), ("issuer", "Cơ quan"),
          ("subject", "Trích yếu"), ("authority", "Thẩm quyền ký"), ("signer_title", "Chức vụ"),
          ("signer", "Người ký"), ("signature", "Chữ ký số"), ("signed_by", "Chứng thư của"),
          ("signed_at", "Thời điểm ký"), ("path", "Tệp lưu trữ"), ("register", "Sổ đăng ký"))


def _show_lines(record: dict[str, Any]) -> Iterator[str]:
    yield f"Mã: {record['id']}  (SHA-256 {record['sha256']})"
    for key, label in FIELDS:
        value = record.get(key) or "—"
        if key == "signature":
            value = SIGNATURE_LABELS.get(str(value), value)
            if record.get("signature_reason"):
                value = f"{value}: {record['signature_reason']}"
        yield f"{label}: {value}"
    for key, label in (("to", "Kính gửi"), ("recipients", "Nơi nhận")):
        for item in record.get(key) or []:
            yield f"{label}: - {item}"
    for cited in record.get("cites") or []:
        yield f"Viện dẫn: {cited['kind']} số {cited['symbol']} {cited['date']}".rstrip()
    if record.get("missing"):
        yield f"Chưa đọc được: {', '.join(record['missing'])}"
    for warning in record.get("warnings") or []:
        yield f"Cảnh báo: {warning}"


@click.command(cls=VanthuCommand)
@click.argument("key", metavar="MÃ_HOẶC_SỐ_KÝ_HIỆU")
@json_option
@home_option
def show(key: str, as_json: bool, home: Path | None) -> None:
    """Xem hồ sơ một văn bản đã lưu trữ, theo mã hoặc số, ký hiệu (1417-CV/TU)."""
    with Workspace.locate(home).catalog() as catalog:
        rows = catalog.find(key)
    if not rows:
        raise CliError(f"kho lưu trữ không có văn bản «{key}»")
    if len(rows) > 1:
        raise CliError(f"có {len(rows)} văn bản khớp «{key}»; dùng mã: {', '.join(r.id for r in rows)}")
    record = {**rows[0].record, "path": rows[0].path}
    if as_json:
        print_json(record)
    else:
        click.echo("\n".join(_show_lines(record)))


@click.command(cls=VanthuCommand)
@home_option
def check(home: Path | None) -> None:
    """Băm lại toàn bộ kho lưu trữ: báo tệp bị sửa, bị mất, hoặc không có trong danh mục.

    Trước đó kiểm tra tính toàn vẹn (PRAGMA integrity_check) của từng cơ sở dữ liệu.
    """
    workspace = Workspace.locate(home)
    for database in databases(workspace.root):
        problem = integrity(database)
        if problem != "ok":
            raise DatabaseDamaged(database, problem)
        click.echo(f"Cơ sở dữ liệu nguyên vẹn: {database.name}.")
    with workspace.catalog() as catalog:
        expected = {row.path: row.sha256 for row in catalog.archived()}
    report = ArchiveStore(workspace.archive).check(expected)
    for label, items in (("Bị sửa", report.changed), ("Bị mất", report.missing),
                         ("Không có trong danh mục", report.untracked)):
        for item in items:
            click.echo(f"{label}: archive/{item}")
    if not report.clean:
        raise CliError("kho lưu trữ không khớp danh mục", exit_code=1)
    click.echo(f"Kho lưu trữ nguyên vẹn: {len(expected)} văn bản.")


@click.group(cls=VanthuGroup)
def trust() -> None:
    """Chứng thư số tin cậy (ví dụ chứng thư gốc của CA Chính phủ)."""


@trust.command("add")
@click.argument("certificate", metavar="TỆP_CHỨNG_THƯ", type=click.Path(dir_okay=False, path_type=Path))
@home_option
def trust_add(certificate: Path, home: Path | None) -> None:
    """Thêm một chứng thư (PEM hoặc DER) vào danh sách tin cậy."""
    added = Workspace.locate(home).trust_store().add(certificate)
    click.echo(f"Đã thêm chứng thư tin cậy: {added.subject} (hết hạn {added.not_after})")


@trust.command("list")
@json_option
@home_option
def trust_list(as_json: bool, home: Path | None) -> None:
    """Liệt kê các chứng thư tin cậy."""
    found = Workspace.locate(home).trust_store().describe()
    if as_json:
        print_json([vars(item) for item in found])
        return
    if not found:
        click.echo("Chưa có chứng thư tin cậy nào; thêm bằng: vanthu trust add TỆP_CHỨNG_THƯ")
    for item in found:
        click.echo(f"{item.subject} — cấp bởi {item.issuer}, hết hạn {item.not_after}, "
                   f"SHA-256 {item.fingerprint[:16]}…")
