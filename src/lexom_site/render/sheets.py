"""PDF course sheets: a course part (templates/pdf/sheet.html) followed by a
CGV part (templates/pdf/cgv.html), laid out by the pool and joined.

Each part is told how many pages the other has, so that « page X / Y »
counts the whole sheet (templates/partials/pdf_page_numbers.html). The CGV
part is the same for every sheet whose course part has the same number of
pages, so it is laid out once per build for each such number (usually 1, 2
and 3 pages), not once per sheet.
"""

from __future__ import annotations

import multiprocessing.pool
from typing import Any, Callable, Iterable

from ..diagnostics import BuildError, Diagnostic
from .pdf_join import Part, join_parts
from .pdf_pool import Layout, PdfPool

SHEET_TEMPLATE = "pdf/sheet.html"
CGV_TEMPLATE = "pdf/cgv.html"
EARLY_CGV_PARTS = (1, 2, 3)  # CGV parts made ahead for a large build: course parts of 1 to 3 pages are the rule
MAX_COURSE_PAGES = 20  # the CGV parts kept in the cache: one per page count of a course part, up to this


def course_part(course: Any, cgv_pages: int) -> Layout:
    """The course pages of a sheet followed by `cgv_pages` pages of CGV."""
    return Layout(f"course {course.ref}", SHEET_TEMPLATE, {"course": course, "cgv_pages": cgv_pages}, fit=True)


def cgv_part(course_pages: int) -> Layout:
    """The CGV pages of a sheet whose course part has `course_pages` pages."""
    return Layout(f"cgv {course_pages}", CGV_TEMPLATE, {"course_pages": course_pages})


def render_sheets(pool: PdfPool, courses: Iterable[Any], *, cgv_parts: dict[int, Part] | None = None,
                  on_sheet: Callable[[Any, Part], None],
                  check_part: Callable[[int, Part], None] = lambda pages, part: None) -> dict[int, Part]:
    """Lay out the sheets of `courses` and call `on_sheet(course, pdf)` for each, in no set order.

    `cgv_parts` are CGV parts already made (by page count of the course
    part); each one made here goes through `check_part` before any sheet
    uses it, and is returned. All problems of all sheets are raised
    together as one BuildError at the end."""
    courses = list(courses)
    parts: dict[int, Part] = dict(cgv_parts or {})
    made: dict[int, Part] = {}
    if not courses:
        return made
    problems: list[Diagnostic] = []
    waiting: dict[int, list[tuple[Any, Part]]] = {}
    by_name = {course_part(course, 0).name: course for course in courses}
    pending: dict[int, multiprocessing.pool.AsyncResult] = {}

    if not parts:
        # The CGV's page count is needed to lay out the course parts: one CGV part first, and
        # for a large build the other likely ones at the same time, on the other cores.
        ahead = EARLY_CGV_PARTS if len(courses) >= 10 * pool.jobs else (2,)
        pending = {n: pool.submit(cgv_part(n)) for n in ahead}
        _, first = pending.pop(2).get()
        if isinstance(first, BuildError):
            raise first
        check_part(2, first)
        made[2] = parts[2] = first
    cgv_pages = next(iter(parts.values())).pages
    for name, result in pool.layouts(course_part(course, cgv_pages) for course in courses):
        course = by_name[name]
        if isinstance(result, BuildError):
            problems += result.diagnostics
        elif result.pages in parts:
            on_sheet(course, join_parts(result, parts[result.pages]))
        else:
            waiting.setdefault(result.pages, []).append((course, result))
            if result.pages not in pending:
                pending[result.pages] = pool.submit(cgv_part(result.pages))
    for pages, async_result in pending.items():
        _, part = async_result.get()
        if isinstance(part, BuildError):
            problems += part.diagnostics
            continue
        check_part(pages, part)
        made[pages] = parts[pages] = part
        for course, course_pages in waiting.pop(pages, []):
            on_sheet(course, join_parts(course_pages, part))
    if problems:
        raise BuildError(list(dict.fromkeys(problems)))
    return made
