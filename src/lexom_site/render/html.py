"""The site's pages: what each page is (template, context, what it depends
on) and its rendering into bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2

from ..inputs.config import SiteConfig
from ..inputs.course import Course
from .templates import render_template
from .urls import CGV_PAGE, SEARCH_PAGE, absolute_url, course_page_path, course_pdf_path, root_prefix


@dataclass(frozen=True)
class OutputFile:
    path: str  # relative to the output folder, POSIX
    data: bytes


@dataclass(frozen=True)
class Page:
    """One page (or text file) of the site to render: its path in the site,
    its template and context, and whether the search index holds it."""

    path: str
    template: str
    context: dict[str, Any]
    searchable: bool = False


def course_page(course: Course, *, pdf: bool = True) -> Page:
    """The page of a course; `pdf`: whether the site has its PDF sheet (`pdf_url` is None when it has not:
    `build --no-pdf` links no PDF it did not make)."""
    path = course_page_path(course)
    return Page(path, "course.html", {"course": course,
                                      "pdf_url": root_prefix(path) + course_pdf_path(course) if pdf else None},
                searchable=True)


def render_page(env: jinja2.Environment, config: SiteConfig, page: Page) -> OutputFile:
    html = render_template(env, config, page.template, root=root_prefix(page.path), page_path=page.path,
                           course_url=lambda c, p=page.path: root_prefix(p) + course_page_path(c),
                           cgv_url=root_prefix(page.path) + CGV_PAGE,
                           search_url=root_prefix(page.path) + SEARCH_PAGE,
                           canonical_url=absolute_url(config, page.path), **page.context)
    return OutputFile(page.path, html.encode("utf-8"))
