"""``vanthu serve``: the whole office in one process, the web service and the inbox watcher."""

from __future__ import annotations

import contextlib
import logging
import signal
from pathlib import Path

import click

from office.workspace import Workspace
from vanthu.options import VanthuCommand, home_option


def _logging(workspace: Workspace) -> None:
    """Requests and errors (with their traces) go to the workspace's log, never to a user's page."""
    workspace.log_folder.mkdir(exist_ok=True)
    handler = logging.FileHandler(workspace.log_folder / "vanthu-serve.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("vanthu", "uvicorn", "uvicorn.error", "uvicorn.access", "pyhanko"):
        logging.getLogger(name).addHandler(handler)
    logging.getLogger("vanthu").setLevel(logging.INFO)


@click.command(cls=VanthuCommand)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ lắng nghe (0.0.0.0 để máy khác trong mạng nội bộ truy cập).")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="Cổng.")
@click.option("--no-watch", is_flag=True, help="Không theo dõi inbox/ (khi đã chạy vanthu watch riêng).")
@click.option("--https-behind-proxy", is_flag=True,
              help="Dịch vụ đứng sau một máy chủ HTTPS: cookie chỉ gửi qua HTTPS.")
@home_option
def serve(host: str, port: int, no_watch: bool, https_behind_proxy: bool, home: Path | None) -> None:
    """Chạy dịch vụ web của văn phòng (và theo dõi inbox/); Ctrl-C để dừng."""
    import uvicorn

    from web.app import create_app

    workspace = Workspace.locate(home)
    _logging(workspace)
    app = create_app(workspace, watch=not no_watch, secure_cookies=https_behind_proxy,
                     search_processes=workspace.settings.search_processes)
    click.echo(f"vanthu đang chạy tại http://{host}:{port}/ (không gian làm việc {workspace.root}); "
               "Ctrl-C để dừng.", err=True)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            proxy_headers=https_behind_proxy, timeout_graceful_shutdown=60,
                            log_config=None)
    server = uvicorn.Server(config)
    for signum in (signal.SIGINT, signal.SIGTERM):  # a stop asked for is a clean stop: exit code 0
        signal.signal(signum, lambda *_args: setattr(server, "should_exit", True))
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    server.run()
    click.echo("Đã dừng dịch vụ.", err=True)
