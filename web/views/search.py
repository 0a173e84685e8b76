"""Tra cứu: the home page, a search box with the filters of ``vanthu search`` as facets."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import QueryParams
from starlette.responses import RedirectResponse, Response

from access import roles
from docgen.dates import parse_date
from docgen.errors import InvalidInput
from indexer.search import SearchRequest
from web.auth import Context
from web.pages import message, query_with, render

PAGE = 20
PARAMS = ("q", "locality", "team", "topic", "kind", "signer", "from", "to", "sort")


def _date(params: QueryParams, name: str, label: str):
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise InvalidInput(message(exc), field=label) from exc


def _int(params: QueryParams, name: str, label: str, default: int | None = None) -> int | None:
    value = params.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise InvalidInput(f"«{value}» phải là một số nguyên không âm", field=label)
    return int(value)


def request_from(params: QueryParams, *, limit: int = PAGE, facets: bool = False) -> SearchRequest:
    """The query string of the page and of ``/api/search`` as the library's request."""
    sort = params.get("sort", "relevance")
    if sort not in ("relevance", "date"):
        raise InvalidInput("chọn relevance hoặc date", field="sort")
    return SearchRequest(
        text=params.get("q", "").strip(), locality=params.get("locality", "").strip() or None,
        team=_int(params, "team", "Tổ"), topic=params.get("topic", "").strip() or None,
        kind=params.get("kind", "").strip() or None, signer=params.get("signer", "").strip() or None,
        date_from=_date(params, "from", "Từ ngày"), date_to=_date(params, "to", "Đến ngày"), sort=sort,
        limit=min(_int(params, "limit", "limit", limit) or limit, 100),
        offset=_int(params, "offset", "offset", 0) or 0, facets=facets)


async def search_page(ctx: Context) -> Response:
    if not ctx.may(roles.READ):
        return RedirectResponse("/quan-tri" if ctx.may(roles.ADMIN) else "/dang-nhap", status_code=303)
    params = ctx.request.query_params
    current = {k: params.get(k, "") for k in PARAMS}
    answer: dict[str, Any] = {"total": 0, "hits": [], "facets": {}}
    error, status = "", 200
    try:
        request = request_from(params, facets=True)
        answer = await ctx.service.search(request, ctx.viewer)
    except InvalidInput as exc:
        request, error, status = SearchRequest(), message(exc), 422
    workspace = ctx.service.workspace
    return render(ctx, "search.html", status, answer=answer, current=current, error=error,
                  offset=request.offset, page=PAGE, link=lambda **c: query_with(current, **c),
                  localities=[loc.full_name for loc in workspace.gazetteer.all],
                  teams=sorted(workspace.gazetteer.teams), topics=list(workspace.taxonomy.by_slug.values()),
                  kinds=_kinds())


def _kinds() -> list[tuple[str, str]]:
    from docgen.kinds import KINDS

    return [(k.code, k.name) for k in KINDS]
