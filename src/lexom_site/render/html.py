"""Jinja rendering: the site's pages and the HTML of the PDF sheets.

Templates in templates/ are the only place markup is written. The
environment autoescapes everything and uses StrictUndefined, so a missing
value is an error, never a blank. Template errors become diagnostics that
name the template file and line.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import traceback
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..diagnostics import BuildError, Diagnostic, display_path
from ..inputs.config import SiteConfig
from ..inputs.catalogue import Catalogue
from ..inputs.course import Course
from ..inputs.markdown import render_block, render_inline
from ..legal.cgv import Cgv


@dataclass(frozen=True)
class OutputFile:
    path: str  # relative to the output folder, POSIX
    data: bytes


def make_environment(config: SiteConfig, bytecode_dir: Path | None = None) -> jinja2.Environment:
    """The Jinja environment of the templates (with `bytecode_dir`, compiled
    templates are kept there and not compiled again by the next build)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(config.templates_dir),
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(bytecode_dir)) if bytecode_dir else None,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md_inline"] = lambda text: Markup(_mark_bare_urls(render_inline(text)))
    env.filters["md_block"] = lambda text: Markup(_mark_bare_urls(render_block(text)))
    env.filters["md_plain"] = plain_text
    env.globals["absolute_url"] = lambda path: absolute_url(config, path)
    env.globals["course_page_path"] = course_page_path
    env.globals["course_description"] = course_description
    env.globals["category_anchor"] = category_anchor
    env.globals["catalogue_jsonld"] = lambda catalogue: catalogue_jsonld(config, catalogue)
    env.globals["course_jsonld"] = lambda course: course_jsonld(config, course)
    # JSON-LD keeps French letters readable; tojson still escapes <, >, & and '
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False, "indent": 2}
    env.globals["site"] = config
    env.globals["facts"] = config.nested_facts()
    return env


def course_page_path(course: Course) -> str:
    return f"formations/{course.slug}/index.html"


def course_pdf_path(course: Course) -> str:
    return f"pdf/{course.ref}.pdf"


CGV_PAGE = "cgv/index.html"
SEARCH_PAGE = "recherche/index.html"


def _root_prefix(page_path: str) -> str:
    return "../" * page_path.count("/")


def absolute_url(config: SiteConfig, path: str) -> str:
    """The public address of an output file: `formations/x/index.html` ->
    `https://www.lexom.fr/formations/x/` (the canonical form of a folder page)."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return config.base_url + path


_TAG = re.compile(r"<[^>]*>")
_BARE_URL = re.compile(r'<a href="(?:mailto:)?([^"]*)">\1</a>')


def _mark_bare_urls(rendered: str) -> str:
    """`<https://x>` links, whose text is their address, get class="url": the
    print stylesheet shows the address of the other links after their text."""
    if "<a " not in rendered:
        return rendered
    return _BARE_URL.sub(lambda m: m.group(0).replace("<a ", '<a class="url" ', 1), rendered)


def category_anchor(category: str) -> str:
    """The anchor of a category on the home page: "COMMUNICATION ON-LINE" -> "categorie-communication-on-line"."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", category.casefold()) if not unicodedata.combining(c))
    return "categorie-" + (re.sub(r"[^a-z0-9]+", "-", letters).strip("-") or "autre")


def catalogue_jsonld(config: SiteConfig, catalogue: Catalogue) -> dict[str, Any]:
    """The home page as a summary page of course listings: an ItemList of the course pages."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": config.title,
        "itemListElement": [{"@type": "ListItem", "position": i, "url": absolute_url(config, course_page_path(c))}
                            for i, c in enumerate(catalogue.courses, 1)],
    }


def plain_text(markdown_text: str) -> str:
    """Inline Markdown as plain text (for meta descriptions and structured data)."""
    return html.unescape(_TAG.sub("", render_inline(markdown_text)))


def course_description(course: Course) -> str:
    """One or two sentences about a course: its meta description, Open Graph
    description and structured-data description."""
    text = (f"Formation de {course.duration_label.lower()} en {course.subcategory.lower()} "
            f"(réf. {course.ref}). Objectifs : " + " ; ".join(plain_text(o) for o in course.objectives) + ".")
    return text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + "…"


def course_jsonld(config: SiteConfig, course: Course) -> dict[str, Any]:
    """schema.org `Course` of a course page, with the properties search engines
    document for course listings (see docs/seo.md)."""
    facts = config.nested_facts()
    url = absolute_url(config, course_page_path(course))
    return {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": url + "#formation",
        "url": url,
        "name": course.title,
        "description": course_description(course),
        "courseCode": course.ref,
        "inLanguage": "fr",
        "provider": {"@type": "Organization", "name": facts["company"]["name"], "url": config.base_url},
        "coursePrerequisites": plain_text(course.prerequisites),
        "timeRequired": f"P{course.duration_days}D",
        "teaches": [plain_text(o) for o in course.objectives],
        "audience": {"@type": "EducationalAudience", "audienceType": plain_text(course.audience)},
        "about": [course.category, course.subcategory],
        "isAccessibleForFree": False,
    }


def render_template(env: jinja2.Environment, config: SiteConfig, name: str, **context: Any) -> str:
    """Render one template; a template error becomes a BuildError at its line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else config.templates_dir / name
        raise BuildError([Diagnostic(display_path(path, config.root), exc.lineno or 0, 0,
                                     f"template syntax error: {exc.message}")]) from None
    except jinja2.TemplateNotFound as exc:
        raise BuildError([Diagnostic(display_path(config.templates_dir / name, config.root), 0, 0,
                                     f"template not found: {exc.name}")]) from None
    except Exception as exc:  # an error raised while rendering: undefined value, bad filter...
        path, line = _template_frame(exc, config.templates_dir)
        where = display_path(path, config.root) if path else display_path(config.templates_dir / name, config.root)
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
        raise BuildError([Diagnostic(where, line, 0, f"template error: {message}")]) from None


def _template_frame(exc: BaseException, templates_dir: Path) -> tuple[Path | None, int]:
    """The innermost template file and line in the exception's traceback."""
    found: tuple[Path | None, int] = (None, 0)
    root = templates_dir.resolve()
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if path.suffix == ".html" and path.resolve().is_relative_to(root):
            found = (path, frame.lineno or 0)
    return found


@dataclass(frozen=True)
class Page:
    """One HTML page to render: its output path, template and context, and
    what its content depends on besides the templates and configuration
    ("catalogue", "cgv", "site" for nothing else, or a course reference),
    for the build cache; and whether the search index holds it."""

    path: str
    template: str
    context: dict[str, Any]
    depends_on: str
    searchable: bool = False


def site_pages(catalogue: Catalogue, cgv: Cgv) -> list[Page]:
    """Every HTML page of the site (not rendered yet)."""
    pages = [Page("index.html", "index.html", {"catalogue": catalogue}, "catalogue"),
             Page(CGV_PAGE, "cgv.html", {"cgv": cgv}, "cgv"),
             Page(SEARCH_PAGE, "search.html", {}, "site"),
             Page("sitemap.xml", "sitemap.xml", {"catalogue": catalogue}, "catalogue"),
             Page("robots.txt", "robots.txt", {}, "site")]
    return pages + [course_page(course) for course in catalogue.courses]


def course_page(course: Course) -> Page:
    path = course_page_path(course)
    return Page(path, "course.html", {"course": course, "pdf_url": _root_prefix(path) + course_pdf_path(course)},
                course.ref, searchable=True)


def render_page(env: jinja2.Environment, config: SiteConfig, page: Page) -> OutputFile:
    html = render_template(env, config, page.template, root=_root_prefix(page.path), page_path=page.path,
                           course_url=lambda c, p=page.path: _root_prefix(p) + course_page_path(c),
                           cgv_url=_root_prefix(page.path) + CGV_PAGE,
                           search_url=_root_prefix(page.path) + SEARCH_PAGE,
                           canonical_url=absolute_url(config, page.path), **page.context)
    return OutputFile(page.path, html.encode("utf-8"))


def document_date(cgv: Cgv) -> str:
    """The date stamped in the PDFs: SOURCE_DATE_EPOCH when set (reproducible
    builds), else the CGV's effective date; never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return cgv.effective_date.isoformat()
