"""A faster reader of PDF hex strings for pyHanko's parser.

A signature's ``/Contents`` is a hex string of 16–32 KB. pyHanko 0.38 reads hex strings one byte at a
time through a generator (``pyhanko.pdf_utils.generic.read_hex_string_from_stream``), and it reads
each signature's contents twice (once to list the signatures, once more in the diff analysis of the
revision that added the next one): with two signatures that is about a third of the time of a check.
This reader finds the closing ``>`` with one ``find`` and decodes with ``binascii``, giving the same
object; anything unusual (a ``%`` comment, a missing ``>``, a character that is not a hex digit) is
handed back to pyHanko's own reader, so its behaviour and its errors stay pyHanko's.
"""

from __future__ import annotations

import binascii
import os
from typing import Any

from pyhanko.pdf_utils import generic

_WHITESPACE = b" \n\r\t\f\x00"
_CHUNK = 64 * 1024
_pyhanko_reader = generic.read_hex_string_from_stream


def _until_closing(stream: Any) -> bytes | None:
    """The bytes between ``<`` and ``>``, the stream left after ``>``; None (and the stream back) if absent."""
    start = stream.tell()
    parts = []
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            stream.seek(start, os.SEEK_SET)
            return None
        end = chunk.find(b">")
        if end >= 0:
            parts.append(chunk[:end])
            stream.seek(start + sum(len(p) for p in parts) + 1, os.SEEK_SET)
            return b"".join(parts)
        parts.append(chunk)


def read_hex_string(stream: Any) -> generic.ByteStringObject | generic.TextStringObject:
    """Drop-in for pyHanko's reader; the stream stands on the opening ``<``."""
    opening = stream.tell()
    stream.read(1)
    digits = _until_closing(stream)
    if digits is not None:
        digits = digits.translate(None, _WHITESPACE)
        if not digits.translate(None, generic.HEX_DIGITS):
            if len(digits) % 2:
                digits += b"0"
            return generic.pdf_string(binascii.unhexlify(digits))
    stream.seek(opening, os.SEEK_SET)
    return _pyhanko_reader(stream)


def install() -> None:
    """Make pyHanko's object parser use this reader (it looks the function up in its module)."""
    generic.read_hex_string_from_stream = read_hex_string
