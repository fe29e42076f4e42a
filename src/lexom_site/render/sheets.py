"""PDF course sheets: a course part (templates/pdf/sheet.html) followed by the
CGV part (templates/pdf/cgv.html), laid out by the pool and joined, with
« page X / Y » stamped over the whole sheet (stamp.py).

Neither part holds page numbers, so the CGV part is the same for every
sheet: it is laid out once per build (or taken from the cache), and each
course part is laid out once and kept — the printed catalogue reuses it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable

from ..diagnostics import BuildError, Diagnostic
from .pdf_join import Part, join_parts
from .pdf_pool import Layout, PdfPool

SHEET_TEMPLATE = "pdf/sheet.html"
CGV_TEMPLATE = "pdf/cgv.html"
NUMBER_FONT = "fonts/Lato-Regular.ttf"  # the font of the page numbers, in the assets
CGV_BOOKMARK = "Conditions générales de vente"  # the CGV part's first bookmark in a sheet (its sections below)


def course_part(course: Any) -> Layout:
    """The course pages of a sheet (and of the printed catalogue)."""
    return Layout(f"course {course.ref}", SHEET_TEMPLATE, {"course": course}, fit=True)


def cgv_part() -> Layout:
    """The CGV pages, the same for every sheet."""
    return Layout("cgv", CGV_TEMPLATE, {})


def assemble_sheet(course: Part, cgv: Part, assets: Path) -> Part:
    """The sheet: the course part, then the CGV part, numbered over the whole; its structure tree and
    bookmarks the course's then the CGV's."""
    return join_parts(course, cgv, numbers=assets / NUMBER_FONT, titles=(None, CGV_BOOKMARK))


def render_sheets(pool: PdfPool, courses: Iterable[Any], assets: Path, *, cgv: Part | None = None,
                  on_sheet: Callable[[Any, Part, Part], None],
                  check_cgv: Callable[[Part], None] = lambda part: None) -> Part | None:
    """Lay out the sheets of `courses` and call `on_sheet(course, course_part, sheet)` for
    each, in no set order. `cgv`: the CGV part already made; one made here goes
    through `check_cgv` before any sheet uses it, and is returned. All problems
    of all sheets are raised together as one BuildError at the end."""
    courses = list(courses)
    if not courses:
        return None
    made = None
    pending = pool.submit(cgv_part()) if cgv is None else None  # on one core while the others lay out courses
    problems: list[Diagnostic] = []
    parts: list[tuple[Any, Part]] = []
    by_name = {course_part(course).name: course for course in courses}
    for name, result in pool.layouts(course_part(course) for course in courses):
        if isinstance(result, BuildError):
            problems += result.diagnostics
        elif cgv is not None:
            on_sheet(by_name[name], result, assemble_sheet(result, cgv, assets))
        else:
            parts.append((by_name[name], result))
    if pending is not None:
        _, result = pending.get()
        if isinstance(result, BuildError):
            raise BuildError(list(dict.fromkeys(problems + result.diagnostics)))
        check_cgv(result)
        cgv = made = result
        for course, part in parts:
            on_sheet(course, part, assemble_sheet(part, cgv, assets))
    if problems:
        raise BuildError(list(dict.fromkeys(problems)))
    return made
