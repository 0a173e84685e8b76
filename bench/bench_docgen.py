"""Benchmark of document generation: renders/s, allocations/s, PDF seconds per document.

Run with ``make bench``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import io
import multiprocessing
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from docxtpl import DocxTemplate

from docgen.documents import build_document
from docgen.files import write_new
from docgen.kinds import find_kind
from docgen.pdf import WarmConverter, convert_to_pdf, preview_pdf
from docgen.register import Register
from docgen.rendering import build_context
from office.workspace import Workspace, init_workspace

TODAY = date(2026, 4, 22)
PARAGRAPH = ("Các Tổ theo dõi địa bàn tiếp tục nắm chắc tình hình, theo dõi tiến độ các dự án đầu tư "
             "công, công tác giải phóng mặt bằng, thu ngân sách và chuyển đổi số trên địa bàn; kịp "
             "thời phát hiện khó khăn, vướng mắc để tham mưu, đề xuất giải pháp tháo gỡ.")


def two_page_cong_van(workspace: Workspace):
    body = "\n\n".join(f"**{i}. Nhiệm vụ {i}**\n\n- {PARAGRAPH}\n- {PARAGRAPH}" for i in range(1, 7))
    data = {"subject": "triển khai nhiệm vụ trọng tâm của các Tổ theo dõi địa bàn",
            "to": ["Đảng ủy các xã, phường, đặc khu", "Các Tổ theo dõi địa bàn"], "body": body,
            "recipients": ["Thường trực Tỉnh ủy", "Như trên"]}
    return build_document(data, find_kind("CV"), workspace.profile, "bench")


def bench_render(workspace: Workspace, count: int = 300) -> None:
    renderer = workspace.renderer()
    document = two_page_cong_van(workspace)
    renderer.render(document, 1, TODAY)  # compile once, as a batch would
    started = time.perf_counter()
    for number in range(1, count + 1):
        renderer.render(document, number, TODAY)
    compiled = count / (time.perf_counter() - started)

    template = renderer.template_for(document)
    context = build_context(template, document, workspace.profile, 1, TODAY)
    path = template.path
    naive_count = 40
    started = time.perf_counter()
    for _ in range(naive_count):
        naive = DocxTemplate(str(path))
        naive.render(context, autoescape=True)
        naive.save(io.BytesIO())
    naive_rate = naive_count / (time.perf_counter() - started)
    print(f"render 2-page Công văn: {compiled:8.1f} docs/s compiled templates "
          f"(naive docxtpl load+render+save: {naive_rate:.1f} docs/s)")


def _allocate(path: str, count: int, start) -> None:
    register = Register(Path(path), TODAY)
    start.wait()
    for _ in range(count):
        register.allocate("TU", "CV", TODAY)
    register.close()


def bench_allocate(folder: Path, processes: int, per_process: int) -> None:
    path = folder / f"alloc-{processes}.sqlite3"
    Register(path, TODAY).close()
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_allocate, args=(str(path), per_process, start))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    time.sleep(1.0)  # let every worker import and open the register
    started = time.perf_counter()
    start.set()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    total = processes * per_process
    print(f"allocate numbers, {processes} process(es): {total / elapsed:8.1f} numbers/s "
          f"({total} in {elapsed:.2f} s, synchronous=FULL)")


def bench_pdf(workspace: Workspace, batch: int = 10) -> None:
    renderer = workspace.renderer()
    document = two_page_cong_van(workspace)
    folder = workspace.out
    paths = []
    for number in range(1, batch + 2):
        path = folder / f"{number:02d}-CV-TU.docx"
        write_new(path, renderer.render(document, number, TODAY))
        paths.append(path)
    soffice = workspace.settings.soffice
    started = time.perf_counter()
    convert_to_pdf(paths[:1], soffice)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    convert_to_pdf(paths[1:], soffice)
    warm = (time.perf_counter() - started) / batch
    print(f"PDF via LibreOffice: {cold:6.2f} s for one document (cold start), "
          f"{warm:6.2f} s per document in a batch of {batch} (one soffice start)")


def bench_warm_pdf(workspace: Workspace, count: int = 10) -> None:
    """Cold (one soffice start per document) against warm (WarmConverter) for a draft preview."""
    document = two_page_cong_van(workspace)
    docx = workspace.renderer().render(document, 1, TODAY)
    path = workspace.out / "preview.docx"
    path.write_bytes(docx)
    soffice = workspace.settings.soffice
    cold = []
    for _ in range(3):
        started = time.perf_counter()
        convert_to_pdf([path], soffice)
        cold.append(time.perf_counter() - started)
    started = time.perf_counter()
    with WarmConverter(soffice) as converter:
        start = time.perf_counter() - started
        if not converter.warm:
            print(f"warm PDF: unavailable ({converter.fallback_reason})")
            return
        preview_pdf(converter, docx)  # LibreOffice loads its Writer filters on the first document
        warm = []
        for _ in range(count):
            started = time.perf_counter()
            preview_pdf(converter, docx)
            warm.append(time.perf_counter() - started)
    print(f"PDF preview of a 2-page Công văn: cold {statistics.median(cold):5.2f} s median of 3, "
          f"warm {statistics.median(warm):5.2f} s median of {count} (max {max(warm):.2f} s; "
          f"warm server start {start:.1f} s, once per service start)")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workspace = init_workspace(Path(tmp) / "ws")
        bench_render(workspace)
        bench_allocate(Path(tmp), 1, 2000)
        bench_allocate(Path(tmp), 4, 500)
        if "--no-pdf" not in sys.argv:
            bench_pdf(workspace)
            bench_warm_pdf(workspace)


if __name__ == "__main__":
    main()
