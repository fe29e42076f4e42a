"""PDF parts joined into one document (pypdfium2), reproducibly.

A course sheet is its course part followed by a CGV part; both are laid out
by pdf_layout.py and joined here. The joined file's identifier is derived
from its bytes (pdfium would draw a random one), so the same parts always
give the same file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import signal
import threading
from dataclasses import dataclass
from typing import Iterator

import pypdfium2 as pdfium


@dataclass(frozen=True)
class Part:
    """Some pages of a sheet, as a PDF."""

    pdf: bytes
    pages: int


# --- joining ------------------------------------------------------------------------------------------------

# a PDF string is <hex> or (literal), where a literal may hold escaped characters such as \) and \\
_PDF_STRING = rb"(<[0-9A-Fa-f]*>|\((?:[^\\)]|\\[\s\S])*\))"
_TRAILER_ID = re.compile(rb"/ID\s*\[\s*" + _PDF_STRING + rb"\s*" + _PDF_STRING + rb"\s*\]")


def _save(document: pdfium.PdfDocument) -> bytes:
    """Save a pdfium document reproducibly: pdfium draws a random second file
    identifier, replaced here (same length) by one derived from the saved
    bytes themselves, so the same document always gets the same identifier
    (whatever inner differences of the parts pdfium did not keep)."""
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    tail = data.rfind(b"trailer")
    match = _TRAILER_ID.search(data, max(tail, 0))
    if match is None:  # never published with pdfium's random identifier
        raise RuntimeError("no file identifier found in the trailer of a joined PDF sheet")
    start, end = match.span(2)
    stable = hashlib.sha256(data[:start] + data[end:]).hexdigest().upper().encode() * 4
    return data[: start + 1] + stable[: end - start - 2] + data[end - 1 :]


@contextlib.contextmanager
def _interrupt_after() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM, which the command treats alike) until the
    block is done: PDFium calls back into Python while saving, and an
    interrupt there would be swallowed and the file left broken."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = {sig: signal.signal(sig, lambda *args: received.append(args)) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        raise KeyboardInterrupt


def join_parts(first: Part, *others: Part) -> Part:
    """One PDF: the pages of each part in order; the metadata of the first."""
    with _interrupt_after():
        return _join(first, others)


def _join(first: Part, others: tuple[Part, ...]) -> Part:
    document = pdfium.PdfDocument(first.pdf)
    opened = []
    try:
        for part in others:
            opened.append(pdfium.PdfDocument(part.pdf))
            document.import_pages(opened[-1])
        return Part(_save(document), first.pages + sum(part.pages for part in others))
    finally:
        for other in opened:
            other.close()
        document.close()


def page_count(pdf: bytes) -> int:
    with _interrupt_after():
        return _page_count(pdf)


def _page_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def last_page_lines(pdf: bytes, band: float = 50.0) -> int:
    """How many lines of text the last page holds, running header and footer
    (`band` points at the top and bottom) left out."""
    with _interrupt_after():
        document = pdfium.PdfDocument(pdf)
        try:
            page = document[len(document) - 1]
            width, height = page.get_size()
            text = page.get_textpage().get_text_bounded(left=0, bottom=band, right=width, top=height - band)
            return sum(1 for line in text.splitlines() if line.strip() and line.strip() != "•")
        finally:
            document.close()
