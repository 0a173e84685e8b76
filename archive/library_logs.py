"""Where the signature libraries' log records go: the workspace's log file, never a terminal.

Apart from ``archive/signatures.py`` so that a process that only sets up the log (the CLI, the
service) does not import pyHanko for it.
"""

from __future__ import annotations

import logging
from pathlib import Path

LIBRARY_LOGGERS = ("pyhanko", "pyhanko_certvalidator", "vanthu")


def _quiet_libraries() -> None:
    """No library traceback reaches a terminal: only the workspace log hears pyHanko."""
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        logger.propagate = False
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())


_quiet_libraries()


def log_to(path: Path) -> None:
    """Send pyHanko's (and vanthu's) log records to the workspace's log file.

    Each logger keeps one vanthu handler, that of the workspace opened last: a process that opens
    several workspaces (the tests, a script) must not write into, or fail on, a folder gone since.
    """
    target = str(path.resolve())
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        ours = [h for h in logger.handlers if getattr(h, "vanthu_log", False)]
        if [getattr(h, "baseFilename", None) for h in ours] == [target]:
            continue
        for handler in ours:
            logger.removeHandler(handler)
            handler.close()
        handler = logging.FileHandler(target, encoding="utf-8", delay=True)
        handler.vanthu_log = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
