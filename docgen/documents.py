"""A document to generate: read from a clerk's data file and checked before anything is spent.

Every check happens here, before a number is allocated, so that a bad file
costs nothing: no number, no half-written DOCX.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from docgen.dates import parse_date
from docgen.errors import InvalidFields, InvalidInput
from docgen.kinds import Kind
from docgen.profile import Body, Profile, Signer
from docgen.secrecy import SECRECY, URGENCY, canonical_mark
from docgen.text import guessed, number, printable

# The fields each kind's layout requires, beside ``subject`` (a Quy chế needs chapters or articles).
REQUIRED = {"letter": ("to", "body"), "decision": ("bases", "articles"), "submission": ("to", "body"),
            "minutes": ("body", "recorder", "signer"), "rules": (), "authored": ("body",), "plain": ("body",)}
KNOWN_KEYS = {
    "subject", "to", "body", "bases", "proposer", "articles", "recipients",
    "signer", "date", "secrecy", "urgency", "body_code", "author", "preamble", "chapters", "recorder",
}  # fmt: skip


@dataclass(frozen=True)
class Article:
    """``Điều N. title`` and its clauses (a Quy chế's, a Quy định's)."""

    title: str
    text: str


@dataclass(frozen=True)
class Chapter:
    """``Chương I`` and its name; a Quy chế without chapters has one with no title."""

    title: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Document:
    kind: Kind
    issuer: Body
    subject: str
    signer: Signer
    date: date | None = None
    to: tuple[str, ...] = ()
    text: str = ""
    bases: tuple[str, ...] = ()
    proposer: str = ""
    articles: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    secrecy: str = ""
    urgency: str = ""
    source: str = ""
    notes: tuple[str, ...] = ()  # what a clerk should know before it is issued (a default taken…)
    author: str = ""  # Nghị quyết, Kết luận, Chỉ thị: «của Ban Thường vụ Tỉnh ủy» under the kind's name
    preamble: str = ""  # Quy chế, Quy định: the sentence that enacts it, after the căn cứ
    chapters: tuple[Chapter, ...] = ()
    recorder: Signer | None = None  # Biên bản: who kept the minutes (the left signature)


# The most each field may hold, in characters (a list's: each line): never cut, refused with the limit named.
# A trích yếu is a line or two of the header, a name or a recipient a line, a body some eighty pages
# (``LONG_DOCUMENT_PAGES`` warns at twenty); more is a paste gone wrong.
MAX_SUBJECT = 500
MAX_LENGTHS = {"subject": MAX_SUBJECT, "author": 300, "to": 500, "bases": 1_000, "proposer": 500, "articles": 20_000,
               "preamble": 2_000, "body": 200_000, "recipients": 500, "date": 40, "body_code": 40}
MAX_NAME = 200  # a signer's or a recorder's authority, title, name
MAX_CHAPTER_TEXT = 20_000  # an article of a Quy chế; its title and its chapter's, ``MAX_SUBJECT``
# The fields in the order a form shows them, for the problems of a mapping to be said in that order.
FIELD_ORDER = ("subject", "author", "to", "bases", "proposer", "articles", "preamble", "chapters", "body", "recorder",
               "signer", "recipients", "body_code", "secrecy", "urgency", "date")
# A draft's fields that are its content (the form's selects send a body, a signer, marks whatever is typed).
CONTENT_KEYS = ("subject", "author", "to", "bases", "proposer", "articles", "preamble", "chapters", "body",
                "recorder", "recipients")
MAX_DAYS_AHEAD = 30

# A body longer than this many pages (at about 2,500 characters a page, a line break counting as
# a short line) is most likely a wrong file or a paste gone wrong: the clerk is warned.
LONG_DOCUMENT_PAGES = 20
_PAGE_CHARACTERS = 2500
_LINE_CHARACTERS = 60


def estimated_pages(text: str) -> int:
    return round((len(text) + _LINE_CHARACTERS * text.count("\n")) / _PAGE_CHARACTERS) + 1


class _DataLoader(yaml.SafeLoader):
    """YAML's safe loader without its timestamps: ``date: 2026-02-31`` stays text, so that every
    date, impossible or not, is judged by ``parse_date`` and gets its clean message (YAML's own
    conversion raises a bare ValueError for it)."""


_DataLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _tabs(text: str) -> str:
    """The message for a file indented with tabs, which YAML refuses: where they are."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if "\t" in line[:len(line) - len(line.lstrip())]]
    if not lines:
        return ""
    shown = ", ".join(str(n) for n in lines[:5]) + ("…" if len(lines) > 5 else "")
    return (f"có ký tự Tab ở đầu dòng {shown}; YAML không cho phép thụt dòng bằng Tab, "
            "hãy thay bằng dấu cách")


_EMPTY = "tệp rỗng: chưa có nội dung nào (cần các cặp «khóa: giá trị», ví dụ «subject: …»)"


def read_data_file(path: Path) -> dict[str, Any]:
    """A data file as a mapping: YAML, or JSON (which YAML also reads)."""
    try:
        text = path.read_text("utf-8-sig")  # Notepad's UTF-8 begins with a BOM, which JSON refuses
    except FileNotFoundError as exc:
        raise InvalidInput("không tìm thấy tệp dữ liệu", file=path) from exc
    except UnicodeDecodeError as exc:
        raise InvalidInput("tệp không phải bảng mã UTF-8 (có thể là Windows-1258 hoặc TCVN3); mở tệp "
                           "và lưu lại với bảng mã UTF-8 (Unicode)", file=path) from exc
    except OSError as exc:
        raise InvalidInput(f"không đọc được tệp dữ liệu ({exc.strerror})", file=path) from exc
    if not text.strip():  # JSON would call nothing «a syntax error at line 1»
        raise InvalidInput(_EMPTY, file=path)
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, Loader=_DataLoader)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"cú pháp sai ở dòng {exc.lineno}, cột {exc.colno}", file=path) from exc
    except yaml.YAMLError as exc:
        raise InvalidInput(_tabs(text) or _yaml_problem(exc, text), file=path) from exc
    if data is None or data == "":  # comments only
        raise InvalidInput(_EMPTY, file=path)
    if not isinstance(data, dict):
        raise InvalidInput("tệp dữ liệu phải là các cặp «khóa: giá trị»", file=path)
    return data


def _yaml_problem(exc: yaml.YAMLError, text: str) -> str:
    """What is wrong in a YAML file, and where, as a clerk can put it right (PyYAML says it in English:
    «while scanning a quoted scalar … found unexpected end of stream»)."""
    context, problem = getattr(exc, "context", None) or "", getattr(exc, "problem", None) or ""
    start, mark = getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)

    def at(where) -> str:
        return f"dòng {where.line + 1}, cột {where.column + 1}"

    lines = text.splitlines()
    opened = lines[start.line][start.column:start.column + 1] if start and start.line < len(lines) else ""
    closing = {"\"": "\"", "'": "'", "[": "]", "{": "}"}.get(opened, "")
    if start and closing and ("quoted scalar" in context or "flow" in context):
        return f"cú pháp sai: dấu «{opened}» mở ở {at(start)} chưa được đóng (thiếu dấu «{closing}»)"
    if mark and "mapping values are not allowed" in problem:
        return (f"cú pháp sai ở {at(mark)}: dấu «:» không đúng chỗ (mỗi khóa bắt đầu ở đầu dòng; giá trị "
                "có dấu hai chấm phải đặt trong ngoặc kép)")
    if start and "could not find expected ':'" in problem:
        return f"cú pháp sai ở dòng {start.line + 1}: thiếu dấu «:» sau khóa"
    if mark and "expected <block end>" in problem:
        return (f"cú pháp sai ở {at(mark)}: thụt dòng không đều, hoặc có chữ thừa sau một giá trị "
                "trong ngoặc kép")
    return f"cú pháp sai ở {at(mark)}" if mark else "cú pháp sai"


def _text(value: Any, field: str, source: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidInput("phải là một đoạn văn bản", file=source, field=field)
    return printable(str(value)).strip()


def _lines(value: Any, field: str, source: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    lines = tuple(_text(item, f"{field}[{i + 1}]", source) for i, item in enumerate(items))
    return tuple(line for line in lines if line)


def _signer(value: Any, profile: Profile, issuer: Body, source: str, *, field: str = "signer",
            title: str = "") -> Signer:
    """A signer by key, or written out (``title`` is the default title: a Biên bản's chair, its recorder)."""
    if value is None:  # the body's default signer; ``_notes`` tells the clerk which one it was
        return profile.signer(issuer.signer, file=source)
    if isinstance(value, dict):
        parts = {k: _text(value.get(k, ""), f"{field}.{k}", source) for k in ("authority", "title", "name")}
        parts["title"] = parts["title"] or title
        for key in ("title", "name"):
            if not parts[key]:
                raise InvalidInput("thiếu giá trị", file=source, field=f"{field}.{key}")
        return Signer(parts["authority"].upper(), parts["title"].upper(), parts["name"])
    return profile.signer(_text(value, field, source), file=source)


def _article(value: Any, field: str, source: str) -> Article:
    if isinstance(value, dict):
        unknown = [str(k) for k in value if k not in ("title", "body")]
        if unknown:
            raise InvalidInput(f"khóa không được hỗ trợ: «{unknown[0]}» (các khóa: title, body)", file=source,
                               field=f"{field}.{unknown[0]}")
        article = Article(_text(value.get("title", ""), f"{field}.title", source),
                          _text(value.get("body", ""), f"{field}.body", source))
    else:
        article = Article("", _text(value, field, source))
    if not article.title and not article.text:
        raise InvalidInput("điều không có tên và nội dung", file=source, field=field)
    return article


def _articles(value: Any, field: str, source: str) -> tuple[Article, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or value in (None, ""):
        raise InvalidInput("thiếu các điều", file=source, field=field)
    return tuple(_article(item, f"{field}[{i + 1}]", source) for i, item in enumerate(items))


def _chapters(data: dict[str, Any], source: str) -> tuple[Chapter, ...]:
    """A Quy chế's chapters (``chapters``: title and articles each), or its articles alone."""
    if data.get("chapters") and data.get("articles"):
        raise InvalidInput("ghi các điều trong từng chương (chapters) hoặc không chia chương (articles), không "
                           "ghi cả hai", file=source, field="articles")
    if data.get("articles"):
        return (Chapter("", _articles(data["articles"], "articles", source)),)
    chapters = data.get("chapters")
    if not isinstance(chapters, list) or not chapters:
        raise InvalidInput("Quy chế, Quy định cần các chương hoặc các điều", file=source, field="chapters")
    found = []
    for i, chapter in enumerate(chapters, start=1):
        field = f"chapters[{i}]"
        if not isinstance(chapter, dict):
            raise InvalidInput("mỗi chương có «title» và «articles»", file=source, field=field)
        found.append(Chapter(_text(chapter.get("title", ""), f"{field}.title", source),
                             _articles(chapter.get("articles"), f"{field}.articles", source)))
    return tuple(found)


def _check_keys(data: dict[str, Any], kind: Kind, source: str, term_start: date | None = None) -> None:
    unknown = [str(k) for k in data if k not in KNOWN_KEYS]
    if unknown:
        raise InvalidInput(f"khóa không được hỗ trợ: {'; '.join(guessed(key, KNOWN_KEYS) for key in unknown)} "
                           f"(các khóa: {', '.join(sorted(KNOWN_KEYS))})", file=source, field=unknown[0])
    problems = field_problems(data, kind, term_start)
    if problems:
        raise InvalidFields(problems, file=source)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def field_problems(data: dict[str, Any], kind: Kind, term_start: date | None = None) -> dict[str, str]:
    """Every field the kind needs and the mapping leaves empty, every one longer than it may be, and a date
    that cannot be the document's (``date_problem``): all at once, in the form's order (the drafting form
    shows each beside its field, a data file's message lists them)."""
    problems = {key: f"thiếu nội dung bắt buộc đối với {kind.name}"
                for key in ("subject", *REQUIRED.get(kind.layout, ())) if _empty(data.get(key))}
    if kind.layout == "rules" and _empty(data.get("chapters")) and _empty(data.get("articles")):
        problems["chapters"] = f"{kind.name} cần các chương hoặc các điều"
    return in_form_order(problems | draft_problems(data, term_start))


def draft_problems(data: dict[str, Any], term_start: date | None = None) -> dict[str, str]:
    """What even a draft may not hold, which issuing would refuse whatever is added later: a field longer
    than it may be, a date that cannot be the document's."""
    problems = too_long(data)
    if "date" not in problems and date_problem(data.get("date"), term_start):
        problems["date"] = date_problem(data.get("date"), term_start)
    return in_form_order(problems)


def in_form_order(problems: dict[str, str]) -> dict[str, str]:
    return {key: problems[key] for key in sorted(problems, key=lambda k: FIELD_ORDER.index(k)
                                                 if k in FIELD_ORDER else len(FIELD_ORDER))}


def has_content(data: dict[str, Any]) -> bool:
    """Whether a draft holds anything written (a chair's name typed in counts; a signer chosen does not)."""
    return any(not _empty(data.get(key)) for key in CONTENT_KEYS) or isinstance(data.get("signer"), dict)


def _too_long(text: Any, limit: int, where: str = "") -> str:
    if not isinstance(text, str) or len(text.strip()) <= limit:
        return ""
    return f"{where}dài {number(len(text.strip()))} ký tự; tối đa {number(limit)} ký tự"


def too_long(data: dict[str, Any]) -> dict[str, str]:
    """Each field holding more than it may, with its length and its limit (``MAX_LENGTHS``): refused, never cut."""
    found: dict[str, str] = {}
    for key, limit in MAX_LENGTHS.items():
        value = data.get(key)
        items = value if isinstance(value, list) else [value]
        said = [_too_long(item, limit, f"dòng {n}: " if isinstance(value, list) and len(items) > 1 else "")
                for n, item in enumerate(items, start=1)]
        if any(said):
            found[key] = next(s for s in said if s) + (" một dòng" if isinstance(value, list) else "")
    for key in ("signer", "recorder"):
        value = data.get(key)
        said = [_too_long(v, MAX_NAME) for v in (value.values() if isinstance(value, dict) else [value])]
        if any(said):
            found[key] = next(s for s in said if s)
    chapters = data.get("chapters")
    for c, chapter in enumerate(chapters if isinstance(chapters, list) else [], start=1):
        articles = chapter.get("articles") if isinstance(chapter, dict) else None
        said = [_too_long(chapter.get("title") if isinstance(chapter, dict) else "", MAX_SUBJECT, f"tên chương {c}: ")]
        for a, article in enumerate(articles if isinstance(articles, list) else [], start=1):
            if isinstance(article, dict):
                said += [_too_long(article.get("title"), MAX_SUBJECT, f"tên điều {a} của chương {c}: "),
                         _too_long(article.get("body"), MAX_CHAPTER_TEXT, f"nội dung điều {a} của chương {c}: ")]
        if any(said):
            found["chapters"] = next(s for s in said if s)
            break
    return found


def outline_chapters(text: str) -> list[dict[str, Any]]:
    """A Quy chế typed in one box (the drafting form): ``Chương: name`` starts a chapter, ``Điều: name`` an
    article, every other line is the article's text; the same mapping as a data file's ``chapters``."""
    chapters: list[dict[str, Any]] = []
    for raw in text.splitlines():
        line = raw.strip()
        head, _colon, rest = line.partition(":")
        if head.casefold() == "chương":
            chapters.append({"title": rest.strip(), "articles": []})
        elif head.casefold() == "điều":
            if not chapters:
                chapters.append({"title": "", "articles": []})
            chapters[-1]["articles"].append({"title": rest.strip(), "body": ""})
        elif chapters and chapters[-1]["articles"]:
            article = chapters[-1]["articles"][-1]
            article["body"] = f"{article['body']}\n{line}" if article["body"] or line else ""
    for chapter in chapters:
        for article in chapter["articles"]:
            article["body"] = article["body"].strip()
    return chapters


def outline_text(chapters: list[dict[str, Any]]) -> str:
    """``outline_chapters`` backwards: what the form's box shows for saved chapters."""
    lines = []
    for chapter in chapters:
        if chapter.get("title"):
            lines.append(f"Chương: {chapter['title']}")
        for article in chapter.get("articles", []):
            lines += [f"Điều: {article.get('title', '')}", *str(article.get("body", "")).splitlines()]
    return "\n".join(lines)


def _notes(data: dict[str, Any], issuer: Body, signer: Signer, text: str) -> tuple[str, ...]:
    notes = []
    if data.get("signer") is None:
        who = " ".join(part for part in (signer.authority, signer.title, signer.name) if part)
        notes.append(f"không ghi «signer»: dùng người ký mặc định của {issuer.code} "
                     f"(khóa {issuer.signer}): {who}")
    pages = estimated_pages(text)
    if pages > LONG_DOCUMENT_PAGES:
        notes.append(f"nội dung dài khoảng {pages} trang (quá {LONG_DOCUMENT_PAGES} trang); "
                     "kiểm tra lại tệp dữ liệu trước khi phát hành")
    return tuple(notes)


def date_problem(value: Any, term_start: date | None = None) -> str:
    """Why ``value`` cannot be a document's date ("" when it can, or is not given): not a day of the
    calendar (31/02/2026), before the term (``term_start``, when known), or further ahead than
    ``MAX_DAYS_AHEAD`` (a typo such as 2099 would spend a number on a document nobody can date)."""
    if _empty(value):
        return ""
    try:
        doc_date = parse_date(value)
    except ValueError as exc:
        return str(exc)
    if term_start is not None and doc_date < term_start:
        return f"ngày {doc_date:%d/%m/%Y} trước ngày bắt đầu nhiệm kỳ ({term_start:%d/%m/%Y})"
    latest = date.today() + timedelta(days=MAX_DAYS_AHEAD)
    if doc_date > latest:
        return (f"ngày {doc_date:%d/%m/%Y} quá xa trong tương lai; ngày văn bản không được muộn hơn "
                f"hôm nay quá {MAX_DAYS_AHEAD} ngày (chậm nhất {latest:%d/%m/%Y})")
    return ""


def _document_date(value: Any, profile: Profile, source: str) -> date | None:
    """The document's date, if given (``field_problems`` has refused one that cannot be)."""
    problem = date_problem(value, profile.term_start)
    if problem:
        raise InvalidInput(problem, file=source, field="date")
    return None if _empty(value) else parse_date(value)


def build_document(data: dict[str, Any], kind: Kind, profile: Profile, source: str) -> Document:
    """Check a data mapping against the kind and the profile; raise InvalidInput on the first fault (every
    field's own problems at once: ``field_problems``)."""
    _check_keys(data, kind, source, profile.term_start)
    issuer = profile.body(data.get("body_code") and _text(data["body_code"], "body_code", source),
                          file=source)
    get = data.get
    minutes = kind.layout == "minutes"
    signer = _signer(get("signer"), profile, issuer, source, title="CHỦ TRÌ HỘI NGHỊ" if minutes else "")
    text = _text(get("body", ""), "body", source)
    articles = _lines(get("articles", []), "articles", source) if kind.layout != "rules" else ()
    return Document(
        kind=kind,
        issuer=issuer,
        subject=_text(get("subject"), "subject", source),
        signer=signer,
        date=_document_date(get("date"), profile, source),
        to=_lines(get("to", []), "to", source),
        text=text,
        bases=_lines(get("bases", []), "bases", source),
        proposer=_text(get("proposer", ""), "proposer", source),
        articles=articles,
        recipients=_lines(get("recipients", []), "recipients", source),
        secrecy=canonical_mark(get("secrecy"), SECRECY, "secrecy", source),
        urgency=canonical_mark(get("urgency"), URGENCY, "urgency", source),
        source=source,
        notes=_notes(data, issuer, signer, text),
        author=_text(get("author", ""), "author", source),
        preamble=_text(get("preamble", ""), "preamble", source),
        chapters=_chapters(data, source) if kind.layout == "rules" else (),
        recorder=_signer(get("recorder"), profile, issuer, source, field="recorder",
                         title="NGƯỜI GHI BIÊN BẢN") if minutes else None,
    )


def load_document(path: Path, kind: Kind, profile: Profile) -> Document:
    return build_document(read_data_file(path), kind, profile, str(path))
