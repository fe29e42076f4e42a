"""Many PDFs at once: a pool of worker processes lays out PDF templates
(pdf_layout.py, WeasyPrint) and hands the parts back.

A task is a `Layout`: a template of templates/ and its context. The pool is
started at the very beginning of a build, so that the workers load
WeasyPrint (0.7 s) while the main process reads and validates the sources,
and told the build's configuration and CGV once (`configure`). It is
bounded (one worker per core by default) and each worker is replaced after
LAYOUTS_PER_WORKER layouts, so memory stays flat however big the catalogue.
The main process never loads WeasyPrint.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.pool
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from .. import spawn  # registered before any worker is forked: forks and program starts take turns
from ..diagnostics import BuildError
from .pdf_join import Part

MAX_JOBS = max(4, 2 * (os.cpu_count() or 1))  # `-j` beyond this only adds memory (each worker ~150 MB) and waits
LAYOUTS_PER_WORKER = 150  # a worker is replaced after this many layouts: WeasyPrint's caches grow slowly
# PDF workers run at a lower priority than the build itself and the search indexing: when only a few
# sheets are made, the index is what the build waits for (on a full build, the PDFs are all there is to do)
WORKER_NICENESS = 10


@dataclass(frozen=True)
class Layout:
    """A PDF to lay out: a template of templates/ and its context (sent to a
    worker: picklable). Every PDF template also gets the CGV and the document
    date (see pdf_layout.PdfRenderer)."""

    name: str  # names the result, e.g. "course RCL-RCL-14"
    template: str
    context: dict[str, Any]
    fit: bool = False  # avoid a last page nearly empty (see pdf_layout.PdfRenderer.layout)


Result = tuple[str, "Part | BuildError"]  # a layout's name, and its PDF or what went wrong

_worker: dict[str, Any] = {}


def _start_worker() -> None:
    spawn.worker_signals()
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


def _task(task: tuple[Layout, str]) -> Result:
    layout, setup = task
    if _worker.get("setup") != setup:  # the build's configuration and CGV, written once by the main process
        from .pdf_layout import PdfRenderer

        with open(setup, "rb") as file:
            config, cgv = pickle.load(file)
        _worker.update(setup=setup, renderer=PdfRenderer(config, cgv, _worker.get("fonts")))
    try:
        return layout.name, _worker["renderer"].layout(layout.template, fit=layout.fit, **layout.context)
    except BuildError as exc:
        return layout.name, exc


class PdfPool:
    """The worker processes of a build. Start it early; `configure` once the
    project is loaded; leave the `with` block to stop it (at once, on an
    error or Ctrl-C)."""

    def __init__(self, jobs: int | None, scratch: Path, *, start: int | None = None):
        """`jobs` workers (default: one per core); only `start` of them at first
        when the caller knows that few PDFs are to be made (`ensure` starts
        them all if more turn out to be needed). `scratch`: a folder for the
        file that hands the configuration to the workers."""
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.size = self.jobs if start is None else max(1, min(self.jobs, start))  # never more workers than PDFs
        self.context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                                   else "spawn")
        with spawn.forking_workers():  # (the pool's own threads, which replace workers, keep the held signals)
            self.pool = self.context.Pool(self.size, _start_worker, maxtasksperchild=LAYOUTS_PER_WORKER)
        self.scratch = scratch
        self.setup: str | None = None

    def ensure(self, tasks: int) -> None:
        """More tasks than workers started: start more, up to `jobs` (and
        workers again after `rest`)."""
        grow = tasks > self.size and self.size < self.jobs
        if tasks > 0 and (self.pool is None or grow):
            self.rest()
            self.size = min(self.jobs, tasks) if grow else self.size
            with spawn.forking_workers():
                self.pool = self.context.Pool(self.size, _start_worker, maxtasksperchild=LAYOUTS_PER_WORKER)

    def rest(self) -> None:
        """Stop the workers (their memory back to the system) while the build
        has other work to do; the next layout starts them again."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def __enter__(self) -> PdfPool:
        return self

    def __exit__(self, *exc_info) -> None:
        # Every result has been received by now (or the build failed): stop the workers at once,
        # even those still loading WeasyPrint for a build that needed no PDF.
        self.rest()
        if self.setup:
            Path(self.setup).unlink(missing_ok=True)

    def configure(self, config: Any, cgv: Any) -> None:
        """The build's configuration and CGV, for every layout to come."""
        self.scratch.mkdir(parents=True, exist_ok=True)
        handle, self.setup = tempfile.mkstemp(prefix=".sheets-", suffix=".pickle", dir=self.scratch)
        with os.fdopen(handle, "wb") as file:
            pickle.dump((config, cgv), file)

    def submit(self, layout: Layout) -> multiprocessing.pool.AsyncResult:
        """Lay out one PDF in the background; `.get()` gives its Result."""
        assert self.setup is not None, "configure() first"
        self.ensure(1)
        return self.pool.apply_async(_task, ((layout, self.setup),))

    def layouts(self, layouts: Iterable[Layout]) -> Iterator[Result]:
        """Lay out PDFs; their Results in the order they are done."""
        assert self.setup is not None, "configure() first"
        self.ensure(1)
        return self.pool.imap_unordered(_task, [(layout, self.setup) for layout in layouts], chunksize=1)
