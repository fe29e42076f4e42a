"""The PDF sheets output kind: one PDF per course, its course part then the
CGV part, numbered (render/sheets.py), published in pdf/.

Three things are kept in the build cache by key: each sheet, each course
part (the printed catalogue joins them too) and the CGV part. A sheet whose
course file, CGV, PDF templates and stylesheets did not change is taken
from there; a sheet whose parts are there is joined without laying anything
out. The CGV part is verified word for word against the canonical CGV
before any sheet carrying it is published.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from ..i18n import _
from ..diagnostics import BuildError, display_path
from ..files import sha256
from ..legal.verify import verify_cgv_copies
from ..render.pdf_join import Part, page_count
from ..render.sheets import CGV_TEMPLATE, SHEET_TEMPLATE, assemble_sheet, render_sheets
from ..render.urls import course_pdf_path
from .context import Planned, Run
from .keys import combine
from .outputs import PDF, Keys, OutputKind


def cgv_part_key(keys: Keys) -> str:
    """The key of the CGV pages shared by every sheet and the catalogue."""
    return combine(keys.common, keys.template(CGV_TEMPLATE), keys.pdf_assets, keys.sources["cgv"], "cgv-part")


def course_part_key(keys: Keys, course: Any) -> str:
    """The key of a course's pages (the CGV is in it: its date is the documents' date)."""
    return combine(keys.common, keys.template(SHEET_TEMPLATE), keys.pdf_assets, keys.sources["cgv"],
                   keys.sources.get(course.ref, ""), "course-part")


def sheet_key(keys: Keys, course: Any) -> str:
    return combine(course_part_key(keys, course), cgv_part_key(keys), "sheet")


def cached_part(run: Run, key: str) -> Part | None:
    data = run.cache.get_pdf(key)
    return Part(data, page_count(data)) if data is not None else None


def check_cgv_part(run: Run, part: Part) -> None:
    """CGV pages made for this build are checked word for word before anything carrying them is published."""
    config = run.project.config
    problems = verify_cgv_copies(run.project.cgv, [("cgv-part.pdf", part.pdf)], "")
    if problems:
        template = display_path(config.templates_dir / CGV_TEMPLATE, config.root)
        raise BuildError([dataclasses.replace(problem, path=template, message=_(
            "in the CGV pages of the PDF sheets: {problem}").format(problem=problem.message)) for problem in problems])
    run.cache.put_pdf(cgv_part_key(run.keys), part.pdf)


class SheetsAhead:
    """Sheets joined as their course parts are laid out for the printed catalogue, while the other parts still
    are (a cold build: 1,000 joins of 5 ms no longer wait for the last layout), once the CGV part is verified.
    Each is kept in the cache; `PdfSheets.make` publishes it and counts it as made."""

    def __init__(self, run: Run, courses: dict[str, Any], cgv: Part | None):
        """`courses`: the course of each course part's layout name; `cgv`: the CGV part, if already there."""
        self.run, self.courses, self.cgv = run, courses, cgv
        self.waiting: list[tuple[Any, Part]] = []  # (course, part) laid out before the CGV part was verified

    def cgv_verified(self, cgv: Part) -> None:
        self.cgv = cgv
        for course, part in self.waiting:
            self._join(course, part)
        self.waiting = []

    def laid_out(self, name: str, part: Part) -> None:
        course = self.courses.get(name)
        if course is None:
            return
        if self.cgv is None:
            self.waiting.append((course, part))
        else:
            self._join(course, part)

    def _join(self, course: Any, part: Part) -> None:
        run = self.run
        key = sheet_key(run.keys, course)
        run.cache.put_pdf(key, assemble_sheet(part, self.cgv, run.project.config.assets_dir).pdf)
        run.sheets_ahead.add(key)
        if run.progress:
            run.progress("pdf", len(run.sheets_ahead), len(self.courses))


class PdfSheets(OutputKind):
    """The PDF sheet of every course (not made by `build --no-pdf`)."""

    stage = PDF

    def plan(self, run: Run, keys: Keys) -> list[Planned]:
        if not run.pdf:
            return []
        return [Planned(course_pdf_path(course), sheet_key(keys, course), self, course)
                for course in run.project.catalogue.courses]

    def make(self, run: Run, todo: list[Planned]) -> None:
        to_render = []
        for item in todo:
            cached = run.cache.get_pdf(item.key)
            if cached is not None:
                run.publish_file(item.path, run.cache.put_pdf(item.key, cached), sha256(cached))
                run.counts["pdfs" if item.key in run.sheets_ahead else "reused"] += 1
            else:
                to_render.append(item)
        keys = {item.subject.ref: item.key for item in to_render}

        def publish(course: Any, data: bytes) -> None:
            run.publish_file(course_pdf_path(course), run.cache.put_pdf(keys[course.ref], data), sha256(data))

        run.counts["pdfs"] += self.render(run, [item.subject for item in to_render], publish)

    def make_shard(self, run: Run, shard: tuple[int, int]) -> tuple[int, int]:
        """`build --shard K/N`: the sheets of the K-th of N parts of the catalogue, into the cache only.
        How many were made, and how many were there already."""
        k, n = shard
        items = [item for i, item in enumerate(sorted((p for p in run.planned if p.kind is self),
                                                      key=lambda p: p.subject.ref)) if i % n == k - 1]
        keys = {item.subject.ref: item.key for item in items}
        todo = [item.subject for item in items if run.cache.get_pdf(item.key) is None]
        made = self.render(run, todo, lambda course, data: run.cache.put_pdf(keys[course.ref], data))
        return made, len(items) - made

    def cache_keys(self, run: Run) -> list[str]:
        courses = [p.subject for p in run.planned if p.kind is self]
        return ([p.key for p in run.planned if p.kind is self] + [course_part_key(run.keys, c) for c in courses]
                + [cgv_part_key(run.keys)])

    def render(self, run: Run, courses: list[Any], publish: Callable[[Any, bytes], None]) -> int:
        """Make the sheets of `courses` (from their cached parts when there), verify, publish each."""
        if not courses:
            return 0
        assert run.pool is not None
        assets, keys = run.project.config.assets_dir, run.keys
        cgv = cached_part(run, cgv_part_key(keys))
        done = 0

        def on_sheet(course: Any, part: Part, sheet: Part) -> None:
            nonlocal done
            run.cache.put_pdf(course_part_key(keys, course), part.pdf)
            publish(course, sheet.pdf)
            done += 1
            if run.progress:
                run.progress("pdf", done, len(courses))

        to_lay_out = []
        for course in courses:
            part = cached_part(run, course_part_key(keys, course))
            if part is not None and cgv is not None:
                on_sheet(course, part, assemble_sheet(part, cgv, assets))
            else:
                to_lay_out.append(course)
        run.pool.ensure(len(to_lay_out) + (0 if cgv else 1))
        render_sheets(run.pool, to_lay_out, assets, cgv=cgv, on_sheet=on_sheet,
                      check_cgv=lambda part: check_cgv_part(run, part))
        return done
