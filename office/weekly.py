"""The weekly work: the teams' quick reports, the tasks read from conclusions, and the digest
(``vanthu report``/``tasks``/``digest``, the Báo cáo tuần page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.errors import ConversionFailed, ConverterMissing, InvalidInput
from docgen.secrecy import CONSOLE, Viewer
from office.errors import NotFound
from office.outgoing import issuer_login
from office.workspace import Workspace

if TYPE_CHECKING:
    from digest.weeks import Week
    from docgen.documents import Document
    from docgen.issuing import Converter, Issued


def current_week(workspace: Workspace, label: str | None) -> Week:
    """The week named by ``label`` (the coming one if none), within the years an office works in."""
    from digest.weeks import parse_week, week_due

    weekday, at = workspace.report_clock()
    week = parse_week(label, weekday, at) if label else week_due(datetime.now(), weekday, at)
    if not 2000 <= week.year <= 2100:
        raise InvalidInput(f"«{label}» không phải là tuần hợp lệ (năm từ 2000 đến 2100)", field="--week")
    return week


@dataclass
class ReportReceipt:
    report: dict[str, Any]
    week: Week
    index_warning: str = ""


def receive_report(workspace: Workspace, team: int, source: Path, *, week: str | None = None,
                   received: datetime | None = None, secrecy: str = "",
                   viewer: Viewer = CONSOLE) -> ReportReceipt:
    """A team's quick report kept for its week (late after the deadline) and made searchable, as
    secret as its mark or the sender's ``secrecy``; ``viewer`` is who sends it."""
    from digest.reports import index_record
    from digest.weeks import week_due
    from indexer.engine import IndexUnavailable
    from indexer.indexing import index_document

    at = received or datetime.now()
    # a paper report entered later counts for the week it was received in
    chosen = current_week(workspace, week) if week or not received else week_due(at, *workspace.report_clock())
    saved = workspace.report_book().add(team, chosen, source, at.replace(tzinfo=None), secrecy=secrecy,
                                        viewer=viewer)
    warning = ""
    try:
        workspace.search_index().add([index_document(index_record(saved), workspace.gazetteer,
                                                     workspace.taxonomy)])
    except IndexUnavailable as exc:
        warning = f"chưa đưa báo cáo vào chỉ mục tìm kiếm: {exc}"
    return ReportReceipt(saved, chosen, warning)


def remove_report(workspace: Workspace, team: int, week: Week) -> dict[str, Any]:
    """Withdraw a team's report (kept as a version) and take it out of the search index."""
    from digest.reports import index_record
    from indexer.engine import IndexUnavailable

    removed = workspace.report_book().remove(week, team)
    try:
        with workspace.search_index().writer() as writer:
            writer.delete_by_term("id", index_record(removed)["id"])
    except IndexUnavailable:
        pass  # the next index rebuild reads only what is in reports/
    return removed


def team_report(workspace: Workspace, week: Week, team: int, viewer: Viewer) -> dict[str, Any]:
    """One team's quick report of a week as its page shows it: the report, with its ``sections``
    (heading, items) as the team wrote them (the digest shows the same)."""
    from digest.compose import report_sections

    if team not in workspace.gazetteer.teams:
        raise NotFound(f"không có Tổ {team}")
    report = workspace.report_book().get(week, team, viewer)
    if report is None:
        raise NotFound(f"Tổ {team} chưa có báo cáo nhanh tuần {week.number} năm {week.year}")
    return {**report, "sections": report_sections(report)}


def week_status(workspace: Workspace, week: Week, viewer: Viewer = CONSOLE) -> dict[str, Any]:
    """The JSON of ``vanthu report status``: a report above ``viewer``'s clearance counts as missing."""
    statuses = workspace.report_book().status(week, viewer)
    return {"week": week.label, "deadline": week.deadline.isoformat(), "teams": [vars(s) for s in statuses]}


def select_tasks(workspace: Workspace, viewer: Viewer, *, today: date | None = None,
                 **filters: Any) -> list[dict[str, Any]]:
    """The JSON of ``vanthu tasks``: the tasks of documents ``viewer`` may read."""
    day = today or date.today()
    with workspace.task_book() as book:
        found = book.select(viewer=viewer, today=day, **filters)
    return [task.as_dict(workspace.gazetteer, day) for task in found]


def digest_data(workspace: Workspace, week: Week, viewer: Viewer) -> dict[str, Any]:
    """The JSON of ``vanthu digest --json``: what ``viewer`` may read of the week."""
    from archive.store import ArchiveStore
    from digest.compose import Sources, collect
    from office.incoming import incoming_reminders

    incoming = incoming_reminders(workspace, viewer, today=week.deadline.date())
    with workspace.catalog() as catalog, workspace.task_book() as book:
        return collect(week, Sources(catalog, ArchiveStore(workspace.archive), workspace.report_book(),
                                     book, workspace.gazetteer, workspace.taxonomy, viewer, incoming))


def _digest_document(workspace: Workspace, week: Week, secrecy: str = "") -> Document:
    from digest.compose import MARKER, subject_of
    from docgen.documents import Document
    from docgen.kinds import find_kind

    profile = workspace.profile
    issuer = profile.body("VPTU" if "VPTU" in profile.bodies else None)
    return Document(kind=find_kind("BC"), issuer=issuer, subject=subject_of(week),  # type: ignore[arg-type]
                    signer=profile.signer(issuer.signer), date=date.today(), text=MARKER,  # the day issued
                    recipients=("Thường trực Tỉnh ủy", "Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy",
                                "Các Tổ theo dõi địa bàn"), source=f"tong-hop-{week.label}", secrecy=secrecy)


def _digest_issued_before(register: Any, document: Document, week: Week, viewer: Viewer) -> None:
    """One number a week: a digest of this week already in the register (not void) is refused; one
    above ``viewer``'s clearance is said to exist, and named by nothing."""
    from docgen.dates import short_date
    from docgen.issuing import AlreadyIssued
    from docgen.rendering import subject_line

    wanted = subject_line(document)  # a Báo cáo's trích yếu is its subject, whatever the guide
    earlier = [e for e in register.entries(kind_code="BC", body_code=document.issuer.code)
               if e.subject == wanted and e.status != "void"]
    if earlier:
        listed = ", ".join(f"{e.symbol} ngày {short_date(date.fromisoformat(e.date))}" for e in earlier
                           if viewer.may_read({"secrecy": e.secrecy}))
        said = f"đã được cấp số {listed}" if listed else "đã được cấp số (một bản mật mà bạn không được xem)"
        raise AlreadyIssued(f"báo cáo tổng hợp tuần {week.number} năm {week.year} {said}; muốn cấp số "
                            "mới, chạy lại với --again", field="--issue")


def digest_name(week: Week, viewer: Viewer) -> str:
    """The file of a digest compiled without a number: each clearance its own, since a digest compiled
    for a cleared reader lists what others may not read (the console's is the whole office's)."""
    suffix = "" if viewer is CONSOLE else f"-m{viewer.clearance}"
    return f"tong-hop-{week.label}{suffix}.docx"


def compile_digest(workspace: Workspace, week: Week, viewer: Viewer, *, issue_number: bool,
                   want_pdf: bool, out_file: Path | None = None, convert: Converter | None = None,
                   again: bool = True) -> Issued:
    """The digest as a Báo cáo DOCX (numbered when ``issue_number``, dated the day it is issued),
    and its PDF if asked. With ``again=False`` (the CLI without ``--again``) a week whose digest
    was numbered before is refused."""
    from digest.compose import fill
    from docgen.issuing import attach_pdfs, issue_documents

    if issue_number and out_file:
        raise InvalidInput("văn bản cấp số được ghi vào out/ theo số, ký hiệu; bỏ --out", field="--out")
    data = digest_data(workspace, week, viewer)
    with workspace.register() as register:
        register.issued_by = issuer_login(viewer)
        if issue_number and not again:
            _digest_issued_before(register, _digest_document(workspace, week, data["secrecy"]), week, viewer)
        [made] = issue_documents([_digest_document(workspace, week, data["secrecy"])], register=register,
                                 renderer=workspace.renderer(), today=date.today(), draft=not issue_number,
                                 out_dir=(out_file.parent if out_file else workspace.out),
                                 draft_name=(out_file.name if out_file else digest_name(week, viewer)),
                                 finish=lambda rendered: fill(rendered, data))
        if want_pdf:
            try:
                attach_pdfs([made], register, workspace.settings.soffice, workspace.settings.pdf_timeout,
                            convert)
            except (ConverterMissing, ConversionFailed) as exc:
                raise ConversionFailed(f"đã ghi {made.docx} nhưng chưa tạo được PDF: {exc}") from exc
    return made
