"""Benchmark of the archive: signed 3-page PDFs archived per second, and drop-to-archived latency.

Run with ``make bench``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pdf_factory import Identity, make_crl, make_identity, sign_pdf
from watching import WatchProcess

from archive.pipeline import ingest_many
from docgen.documents import build_document
from docgen.kinds import find_kind
from docgen.pdf import convert_to_pdf
from office.workspace import Workspace, init_workspace

PARAGRAPH = ("Các Tổ theo dõi địa bàn tiếp tục nắm chắc tình hình, theo dõi tiến độ các dự án đầu tư "
             "công, công tác giải phóng mặt bằng, thu ngân sách và chuyển đổi số trên địa bàn xã Đắk "
             "Song, phường Xuân Hương - Đà Lạt; kịp thời phát hiện khó khăn để tham mưu tháo gỡ.")


def three_page_pdf(workspace: Workspace) -> bytes:
    body = "\n\n".join(f"**{i}. Nhiệm vụ {i}**\n\n- {PARAGRAPH}\n- {PARAGRAPH}" for i in range(1, 10))
    data = {"subject": "triển khai nhiệm vụ trọng tâm quý IV", "body": body,
            "to": ["Các Tổ theo dõi địa bàn", "Đảng ủy các xã"],
            "recipients": ["Thường trực Tỉnh ủy", "Như trên"]}
    document = build_document(data, find_kind("CV"), workspace.profile, "bench")
    path = workspace.out / "bench.docx"
    path.write_bytes(workspace.renderer().render(document, 1417, date(2026, 4, 22)))
    [pdf] = convert_to_pdf([path], workspace.settings.soffice)
    return pdf.read_bytes()


def signed_copies(source: bytes, count: int) -> tuple[list[bytes], Identity]:
    """Each copy signed by the person, then by the body (two signatures, as the office signs)."""
    ca = make_identity("CA đo hiệu năng", crl_url="http://ca.bench.test/ca.crl")
    signer = make_identity("Đặng Hồng Sỹ", ca)
    body = make_identity("Tỉnh ủy Lâm Đồng", ca, organization="Tỉnh ủy Lâm Đồng")
    return [sign_pdf(sign_pdf(source, signer, ca), body, ca, "Signature2") for _ in range(count)], ca


def bench_throughput(root: Path, copies: list[bytes], verify: bool, workers: int, ca: Identity) -> None:
    workspace = init_workspace(root)
    for name, data in (("ca.cer", ca.der), ("ca.crl", make_crl(ca))):  # trusted, revocation checked
        (root / name).write_bytes(data)
        workspace.trust_store().add(root / name)
    register, catalog = workspace.register(), workspace.catalog()
    pipeline = workspace.pipeline(register, catalog)
    pipeline.verify_signatures = verify
    paths = []
    for index, data in enumerate(copies):
        path = workspace.inbox / f"{index:04d}.pdf"
        path.write_bytes(data)
        paths.append(path)
    started = time.perf_counter()
    if workers == 0:
        outcomes = [pipeline.ingest(path) for path in paths]
    else:
        outcomes = [outcome for _path, outcome in ingest_many(pipeline, paths, workers)]
    elapsed = time.perf_counter() - started
    assert all(o.status == "archived" for o in outcomes)
    assert all(o.record["signature"] == ("valid" if verify else "unsigned") for o in outcomes)
    register.close()
    catalog.close()
    checks = "with" if verify else "without"
    how = "one by one (watcher)" if workers == 0 else f"vanthu ingest, {workers} processes"
    print(f"archive 3-page PDFs with two signatures each, {checks} signature checks, {how}: "
          f"{len(paths) / elapsed:6.1f} PDFs/s")


def bench_command(root: Path, copies: list[bytes], ca: Identity) -> None:
    """``vanthu ingest inbox`` as a clerk runs it: process start, reading, checks, catalog, search index."""
    workspace = init_workspace(root)
    for name, data in (("ca.cer", ca.der), ("ca.crl", make_crl(ca))):
        (root / name).write_bytes(data)
        workspace.trust_store().add(root / name)
    for index, data in enumerate(copies):
        (workspace.inbox / f"{index:04d}.pdf").write_bytes(data)
    command = [str(Path(sys.executable).with_name("vanthu")), "ingest", str(workspace.inbox), "--home", str(root)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    archived = len(list(workspace.archive.rglob("*.pdf")))
    print(f"vanthu ingest of {len(copies)} PDFs with two signatures each, whole command (start, checks, "
          f"catalog, search index): {len(copies) / elapsed:6.1f} PDFs/s, {archived} archived, exit {done.returncode}")


def bench_latency(root: Path, copies: list[bytes]) -> None:
    workspace = init_workspace(root)
    watcher = WatchProcess(workspace.root)
    time.sleep(2.0)
    dropped: dict[str, float] = {}
    for index, data in enumerate(copies):
        path = workspace.inbox / f"{index:04d}.pdf"
        temporary = path.with_suffix(".pdf.part")
        temporary.write_bytes(data)
        temporary.rename(path)  # as a copy tool does: the file appears complete
        dropped[path.name] = time.monotonic()
        time.sleep(0.25)
    watcher.wait_for(len(copies), timeout=120)
    watcher.stop()
    latencies = sorted(watcher.arrivals[name] - at for name, at in dropped.items())
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print(f"drop-to-archived latency under vanthu watch (delay {workspace.settings.stability_delay:.0f} s): "
          f"p50 {statistics.median(latencies):.2f} s, p95 {p95:.2f} s over {len(latencies)} files")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = three_page_pdf(init_workspace(Path(tmp) / "make"))
        copies, ca = signed_copies(source, 100)
        workers = os.cpu_count() or 1
        for verify in (True, False):
            for processes in (0, workers):
                bench_throughput(Path(tmp) / f"{verify}-{processes}", copies, verify, processes, ca)
        bench_command(Path(tmp) / "command", copies, ca)
        bench_latency(Path(tmp) / "latency", copies[:30])


if __name__ == "__main__":
    main()
