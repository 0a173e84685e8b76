"""The weekly digest: what the teams reported, what was issued, what is due, as data and as a Báo cáo.

``collect`` gathers the week's content from the archive, the reports and the
follow-up book; ``render`` lays it into the office's Báo cáo format: the
stock ``bao_cao.docx`` template gives the header, title and closing, and the
sections are written into its body with python-docx (tables and the chart
are beyond what a data file's ``body`` can say).
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from archive.catalog import Catalog
from archive.store import ArchiveStore
from digest.chart import WIDTH_MM as CHART_WIDTH_MM
from digest.chart import bar_chart
from digest.reports import SECTIONS, ReportBook
from digest.tasks import TaskBook
from digest.weeks import Week
from docgen.dates import short_date
from docgen.kinds import find_kind
from docgen.secrecy import LEVELS, Viewer, level_of, mark_name
from indexer.gazetteer import Gazetteer
from indexer.indexing import read_sidecar, slips
from indexer.topics import Taxonomy

MARKER = "[[NỘI DUNG TỔNG HỢP]]"
HORIZON_DAYS = 14
OVERVIEW_WIDTHS_MM = (12, 53, 34, 30, 36)  # the text block is 165 mm wide


@dataclass
class Sources:
    catalog: Catalog
    store: ArchiveStore
    reports: ReportBook
    tasks: TaskBook
    gazetteer: Gazetteer
    taxonomy: Taxonomy
    viewer: Viewer  # the digest lists only what its reader may read
    # The incoming documents past or near their deadline (office/incoming.py), as this viewer may read them.
    incoming: dict[str, Any] = field(default_factory=lambda: {"days": 0, "overdue": [], "due_soon": []})


def subject_of(week: Week) -> str:
    return (f"tổng hợp tình hình hoạt động các Tổ theo dõi địa bàn tuần {week.number} năm {week.year} "
            f"(từ {week.start:%H} giờ ngày {short_date(week.start.date())} đến {week.deadline:%H} giờ "
            f"ngày {short_date(week.deadline.date())})")


def _documents(week: Week, src: Sources) -> list[dict[str, Any]]:
    found = []
    for row in src.catalog.readable(src.viewer):
        record = row.record
        day = record.get("date") or str(record.get("archived_at", ""))[:10]
        if not day or not week.holds_day(date.fromisoformat(day)):
            continue
        body = read_sidecar(src.store, row.path).get("text", "")
        text = f"{record.get('subject', '')}\n{body}"
        kind = find_kind(record.get("kind") or "")
        found.append({"id": row.id, "symbol": record.get("symbol", ""), "kind": record.get("kind", ""),
                      "kind_name": kind.name if kind else "Chưa rõ loại", "date": day,
                      "subject": record.get("subject", ""),
                      "localities": [loc.code for loc in src.gazetteer.find(text, slips=slips(record))],
                      "topics": src.taxonomy.tag(record.get("subject", ""), body, slips=slips(record)),
                      "secrecy": mark_name(level_of(record)), "void": record.get("void", "")})
    return sorted(found, key=lambda d: (d["date"], d["symbol"]))


def _names(codes: list[str], gazetteer: Gazetteer) -> list[str]:
    return [gazetteer.by_code[c].full_name for c in codes if c in gazetteer.by_code]


def collect(week: Week, src: Sources) -> dict[str, Any]:
    """The digest of ``week`` as data; ``--json`` prints this, the DOCX shows it."""
    today = week.deadline.date()
    documents = _documents(week, src)
    teams, levels = [], [LEVELS[d["secrecy"]] for d in documents]
    for team in sorted(src.gazetteer.teams):
        codes = {loc.code for loc in src.gazetteer.team_localities(team)}
        due = [t for t in src.tasks.select(viewer=src.viewer, today=today, team=team)
               if t.days_overdue(today) > 0 or -t.days_overdue(today) <= HORIZON_DAYS]
        levels += [t.secrecy for t in due]
        teams.append({
            "team": team, "localities": _names(sorted(codes, key=int), src.gazetteer),
            "report": src.reports.get(week, team, src.viewer),
            "documents": [d for d in documents if codes & set(d["localities"])],
            "tasks": [t.as_dict(src.gazetteer, today) for t in due],
        })
    levels += [level_of(t["report"]) for t in teams if t["report"]]
    for item in documents:
        item["localities"] = _names(item["localities"], src.gazetteer)
    overdue = src.tasks.select(viewer=src.viewer, today=today, overdue=True)
    return {
        "week": week.label, "start": week.start.isoformat(), "end": week.deadline.isoformat(),
        # The digest is as secret as the most secret thing it lists: its reader's clearance decides what
        # it holds, and the mark it carries decides who may read it afterwards.
        "secrecy": mark_name(max([*levels, *(t.secrecy for t in overdue),
                                  *(LEVELS[r["secrecy"]] for r in src.incoming["overdue"] + src.incoming["due_soon"])],
                                 default=0)),
        "documents": documents,
        "summary": {"total": len(documents),
                    "by_kind": dict(Counter(d["kind_name"] for d in documents).most_common()),
                    "by_topic": dict(Counter(src.taxonomy.by_slug[t].name for d in documents
                                             for t in d["topics"]).most_common())},
        "teams": teams,
        "overdue": [t.as_dict(src.gazetteer, today) for t in overdue],
        "incoming": src.incoming,
    }


def text_items(text: str) -> list[str]:
    """A report's text as its own items: a line opening with a dash or plus starts one, a line
    that ends without a full stop (wrapped by the PDF) continues the one before."""
    items: list[str] = []
    for line in (" ".join(line.split()) for line in text.splitlines()):
        if not line:
            continue
        if items and not line.startswith(("- ", "+ ")) and not items[-1].endswith((".", ":", ";", "!", "?")):
            items[-1] = f"{items[-1]} {line}"
        else:
            items.append(line)
    return items


class _Writer:
    """Paragraphs and tables written just before the marker paragraph of the template."""

    def __init__(self, document: docx.document.Document):
        self.document = document
        self.marker = next(p for p in document.paragraphs if p.text == MARKER)

    def paragraph(self, text: str = "", bold: bool = False) -> Paragraph:
        """A paragraph; one that ends with a colon (``Nổi bật:``) stays on the page of what it opens."""
        paragraph = self.marker.insert_paragraph_before(style=self.marker.style)
        if text:
            paragraph.add_run(text).bold = bold
        if text.endswith(":"):
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def heading(self, text: str) -> Paragraph:
        """A heading stays on the page of what follows it."""
        paragraph = self.paragraph(text, bold=True)
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Pt(6)  # off a table above it
        return paragraph

    def table(self, headers: list[str], rows: list[list[str]]) -> Any:
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = self.document.styles["Table Grid"]
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.paragraphs[0].add_run(header).bold = True
            cell.paragraphs[0].paragraph_format.keep_with_next = True  # never alone under its rows' page
        header = table.rows[0]._tr.get_or_add_trPr()
        header.append(OxmlElement("w:cantSplit"))
        header.append(OxmlElement("w:tblHeader"))  # repeated atop each page the table runs onto
        for values in rows:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.paragraphs[0].add_run(value)
        self.marker._p.addprevious(table._tbl)
        return table

    def picture(self, png: bytes) -> Paragraph:
        """The picture in a paragraph of its own, spaced off the table above. Single line spacing:
        the body's proportional spacing lets LibreOffice draw a tall inline picture over what stands
        above it; ``keep_together`` keeps the picture whole on one page."""
        paragraph = self.paragraph()
        layout = paragraph.paragraph_format
        layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
        layout.first_line_indent = Mm(0)
        layout.space_before, layout.space_after = Pt(12), Pt(6)
        layout.alignment = WD_ALIGN_PARAGRAPH.CENTER
        layout.keep_together = True
        paragraph.add_run().add_picture(io.BytesIO(png), width=Mm(CHART_WIDTH_MM))
        return paragraph

    def finish(self) -> None:
        """Drop the marker; what was written last keeps with the closing (Nơi nhận, signature), as
        the marker did, so the signature never stands alone on a page. A table keeps with what
        follows through its last row's paragraphs (Word and LibreOffice both read it so)."""
        last = self.marker._p.getprevious()
        if last is not None and last.tag == qn("w:tbl"):
            for cell in Table(last, self.marker._parent).rows[-1].cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
        elif last is not None and last.tag == qn("w:p"):
            Paragraph(last, self.marker._parent).paragraph_format.keep_with_next = True
        self.marker._p.getparent().remove(self.marker._p)


def report_sections(report: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """A team's report as its reader sees it, on its page and in the digest: (heading, items), its
    own sections kept; a report with none (a PDF, a DOCX without headings) as its paragraphs."""
    loose = report.get("items") or ([] if any(report.get(k) for k in SECTIONS) else text_items(report["text"]))
    sections = [("Nội dung", loose)] if loose else []
    return sections + [(SECTIONS[k], report[k]) for k in SECTIONS if report.get(k)]


def _task_line(task: dict[str, Any]) -> str:
    late = f"quá hạn {task['days_overdue']} ngày; " if task["days_overdue"] else ""
    due = short_date(date.fromisoformat(task["due"]))
    return f"- {task['sentence']} ({late}hạn {due}; {task['symbol'] or 'văn bản chưa rõ số'})"


def _document_line(item: dict[str, Any]) -> str:
    day = short_date(date.fromisoformat(item["date"]))
    void = f" (ĐÃ HỦY SỐ: {item['void']})" if item.get("void") else ""
    return f"- {item['symbol'] or item['id']}, ngày {day}: {item['subject']}{void}"


def report_state(report: dict[str, Any] | None) -> str:
    """A team's quick report in words: on time (with when), late, or missing."""
    if report is None:
        return "chưa báo cáo"
    received = datetime.fromisoformat(report["submitted_at"])
    return f"{'nộp muộn' if report['late'] else 'đúng hạn'} ({received:%H:%M} ngày {short_date(received.date())})"


def _overview(out: _Writer, data: dict[str, Any]) -> None:
    """One table of the 12 teams, so a reader sees the week at a glance before the sections."""
    teams = data["teams"]
    missing = sum(t["report"] is None for t in teams)
    late = sum(bool(t["report"] and t["report"]["late"]) for t in teams)
    out.heading("I. TỔNG QUAN CÁC TỔ THEO DÕI ĐỊA BÀN")
    out.paragraph(f"Báo cáo nhanh: {len(teams) - missing - late} Tổ đúng hạn, {late} Tổ nộp muộn, "
                  f"{missing} Tổ chưa báo cáo.")
    table = out.table(["Tổ", "Báo cáo nhanh", "Văn bản liên quan địa bàn", "Nhiệm vụ quá hạn",
                       f"Nhiệm vụ đến hạn trong {HORIZON_DAYS} ngày"],
                      [[str(t["team"]), report_state(t["report"]), str(len(t["documents"])),
                        str(sum(1 for task in t["tasks"] if task["days_overdue"])),
                        str(sum(1 for task in t["tasks"] if not task["days_overdue"]))] for t in teams])
    for row, team in zip(table.rows[1:], teams, strict=True):
        if team["report"] is None or team["report"]["late"]:
            row.cells[1].paragraphs[0].runs[0].bold = True
    table.autofit = False
    for column, grid, width in zip(table.columns, table._tbl.tblGrid.gridCol_lst, OVERVIEW_WIDTHS_MM,
                                   strict=True):
        grid.w = Mm(width)  # LibreOffice lays a table out by its grid
        for cell in column.cells:
            cell.width = Mm(width)


def _week_words(label: str) -> str:
    year, number = label.split("-W")
    return f"{int(number)} năm {year}"


def _summary(out: _Writer, data: dict[str, Any]) -> None:
    out.heading("II. VĂN BẢN TRONG TUẦN")
    summary = data["summary"]
    void = sum(bool(d.get("void")) for d in data["documents"])
    line = out.paragraph(f"Trong tuần có {summary['total']} văn bản được ban hành, lưu trữ"
                         + (f", trong đó {void} văn bản đã hủy số." if void else "."))
    for item in (d for d in data["documents"] if d.get("void")):
        out.paragraph(_document_line(item))
    kinds = list(summary["by_kind"].items())
    if kinds:  # the sentence, the table and its chart stay together on one page
        line.paragraph_format.keep_with_next = True
        table = out.table(["Loại văn bản", "Số văn bản"], [[name, str(count)] for name, count in kinds])
        for cell in (c for row in table.rows for c in row.cells):
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        out.picture(bar_chart([name for name, _count in kinds], [count for _name, count in kinds],
                              title=f"Văn bản trong tuần {_week_words(data['week'])}, theo loại",
                              x_label="Loại văn bản", y_label="Số văn bản"))
    if summary["by_topic"]:
        out.table(["Chủ đề", "Số văn bản"], [[n, str(c)] for n, c in summary["by_topic"].items()])


def _team(out: _Writer, team: dict[str, Any]) -> None:
    report, documents, tasks = team["report"], team["documents"], team["tasks"]
    title = f"Tổ theo dõi địa bàn số {team['team']}"
    if report is None and not documents and not tasks:  # nothing to say: one line
        line = out.paragraph(f"{title}: ", bold=True)
        line.add_run("chưa báo cáo").bold = True
        line.add_run(", không có văn bản, nhiệm vụ.")
        return
    out.heading(title)
    out.paragraph(f"Địa bàn: {', '.join(team['localities'])}.")
    if report is None:
        out.paragraph("Báo cáo nhanh: ").add_run("chưa báo cáo").bold = True
    else:
        out.paragraph("Báo cáo nhanh" + (" (nộp muộn):" if report["late"] else ":"))
        for label, items in report_sections(report):
            out.paragraph(f"{label}:")
            for item in items:  # each item its own paragraph, as the team wrote it
                out.paragraph(item if item.startswith(("- ", "+ ")) else f"- {item}")
    if documents:
        out.paragraph("Văn bản trong tuần liên quan địa bàn:")
        for item in documents:
            out.paragraph(_document_line(item))
    if tasks:
        out.paragraph(f"Nhiệm vụ quá hạn hoặc đến hạn trong {HORIZON_DAYS} ngày:")
        for task in tasks:
            out.paragraph(_task_line(task))
    absent = [name for name, items in (("văn bản", documents), ("nhiệm vụ", tasks)) if not items]
    if absent:
        out.paragraph(f"Không có {', '.join(absent)} liên quan trong tuần.")


def _incoming(out: _Writer, incoming: dict[str, Any]) -> None:
    """Beside the conclusions' tasks, the incoming documents whose answer is late or near."""
    out.heading("V. VĂN BẢN ĐẾN QUÁ HẠN, ĐẾN HẠN GIẢI QUYẾT")
    rows = [*incoming.get("overdue", []), *incoming.get("due_soon", [])]
    if not rows:
        out.paragraph("Không có văn bản đến quá hạn hoặc đến hạn giải quyết.")
        return
    out.table(["Số đến", "Văn bản", "Chủ trì", "Hạn", "Tình trạng"],
              [[f"{r['number']}/{r['year']}", f"{r['symbol']} của {r['issuer']}: {r['subject']}", r["lead"],
                short_date(date.fromisoformat(r["due"])),
                f"quá hạn {r['days_overdue']} ngày" if r["overdue"] else f"còn {r['days_left']} ngày"] for r in rows])


def fill(rendered: bytes, data: dict[str, Any]) -> bytes:
    """Write the digest's sections into a rendered Báo cáo: the teams at a glance, the week's
    documents, each team's section, the overdue tasks."""
    document = docx.Document(io.BytesIO(rendered))
    out = _Writer(document)
    _overview(out, data)
    _summary(out, data)
    out.heading("III. TÌNH HÌNH CÁC TỔ THEO DÕI ĐỊA BÀN")
    for team in data["teams"]:
        _team(out, team)
    out.heading("IV. NHIỆM VỤ QUÁ HẠN")
    if data["overdue"]:
        out.table(["Số, ký hiệu", "Địa bàn", "Nhiệm vụ", "Hạn", "Số ngày quá hạn"],
                  [[t["symbol"], ", ".join(t["localities"]), t["sentence"],
                    short_date(date.fromisoformat(t["due"])), str(t["days_overdue"])]
                   for t in data["overdue"]])
    else:
        out.paragraph("Không có nhiệm vụ quá hạn.")
    _incoming(out, data.get("incoming") or {})
    out.finish()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
