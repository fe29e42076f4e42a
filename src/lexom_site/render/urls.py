"""Where each output lives in the site, and its public address.

Every path here is relative to the output folder, in POSIX form; pages are
folders' index.html files, whose public address is the folder
(`formations/rcl-rcl-14/`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..inputs.config import SiteConfig

HOME_PAGE = "index.html"
CGV_PAGE = "cgv/index.html"
SEARCH_PAGE = "recherche/index.html"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
CATALOGUE_PDF = "pdf/catalogue.pdf"


def course_page_path(course: Any) -> str:
    return f"formations/{course.slug}/index.html"


def course_pdf_path(course: Any) -> str:
    return f"pdf/{course.ref}.pdf"


def root_prefix(page_path: str) -> str:
    """From a page to the site's root: `formations/x/index.html` -> `../../`."""
    return "../" * page_path.count("/")


def absolute_url(config: SiteConfig, path: str) -> str:
    """The public address of an output file: `formations/x/index.html` ->
    `https://www.lexom.fr/formations/x/` (the canonical form of a folder page)."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return config.base_url + path


def category_anchor(category: str) -> str:
    """The anchor of a category on the home page: "COMMUNICATION ON-LINE" -> "categorie-communication-on-line"."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", category.casefold()) if not unicodedata.combining(c))
    return "categorie-" + (re.sub(r"[^a-z0-9]+", "-", letters).strip("-") or "autre")
