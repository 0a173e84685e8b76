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
from dataclasses import dataclass
from datetime import date
from typing import Any

import docx
from docx.shared import Mm, RGBColor
from docx.text.paragraph import Paragraph

from archive.catalog import Catalog
from archive.store import ArchiveStore
from digest.chart import PALETTE, bar_chart
from digest.reports import SECTIONS, ReportBook
from digest.tasks import TaskBook
from digest.weeks import Week
from docgen.dates import short_date
from docgen.kinds import find_kind
from docgen.secrecy import LEVELS, Viewer, level_of, mark_name
from indexer.gazetteer import Gazetteer
from indexer.indexing import read_sidecar
from indexer.topics import Taxonomy

MARKER = "[[NỘI DUNG TỔNG HỢP]]"
HORIZON_DAYS = 14


@dataclass
class Sources:
    catalog: Catalog
    store: ArchiveStore
    reports: ReportBook
    tasks: TaskBook
    gazetteer: Gazetteer
    taxonomy: Taxonomy
    viewer: Viewer  # the digest lists only what its reader may read


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
        text = f"{record.get('subject', '')}\n{read_sidecar(src.store, row.path).get('text', '')}"
        kind = find_kind(record.get("kind") or "")
        found.append({"id": row.id, "symbol": record.get("symbol", ""), "kind": record.get("kind", ""),
                      "kind_name": kind.name if kind else "Chưa rõ loại", "date": day,
                      "subject": record.get("subject", ""),
                      "localities": [loc.code for loc in src.gazetteer.find(text)],
                      "topics": src.taxonomy.tag(text), "secrecy": mark_name(level_of(record))})
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
            "report": src.reports.get(week, team),
            "documents": [d for d in documents if codes & set(d["localities"])],
            "tasks": [t.as_dict(src.gazetteer, today) for t in due],
        })
    for item in documents:
        item["localities"] = _names(item["localities"], src.gazetteer)
    overdue = src.tasks.select(viewer=src.viewer, today=today, overdue=True)
    return {
        "week": week.label, "start": week.start.isoformat(), "end": week.deadline.isoformat(),
        # The digest is as secret as the most secret thing it lists: its reader's clearance decides what
        # it holds, and the mark it carries decides who may read it afterwards.
        "secrecy": mark_name(max([*levels, *(t.secrecy for t in overdue)], default=0)),
        "documents": documents,
        "summary": {"total": len(documents),
                    "by_kind": dict(Counter(d["kind_name"] for d in documents).most_common()),
                    "by_topic": dict(Counter(src.taxonomy.by_slug[t].name for d in documents
                                             for t in d["topics"]).most_common())},
        "teams": teams,
        "overdue": [t.as_dict(src.gazetteer, today) for t in overdue],
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
        paragraph = self.marker.insert_paragraph_before(style=self.marker.style)
        if text:
            paragraph.add_run(text).bold = bold
        return paragraph

    def table(self, headers: list[str], rows: list[list[str]]) -> Any:
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = self.document.styles["Table Grid"]
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.paragraphs[0].add_run(header).bold = True
        for values in rows:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.paragraphs[0].add_run(value)
        self.marker._p.addprevious(table._tbl)
        return table

    def picture(self, png: bytes) -> None:
        self.paragraph().add_run().add_picture(io.BytesIO(png), width=Mm(110))

    def finish(self) -> None:
        self.marker._p.getparent().remove(self.marker._p)


def _task_line(task: dict[str, Any]) -> str:
    late = f"quá hạn {task['days_overdue']} ngày; " if task["days_overdue"] else ""
    due = short_date(date.fromisoformat(task["due"]))
    return f"- {task['sentence']} ({late}hạn {due}; {task['symbol'] or 'văn bản chưa rõ số'})"


def _document_line(item: dict[str, Any]) -> str:
    day = short_date(date.fromisoformat(item["date"]))
    return f"- {item['symbol'] or item['id']}, ngày {day}: {item['subject']}"


def _summary(out: _Writer, data: dict[str, Any]) -> None:
    out.paragraph("I. TÓM TẮT", bold=True)
    summary = data["summary"]
    out.paragraph(f"Trong tuần có {summary['total']} văn bản được ban hành, lưu trữ.")
    kinds = list(summary["by_kind"].items())
    if kinds:
        table = out.table(["Loại văn bản", "Số văn bản", "Màu trên biểu đồ"],
                          [[name, str(count), "■"] for name, count in kinds])
        for row, rgb in zip(table.rows[1:], PALETTE, strict=False):
            row.cells[2].paragraphs[0].runs[0].font.color.rgb = RGBColor(*rgb)
        out.picture(bar_chart([count for _name, count in kinds]))
    if summary["by_topic"]:
        out.table(["Chủ đề", "Số văn bản"], [[n, str(c)] for n, c in summary["by_topic"].items()])


def _team(out: _Writer, team: dict[str, Any]) -> None:
    out.paragraph(f"Tổ theo dõi địa bàn số {team['team']}", bold=True)
    out.paragraph(f"Địa bàn: {', '.join(team['localities'])}.")
    report = team["report"]
    if report is None:
        out.paragraph("Báo cáo nhanh: ").add_run("chưa báo cáo").bold = True
    else:
        out.paragraph("Báo cáo nhanh" + (" (nộp muộn):" if report["late"] else ":"))
        sections = [(SECTIONS[k], report[k]) for k in SECTIONS if report.get(k)]
        for label, items in sections or [("Nội dung", text_items(report["text"]))]:
            out.paragraph(f"{label}:")
            for item in items:  # each item its own paragraph, as the team wrote it
                out.paragraph(item if item.startswith(("- ", "+ ")) else f"- {item}")
    out.paragraph("Văn bản trong tuần liên quan địa bàn:")
    for item in team["documents"] or [None]:
        out.paragraph(_document_line(item) if item else "- Không có.")
    out.paragraph(f"Nhiệm vụ quá hạn hoặc đến hạn trong {HORIZON_DAYS} ngày:")
    for task in team["tasks"] or [None]:
        out.paragraph(_task_line(task) if task else "- Không có.")


def fill(rendered: bytes, data: dict[str, Any]) -> bytes:
    """Write the digest's sections into a rendered Báo cáo."""
    document = docx.Document(io.BytesIO(rendered))
    out = _Writer(document)
    _summary(out, data)
    out.paragraph("II. TÌNH HÌNH CÁC TỔ THEO DÕI ĐỊA BÀN", bold=True)
    for team in data["teams"]:
        _team(out, team)
    out.paragraph("III. NHIỆM VỤ QUÁ HẠN", bold=True)
    if data["overdue"]:
        out.table(["Số, ký hiệu", "Địa bàn", "Nhiệm vụ", "Hạn", "Số ngày quá hạn"],
                  [[t["symbol"], ", ".join(t["localities"]), t["sentence"],
                    short_date(date.fromisoformat(t["due"])), str(t["days_overdue"])]
                   for t in data["overdue"]])
    else:
        out.paragraph("Không có nhiệm vụ quá hạn.")
    out.finish()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
