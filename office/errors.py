"""The office's own failures, which both shells turn into their answers (a 404, a CLI error)."""

from __future__ import annotations

from docgen.errors import VanthuError


class NotFound(VanthuError):
    """No such document for this viewer (a secret one they may not read is not found either)."""


class Ambiguous(VanthuError):
    """A key that names several documents."""
