"""The office's own failures, which both shells turn into their answers (a 404, a CLI error)."""

from __future__ import annotations

from docgen.errors import NotFound, VanthuError

__all__ = ["Ambiguous", "NotFound"]  # NotFound stands in the library, whose books raise it too


class Ambiguous(VanthuError):
    """A key that names several documents."""
