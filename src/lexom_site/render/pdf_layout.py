"""The two parts of a PDF sheet, laid out with WeasyPrint: the course pages
(templates/pdf/sheet.html) and the CGV pages (templates/pdf/cgv.html).

They are laid out apart and joined by sheets.py: the CGV part is the same
for every sheet whose course part has the same number of pages, so it is
laid out once per build for each such number. Each part is told how many
pages the other has, so that « page X / Y » counts the whole sheet
(templates/partials/pdf_page_numbers.html).

WeasyPrint only ever reads the project's own files (a restricted URL
fetcher: no network, nothing outside the allowed folders), and anything it
logs as a warning or an error becomes a diagnostic instead of being lost.
This module is imported by the worker processes of sheets.py (WeasyPrint
takes 0.7 s to load): the main process of a build never needs it.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..diagnostics import BuildError, Diagnostic, display_path
from ..inputs.config import SiteConfig
from ..inputs.course import Course
from ..legal.cgv import Cgv
from .html import document_date, make_environment, render_template
from .pdf_pool import Part

SHEET_TEMPLATE = "pdf/sheet.html"
CGV_TEMPLATE = "pdf/cgv.html"


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


class PdfRenderer:
    """Lays out the parts of the sheets; one per process (it keeps WeasyPrint's font configuration)."""

    def __init__(self, config: SiteConfig, fonts: FontConfiguration | None = None):
        self.config = config
        self.env = make_environment(config)
        self.fetcher = ProjectFetcher((config.assets_dir, config.content_dir))
        self.fonts = fonts or FontConfiguration()

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
