"""The archive commands: watch, ingest, show, check, trust."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from access import roles
from archive.library_logs import log_to
from archive.pipeline import FileUnavailable, Outcome, ingest_many
from archive.recheck import StateChange, recheck_signatures
from archive.store import ArchiveStore, sha256_of
from archive.trust import TrustedCrl
from archive.watcher import candidate_files
from archive.worker import warm_up
from docgen.errors import InvalidInput
from docgen.secrecy import CONSOLE, Viewer
from office import (
    check_archive,
    check_databases,
    find_document,
    opened_pipeline,
    watch_inbox,
)
from office.workspace import Workspace
from vanthu.options import CliError, VanthuCommand, VanthuGroup, home_option, json_option, print_json, viewer_option

INDEX_BATCH = 200  # records indexed per writer during a bulk ingest
STATUS_LABELS = {"archived": "Đã lưu trữ", "duplicate": "Trùng lặp", "quarantined": "Cách ly"}
SIGNATURE_LABELS = {"valid": "hợp lệ", "untrusted": "chưa xác thực được nguồn",
                    "invalid": "KHÔNG hợp lệ", "unsigned": "không ký số"}
STATE_WORDS = {"valid": "Hợp lệ", "untrusted": "Chưa xác thực được nguồn", "invalid": "KHÔNG hợp lệ", "": "—"}
KIND_WORDS = {"personal": "cá nhân", "organisation": "cơ quan"}
CHANGE_WORDS = {"none": "không có", "form_filling": "điền biểu mẫu", "annotations": "thêm chú thích",
                "other": "sửa nội dung"}


def _warn(message: str) -> None:
    click.echo(f"Cảnh báo: {message}", err=True)


def _outcome_line(outcome: Outcome) -> str:
    record = outcome.record
    head = f"{STATUS_LABELS[outcome.status]}: {outcome.file}"
    if outcome.status == "archived":
        proposed = (record.get("proposed") or {}).get("symbol")
        symbol = record.get("symbol") or (f"{proposed['value']} (cần xác nhận)" if proposed
                                          else "(không đọc được số, ký hiệu)")
        signature = SIGNATURE_LABELS.get(record.get("signature", ""), "")
        signature = "không có chữ ký số" if record.get("signature") == "unsigned" else f"chữ ký số {signature}"
        review = " — chờ văn thư xác nhận (vanthu review)" if record.get("needs_review") else ""
        return f"{head} → {symbol}, {signature} [{record.get('id')}]{review}"
    return f"{head} — {outcome.reason}"


def _emit(outcome: Outcome, as_json: bool) -> None:
    if as_json:
        print_json(outcome.as_json())
        return
    click.echo(_outcome_line(outcome))
    _emit_warnings(outcome)


def _emit_warnings(outcome: Outcome) -> None:
    """What a clerk must look at in an archived file (a trích yếu that differs from the register…)."""
    if outcome.status == "archived":
        if outcome.reason:
            click.echo(f"    {outcome.reason}")
        for warning in outcome.record.get("warnings") or []:
            click.echo(f"    Cảnh báo: {warning}")


@click.command(cls=VanthuCommand)
@click.option("--polling", is_flag=True, help="Kiểm tra định kỳ thay vì nhận sự kiện (dùng cho ổ mạng).")
@json_option
@home_option
def watch(polling: bool, as_json: bool, home: Path | None) -> None:
    """Theo dõi inbox/ và lưu trữ các tệp PDF đã ký; Ctrl-C để dừng."""
    workspace = Workspace.locate(home)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_args: stop.set())

    def report(outcome: Outcome | None, message: str) -> None:
        if outcome is not None:
            _emit(outcome, as_json)
        else:
            _warn(message)

    click.echo(f"Đang theo dõi {workspace.inbox} (Ctrl-C để dừng)", err=True)
    watch_inbox(workspace, stop, report, _warn, polling=polling)
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
    warm_up()
    workspace = Workspace.locate(home)
    files = _expand(paths)
    outcomes: list[Outcome] = []
    failures: list[str] = []
    show_bar = not as_json and sys.stdout.isatty()
    with opened_pipeline(workspace, _warn) as (pipeline, updater):
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
            elif outcome.reason or outcome.record.get("warnings"):
                click.echo(_outcome_line(outcome))
                _emit_warnings(outcome)
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
          ("signer", "Người ký"), ("signature", "Chữ ký số"), ("path", "Tệp lưu trữ"),
          ("register", "Sổ đăng ký"))


def _when(value: str) -> str:
    """An ISO time as a clerk reads it: 14:05 03/06/2026, in this machine's time zone."""
    if not value:
        return "—"
    return datetime.fromisoformat(value).astimezone().strftime("%H:%M:%S %d/%m/%Y")


def _signature_lines(number: int, item: dict[str, Any]) -> Iterator[str]:
    kind = KIND_WORDS.get(item.get("kind", ""), "")
    yield f"Chữ ký {number}: {item.get('holder') or '—'} ({kind})"
    if item.get("organization"):
        yield f"    Đơn vị: {item['organization']}"
    yield f"    Cấp bởi: {item.get('issuer') or '—'}, số sê-ri {item.get('serial') or '—'}"
    stamp = f" (dấu thời gian: {_when(item['timestamp_at'])})" if item.get("timestamp_at") else ""
    yield f"    Thời điểm ký: {_when(item.get('signed_at', ''))}{stamp}"
    yield f"    Trạng thái: {STATE_WORDS.get(item.get('state', ''), item.get('state'))}"
    if item.get("reason"):
        yield f"    Lý do: {item['reason']}"
    if item.get("changes_after"):
        yield f"    Thay đổi sau khi ký: {CHANGE_WORDS.get(item['changes_after'], item['changes_after'])}"


def _day(value: str) -> str:
    """An ISO date as people read it everywhere in vanthu: 24/11/2026 (JSON stays ISO)."""
    try:
        return datetime.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def _field_value(record: dict[str, Any], key: str, file_state: str) -> str:
    proposal = (record.get("proposed") or {}).get("kind" if key == "kind_name" else key)
    if proposal and not record.get(key):
        shown = _day(str(proposal["value"])) if key == "date" else proposal["value"]
        return f"{shown or '—'} (cần xác nhận)"
    value = record.get(key) or "—"
    if key == "date" and record.get(key):
        value = _day(str(value))
    if key == "signature":
        value = "không có" if value == "unsigned" else SIGNATURE_LABELS.get(str(value), value)
        if record.get("signature_reason") and record.get("signature") != "unsigned":
            value = f"{value}: {record['signature_reason']}"
    if key == "path" and file_state:
        value = f"{value} ({file_state}; chạy vanthu ingest với bản gốc để khôi phục)"
    return str(value)


def _marks(record: dict[str, Any]) -> list[str]:
    marks = [record["secrecy"]] if record.get("secrecy") else []
    return marks + [m for m in record.get("marks") or [] if m not in marks]


def _show_lines(record: dict[str, Any], file_state: str = "") -> Iterator[str]:
    yield f"Mã: {record['id']}  (SHA-256 {record['sha256']})"
    for key, label in FIELDS:
        yield f"{label}: {_field_value(record, key, file_state)}"
        if key == "kind_name" and _marks(record):
            yield f"Độ mật, độ khẩn: {', '.join(_marks(record))}"
    if record.get("guide"):
        yield f"Thể thức: {record['guide']['said']}"
    for key, label in (("to", "Kính gửi"), ("recipients", "Nơi nhận")):
        items = record.get(key) or []
        if items:
            yield f"{label}:"
            yield from (f"    - {item}" for item in items)
    for number, item in enumerate(record.get("signatures") or [], start=1):
        yield from _signature_lines(number, item)
    yield from _file_lines(record.get("files") or [])
    if record.get("localities"):
        teams = ", ".join(f"Tổ {team}" for team in record.get("teams") or [])
        yield f"Địa bàn: {', '.join(record['localities'])}" + (f" ({teams})" if teams else "")
    for topic in record.get("topics") or []:
        yield f"Chủ đề: {topic['name']} (điểm {topic['score']}: {topic['because']})"
    for cited in record.get("cites") or []:
        day = f", ngày {_day(cited['date'])}" if cited.get("date") else ""
        yield f"Viện dẫn: {cited['kind']} số {cited['symbol']}{day}"
    if record.get("missing"):
        yield f"Chưa đọc được: {', '.join(record['missing'])}"
    if record.get("needs_review"):
        yield f"Cần xác nhận: {', '.join(record['needs_review'])} (vanthu edit … --confirm TRƯỜNG)"
    for change in record.get("corrections") or []:
        note = f" — {change['note']}" if change["note"] else ""
        yield (f"Đã sửa: {change['field']}: «{change['old'] or '—'}» → «{change['new'] or '—'}» "
               f"({change['who']}, {_when(change['at'])}){note}")
    for warning in record.get("warnings") or []:
        yield f"Cảnh báo: {warning}"


def _file_lines(files: list[dict[str, Any]]) -> Iterator[str]:
    """The files of the document, those that disagree first (``files`` comes in that order)."""
    if len(files) < 2 and not any(f["conflict"] for f in files):
        return
    conflicts = sum(bool(f["conflict"]) for f in files)
    yield f"Các tệp của văn bản ({len(files)} tệp" + (f", {conflicts} tệp KHÔNG KHỚP):" if conflicts else "):")
    for n, item in enumerate(files, start=1):
        state = "không có" if item["signature"] == "unsigned" else SIGNATURE_LABELS.get(item["signature"],
                                                                                        item["signature"])
        yield f"  {n}. [{item['id']}] {item['kind_name']}, chữ ký số: {state}, lưu trữ lúc {_when(item['archived_at'])}"
        if item["conflict"]:
            yield f"     KHÔNG KHỚP: {item['conflict']}"
        yield f"     SHA-256 {item['sha256']}; archive/{item['path']}"


@click.command(cls=VanthuCommand)
@click.argument("key", metavar="MÃ_HOẶC_SỐ_KÝ_HIỆU")
@json_option
@viewer_option
@home_option
def show(key: str, as_json: bool, as_login: str | None, home: Path | None) -> None:
    """Xem hồ sơ một văn bản đã lưu trữ, theo mã hoặc số, ký hiệu (1417-CV/TU)."""
    workspace = Workspace.locate(home)
    record = find_document(workspace, key, workspace.viewer(as_login, roles.READ))
    if as_json:
        print_json(record)
    else:
        click.echo("\n".join(_show_lines(record, _file_state(workspace, record))))


def _file_state(workspace: Workspace, record: dict[str, Any]) -> str:
    """``BỊ MẤT`` or ``BỊ SỬA`` when the archived copy is not the content that was archived."""
    path = workspace.archive / record["path"]
    if not path.is_file():
        return "BỊ MẤT"
    return "BỊ SỬA" if sha256_of(path.read_bytes()) != record["sha256"] else ""


def _change_line(change: StateChange) -> str:
    label = change.symbol or f"[{change.id}]"
    return (f"{label}: chữ ký {change.number} ({change.holder or '—'}): "
            f"{STATE_WORDS.get(change.old, change.old)} → {STATE_WORDS.get(change.new, change.new)}"
            + (f" — {change.reason}" if change.reason else ""))


def _recheck(workspace: Workspace, viewer: Viewer = CONSOLE) -> list[StateChange]:
    """Signatures judged again; the catalog, the sidecars and the index follow. The changes told are
    those of the documents ``viewer`` may read."""
    log_to(workspace.log)
    trust = workspace.trust_store().material()
    with workspace.catalog() as catalog:
        updater = workspace.index_updater(catalog, _warn)
        changes = recheck_signatures(ArchiveStore(workspace.archive), catalog, trust, updater.queue)
        updater.flush()
        readable = {row.id for row in catalog.readable_files(viewer)}
    return [change for change in changes if change.id in readable]


@click.command(cls=VanthuCommand)
@json_option
@viewer_option
@home_option
def check(as_json: bool, as_login: str | None, home: Path | None) -> None:
    """Kiểm tra lại kho: tính toàn vẹn của từng cơ sở dữ liệu, băm lại từng tệp (bị sửa, bị mất, lạ) và
    kiểm tra lại mọi chữ ký số theo danh sách tin cậy và danh sách thu hồi hiện có."""
    workspace = Workspace.locate(home)
    viewer = workspace.viewer(as_login, roles.ARCHIVE)
    names = check_databases(workspace)
    report = check_archive(workspace, viewer)
    changes = _recheck(workspace, viewer)
    if as_json:
        print_json({"databases": names, **report, "signature_changes": [vars(c) for c in changes]})
        if not report["clean"]:
            raise CliError("kho lưu trữ không khớp danh mục", exit_code=1)
        return
    for name in names:
        click.echo(f"Cơ sở dữ liệu nguyên vẹn: {name}.")
    for label, key in (("Bị sửa", "changed"), ("Bị mất", "missing"), ("Không có trong danh mục", "untracked")):
        for item in report[key]:
            click.echo(f"{label}: archive/{item}")
    for item in report["conflicts"]:
        click.echo(f"Tệp không khớp văn bản {item['symbol']}: archive/{item['path']} [{item['id']}] — {item['reason']}")
    for change in changes:
        click.echo(f"Chữ ký thay đổi: {_change_line(change)}")
    if report["changed"] or report["missing"]:
        click.echo("Cách khắc phục: chạy `vanthu ingest` với bản gốc của văn bản (tệp PDF đã ký); "
                   "bản lưu trữ bị mất hoặc bị sửa sẽ được khôi phục.")
    if not report["clean"]:
        raise CliError("kho lưu trữ không khớp danh mục", exit_code=1)
    broken = [c for c in changes if c.new == "invalid"]
    if broken:
        raise CliError(f"{len(broken)} chữ ký nay KHÔNG hợp lệ", exit_code=1)
    click.echo(f"Kho lưu trữ nguyên vẹn: {report['documents']} văn bản; "
               f"{len(changes)} chữ ký thay đổi trạng thái"
               + (f"; {len(report['conflicts'])} tệp không khớp văn bản của nó (xem `vanthu show`)."
                  if report["conflicts"] else "."))


@click.group(cls=VanthuGroup)
def trust() -> None:
    """Chứng thư số tin cậy (ví dụ chứng thư gốc của CA Chính phủ)."""


@trust.command("add")
@click.argument("certificate", metavar="TỆP", type=click.Path(dir_okay=False, path_type=Path))
@home_option
def trust_add(certificate: Path, home: Path | None) -> None:
    """Thêm chứng thư gốc của cơ quan chứng thực, hoặc danh sách thu hồi chứng thư (CRL); PEM hoặc DER."""
    added = Workspace.locate(home).trust_store().add(certificate)
    if isinstance(added, TrustedCrl):
        click.echo(f"Đã thêm danh sách thu hồi (CRL) của {added.issuer}: {added.revoked} chứng thư "
                   f"bị thu hồi, cập nhật {added.this_update}, lần cập nhật sau {added.next_update or '—'}")
        if added.outdated:
            _warn(f"danh sách thu hồi này đã quá hạn cập nhật ({added.next_update}); hãy lấy bản mới")
        return
    click.echo(f"Đã thêm chứng thư tin cậy: {added.subject} "
               f"(hiệu lực {added.not_before} đến {added.not_after})")


@trust.command("list")
@json_option
@home_option
def trust_list(as_json: bool, home: Path | None) -> None:
    """Liệt kê các chứng thư tin cậy và danh sách thu hồi (CRL)."""
    found = Workspace.locate(home).trust_store().describe()
    if as_json:
        print_json([vars(item) for item in found])
        return
    if not found:
        click.echo("Chưa có chứng thư tin cậy nào; thêm bằng: vanthu trust add TỆP_CHỨNG_THƯ")
    for item in found:
        if isinstance(item, TrustedCrl):
            late = " — ĐÃ QUÁ HẠN CẬP NHẬT, cần lấy bản mới" if item.outdated else ""
            click.echo(f"CRL của {item.issuer} — cập nhật {item.this_update}, "
                       f"lần sau {item.next_update or '—'}, {item.revoked} chứng thư bị thu hồi, "
                       f"SHA-256 {item.fingerprint[:16]}…{late}")
        else:
            click.echo(f"{item.subject} — cấp bởi {item.issuer}, hiệu lực {item.not_before} đến "
                       f"{item.not_after}, SHA-256 {item.fingerprint[:16]}…")
