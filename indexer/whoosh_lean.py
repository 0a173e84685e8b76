"""Whoosh imported without two modules it never uses, for every process that searches.

``whoosh.compat`` imports ``urllib.request`` (for a download helper the index
never calls) and ``whoosh.reading`` imports the ``cached_property`` package,
which imports ``asyncio`` (for coroutine properties Whoosh has none of):
together 25 ms of every ``vanthu search`` on an idle machine, twice that on a
busy one. While those two Whoosh modules are imported here, each name is given
a stand-in that behaves the same for what Whoosh takes from it; the stand-ins
are then taken out of ``sys.modules``, so that any later import (the web
service's, a test's) gets the real modules. ``indexer.engine`` imports this
module before any other part of Whoosh.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    """The real ``urllib.request.urlretrieve``, imported only if it is ever called."""
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def _stand_in(name: str, **attributes: Any) -> types.ModuleType:
    module = types.ModuleType(name, "A stand-in while Whoosh is imported (indexer/whoosh_lean.py).")
    module.__dict__.update(attributes)
    return module


@contextmanager
def _stand_ins() -> Iterator[None]:
    # functools.cached_property: for a plain method (Whoosh's one use, a reader's deleted
    # documents), the same as the package's: computed once, kept in the instance's __dict__.
    stand_ins = {"urllib.request": _stand_in("urllib.request", urlretrieve=_urlretrieve),
                 "cached_property": _stand_in("cached_property", cached_property=cached_property)}
    added = [name for name in stand_ins if name not in sys.modules]
    for name in added:
        sys.modules[name] = stand_ins[name]
    try:
        yield
    finally:
        for name in added:
            if sys.modules.get(name) is stand_ins[name]:
                del sys.modules[name]


with _stand_ins():
    # the codec: what opening an index unpickles (every search needs it)
    import whoosh.codec.whoosh3
    import whoosh.compat
    import whoosh.reading  # noqa: F401
