"""Plain exceptions of the document library.

The library never talks to the terminal: it raises these, with a message a
clerk can read (Vietnamese, naming the file and the field), and the CLI decides
how to show them and which exit code they get.
"""

from __future__ import annotations

from pathlib import Path


class VanthuError(Exception):
    """Base of every error vanthu reports to its user."""


class InvalidInput(VanthuError):
    """Input a user gave (a data file, an option, the profile) cannot be used.

    Carries the file and the field so that the message can point at them.
    """

    def __init__(self, message: str, *, file: Path | str | None = None, field: str | None = None):
        self.file = str(file) if file is not None else None
        self.field = field
        self.reason = message
        parts = []
        if self.file:
            parts.append(f"Tệp {self.file}")
        if field:
            parts.append(f"trường «{field}»")
        prefix = ", ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class InvalidFields(InvalidInput):
    """Several fields of one mapping are wrong at once (a form shows each beside its field): ``problems``
    maps each field to its reason, in the order a clerk reads them; the message names them all."""

    def __init__(self, problems: dict[str, str], *, file: Path | str | None = None):
        (field, reason), *others = problems.items()
        super().__init__(reason, file=file, field=field)
        self.problems = dict(problems)
        if others:
            said = "; ".join(f"trường «{name}»: {why}" for name, why in problems.items())
            self.args = (f"Tệp {self.file}: {said}" if self.file else said,)


class NotFound(VanthuError):
    """What was asked for does not exist for this reader (a secret one they may not read is not found
    either): a 404 on the web."""


class RegisterError(VanthuError):
    """The register refuses an operation (unknown symbol, number already used...)."""


class ConverterMissing(VanthuError):
    """LibreOffice is not installed, so no PDF can be made."""


class ConversionFailed(VanthuError):
    """LibreOffice ran but did not produce the PDF."""


class WarmConverterUnavailable(VanthuError):
    """The long-lived LibreOffice (unoserver) could not be started; the cold path is used instead."""
