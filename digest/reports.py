"""The teams' weekly quick reports (báo cáo nhanh), kept as files in the workspace's ``reports/``.

Each report is ``reports/<week>/to-<NN>.json`` beside a copy of what the team
sent (YAML, DOCX or PDF). A report after the week's deadline is accepted and
marked late; a second report for the same week replaces the first, which is kept
under ``reports/<week>/versions/``, as is a report withdrawn with ``remove``.

A report is as secret as the mark it carries (``MẬT`` on one of its first lines, ``do_mat`` in YAML)
or the mark its sender gives it, whichever is higher: for a reader below that level it does not
exist, in the weekly state, the digest and search alike (the team counts as not having reported).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import docx
from lxml import etree

from archive.limits import MB, Limits, number
from archive.reading import Rejected, read_pdf
from archive.worker import LimitedPool
from digest.weeks import Week
from docgen.documents import read_data_file
from docgen.errors import InvalidInput
from docgen.files import write_replacing
from docgen.secrecy import CONSOLE, SECRECY, Viewer, canonical_mark, marks_in, strongest_mark
from docgen.text import fold, nfc, printable
from indexer.gazetteer import Gazetteer

FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks of two machines may differ a little
SECTIONS = {"noi_bat": "Nổi bật", "kho_khan": "Khó khăn, vướng mắc", "kien_nghi": "Kiến nghị, đề xuất"}


@dataclass(frozen=True)
class UploadLimits:
    """What a team's upload may weigh: its size, and for a DOCX what it inflates to."""

    max_mb: int = 20
    inflated_mb: int = 100
    ratio: float = 100.0
    reading: Limits = field(default_factory=Limits)


# An XML part is parsed with no DTD loaded, no entity expanded and no network, and refused if it has a DTD.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _check_size(path: Path, limits: UploadLimits) -> None:
    size = path.stat().st_size
    if size > limits.max_mb * MB:
        raise InvalidInput(f"vượt giới hạn kích thước tệp báo cáo {limits.max_mb} MB "
                           f"(tệp {number(round(size / MB, 1))} MB)", file=path)


def _check_docx(path: Path, limits: UploadLimits) -> None:
    """Refuse a zip bomb (inflated total, ratio) and any XML part that declares a DTD or entities."""
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
            inflated = sum(member.file_size for member in members)
            if inflated > limits.inflated_mb * MB:
                raise InvalidInput(f"vượt giới hạn dung lượng giải nén {limits.inflated_mb} MB "
                                   f"(tệp DOCX giải nén ra {inflated // MB} MB)", file=path)
            if inflated > limits.ratio * max(path.stat().st_size, 1):
                raise InvalidInput(f"vượt giới hạn tỉ lệ nén {number(limits.ratio)} lần (có thể là "
                                   "«bom nén»)", file=path)
            for member in members:
                if member.filename.endswith((".xml", ".rels")):
                    _check_xml(package.read(member), member.filename, path)
    except zipfile.BadZipFile as exc:
        raise InvalidInput("không phải tệp DOCX hợp lệ (không mở được dạng nén ZIP của DOCX)", file=path) from exc


def _check_xml(data: bytes, part: str, path: Path) -> None:
    try:
        tree = etree.fromstring(data, _XML_PARSER).getroottree()
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"phần {part} không phải XML hợp lệ ({exc})", file=path) from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InvalidInput(f"phần {part} có khai báo DTD hoặc thực thể XML (có thể là tấn công XXE), "
                           "không đọc", file=path)


@dataclass
class ReportStatus:
    team: int
    status: str  # on_time | late | missing
    submitted_at: str = ""


def _items(value: Any, field: str, source: Path) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str | int | float) and not isinstance(item, bool) for item in items):
        raise InvalidInput("phải là một đoạn văn bản hoặc danh sách các đoạn", file=source, field=field)
    return [printable(str(item)).strip() for item in items if printable(str(item)).strip()]


def _from_yaml(path: Path, gazetteer: Gazetteer) -> dict[str, Any]:
    data = read_data_file(path)
    unknown = sorted(set(data) - set(SECTIONS) - {"localities", "do_mat"})
    if unknown:
        raise InvalidInput(f"khóa không được hỗ trợ (có: {', '.join([*SECTIONS, 'localities', 'do_mat'])})",
                           file=path, field=unknown[0])
    sections = {key: _items(data.get(key, []), key, path) for key in SECTIONS}
    if not any(sections.values()):
        raise InvalidInput("báo cáo trống: cần ít nhất một mục noi_bat, kho_khan hoặc kien_nghi",
                           file=path, field="noi_bat")
    codes = []
    for index, name in enumerate(_items(data.get("localities", []), "localities", path), start=1):
        try:
            codes.append(gazetteer.resolve(name).code)
        except InvalidInput as exc:
            raise InvalidInput(exc.reason, file=path, field=f"localities[{index}]") from exc
    text = "\n".join(f"{SECTIONS[k]}: {item}" for k, items in sections.items() for item in items)
    mark = canonical_mark(data.get("do_mat"), SECRECY, "do_mat", str(path))
    return {**sections, "localities": codes, "text": text, "marks": [mark] if mark else []}


def _pdf_text(path: Path, limits: Limits) -> str:
    """A PDF report is as untrusted as an inbox file: read in a limited worker."""
    with LimitedPool(1, limits) as pool:
        content = pool.run(read_pdf, path.read_bytes())
    if isinstance(content, Rejected):
        raise content
    return content.text


def _from_document(path: Path, gazetteer: Gazetteer, limits: UploadLimits) -> dict[str, Any]:
    try:
        if path.suffix.lower() == ".pdf":
            text = _pdf_text(path, limits.reading)
        else:
            _check_docx(path, limits)
            paragraphs = [nfc(p.text).strip() for p in docx.Document(str(path)).paragraphs]
            sections = docx_sections([p for p in paragraphs if p])
            text = "\n".join(paragraphs)
    except Rejected as exc:
        raise InvalidInput(exc.reason, file=path) from exc
    except (OSError, ValueError, KeyError) as exc:
        raise InvalidInput(f"không đọc được báo cáo ({exc})", file=path) from exc
    if not text.strip():
        raise InvalidInput("báo cáo không có nội dung đọc được", file=path)
    text = nfc(text)
    return {**{key: [] for key in SECTIONS}, **(sections if path.suffix.lower() == ".docx" else {}),
            "localities": [loc.code for loc in gazetteer.find(text)], "text": text,
            "marks": marks_in(text.splitlines()[:20])}


_NUMBERING = re.compile(r"^(?:[0-9]+|[IVX]+|[a-z])[.)]\s*", re.IGNORECASE)


def _section_of(paragraph: str) -> tuple[str, str] | None:
    """(section key, what follows the heading on its line) when a paragraph opens a section:
    «1. Nổi bật:», «Khó khăn, vướng mắc», «Kiến nghị: đề nghị …»; None for an ordinary paragraph."""
    head, colon, rest = _NUMBERING.sub("", paragraph).partition(":")
    words = re.findall(r"\w+", fold(head).lower())
    for key, label in SECTIONS.items():
        first = re.findall(r"\w+", fold(label).lower())[:2]  # «noi bat», «kho khan», «kien nghi»
        if words[:2] == first and (colon or len(words) <= 6):
            return key, rest.strip()
    return None


def docx_sections(paragraphs: list[str]) -> dict[str, list[str]]:
    """A DOCX report's paragraphs under its own headings (Nổi bật, Khó khăn, Kiến nghị), each
    paragraph one item; paragraphs under no heading are ``items``, kept in their order."""
    found: dict[str, list[str]] = {key: [] for key in (*SECTIONS, "items")}
    current = "items"
    for paragraph in paragraphs:
        heading = _section_of(paragraph)
        if heading:
            current = heading[0]
            found[current] += [heading[1]] if heading[1] else []
        else:
            found[current].append(paragraph)
    return found


class ReportBook:
    def __init__(self, folder: Path, gazetteer: Gazetteer, limits: UploadLimits | None = None):
        self.folder, self.gazetteer = folder, gazetteer
        self.limits = limits or UploadLimits()

    def _path(self, week: Week, team: int) -> Path:
        return self.folder / week.label / f"to-{team:02d}.json"

    def add(self, team: int, week: Week, source: Path, now: datetime, *, secrecy: str = "",
            viewer: Viewer = CONSOLE) -> dict[str, Any]:
        """Keep a team's report for its week, as secret as its own mark or the sender's ``secrecy``.
        A report already there is kept as a version (``replaced`` says when it had been received,
        if ``viewer``, who sends this one, may read it); localities of other teams are warned of."""
        declared = canonical_mark(secrecy, SECRECY, "--secrecy")
        own = self.gazetteer.team_localities(team)  # an unknown team is refused before anything is written
        if now > datetime.now() + FUTURE_TOLERANCE:
            raise InvalidInput(f"thời điểm nhận {now:%H:%M %d/%m/%Y} chưa tới", field="--received")
        if not source.is_file():
            raise InvalidInput("không tìm thấy tệp báo cáo", file=source)
        _check_size(source, self.limits)
        suffix = source.suffix.lower()
        if suffix in (".yaml", ".yml", ".json"):
            content = _from_yaml(source, self.gazetteer)
        else:
            content = _from_document(source, self.gazetteer, self.limits)
        marks = content.pop("marks")
        report = {"team": team, "week": week.label, "submitted_at": now.isoformat(timespec="seconds"),
                  "late": now >= week.deadline, "source": source.name, **content,
                  "secrecy": strongest_mark([declared, *marks])}
        report["warnings"] = self._foreign(team, own, content["localities"])
        target = self._path(week, team)
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = self._keep_version(target, "replaced")
        report["replaced"] = previous["submitted_at"] if previous and viewer.may_read(previous) else ""
        shutil.copyfile(source, target.with_name(f"{target.stem}{suffix}"))
        write_replacing(target, json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"))
        return report

    def _foreign(self, team: int, own: list, codes: list[str]) -> list[str]:
        mine = {loc.code for loc in own}
        warnings = []
        for code in codes:
            if code in mine or code not in self.gazetteer.by_code:
                continue
            teams = [t for t, members in self.gazetteer.teams.items() if code in members]
            whose = f" (địa bàn của Tổ {', '.join(map(str, teams))})" if teams else ""
            warnings.append(f"báo cáo của Tổ {team} nêu {self.gazetteer.by_code[code].full_name}{whose}, "
                            "không thuộc địa bàn của tổ")
        return warnings

    def _keep_version(self, target: Path, why: str) -> dict[str, Any] | None:
        """Move the current report of ``target`` (and its copy) under ``versions/``; return it."""
        if not target.is_file():
            return None
        previous = json.loads(target.read_text("utf-8"))
        versions = target.parent / "versions"
        versions.mkdir(exist_ok=True)
        number = len(list(versions.glob(f"{target.stem}.v*.json"))) + 1
        for path in target.parent.glob(f"{target.stem}.*"):
            if path != target:
                path.rename(versions / f"{target.stem}.v{number}{path.suffix}")
        kept = {**previous, "version_end": why, "version_end_at": datetime.now().isoformat(timespec="seconds")}
        write_replacing(versions / f"{target.stem}.v{number}.json",
                        json.dumps(kept, ensure_ascii=False, indent=1).encode("utf-8"))
        target.unlink()
        return previous

    def remove(self, week: Week, team: int) -> dict[str, Any]:
        """Withdraw a team's report for a week (kept under ``versions/``): the team is then
        counted as not having reported."""
        removed = self._keep_version(self._path(week, team), "removed")
        if removed is None:
            raise InvalidInput(f"Tổ {team} chưa có báo cáo tuần {week.label}", field="--team")
        return removed

    def versions(self, week: Week, team: int) -> list[dict[str, Any]]:
        folder = self._path(week, team).parent / "versions"
        return [json.loads(p.read_text("utf-8")) for p in sorted(folder.glob(f"to-{team:02d}.v*.json"))]

    def get(self, week: Week, team: int, viewer: Viewer = CONSOLE) -> dict[str, Any] | None:
        """The team's report of the week, if there is one ``viewer`` may read."""
        path = self._path(week, team)
        report = json.loads(path.read_text("utf-8")) if path.is_file() else None
        return report if report is not None and viewer.may_read(report) else None

    def all(self) -> list[dict[str, Any]]:
        return [json.loads(p.read_text("utf-8")) for p in sorted(self.folder.glob("*/to-*.json"))]

    def status(self, week: Week, viewer: Viewer = CONSOLE) -> list[ReportStatus]:
        statuses = []
        for team in sorted(self.gazetteer.teams):
            report = self.get(week, team, viewer)
            if report is None:
                statuses.append(ReportStatus(team, "missing"))
            else:
                statuses.append(ReportStatus(team, "late" if report["late"] else "on_time",
                                             report["submitted_at"]))
        return statuses


def index_record(report: dict[str, Any]) -> dict[str, Any]:
    """A report as the search index sees it: a Báo cáo whose sidecar is the report's JSON file."""
    week, team = report["week"], int(report["team"])
    return {"id": f"bc-{week}-{team:02d}", "sha256": "", "symbol": "", "kind": "BC", "body_code": "",
            "date": report["submitted_at"][:10], "signer": "", "signature": "",
            "subject": f"Báo cáo nhanh của Tổ theo dõi địa bàn số {team}, tuần {week}",
            "text": report["text"], "path": f"../reports/{week}/to-{team:02d}.pdf",
            "secrecy": report.get("secrecy", "")}
