"""Hostile PDFs, written byte by byte: what an attacker or a broken scanner could drop in the inbox."""

from __future__ import annotations

import zlib
from pathlib import Path

MB = 1024 * 1024


def assemble(objects: list[bytes], trailer: bytes = b"", xref_extra: bytes = b"") -> bytes:
    """A PDF from numbered object bodies (1 is the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1) + trailer + b">>\n"
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def _page_objects(content: bytes, *, compress: bool) -> list[bytes]:
    body = zlib.compress(content, 9) if compress else content
    filters = b"/Filter /FlateDecode " if compress else b""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d %s>>\nstream\n" % (len(body), filters) + body + b"\nendstream",
        font,
    ]


def inflate_bomb(inflated_mb: int) -> bytes:
    """One page whose content stream inflates from a few hundred KB to ``inflated_mb`` MB."""
    compressor = zlib.compressobj(9)
    chunk = b"0 0 m 1 1 l S\n" * (MB // 14)
    body = b"".join(compressor.compress(chunk) for _ in range(inflated_mb)) + compressor.flush()
    objects = _page_objects(b"", compress=False)
    objects[3] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"
    return assemble(objects)


def deep_nesting(depth: int) -> bytes:
    """A page whose annotation array nests ``depth`` arrays deep."""
    objects = _page_objects(b"BT /F1 12 Tf 72 720 Td (nested) Tj ET", compress=False)
    objects[2] = objects[2].replace(b"/Contents", b"/Annots " + b"[" * depth + b"]" * depth + b" /Contents")
    return assemble(objects)


def many_pages(pages: int) -> bytes:
    """``pages`` real pages sharing one content stream."""
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
               b"<< /Length 0 >>\nstream\n\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 3 0 R >>"
    return assemble(objects + [page] * pages)


def xref_loop() -> bytes:
    """A cross-reference table whose /Prev points at itself (an endless chain for a naive reader)."""
    base = assemble(_page_objects(b"BT /F1 12 Tf 72 720 Td (loop) Tj ET", compress=False))
    start = int(base.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    return base.replace(b"/Root 1 0 R ", b"/Root 1 0 R /Prev %d " % start)


def slow_text(operators: int, repeats: int = 12) -> bytes:
    """One page of ``operators`` one-letter lines, drawn ``repeats`` times (one stream, named again in the
    page's /Contents): small, valid, each stream under the stream limit, and slow to extract even for
    poppler. Poppler 22.12 reads 4 million such lines drawn 3 times in 1.4 s on a quiet machine, under
    a 2 s limit; drawn 12 times, 5.7 s, so that a faster machine still breaks the tests' limits."""
    content = b"BT /F1 1 Tf 1 TL " + b"(a)'" * operators + b" ET"
    objects = _page_objects(content, compress=True)
    objects[2] = objects[2].replace(b"/Contents 4 0 R", b"/Contents [" + b"4 0 R " * repeats + b"]")
    return assemble(objects)


def sparse_file(path: Path, size_mb: int) -> Path:
    """A PDF-looking file of ``size_mb`` MB, written sparse so that it costs no disk and no time."""
    with path.open("wb") as stream:
        stream.write(b"%PDF-1.7\n")
        stream.truncate(size_mb * MB - 16)
        stream.seek(size_mb * MB - 16)
        stream.write(b"\nstartxref\n%%EOF")
    return path
