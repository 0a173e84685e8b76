"""The little markup clerks type in a data file's ``body``.

Blank lines separate paragraphs, a line starting ``- `` is a bullet paragraph of
its own, ``**bold**`` and ``*italic*`` mark runs. Nothing else is markup: every
other character, ``&``, ``<`` and ``{{`` included, is text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_EMPHASIS = re.compile(r"(\*\*\*.+?\*\*\*|\*\*.+?\*\*|\*[^*\s](?:.*?[^*\s])?\*)")


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Paragraph:
    runs: list[Run] = field(default_factory=list)
    bullet: bool = False

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


def parse_runs(text: str) -> list[Run]:
    """Split one paragraph's text into plain, bold and italic runs."""
    runs = []
    for piece in _EMPHASIS.split(text):
        if not piece:
            continue
        if piece.startswith("***") and piece.endswith("***") and len(piece) > 6:
            runs.append(Run(piece[3:-3], bold=True, italic=True))
        elif piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
            runs.append(Run(piece[2:-2], bold=True))
        elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
            runs.append(Run(piece[1:-1], italic=True))
        else:
            runs.append(Run(piece))
    return runs


def parse_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of a body text; a bullet keeps its ``- `` as the documents print it."""
    blocks: list[tuple[list[str], bool]] = []
    current: list[str] | None = None
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            current = None
        elif line.startswith("- ") or current is None:
            current = [line]
            blocks.append((current, line.startswith("- ")))
        else:
            current.append(line)
    return [Paragraph(parse_runs(" ".join(lines)), bullet) for lines, bullet in blocks]
