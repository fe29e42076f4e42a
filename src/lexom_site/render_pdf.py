"""PDF sheets with WeasyPrint: the course sheet, then the canonical CGV.

The CGV takes about six pages and as much layout time as three course
sheets, and it is the same in every sheet. So it is laid out once per build
for each page count of the course part that occurs (usually 1 to 3), and
joined to each sheet as PDF pages (pypdfium2). Each part is told how many
pages the other has, so that « page X / Y » counts the whole sheet
(templates/partials/pdf_page_numbers.html).

Sheets are laid out in parallel worker processes (`render_sheets`), a
bounded pool whose workers are replaced every few dozen sheets so memory
stays flat. WeasyPrint only ever reads the project's own files (a restricted
URL fetcher: no network, nothing outside the allowed folders), and anything
it logs as a warning or an error becomes a diagnostic instead of being lost.
"""

from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import multiprocessing
import os
import re
import signal
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
import pypdfium2 as pdfium
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .config import SiteConfig
from .content import Course
from .diagnostics import BuildError, Diagnostic, display_path
from .legal import Cgv
from .render_html import document_date, make_environment, render_template

SHEET_TEMPLATE = "pdf/sheet.html"
CGV_TEMPLATE = "pdf/cgv.html"
SHEETS_PER_WORKER = 150  # a worker is replaced after this many sheets: WeasyPrint's caches grow slowly
EARLY_CGV_PARTS = (1, 2, 3)  # CGV parts made ahead for a large build: course parts of 1 to 3 pages are the rule


class ProjectFetcher(URLFetcher):
    """Serves `file:` URLs inside the allowed folders; refuses everything else."""

    def __init__(self, allowed: tuple[Path, ...]):
        super().__init__(allowed_protocols={"file"})
        self.allowed = tuple(p.resolve() for p in allowed)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise ValueError(f"refused to fetch {url}: PDFs may only use the project's own files")
        path = Path(url2pathname(parts.path)).resolve()  # resolve(): a symlink pointing out is refused too
        if not any(path.is_relative_to(folder) for folder in self.allowed):
            raise ValueError(f"refused to read {path}: it is outside the project's assets and content")
        if not path.is_file():
            raise ValueError(f"file not found: {path}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def weasyprint_messages() -> Iterator[list[str]]:
    """Collect what WeasyPrint logs at WARNING or above during the block."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


@dataclass(frozen=True)
class Part:
    """Some pages of a sheet, as a PDF."""

    pdf: bytes
    pages: int


class PdfRenderer:
    """Lays out the parts of the sheets; one per process (it keeps WeasyPrint's font configuration)."""

    def __init__(self, config: SiteConfig, env: jinja2.Environment | None = None):
        self.config = config
        self.env = env or make_environment(config)
        self.fetcher = ProjectFetcher((config.assets_dir, config.content_dir))
        self.fonts = FontConfiguration()

    def _pages(self, html: str, template: str) -> Part:
        """Lay out `html`; any WeasyPrint warning is an error."""
        with weasyprint_messages() as messages:
            document = HTML(string=html, base_url=self.config.root.as_uri() + "/", url_fetcher=self.fetcher)
            rendered = document.render(font_config=self.fonts)
            pdf = rendered.write_pdf(pdf_identifier=hashlib.sha256(html.encode()).digest()[:16])
        if messages:
            # Course files cannot hold images or file links, so what WeasyPrint
            # complains about comes from the template or its stylesheets.
            shown = display_path(self.config.templates_dir / template, self.config.root)
            raise BuildError([Diagnostic(shown, 0, 0, f"PDF rendering: {message}",
                                         hint="check the images, fonts and stylesheets this template uses")
                              for message in dict.fromkeys(messages)])
        return Part(pdf, len(rendered.pages))

    def cgv_part(self, cgv: Cgv, course_pages: int) -> Part:
        """The CGV pages of a sheet whose course part has `course_pages` pages."""
        html = render_template(self.env, self.config, CGV_TEMPLATE, cgv=cgv, course_pages=course_pages)
        return self._pages(html, CGV_TEMPLATE)

    def course_part(self, course: Course, cgv: Cgv, cgv_pages: int) -> Part:
        """The course pages of a sheet followed by `cgv_pages` pages of CGV."""
        html = render_template(self.env, self.config, SHEET_TEMPLATE, course=course, cgv=cgv,
                               document_date=document_date(cgv), cgv_pages=cgv_pages)
        return self._pages(html, SHEET_TEMPLATE)


_TRAILER_ID = re.compile(rb"/ID\s*\[\s*(<[0-9A-Fa-f]*>|\([^)]*\))\s*(<[0-9A-Fa-f]*>|\([^)]*\))\s*\]")


def _save(document: pdfium.PdfDocument, seed: bytes) -> bytes:
    """Save a pdfium document reproducibly: pdfium draws a random second file
    identifier, replaced here (same length) by one derived from the content."""
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    tail = data.rfind(b"trailer")
    match = _TRAILER_ID.search(data, max(tail, 0))
    if match:
        start, end = match.span(2)
        stable = hashlib.sha256(seed).hexdigest().upper().encode() * 4
        data = data[: start + 1] + stable[: end - start - 2] + data[end - 1 :]
    return data


def join_parts(course: Part, cgv: Part) -> Part:
    """One PDF: the course part's pages then the CGV part's; metadata of the course part."""
    document = pdfium.PdfDocument(course.pdf)
    other = pdfium.PdfDocument(cgv.pdf)
    try:
        document.import_pages(other)
        return Part(_save(document, course.pdf + cgv.pdf), course.pages + cgv.pages)
    finally:
        other.close()
        document.close()


def page_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


# --- many sheets, in parallel ------------------------------------------------------------------------------

_renderer: PdfRenderer | None = None
_cgv: Cgv | None = None


def _start_worker(config: SiteConfig, cgv: Cgv) -> None:
    global _renderer, _cgv
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's business
    _renderer, _cgv = PdfRenderer(config), cgv


def _task(task: tuple[str, object, int]) -> tuple[str, object, Part | BuildError]:
    kind, subject, pages = task
    assert _renderer is not None and _cgv is not None
    try:
        if kind == "cgv":
            return kind, subject, _renderer.cgv_part(_cgv, pages)
        assert isinstance(subject, Course)
        return kind, subject.ref, _renderer.course_part(subject, _cgv, pages)
    except BuildError as exc:
        return kind, subject if kind == "cgv" else subject.ref, exc  # type: ignore[union-attr]


def render_sheets(config: SiteConfig, cgv: Cgv, courses: Iterable[Course], *, jobs: int | None = None,
                  cgv_parts: dict[int, Part] | None = None,
                  on_sheet: Callable[[Course, Part], None],
                  check_part: Callable[[int, Part], None] = lambda pages, part: None) -> dict[int, Part]:
    """Lay out the sheets of `courses` and call `on_sheet(course, pdf)` for each, in no set order.

    `cgv_parts` are CGV parts already made (by page count of the course
    part); each one made here goes through `check_part` before any sheet
    uses it, and is returned. All problems of all sheets are raised together
    as one BuildError at the end."""
    courses = list(courses)
    parts: dict[int, Part] = dict(cgv_parts or {})
    made: dict[int, Part] = {}
    if not courses:
        return made
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(courses)))
    problems: list[Diagnostic] = []
    waiting: dict[int, list[tuple[Course, Part]]] = {}
    by_ref = {course.ref: course for course in courses}

    def deliver(course: Course, part: Part, cgv_part: Part) -> None:
        on_sheet(course, join_parts(part, cgv_part))

    if jobs == 1:
        renderer = PdfRenderer(config)
        for course in courses:
            try:
                reference = parts.get(2) or next(iter(parts.values()), None)
                if reference is None:
                    reference = renderer.cgv_part(cgv, 2)
                    check_part(2, reference)
                    made[2] = parts[2] = reference
                part = renderer.course_part(course, cgv, reference.pages)
                if part.pages not in parts:
                    cgv_part = renderer.cgv_part(cgv, part.pages)
                    check_part(part.pages, cgv_part)
                    made[part.pages] = parts[part.pages] = cgv_part
                deliver(course, part, parts[part.pages])
            except BuildError as exc:
                problems += exc.diagnostics
        if problems:
            raise BuildError(list(dict.fromkeys(problems)))
        return made

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    pool = context.Pool(jobs, _start_worker, (config, cgv), maxtasksperchild=SHEETS_PER_WORKER)
    try:
        pending: dict[int, multiprocessing.pool.AsyncResult] = {}
        if not parts:
            # The CGV's page count is needed to lay out the course parts: one CGV part first, and
            # for a large build the other likely ones at the same time, on the other cores.
            ahead = EARLY_CGV_PARTS if len(courses) >= 10 * jobs else (2,)
            pending = {n: pool.apply_async(_task, (("cgv", n, n),)) for n in ahead}
            _, _, first = pending.pop(2).get()
            if isinstance(first, BuildError):
                raise first
            check_part(2, first)
            made[2] = parts[2] = first
        cgv_pages = next(iter(parts.values())).pages
        tasks = [("course", course, cgv_pages) for course in courses]
        for _, ref, result in pool.imap_unordered(_task, tasks, chunksize=1):
            course = by_ref[ref]
            if isinstance(result, BuildError):
                problems += result.diagnostics
                continue
            if result.pages in parts:
                deliver(course, result, parts[result.pages])
            else:
                waiting.setdefault(result.pages, []).append((course, result))
                if result.pages not in pending:
                    pending[result.pages] = pool.apply_async(_task, (("cgv", result.pages, result.pages),))
        for pages, async_result in pending.items():
            _, _, cgv_part = async_result.get()
            if isinstance(cgv_part, BuildError):
                problems += cgv_part.diagnostics
                continue
            check_part(pages, cgv_part)
            made[pages] = parts[pages] = cgv_part
            for course, part in waiting.pop(pages, []):
                deliver(course, part, cgv_part)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    if problems:
        raise BuildError(list(dict.fromkeys(problems)))
    return made
