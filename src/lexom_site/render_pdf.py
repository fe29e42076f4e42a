"""PDF sheets with WeasyPrint: course sheet, then the canonical CGV.

WeasyPrint only ever reads the project's own files (a restricted URL
fetcher: no network, nothing outside the allowed folders), and anything it
logs as a warning or an error becomes a diagnostic instead of being lost.
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

import jinja2
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .config import SiteConfig
from .content import Course
from .diagnostics import BuildError, Diagnostic, display_path
from .legal import Cgv
from .render_html import SHEET_TEMPLATE, render_sheet_html


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


def render_pdf(html: str, config: SiteConfig, blame: str) -> bytes:
    """Lay out one HTML document; any WeasyPrint warning fails the sheet."""
    fetcher = ProjectFetcher((config.assets_dir, config.content_dir))
    with weasyprint_messages() as messages:
        document = HTML(string=html, base_url=config.root.as_uri() + "/", url_fetcher=fetcher)
        pdf = document.write_pdf(
            font_config=FontConfiguration(),
            pdf_identifier=hashlib.sha256(html.encode("utf-8")).digest()[:16],
        )
    if messages:
        # Course files cannot hold images or file links, so what WeasyPrint
        # complains about comes from the template or its stylesheets.
        raise BuildError([Diagnostic(blame, 0, 0, f"PDF rendering: {message}",
                                     hint="check the images, fonts and stylesheets this template uses")
                          for message in dict.fromkeys(messages)])
    return pdf


def render_sheet(env: jinja2.Environment, config: SiteConfig, course: Course, cgv: Cgv) -> bytes:
    """The PDF of one course sheet with the canonical CGV appended."""
    template = display_path(config.templates_dir / SHEET_TEMPLATE, config.root)
    return render_pdf(render_sheet_html(env, config, course, cgv), config, blame=template)
