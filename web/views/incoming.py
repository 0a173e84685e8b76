"""Văn bản đến: the register with its filters, an incoming document's page (its direction, handling
and history), registering from the archive, the printed books, and the JSON routes of the register."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, RedirectResponse, Response

import office
from access import roles
from archive.corrections import LABELS
from docgen.errors import InvalidInput
from docgen.secrecy import LEVELS, SECRECY
from incoming.arrivals import REGISTER_FIELDS
from incoming.book import Filters, NotHandler
from incoming.fields import (
    CLOSING,
    DIRECTING,
    LISTING,
    PROGRESSING,
    REGISTERING,
    ROW,
    Table,
    api_names,
    form_errors,
    named,
    page_names,
)
from incoming.printing import file_stem
from incoming.rows import (
    ACTIONS,
    FIRST_YEAR,
    LAST_YEAR,
    MAX_NUMBER,
    STATUSES,
    Actor,
    Ref,
    book_level,
    book_slug,
    checked_year,
    parse_ref,
    parse_status,
)
from office import incoming as registry
from web.auth import Context, Forbidden
from web.pages import incoming_url, json_object, message, query_with, render
from web.views.search import _date, field_name, int_param

PAGE = 50
API_PAGE = 100  # rows of one GET /api/incoming unless ``limit`` asks for more (at most 1000); ``offset`` pages on
TABS = {"": "Tất cả", "cho-chi-dao": "Chưa có ý kiến chỉ đạo", "dang-giai-quyet": "Đang giải quyết",
        "qua-han": "Quá hạn", "da-xong": "Đã xong"}
MEDIA = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

def _names(table: Table, api: bool) -> dict[str, str]:
    return api_names(table) if api else page_names(table)


@contextmanager
def _named(table: Table, api: bool) -> Iterator[None]:
    """A refusal inside names the form's (or the API's) fields, not the CLI's options."""
    with named(_names(table, api)):
        yield


def _year(params: Any, name: str, api: bool, default: int | None = None) -> int | None:
    year = checked_year(int_param(params, name, "Năm", api=api), field_name(name, "Năm", api))
    return default if year is None else year


def _audited(ctx: Context, action: str, row: dict[str, Any]) -> None:
    ctx.audit(action, *registry.audit_entry(row))


def actor_of(ctx: Context) -> Actor:
    return registry.actor_for(ctx.user)


def _page_ref(ctx: Context) -> Ref:
    params = ctx.request.path_params
    if not (0 < params["n"] <= MAX_NUMBER and FIRST_YEAR <= params["year"] <= LAST_YEAR):
        raise office.NotFound(f"sổ văn bản đến không có số đến {params['n']}/{params['year']}")
    return Ref(params["year"], book_level(ctx.request.query_params.get("so")), params["n"])


async def _handled(ctx: Context, call: Any) -> Any:
    """A library call in a thread; a staff member acting on another unit's document is refused (403)."""
    try:
        return await run_in_threadpool(call)
    except NotHandler as exc:
        raise Forbidden(str(exc)) from exc


# Pages

async def incoming_page(ctx: Context) -> Response:
    params = ctx.request.query_params
    tab = params.get("trang-thai", "") if params.get("trang-thai", "") in TABS else ""
    error, status = "", 200
    try:
        year = _year(params, "nam", False)
        offset = int_param(params, "tu", "Vị trí", 0) or 0
    except InvalidInput as exc:
        year, offset, error, status = None, 0, message(exc), 422
    mine = params.get("cua-toi") == "1"
    filters = Filters(year=year, status=parse_status(tab) if tab else None, lead=params.get("chu-tri") or None,
                      mine=actor_of(ctx) if mine else None, limit=PAGE + 1, offset=offset)
    workspace = ctx.service.workspace
    rows = await run_in_threadpool(registry.incoming_list, workspace, ctx.viewer, filters)
    counts = await run_in_threadpool(registry.incoming_counts, workspace, ctx.viewer, year)
    current = {"trang-thai": tab, "nam": params.get("nam", ""), "chu-tri": params.get("chu-tri", ""),
               "cua-toi": "1" if mine else ""}
    books = ["", *(mark for mark in SECRECY if LEVELS[mark] <= ctx.viewer.clearance)]
    return render(ctx, "incoming.html", status, rows=rows[:PAGE], more=len(rows) > PAGE, offset=offset, page=PAGE,
                  counts=counts, tabs=TABS, current=current, error=error, books=books,
                  statuses=STATUSES, link=lambda changes: query_with(current, **changes),
                  book_slug=book_slug, this_year=year or date.today().year)


async def incoming_row_page(ctx: Context, status: int = 200, error: str = "", form: dict | None = None,
                            errors: dict[str, str] | None = None) -> Response:
    workspace = ctx.service.workspace
    row = await run_in_threadpool(registry.incoming_row, workspace, _page_ref(ctx), ctx.viewer)
    if row["secrecy"]:
        ctx.audit("view-secret", f"số đến {row['number']}/{row['year']}", row["secrecy"], LEVELS[row["secrecy"]])
    actor = actor_of(ctx)
    leads = bool((row["lead_login"] and row["lead_login"] == actor.login)
                 or (row["lead_team"] is not None and row["lead_team"] == actor.team))
    handles = ctx.may(roles.INCOMING_HANDLE) and (actor.any_unit or leads)
    choices = await run_in_threadpool(registry.lead_choices, workspace, registry.row_level(row)) \
        if ctx.may(roles.INCOMING_DIRECT) else []
    url = incoming_url(row)
    due_default = row["due"] or (row["due_proposed"] if row["due_proposed"] >= row["received"][:10] else "")
    return render(ctx, "incoming_row.html", status, row=row, statuses=STATUSES, base=url.split("?")[0],
                  so=url[len(url.split("?")[0]):], error=error, actions=ACTIONS, due_default=due_default,
                  form=form or {}, errors=errors or {}, handles=handles, choices=choices,
                  notice=ctx.request.query_params.get("notice", ""))


async def register(ctx: Context) -> Response:
    """Vào sổ from the archive page's one click or the document page's form: the proposals the form
    shows are confirmed by sending them."""
    form = await ctx.service.read_form(ctx.request)
    fields = {name: str(form.get(name, "")) for name in (*REGISTER_FIELDS, "key", "received", "to", "note")}
    # The form's «thuong» is the mark «none» (an empty field there means «not chosen»), as on the correction form.
    values = {name: "" if fields[name] == "thuong" else fields[name] for name in REGISTER_FIELDS
              if form.get(name) is not None}
    workspace = ctx.service.workspace
    if not fields["key"].strip():
        raise InvalidInput("chọn văn bản lưu trữ để vào sổ", field="Văn bản")
    try:
        row = await run_in_threadpool(lambda: registry.register_incoming(
            workspace, fields["key"], ctx.viewer, actor_of(ctx), received=fields["received"] or None,
            to=fields["to"], note=fields["note"], again=form.get("again") == "1", values=values))
    except InvalidInput as exc:  # said on the document's page, beside each field of its registration form
        page = await run_in_threadpool(office.document_page, workspace, fields["key"], ctx.viewer,
                                       ctx.service.index)
        place = page["incoming"]
        shown = {"note"} if place["state"] == "registered" else {"received", "to", "note", *place.get("pending", {}),
                                                                  *place.get("missing", [])}
        return render(ctx, "document.html", 422, labels=LABELS, errors={}, form={},
                      incoming_errors=form_errors(exc, REGISTERING, shown), incoming_form=fields, **page)
    _audited(ctx, "incoming", row)
    return RedirectResponse(incoming_url(row) + ("&" if row["book"] else "?") + "notice=vao-so", status_code=303)


async def _change(ctx: Context, call: Any, action: str, notice: str, table: Table,
                  beside: frozenset[str] = frozenset()) -> Response:
    """A change from one of the row page's forms; refused, the page again with what was typed, each problem
    beside its field where the form shows them so (``beside``: its fields), else at the top."""
    try:
        row = await _handled(ctx, call)
    except InvalidInput as exc:
        form = {k: str(v) for k, v in (await ctx.service.read_form(ctx.request)).items() if k != "csrf"}
        if beside:
            errors = form_errors(exc, table, beside)
            return await incoming_row_page(ctx, 422, errors.pop("", ""), form, errors)
        return await incoming_row_page(ctx, 422, message(exc, page_names(table)), form)
    _audited(ctx, action, row)
    return RedirectResponse(incoming_url(row) + ("&" if row["book"] else "?") + f"notice={notice}", status_code=303)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(";", "\n").splitlines() if line.strip()]


async def direct(ctx: Context) -> Response:
    form = await ctx.service.read_form(ctx.request)
    workspace, ref = ctx.service.workspace, _page_ref(ctx)
    return await _change(ctx, lambda: registry.direct_incoming(
        workspace, ref, ctx.viewer, actor_of(ctx), lead=str(form.get("lead", "")),
        supports=_lines(str(form.get("supports", ""))), due=str(form.get("due", "")).strip() or None,
        note=str(form.get("note", "")), use_proposed_due=False), "incoming-direct", "chi-dao", DIRECTING,
        frozenset({"lead", "support", "due", "note"}))


async def progress(ctx: Context) -> Response:
    form = await ctx.service.read_form(ctx.request)
    workspace, ref = ctx.service.workspace, _page_ref(ctx)
    return await _change(ctx, lambda: registry.incoming_progress(
        workspace, ref, ctx.viewer, actor_of(ctx), str(form.get("progress", ""))), "incoming-progress", "tien-do",
        PROGRESSING)


async def done(ctx: Context) -> Response:
    form = await ctx.service.read_form(ctx.request)
    workspace, ref = ctx.service.workspace, _page_ref(ctx)
    reply = "" if form.get("no_reply") == "1" else str(form.get("reply", "")).strip()
    if not reply and form.get("no_reply") != "1":
        return await incoming_row_page(ctx, 422, message(InvalidInput(
            "ghi số, ký hiệu văn bản trả lời, hoặc chọn «Không cần trả lời»", field="Văn bản trả lời")))
    return await _change(ctx, lambda: registry.close_incoming(
        workspace, ref, ctx.viewer, actor_of(ctx), reply=reply or None, note=str(form.get("done_note", ""))),
        "incoming-done", "xong", CLOSING)


def _book_response(data: bytes, stem: str, fmt: str) -> Response:
    disposition = "inline" if fmt == "pdf" else "attachment"
    return Response(data, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'{disposition}; filename="{stem}.{fmt}"'})


def _book_period(ctx: Context) -> tuple[int, date | None, date | None]:
    params = ctx.request.query_params
    year = _year(params, "nam", False, date.today().year) or date.today().year
    return year, _date(params, "tu", "Từ ngày"), _date(params, "den", "Đến ngày")


async def book_file(ctx: Context) -> Response:
    """«In sổ», «Tải Excel»: the incoming register's books (``theo-doi=1``: the follow-up book)."""
    fmt = ctx.request.path_params["fmt"]
    if fmt not in MEDIA:
        raise office.NotFound("không có định dạng này")
    year, start, end = _book_period(ctx)
    level, follow_up = book_level(ctx.request.query_params.get("so")), ctx.request.query_params.get("theo-doi") == "1"
    data = await run_in_threadpool(lambda: registry.incoming_book_file(
        ctx.service.workspace, ctx.viewer, year=year, fmt=fmt, level=level, follow_up=follow_up, date_from=start,
        date_to=end, convert=ctx.service.convert()))
    title = "sổ theo dõi giải quyết văn bản đến" if follow_up else "sổ đăng ký văn bản đến"
    mark = f" {SECRECY[level - 1]}" if level else ""
    ctx.audit("download", f"{title}{mark} {year}", fmt, level)
    return _book_response(data, file_stem(title + mark, year), fmt)


async def outgoing_book(ctx: Context) -> Response:
    fmt = ctx.request.path_params["fmt"]
    if fmt not in MEDIA:
        raise office.NotFound("không có định dạng này")
    year, start, end = _book_period(ctx)
    data = await run_in_threadpool(lambda: registry.outgoing_book_file(
        ctx.service.workspace, ctx.viewer, year=year, fmt=fmt, date_from=start, date_to=end,
        convert=ctx.service.convert()))
    ctx.audit("download", f"sổ đăng ký văn bản đi {year}", fmt)
    return _book_response(data, file_stem("sổ đăng ký văn bản đi", year), fmt)


# JSON routes: the shapes of ``vanthu incoming … --json``

def _field(table: Table, option: str) -> str:
    return api_names(table)[option]


def _text(data: dict[str, Any], table: Table, option: str) -> str:
    """A field of a JSON body that holds text (absent or null: empty); any other type is refused by name."""
    value = data.get(table[option][1])
    if value is not None and not isinstance(value, str):
        raise InvalidInput("phải là một chuỗi (\"…\")", field=_field(table, option))
    return value or ""


def _texts(data: dict[str, Any], table: Table, option: str) -> list[str]:
    """A list of text (one text alone is a list of one)."""
    value = data.get(table[option][1])
    value = [value] if isinstance(value, str) else value or []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput("phải là một danh sách chuỗi ([\"…\", …])", field=_field(table, option))
    return value


def _flag(data: dict[str, Any], table: Table, option: str) -> bool:
    value = data.get(table[option][1])
    if value is not None and not isinstance(value, bool):
        raise InvalidInput("phải là true hoặc false", field=_field(table, option))
    return bool(value)


def _values(data: dict[str, Any]) -> dict[str, str]:
    """The values a clerk gives at registration: ``{"symbol": "…", …}``."""
    value = data.get("values") or {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InvalidInput("phải là một đối tượng {\"trường\": \"giá trị\"}", field="Giá trị đúng (values)")
    return {str(name): text for name, text in value.items()}


def _api_ref(ctx: Context) -> Ref:
    params = ctx.request.query_params
    return parse_ref(ctx.request.path_params["n"], year=_year(params, "year", True),
                     level=book_level(params.get("book")))


async def api_list(ctx: Context) -> Response:
    params = ctx.request.query_params
    with _named(LISTING, True):
        filters = Filters(year=_year(params, "year", True), status=parse_status(params.get("status")),
                          overdue=params.get("overdue") in ("1", "true"),
                          due_within=int_param(params, "due_within", "Đến hạn trong số ngày", api=True),
                          lead=params.get("lead") or None,
                          mine=actor_of(ctx) if params.get("mine") in ("1", "true") else None,
                          limit=min(int_param(params, "limit", "Số dòng", API_PAGE, api=True) or API_PAGE, 1000),
                          offset=int_param(params, "offset", "Vị trí bắt đầu", 0, api=True) or 0)
        rows = await run_in_threadpool(registry.incoming_list, ctx.service.workspace, ctx.viewer, filters)
    return JSONResponse(rows)


async def api_register(ctx: Context) -> Response:
    data, table = await json_object(ctx.request), REGISTERING
    with _named(table, True):
        key, received, to, note = (_text(data, table, option) for option in ("KEY", "--received", "--to", "--note"))
        again, values = _flag(data, table, "--again"), _values(data)
        confirm = _texts(data, table, "--confirm")
        row = await run_in_threadpool(lambda: registry.register_incoming(
            ctx.service.workspace, key, ctx.viewer, actor_of(ctx), received=received or None, to=to, note=note,
            again=again, values=values, confirm=confirm))
    _audited(ctx, "incoming", row)
    return JSONResponse(row, status_code=201)


async def api_row(ctx: Context) -> Response:
    with _named(ROW, True):
        ref = _api_ref(ctx)
    return JSONResponse(await run_in_threadpool(registry.incoming_row, ctx.service.workspace, ref, ctx.viewer))


async def api_direct(ctx: Context) -> Response:
    data, table = await json_object(ctx.request), DIRECTING
    with _named(table, True):
        ref, lead, due, note = _api_ref(ctx), _text(data, table, "--lead"), _text(data, table, "--due"), \
            _text(data, table, "--note")
        supports = _texts(data, table, "--support")
        row = await _handled(ctx, lambda: registry.direct_incoming(
            ctx.service.workspace, ref, ctx.viewer, actor_of(ctx), lead=lead, supports=supports,
            due=due.strip() or None, note=note))
    _audited(ctx, "incoming-direct", row)
    return JSONResponse(row)


async def api_done(ctx: Context) -> Response:
    data, table = await json_object(ctx.request), CLOSING
    with _named(table, True):
        ref, reply, note = _api_ref(ctx), _text(data, table, "--reply").strip(), _text(data, table, "--note")
        if bool(reply) == _flag(data, table, "--no-reply"):
            raise InvalidInput("ghi số, ký hiệu văn bản trả lời, hoặc «--no-reply»: true kèm «--note»; một trong "
                               "hai, không cả hai", field="--reply")
        row = await _handled(ctx, lambda: registry.close_incoming(
            ctx.service.workspace, ref, ctx.viewer, actor_of(ctx), reply=reply or None, note=note))
    _audited(ctx, "incoming-done", row)
    return JSONResponse(row)


async def api_progress(ctx: Context) -> Response:
    data, table = await json_object(ctx.request), PROGRESSING
    with _named(table, True):
        ref, note = _api_ref(ctx), _text(data, table, "--note")
        row = await _handled(ctx, lambda: registry.incoming_progress(
            ctx.service.workspace, ref, ctx.viewer, actor_of(ctx), note))
    _audited(ctx, "incoming-progress", row)
    return JSONResponse(row)
