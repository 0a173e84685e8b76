"""What the office does, one function per job, for both shells: the CLI (``vanthu/``) and the web
service (``web/``).

Each function takes the workspace and, where documents are read, the viewer, and returns plain data
(the shapes of the CLI's ``--json``), so that ``vanthu search --json`` and ``/api/search`` give the
same answer to the same question. Nothing here talks to a terminal or to HTTP. The package stands
below both shells (neither imports the other's modules); its modules import the library lazily,
inside the functions, so that a command starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

# Each name and the module that holds it: imported when first asked for, so that a command loads the
# part of the office it uses (``vanthu search`` needs neither the incoming register nor the formats).
_WHERE = {
    "Ambiguous": "office.errors",
    "NotFound": "office.errors",
    "RegisterRebuilt": "office.archiving",
    "ReportReceipt": "office.weekly",
    "archive_uploads": "office.archiving",
    "archived_format": "office.formats",
    "check_archive": "office.archiving",
    "check_databases": "office.archiving",
    "check_format": "office.formats",
    "check_upload": "office.formats",
    "checked_marks": "office.outgoing",
    "compile_digest": "office.weekly",
    "correct_document": "office.documents",
    "current_week": "office.weekly",
    "digest_data": "office.weekly",
    "document_conflicts": "office.archiving",
    "document_file": "office.documents",
    "document_from_data": "office.outgoing",
    "document_page": "office.documents",
    "document_places": "office.documents",
    "document_texts": "office.documents",
    "document_topics": "office.documents",
    "entry_download": "office.outgoing",
    "entry_file": "office.outgoing",
    "entry_pdf": "office.outgoing",
    "find_document": "office.documents",
    "follow_void": "office.archiving",
    "generated_kind": "office.outgoing",
    "issue": "office.outgoing",
    "opened_pipeline": "office.archiving",
    "page_image": "office.documents",
    "preview_pdf": "office.outgoing",
    "rebuild_register": "office.archiving",
    "receive_report": "office.weekly",
    "register_entries": "office.outgoing",
    "register_entry": "office.outgoing",
    "remove_report": "office.weekly",
    "review_documents": "office.documents",
    "search_archive": "office.documents",
    "select_tasks": "office.weekly",
    "team_report": "office.weekly",
    "void_entry": "office.outgoing",
    "void_number": "office.outgoing",
    "watch_inbox": "office.archiving",
    "week_status": "office.weekly",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'office' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
