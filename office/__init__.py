"""What the office does, one function per job, for both shells: the CLI (``vanthu/``) and the web
service (``web/``).

Each function takes the workspace and, where documents are read, the viewer, and returns plain data
(the shapes of the CLI's ``--json``), so that ``vanthu search --json`` and ``/api/search`` give the
same answer to the same question. Nothing here talks to a terminal or to HTTP. The package stands
below both shells (neither imports the other's modules); its modules import the library lazily,
inside the functions, so that a command starts fast.
"""

from office.archiving import (
    RegisterRebuilt,
    archive_uploads,
    check_archive,
    check_databases,
    document_conflicts,
    follow_void,
    opened_pipeline,
    rebuild_register,
    watch_inbox,
)
from office.documents import (
    correct_document,
    document_file,
    document_page,
    document_places,
    document_texts,
    document_topics,
    find_document,
    page_image,
    review_documents,
    search_archive,
)
from office.errors import Ambiguous, NotFound
from office.formats import archived_format, check_format, check_upload
from office.outgoing import (
    checked_marks,
    document_from_data,
    entry_file,
    entry_pdf,
    generated_kind,
    issue,
    preview_pdf,
    register_entries,
    register_entry,
    void_entry,
    void_number,
)
from office.weekly import (
    ReportReceipt,
    compile_digest,
    current_week,
    digest_data,
    receive_report,
    remove_report,
    select_tasks,
    team_report,
    week_status,
)

__all__ = [
    "Ambiguous", "NotFound", "RegisterRebuilt", "ReportReceipt", "archive_uploads", "archived_format",
    "check_archive", "check_databases", "check_format", "check_upload", "checked_marks", "compile_digest",
    "correct_document", "current_week", "digest_data", "document_conflicts", "document_file",
    "document_from_data", "document_page", "document_places", "document_texts", "document_topics", "entry_file",
    "entry_pdf", "find_document", "follow_void", "generated_kind", "issue", "opened_pipeline", "page_image",
    "preview_pdf", "rebuild_register", "receive_report", "register_entries", "register_entry", "remove_report",
    "review_documents", "search_archive", "select_tasks", "team_report", "void_entry", "void_number",
    "watch_inbox", "week_status",
]
