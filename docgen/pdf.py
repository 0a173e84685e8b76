"""DOCX to PDF with LibreOffice, one ``soffice`` start for a whole batch.

A start of ``soffice`` costs more than a second, so every caller hands over
all its files at once. LibreOffice runs with a private profile folder so it
neither waits for nor disturbs a LibreOffice the clerk has open, and writes
into a temporary folder beside the DOCX: a PDF appears under its final name
only once complete.

The web service cannot wait for a cold start on every draft preview, so
``WarmConverter`` keeps one LibreOffice running behind unoserver. unoserver
imports ``uno``, which only Debian's /usr/bin/python3 has (python3-uno), so
its server runs from its own venv, ``.venv-uno`` (``make venv`` creates it);
this side only speaks XML-RPC to it over 127.0.0.1.
"""

from __future__ import annotations

import http.client
import logging
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import xmlrpc.client
from pathlib import Path

from docgen.errors import ConversionFailed, ConverterMissing, VanthuError, WarmConverterUnavailable

logger = logging.getLogger(__name__)

UNOSERVER = Path(__file__).resolve().parent.parent / ".venv-uno" / "bin" / "unoserver"


def find_soffice(command: str) -> str:
    found = shutil.which(command)
    if not found:
        raise ConverterMissing(
            f"không tìm thấy LibreOffice («{command}») nên chưa tạo được PDF; "
            "cài đặt bằng: apt-get install libreoffice-writer-nogui fonts-liberation2"
        )
    return found


def _office_env(folder: Path) -> dict[str, str]:
    """LibreOffice's environment: its home and its temporary files (``lu*.tmp`` folders, which it leaves
    behind whenever it is stopped) inside ``folder``, which its caller removes; never in ``/tmp``, where a
    service that converts every day would pile them up."""
    scratch = folder / "tmp"
    scratch.mkdir(exist_ok=True)
    return {**os.environ, "HOME": str(folder), "TMPDIR": str(scratch)}


def _run(soffice: str, sources: list[Path], outdir: Path, timeout: float) -> None:
    profile = outdir / "profile"
    command = [
        soffice, "--headless", "--norestore", "--nologo", "--nolockcheck",
        f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(outdir),
        *(str(source) for source in sources),
    ]  # fmt: skip
    try:
        subprocess.run(command, capture_output=True, timeout=timeout, check=False, env=_office_env(outdir))
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def group_members(pgid: int) -> dict[int, str]:
    """Live processes (pid → name) of a process group, read from /proc."""
    members = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        state, _parent, group = text[text.rindex(")") + 2:].split()[:3]
        if int(group) == pgid and state not in ("Z", "X"):
            members[int(stat.parent.name)] = text[text.index("(") + 1:text.rindex(")")]
    return members


class _ServerGone(ConversionFailed):
    """The warm server stopped answering between two conversions: start it again and retry."""


class _Transport(xmlrpc.client.Transport):
    """XML-RPC over HTTP with a socket timeout: the standard one waits forever."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class WarmConverter:
    """One long-lived LibreOffice for many conversions (the web service's draft previews).

    ``start()`` launches unoserver (and so LibreOffice) in its own process group,
    listening on 127.0.0.1 on free ports, with a private profile in a temporary
    folder; ``close()`` kills the whole group and removes the folder. Nothing
    starts at import. Conversions are serialised by a lock, so threads may share
    one converter. A LibreOffice that died is started again; one that does not
    answer within the timeout is killed. When the warm server cannot start, the
    reason is logged on one line and every conversion takes the cold path.
    """

    def __init__(self, soffice: str = "soffice", timeout: float = 60.0,
                 unoserver: str | Path | None = None, start_timeout: float = 60.0):
        self.soffice = soffice
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.unoserver = Path(unoserver) if unoserver else UNOSERVER
        self.fallback_reason: str | None = None
        self._lock = threading.Lock()
        self._started = False
        self._server: subprocess.Popen | None = None
        self._folder: Path | None = None
        self._port = 0

    def __enter__(self) -> WarmConverter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> WarmConverter:
        """Start LibreOffice once; on failure log why and fall back to cold conversions."""
        with self._lock:
            self._started = True
            self._launch_or_fall_back()
        return self

    def close(self) -> None:
        """Stop LibreOffice and unoserver (the whole process group) and remove the profile."""
        with self._lock:
            self._started = False
            self._stop()

    @property
    def warm(self) -> bool:
        """True while the warm server runs (False: conversions take the cold path)."""
        return self._server is not None and self._server.poll() is None

    @property
    def pgid(self) -> int | None:
        return self._server.pid if self._server else None

    @property
    def office_pid(self) -> int | None:
        """The running soffice.bin's pid: tests and logs check that it is reused."""
        if self._server is None:
            return None
        found = [pid for pid, name in group_members(self._server.pid).items() if name == "soffice.bin"]
        return found[0] if found else None

    def convert(self, source: Path, timeout: float | None = None) -> Path:
        """Convert one DOCX to the PDF beside it (the same file the cold path writes)."""
        limit = timeout or self.timeout
        with self._lock:
            if not self._started:
                raise VanthuError("bộ chuyển PDF chưa được khởi động (thiếu start())")
            if self.fallback_reason is None and not self.warm:
                logger.warning("LibreOffice của dịch vụ đã dừng; đang khởi động lại")
                self._launch_or_fall_back()
            for attempt in (1, 2):
                if not self.warm:
                    [pdf] = convert_to_pdf([Path(source)], self.soffice, limit)
                    return pdf
                try:
                    return self._convert_warm(Path(source), limit)
                except _ServerGone:
                    if attempt == 2:
                        raise
                    logger.warning("LibreOffice của dịch vụ không trả lời; khởi động lại và chuyển lại")
                    self._launch_or_fall_back()
        raise AssertionError("unreachable")

    def _launch_or_fall_back(self) -> None:
        try:
            self._launch()
            self.fallback_reason = None
        except (WarmConverterUnavailable, ConverterMissing) as exc:
            self._stop()
            self.fallback_reason = str(exc)
            logger.warning("Không giữ được LibreOffice chạy sẵn, dùng cách chuyển thường: %s", exc)

    def _launch(self) -> None:
        self._stop()
        soffice = find_soffice(self.soffice)
        if not os.access(self.unoserver, os.X_OK):
            raise WarmConverterUnavailable(f"không có unoserver tại {self.unoserver} (chạy: make venv)")
        self._folder = Path(tempfile.mkdtemp(prefix="vanthu-warm-"))
        environment = _office_env(self._folder)
        self._port, uno_port = _free_port(), _free_port()
        command = [
            str(self.unoserver), "--interface", "127.0.0.1", "--port", str(self._port),
            "--uno-interface", "127.0.0.1", "--uno-port", str(uno_port),
            "--user-installation", str(self._folder / "profile"), "--executable", soffice,
            "--temp-dir", str(self._folder / "tmp"), "--quiet",
        ]  # fmt: skip
        with (self._folder / "server.log").open("wb") as log:
            self._server = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                            start_new_session=True, env=environment)
        self._wait_ready()
        logger.info("LibreOffice chạy sẵn cho dịch vụ (cổng %d, tiến trình %s)", self._port, self.office_pid)

    def _proxy(self, timeout: float) -> xmlrpc.client.ServerProxy:
        return xmlrpc.client.ServerProxy(f"http://127.0.0.1:{self._port}", allow_none=True,
                                         transport=_Transport(timeout))

    def _wait_ready(self) -> None:
        """Poll unoserver's info() until it answers; it sleeps some 5 s before it listens."""
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._server.poll() is not None:
                raise WarmConverterUnavailable(f"unoserver dừng ngay khi khởi động: {self._last_log_line()}")
            try:
                with self._proxy(2.0) as proxy:
                    proxy.info()
                return
            except (OSError, http.client.HTTPException, xmlrpc.client.Error):
                time.sleep(0.1)
        raise WarmConverterUnavailable(f"unoserver không sẵn sàng sau {self.start_timeout:.0f} giây")

    def _last_log_line(self) -> str:
        lines = (self._folder / "server.log").read_text("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else "không rõ lý do"

    def _convert_warm(self, source: Path, timeout: float) -> Path:
        target = source.with_suffix(".pdf")
        partial = source.with_name(f".vanthu-pdf-{os.getpid()}-{threading.get_ident()}.pdf")
        try:
            self._call_convert(source, partial, timeout)
            if not partial.is_file() or partial.stat().st_size == 0:
                raise ConversionFailed(f"LibreOffice không tạo được PDF từ {source}")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return target

    def _call_convert(self, source: Path, partial: Path, timeout: float) -> None:
        try:
            with self._proxy(timeout) as proxy:
                proxy.convert(str(source.resolve()), None, str(partial.resolve()), "pdf",
                              "writer_pdf_Export", [], True, None, None)
        except TimeoutError as exc:
            self._stop()  # a hung LibreOffice is killed; the next conversion starts a new one
            raise ConversionFailed(f"LibreOffice không trả lời sau {timeout:.0f} giây") from exc
        except xmlrpc.client.Fault as exc:
            if self.office_pid is None:  # LibreOffice died under unoserver, which has not yet noticed
                self._stop()
                raise _ServerGone(f"LibreOffice dừng giữa chừng khi chuyển {source}") from exc
            reason = exc.faultString.strip().splitlines()[0][:200]
            raise ConversionFailed(f"LibreOffice không chuyển được {source}: {reason}") from exc
        except (OSError, http.client.HTTPException) as exc:
            self._stop()
            raise _ServerGone(f"LibreOffice dừng giữa chừng khi chuyển {source}") from exc

    def _stop(self) -> None:
        if self._server is not None:
            _kill_group(self._server.pid)
            self._server.wait()
            self._server = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


def _kill_group(pgid: int, grace: float = 5.0) -> None:
    """SIGKILL the whole group and wait until it is gone.

    Killing unoserver alone leaves soffice.bin behind, and on SIGTERM oosplash
    lingers for seconds; the profile is a throwaway, so nothing is lost.
    """
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while group_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.02)


def preview_pdf(converter: WarmConverter, docx: bytes) -> bytes:
    """The PDF of a draft DOCX, made in a temporary folder that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="vanthu-preview-") as folder:
        source = Path(folder) / "du-thao.docx"
        source.write_bytes(docx)
        return converter.convert(source).read_bytes()
