"""PDF layout with WeasyPrint: a template of templates/pdf/ -> a PDF `Part`.

`PdfRenderer.layout(template, **context)` renders the template with the
context (and, for every PDF, the CGV and the document date) and lays it out
on A4 pages. What a course sheet is made of (a course part and a CGV part)
is sheets.py's business; this module lays out any PDF template, tagged for
PDF/UA-1 (a structure tree, every content marked: pdf_finisher.py).

WeasyPrint only ever reads the project's own files (a restricted URL
fetcher: no network, nothing outside the allowed folders), and anything it
logs as a warning or an error becomes a diagnostic instead of being lost.
This module is imported by the worker processes of pdf_pool.py (WeasyPrint
takes 0.7 s to load): the main process of a build never needs it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..i18n import _
from ..diagnostics import BuildError, Diagnostic, display_path
from ..environment import weasyprint_environment_problem
from ..inputs.config import SiteConfig
from ..paths import ASSETS_DIR
from ..legal.cgv import Cgv
from .pdf_join import Part, last_page_lines
from .pdf_finisher import finish_tagged
from .templates import make_environment, render_template


class ProjectFetcher(URLFetcher):
    """Serves `file:` URLs inside the allowed folders; refuses everything else."""

    def __init__(self, allowed: tuple[Path, ...], moved: tuple[tuple[Path, Path], ...] = ()):
        """`moved`: (where the templates' links point, where the files are), e.g. a project's assets/ when it
        has none and lexom-site's own are used."""
        super().__init__(allowed_protocols={"file"})
        self.allowed = tuple(p.resolve() for p in allowed)
        self.moved = tuple((virtual.resolve(), real.resolve()) for virtual, real in moved if virtual != real)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise ValueError(_("refused to fetch {url}: PDFs may only use the project's own files").format(url=url))
        path = Path(url2pathname(parts.path)).resolve()  # resolve(): a symlink pointing out is refused too
        for virtual, real in self.moved:
            if path.is_relative_to(virtual):
                path = (real / path.relative_to(virtual)).resolve()
        if not any(path.is_relative_to(folder) for folder in self.allowed):
            raise ValueError(_("refused to read {path}: it is outside the project's assets and content").format(
                path=path))
        if not path.is_file():
            raise ValueError(_("file not found: {path}").format(path=path))
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


def document_date(cgv: Cgv) -> str:
    """The date stamped in the PDFs: SOURCE_DATE_EPOCH when set (reproducible
    builds), else the CGV's effective date; never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return cgv.effective_date.isoformat()


PDF_VARIANT = "pdf/ua-1"  # tagged: a structure tree, every content marked, title shown (made whole: pdf_finisher.py)
FIT_LINES = 6  # a last page holding this many lines or fewer is a page nearly empty


class PdfRenderer:
    """Lays out PDF templates; one per process (it keeps WeasyPrint's font configuration)."""

    def __init__(self, config: SiteConfig, cgv: Cgv, fonts: FontConfiguration | None = None):
        self.config = config
        self.env = make_environment(config)
        self.fetcher = ProjectFetcher((config.assets_dir, config.content_dir),
                                      moved=((config.root / ASSETS_DIR, config.assets_dir),))
        self.fonts = fonts or FontConfiguration()
        self.shared = {"cgv": cgv, "document_date": document_date(cgv)}  # what every PDF template may use

    def layout(self, template: str, *, fit: bool = False, **context: Any) -> Part:
        """Lay out one template of templates/ with `context`. With `fit`, a
        layout whose last page would hold FIT_LINES lines or fewer is made
        again with `compact` set (the template sets a slightly tighter
        layout), and that one is kept when it has fewer pages."""
        part = self._pages(render_template(self.env, self.config, template, **self.shared, **context), template)
        if fit and part.pages > 1 and last_page_lines(part.pdf) <= FIT_LINES:
            compact = self._pages(render_template(self.env, self.config, template, **self.shared, **context,
                                                  compact=True), template)
            if compact.pages < part.pages:
                part = compact
        return part

    def _pages(self, html: str, template: str) -> Part:
        """Lay out `html`; any WeasyPrint warning is an error."""
        with weasyprint_messages() as messages:
            document = HTML(string=html, base_url=self.config.root.as_uri() + "/", url_fetcher=self.fetcher)
            rendered = document.render(font_config=self.fonts)
            pdf = rendered.write_pdf(pdf_identifier=hashlib.sha256(html.encode()).digest()[:16],
                                     pdf_variant=PDF_VARIANT, finisher=finish_tagged)
        if messages:
            # Course files cannot hold images or file links, so what WeasyPrint complains about comes from the
            # template or its stylesheets, or from this machine (a missing library: said as such)
            shown = display_path(self.config.templates_dir / template, self.config.root)
            raise BuildError([weasyprint_environment_problem(message) or Diagnostic(
                shown, 0, 0, _("PDF rendering: {message}").format(message=message),
                hint=_("check the images, fonts and stylesheets this template uses"))
                for message in dict.fromkeys(messages)])
        return Part(pdf, len(rendered.pages))
