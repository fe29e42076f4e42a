"""Many PDF sheets at once: a pool of worker processes lays out the parts of
the sheets (pdf_layout.py, WeasyPrint), and they are joined here (pypdfium2).

A sheet is its course part followed by the CGV part made for course parts of
its page count: the CGV is laid out once per build for each page count that
occurs (usually 1, 2 and 3 pages), not once per sheet.

The pool is started at the very beginning of a build, so that the workers
load WeasyPrint (0.7 s) while the main process reads and validates the
sources. It is bounded (one worker per core by default) and each worker is
replaced after SHEETS_PER_WORKER sheets, so memory stays flat however big
the catalogue. The main process never loads WeasyPrint.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import multiprocessing
import multiprocessing.pool
import os
import pickle
import re
import signal
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pypdfium2 as pdfium

from .. import spawn  # noqa: F401 (registered before any worker is forked: forks and program starts take turns)
from ..diagnostics import BuildError, Diagnostic

SHEETS_PER_WORKER = 150  # a worker is replaced after this many sheets: WeasyPrint's caches grow slowly
# PDF workers run at a lower priority than the build itself and the search indexing: when only a few
# sheets are made, the index is what the build waits for (on a full build, the PDFs are all there is to do)
WORKER_NICENESS = 10
EARLY_CGV_PARTS = (1, 2, 3)  # CGV parts made ahead for a large build: course parts of 1 to 3 pages are the rule


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


def join_parts(course: Part, cgv: Part) -> Part:
    """One PDF: the course part's pages then the CGV part's; metadata of the course part."""
    with _interrupt_after():
        return _join(course, cgv)


def _join(course: Part, cgv: Part) -> Part:
    document = pdfium.PdfDocument(course.pdf)
    other = pdfium.PdfDocument(cgv.pdf)
    try:
        document.import_pages(other)
        return Part(_save(document), course.pages + cgv.pages)
    finally:
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


# --- the workers ----------------------------------------------------------------------------------------------

_worker: dict[str, Any] = {}


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def forking_workers() -> Iterator[None]:
    """Start worker processes in this block: they are born with Ctrl-C and
    SIGTERM held, so that the command's own handlers, which a fork copies,
    never run in them; `worker_signals` gives them theirs."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def worker_signals() -> None:
    """In a worker: Ctrl-C is the main process's business; SIGTERM, with which
    a pool stops its workers, ends the worker at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _start_worker() -> None:
    worker_signals()
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    _load_weasyprint()  # now, while the main process reads the sources
    from weasyprint.text.fonts import FontConfiguration

    _worker["fonts"] = FontConfiguration()


def _load_weasyprint() -> None:
    """Import WeasyPrint (through pdf_layout). It opens Pango, HarfBuzz and
    the others trying one name per platform; cffi hands each name it cannot
    open to ctypes.util.find_library, which on Linux runs ldconfig, gcc and ld
    every time (WeasyPrint issue #1125): some 0.2 s of CPU per worker, more on
    a busy machine. The names that work on Linux are file names dlopen finds
    by itself, so that search is skipped during the import; where a library
    is then not found (another system), the import is made again with it."""
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        from . import pdf_layout
    except OSError:
        ctypes.util.find_library = search
        from . import pdf_layout
    finally:
        ctypes.util.find_library = search
    del pdf_layout


def _task(task: tuple[str, Any, int, str]) -> tuple[str, Any, Part | BuildError]:
    kind, subject, pages, setup = task
    if _worker.get("setup") != setup:  # the build's configuration and CGV, written once by the main process
        from .pdf_layout import PdfRenderer

        with open(setup, "rb") as file:
            config, cgv = pickle.load(file)
        _worker.update(setup=setup, renderer=PdfRenderer(config, _worker.get("fonts")), cgv=cgv)
    renderer, cgv = _worker["renderer"], _worker["cgv"]
    name = subject if kind == "cgv" else subject.ref
    try:
        if kind == "cgv":
            return kind, name, renderer.cgv_part(cgv, pages)
        return kind, name, renderer.course_part(subject, cgv, pages)
    except BuildError as exc:
        return kind, name, exc


class SheetPool:
    """The worker processes of a build. Start it early; `render_sheets` once
    the project is loaded; leave the `with` block to stop it (at once, on an
    error or Ctrl-C)."""

    def __init__(self, jobs: int | None, scratch: Path, *, start: int | None = None):
        """`jobs` workers (default: one per core); only `start` of them at first
        when the caller knows that few sheets are to be made (`ensure` starts
        them all if more turn out to be needed)."""
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.size = self.jobs if start is None else max(1, min(self.jobs, start))
        self.context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                                   else "spawn")
        with forking_workers():  # (the pool's own threads, which replace workers, keep the held signals)
            self.pool = self.context.Pool(self.size, _start_worker, maxtasksperchild=SHEETS_PER_WORKER)
        self.scratch = scratch
        self.setup: str | None = None

    def ensure(self, tasks: int) -> None:
        """More tasks than workers started: start all `jobs` of them."""
        if tasks > self.size and self.size < self.jobs:
            self.pool.terminate()
            self.pool.join()
            self.size = self.jobs
            with forking_workers():
                self.pool = self.context.Pool(self.size, _start_worker, maxtasksperchild=SHEETS_PER_WORKER)

    def __enter__(self) -> SheetPool:
        return self

    def __exit__(self, *exc_info) -> None:
        # Every result has been received by now (or the build failed): stop the workers at once,
        # even those still loading WeasyPrint for a build that needed no PDF.
        self.pool.terminate()
        self.pool.join()
        if self.setup:
            Path(self.setup).unlink(missing_ok=True)

    def configure(self, config: Any, cgv: Any) -> None:
        self.scratch.mkdir(parents=True, exist_ok=True)
        handle, self.setup = tempfile.mkstemp(prefix=".sheets-", suffix=".pickle", dir=self.scratch)
        with os.fdopen(handle, "wb") as file:
            pickle.dump((config, cgv), file)

    def render_sheets(self, courses: Iterable[Any], *, cgv_parts: dict[int, Part] | None = None,
                      on_sheet: Callable[[Any, Part], None],
                      check_part: Callable[[int, Part], None] = lambda pages, part: None) -> dict[int, Part]:
        """Lay out the sheets of `courses` and call `on_sheet(course, pdf)` for each, in no set order.

        `cgv_parts` are CGV parts already made (by page count of the course
        part); each one made here goes through `check_part` before any sheet
        uses it, and is returned. All problems of all sheets are raised
        together as one BuildError at the end."""
        assert self.setup is not None, "configure() first"
        courses = list(courses)
        parts: dict[int, Part] = dict(cgv_parts or {})
        made: dict[int, Part] = {}
        if not courses:
            return made
        problems: list[Diagnostic] = []
        waiting: dict[int, list[tuple[Any, Part]]] = {}
        by_ref = {course.ref: course for course in courses}
        pending: dict[int, multiprocessing.pool.AsyncResult] = {}

        def cgv_task(pages: int) -> multiprocessing.pool.AsyncResult:
            return self.pool.apply_async(_task, (("cgv", pages, pages, self.setup),))

        if not parts:
            # The CGV's page count is needed to lay out the course parts: one CGV part first, and
            # for a large build the other likely ones at the same time, on the other cores.
            ahead = EARLY_CGV_PARTS if len(courses) >= 10 * self.jobs else (2,)
            pending = {n: cgv_task(n) for n in ahead}
            _, _, first = pending.pop(2).get()
            if isinstance(first, BuildError):
                raise first
            check_part(2, first)
            made[2] = parts[2] = first
        cgv_pages = next(iter(parts.values())).pages
        tasks = [("course", course, cgv_pages, self.setup) for course in courses]
        for _, ref, result in self.pool.imap_unordered(_task, tasks, chunksize=1):
            course = by_ref[ref]
            if isinstance(result, BuildError):
                problems += result.diagnostics
            elif result.pages in parts:
                on_sheet(course, join_parts(result, parts[result.pages]))
            else:
                waiting.setdefault(result.pages, []).append((course, result))
                if result.pages not in pending:
                    pending[result.pages] = cgv_task(result.pages)
        for pages, async_result in pending.items():
            _, _, cgv_part = async_result.get()
            if isinstance(cgv_part, BuildError):
                problems += cgv_part.diagnostics
                continue
            check_part(pages, cgv_part)
            made[pages] = parts[pages] = cgv_part
            for course, part in waiting.pop(pages, []):
                on_sheet(course, join_parts(part, cgv_part))
        if problems:
            raise BuildError(list(dict.fromkeys(problems)))
        return made
