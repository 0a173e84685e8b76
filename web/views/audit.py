"""Nhật ký: the audit log with filters (who, what, from, to) and pages, for administrators and leaders.

What the reader sees is what ``access.audit`` lets them read: an entry about a document above their
clearance is not there, not even counted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.responses import Response

from access.audit import ACTIONS, AuditQuery
from docgen.dates import parse_date
from docgen.errors import InvalidInput
from web.auth import Context
from web.pages import message, query_with, render
from web.views.search import int_param


def _day(value: str, label: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        return datetime.combine(parse_date(value), datetime.min.time()).astimezone()
    except ValueError as exc:
        raise InvalidInput(str(exc), field=label) from exc


def _query(params) -> AuditQuery:
    """The page's filters, each refused by its label when it is not what the field takes."""
    action = params.get("action", "").strip()
    if action and action not in ACTIONS:
        raise InvalidInput(f"«{action}» không phải một việc có trong nhật ký", field="Việc")
    until = _day(params.get("to", ""), "Đến ngày")
    return AuditQuery(login=params.get("user", "").strip().lower() or None, action=action or None,
                      since=_day(params.get("from", ""), "Từ ngày"),
                      until=until + timedelta(days=1) if until else None,
                      page=max(int_param(params, "page", "Trang", 1) or 1, 1))


async def audit_page(ctx: Context) -> Response:
    params = ctx.request.query_params
    error, status = "", 200
    try:
        query = _query(params)
    except InvalidInput as exc:
        query, error, status = AuditQuery(page=0), message(exc), 422
    entries, total = [], 0
    if query.page:  # a refused filter shows no entries rather than every entry unfiltered
        with ctx.service.workspace.audit() as log:
            entries, total = log.page(query, ctx.viewer)
    pages = max(1, -(-total // query.per_page))
    links = {"prev": query_with(dict(params), page=query.page - 1) if query.page > 1 else "",
             "next": query_with(dict(params), page=query.page + 1) if query.page < pages else ""}
    return render(ctx, "audit.html", status, entries=entries, total=total, page=query.page, pages=pages,
                  links=links, actions=ACTIONS, current=dict(params), error=error)
