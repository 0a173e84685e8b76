"""Roles and the rights they grant: one table, asked through ``may``.

A page or an API route names the right it needs; nothing else decides who may
do what. Secrecy is a separate question, answered by ``docgen.secrecy``.
"""

from __future__ import annotations

READ = "read"  # search, read documents and their files, the tasks, the teams' weekly state
DRAFT = "draft"  # write and save drafts
ISSUE = "issue"  # give numbers, void them, continue a register
REGISTER = "register"  # read the register
ARCHIVE = "archive"  # upload into the archive, the quarantine, the trust store, the check
REPORT_OWN = "report-own"  # send the quick report of one's own team
REPORT_ANY = "report-any"  # send the quick report of any team
DIGEST = "digest"  # compile the weekly digest
TASKS_EDIT = "tasks-edit"  # mark tasks done, correct their deadlines
ADMIN = "admin"  # users, tokens
AUDIT = "audit"  # read the audit log (of what one's clearance allows)
INCOMING_REGISTER = "incoming-register"  # register incoming documents, print the books
INCOMING_DIRECT = "incoming-direct"  # record the leader's direction of an incoming document
INCOMING_HANDLE = "incoming-handle"  # record progress and close an incoming document (staff: their unit's)

ROLES: dict[str, tuple[str, frozenset[str]]] = {
    "van-thu": ("Văn thư", frozenset({READ, DRAFT, ISSUE, REGISTER, ARCHIVE, REPORT_ANY, DIGEST,
                                      TASKS_EDIT, INCOMING_REGISTER, INCOMING_HANDLE})),
    "chuyen-vien": ("Chuyên viên", frozenset({READ, DRAFT, REPORT_OWN, INCOMING_HANDLE})),
    "lanh-dao": ("Lãnh đạo", frozenset({READ, REGISTER, DIGEST, AUDIT, INCOMING_DIRECT, INCOMING_HANDLE})),
    "quan-tri": ("Quản trị", frozenset({ADMIN, AUDIT})),
}


def role_name(role: str) -> str:
    return ROLES[role][0] if role in ROLES else role


def may(role: str, right: str) -> bool:
    """Whether ``role`` grants ``right``; an unknown role grants nothing."""
    return role in ROLES and right in ROLES[role][1]
