"""Tra cứu: the home page, a search box with the filters of ``vanthu search`` as facets."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.responses import RedirectResponse, Response

from access import roles
from docgen.dates import parse_date
from docgen.errors import InvalidInput
from indexer.search import SearchRequest
from office.incoming import actor_for, start_panel
from web.auth import MAX_NUMBER, Context, number_in
from web.pages import message, query_with, render

PAGE = 20
PARAMS = ("q", "locality", "team", "topic", "kind", "signer", "from", "to", "sort")


# The values of ``sort``: the page's Vietnamese words, and the CLI's words that addresses already hold.
SORTS = {"liên quan": "relevance", "lien-quan": "relevance", "relevance": "relevance",
         "ngày": "date", "ngay": "date", "date": "date"}
SIGNATURES = {"valid": "hợp lệ", "untrusted": "chưa xác thực được nguồn", "invalid": "không hợp lệ",
              "unsigned": "không ký số"}


def field_name(name: str, label: str, api: bool) -> str:
    """How a message names a parameter: by its label on a page, by label and name in the API."""
    return f"{label} ({name})" if api else label


def _date(params: QueryParams, name: str, label: str, api: bool = False):
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise InvalidInput(message(exc), field=field_name(name, label, api)) from exc


def int_param(params: QueryParams, name: str, label: str, default: int | None = None, *,
              api: bool = False) -> int | None:
    """A whole number from the query string; anything else is refused, naming the parameter."""
    value = params.get(name, "").strip()
    if not value:
        return default
    number = number_in(value)
    if number is None:
        shown = value if len(value) <= 20 else value[:20] + "…"
        limit = f"{MAX_NUMBER:,}".replace(",", ".")
        raise InvalidInput(f"«{shown}» phải là một số nguyên không âm, nhỏ hơn {limit}",
                           field=field_name(name, label, api))
    return number


def _sort(params: QueryParams, api: bool) -> str:
    value = params.get("sort", "").strip().casefold() or "relevance"
    if value not in SORTS:
        raise InvalidInput(f"«{params['sort']}» không hợp lệ; chọn «liên quan» hoặc «ngày»",
                           field=field_name("sort", "Sắp xếp", api))
    return SORTS[value]


def _signature(params: QueryParams, api: bool) -> str | None:
    value = params.get("signature", "").strip().lower()
    if value and value not in SIGNATURES:
        chosen = ", ".join(f"{key} ({words})" for key, words in SIGNATURES.items())
        raise InvalidInput(f"«{params['signature']}» không hợp lệ; chọn một trong: {chosen}",
                           field=field_name("signature", "Chữ ký số", api))
    return value or None


def request_from(params: QueryParams, *, limit: int = PAGE, facets: bool = False, api: bool = False) -> SearchRequest:
    """The query string of the page and of ``/api/search`` as the library's request."""
    def number(name: str, label: str, default: int | None = None) -> int | None:
        return int_param(params, name, label, default, api=api)

    return SearchRequest(
        text=params.get("q", "").strip(), locality=params.get("locality", "").strip() or None,
        team=number("team", "Tổ"), topic=params.get("topic", "").strip() or None,
        kind=params.get("kind", "").strip() or None, signer=params.get("signer", "").strip() or None,
        date_from=_date(params, "from", "Từ ngày", api), date_to=_date(params, "to", "Đến ngày", api),
        sort=_sort(params, api), limit=min(number("limit", "Số kết quả", limit) or limit, 100),
        offset=number("offset", "Vị trí bắt đầu", 0) or 0, facets=facets, signature=_signature(params, api))


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
    used = [k for k in PARAMS if k not in ("q", "sort") and current[k]]  # the filters folded open when in use
    panel = await run_in_threadpool(start_panel, workspace, ctx.viewer, actor_for(ctx.user),
                                    directs=ctx.may(roles.INCOMING_DIRECT))
    return render(ctx, "search.html", status, answer=answer, current=current, error=error, used=used, incoming=panel,
                  offset=request.offset, page=PAGE, link=lambda **c: query_with(current, **c),
                  localities=[loc.full_name for loc in workspace.gazetteer.all],
                  teams=sorted(workspace.gazetteer.teams), topics=list(workspace.taxonomy.by_slug.values()),
                  kinds=_kinds())


def _kinds() -> list[tuple[str, str]]:
    from docgen.kinds import KINDS

    return [(k.code, k.name) for k in KINDS]
