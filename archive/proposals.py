"""What OCR reads is a proposal until it is sure: confidences per field, and the fields a clerk confirms.

Tesseract gives each word a confidence (0-100). A field read from a scan takes the lowest confidence
of its words; it is a fact only above the threshold (``ocr_confidence``) and when it is consistent
(a real day of its month, not in the future; a number fitting its symbol's form). The number and the
day of a scan are written by hand after the signing as often as not, and OCR misreads handwriting
confidently (``384`` for ``981`` at 93), so they must clear a far higher bar
(``ocr_handwriting_confidence``). A proposal is kept apart from the facts (``proposed``), so that it
files nothing: no symbol column, no duplicate check, no register link, until a clerk confirms it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from archive.limits import Limits
from archive.metadata import Metadata
from archive.ocr import Word
from docgen.secrecy import strongest_mark
from docgen.text import fold

REVIEWED = ("symbol", "date", "kind", "subject", "signer", "issuer", "signer_title", "authority")
HANDWRITTEN = ("symbol", "date")  # the number and the day
# The fields whose confidence was earned on real scans (bench/bench_real.py: the state's 1-bit scans, the
# provinces' colour ones, old scans of a university): a kind read from its title (a closed vocabulary) was
# right every time it cleared the bar. A subject, an issuer, a signer's title cleared it while wrong by a
# diacritic or a line (``phòng thì`` for ``phòng thi``, ``KT. CHỦ TỊCH`` without ``PHÓ CHỦ TỊCH``), so
# every other value OCR reads is a proposal a clerk confirms, however sure Tesseract is.
EARNED = ("kind",)
_TOKEN = re.compile(r"\w+")


def _tokens(value: str) -> list[str]:
    return [fold(token) for token in _TOKEN.findall(value)]


def _word_tokens(lines: list[list[Word]]) -> list[tuple[str, float]]:
    return [(token, word.conf) for line in lines for word in line for token in _tokens(word.text)]


def _confidence(wanted: list[str], read: list[tuple[str, float]]) -> float:
    """The lowest confidence of the words ``wanted`` in reading order; a word OCR did not give is 0."""
    lowest, start = 100.0, 0
    for token in wanted:
        for index in range(start, len(read)):
            if read[index][0] == token:
                lowest, start = min(lowest, read[index][1]), index + 1
                break
        else:
            return 0.0
    return round(lowest, 1)


def _evidence(meta: Metadata, name: str) -> list[str]:
    """The words on the page a field was read from (the date's as printed: day, month, year)."""
    if name == "date":
        day = date.fromisoformat(meta.date)
        return [str(day.day), str(day.month), str(day.year)]
    if name == "kind":
        if meta.kind == "CV" and meta.subject.lower().startswith("v/v"):
            return _tokens("V/v")  # a state's Công văn has no title: its ``V/v`` names the kind
        return _tokens(meta.kind_name) if meta.layout == "state" or not meta.symbol else _tokens(meta.kind)
    return _tokens(str(getattr(meta, name)))


def inconsistent(meta: Metadata, name: str, today: date | None = None) -> str:
    """Why a value cannot be so, or ``""``."""
    today = today or date.today()
    if name == "date":
        day = date.fromisoformat(meta.date)
        if day > today or day.year < 1945:
            return f"ngày {day:%d/%m/%Y} không thể là ngày ban hành"
    if name == "symbol":
        year = re.match(r"\d+/(\d{4})/", meta.symbol)
        if year and meta.date and year[1] != meta.date[:4]:
            return f"năm trong số, ký hiệu ({year[1]}) khác năm ban hành"
        if meta.number is not None and not 0 < meta.number < 100_000:
            return "số không đúng dạng"
    return ""


def _doubt(confidence: float, bar: float) -> str:
    """Why a value read by OCR is only proposed, as a clerk reads it (not «0 < 98»)."""
    if confidence <= 0:
        return "nhận dạng chữ không chắc chắn (số và ngày thường viết tay); đối chiếu với bản quét"
    return f"nhận dạng chữ chưa đủ chắc chắn (độ tin cậy {confidence:g}/100, cần {bar:g}); đối chiếu với bản quét"


def judge(meta: Metadata, lines: list[list[Word]], limits: Limits,
          only: tuple[str, ...] = REVIEWED) -> dict[str, Any]:
    """The record keys of a scan's fields: ``confidence``, ``proposed`` and ``needs_review``;
    ``meta`` keeps its facts only (a proposed field is emptied there). ``only``: the fields OCR read,
    where the rest of the page has a text layer of its own (a number stamped as a picture)."""
    read = _word_tokens(lines)
    confidence, proposed = {}, {}
    for name in only:
        value = getattr(meta, name)
        if not value:
            continue
        conf = _confidence(_evidence(meta, name), read)
        confidence[name] = conf
        bar = limits.ocr_handwriting_confidence if name in HANDWRITTEN else limits.ocr_confidence
        reason = ("chữ số đọc không rõ, đoán" if name in meta.guessed else "") or inconsistent(meta, name) or (
            _doubt(conf, bar) if conf < bar else "") or (
            "" if name in EARNED else "đọc từ bản quét: cần xác nhận")
        if reason:
            proposed[name] = {"value": value, "confidence": conf, "reason": reason}
            setattr(meta, name, "")
    if "symbol" in proposed:
        proposed["symbol"]["number"] = meta.number
        meta.number = None
    if only == REVIEWED and not strongest_mark(meta.marks):  # OCR may have missed the stamp: MẬT until a clerk says
        proposed["secrecy"] = {"value": "", "confidence": 0.0, "reason": "bản quét: chưa xác định độ mật"}
    return {"confidence": confidence, "proposed": proposed, "needs_review": list(proposed)}


def not_judged() -> dict[str, Any]:
    """The same keys for a file with its own text layer: nothing to confirm."""
    return {"confidence": {}, "proposed": {}, "needs_review": []}
