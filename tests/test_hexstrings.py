"""The fast hex-string reader gives pyHanko's parser the same objects, and the same errors, as its own."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.generic import read_object
from pyhanko.pdf_utils.misc import PdfReadError

from archive import hexstrings

SAMPLES = [b"<48656C6C6F> 1", b"<48 65\n6c\r\n6C 6f>/Next", b"<4>", b"<>", b"<" + b"00" * 20000 + b">",
           b"<FEFF00540069006E0068>", b"[<0102> <0304>]"]


def _parse(data: bytes, reader) -> tuple[object, int]:
    original = hexstrings.generic.read_hex_string_from_stream
    hexstrings.generic.read_hex_string_from_stream = reader
    try:
        stream = io.BytesIO(data)
        return read_object(stream, None), stream.tell()
    finally:
        hexstrings.generic.read_hex_string_from_stream = original


@pytest.mark.parametrize("data", SAMPLES)
def test_same_object_and_position_as_pyhanko(data):
    fast, fast_at = _parse(data, hexstrings.read_hex_string)
    slow, slow_at = _parse(data, hexstrings._pyhanko_reader)
    assert (fast, type(fast), fast_at) == (slow, type(slow), slow_at)


@pytest.mark.parametrize("data", [b"<48656G>", b"<4865", b"<48 % comment\n65>"])
def test_unusual_strings_are_left_to_pyhanko(data):
    try:
        expected = _parse(data, hexstrings._pyhanko_reader)
    except PdfReadError as error:
        with pytest.raises(type(error)):
            _parse(data, hexstrings.read_hex_string)
    else:
        assert _parse(data, hexstrings.read_hex_string) == expected
