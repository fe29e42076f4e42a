"""PDF parts joined into one document (pikepdf), reproducibly.

A course sheet is its course part followed by the CGV part; the printed
catalogue is made of parts too. The parts are laid out by pdf_layout.py,
each once, and joined here; « page X / Y » is then stamped on the whole
(stamp.py), since no part can know its numbers. The joined file's
identifier is derived from its content, so the same parts always give the
same bytes.
"""

from __future__ import annotations

import contextlib
import io
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pikepdf
import pypdfium2 as pdfium

from .pdf_outline import append_outline, retitle
from .pdf_tags import StructureMerge
from .stamp import PageNumbers, save


@dataclass(frozen=True)
class Part:
    """Some pages of a document, as a PDF."""

    pdf: bytes
    pages: int


@contextlib.contextmanager
def interrupt_after() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM, which the command treats alike) until the
    block is done: the PDF libraries may call back into Python while saving,
    and an interrupt there would be swallowed and the file left broken."""
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


def join_parts(first: Part, *others: Part, numbers: Path | None = None,
               titles: tuple[str | None, ...] = ()) -> Part:
    """One PDF: the pages of each part in order, the metadata of the first, the structure trees of all (tagged
    PDFs: pdf_tags.py) and their bookmarks one after the other (`titles`: a new title for each part's first
    bookmark, None to keep it); with `numbers` (the Lato font file), « page X / Y » on every page."""
    with interrupt_after():
        document = pikepdf.open(io.BytesIO(first.pdf))
        structure = StructureMerge(document)
        structure.join(document)
        retitle(document, titles[0] if titles else None)
        for index, part in enumerate(others, start=1):
            source = pikepdf.open(io.BytesIO(part.pdf))
            structure.join(source)
            append_outline(document, source, titles[index] if index < len(titles) else None)
        structure.finish()
        if numbers is not None:
            stamper = PageNumbers(document, numbers)
            total = len(document.pages)
            for number, page in enumerate(document.pages, start=1):
                stamper.stamp(page, number, total)
        return Part(save(document), len(document.pages))


def page_count(pdf: bytes) -> int:
    with interrupt_after():
        return len(pikepdf.open(io.BytesIO(pdf)).pages)


def last_page_lines(pdf: bytes, band: float = 50.0) -> int:
    """How many lines of text the last page holds, running header and footer
    (`band` points at the top and bottom) left out."""
    with interrupt_after():
        document = pdfium.PdfDocument(pdf)
        try:
            page = document[len(document) - 1]
            width, height = page.get_size()
            text = page.get_textpage().get_text_bounded(left=0, bottom=band, right=width, top=height - band)
            return sum(1 for line in text.splitlines() if line.strip() and line.strip() != "•")
        finally:
            document.close()
