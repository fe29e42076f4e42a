"""The PDF sheets output kind: one PDF per course, its course part then the
CGV (render/sheets.py lays them out), published in pdf/.

Sheets and CGV parts are kept in the build cache by key: a sheet whose
course file, CGV, PDF templates and stylesheets did not change is taken from
there. Every CGV part laid out is verified word for word against the
canonical CGV before any sheet carrying it is published.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

from ..diagnostics import BuildError, Diagnostic, display_path
from ..files import sha256
from ..legal.verify import verify_cgv_copies
from ..render.pdf_join import Part, page_count
from ..render.sheets import CGV_TEMPLATE, MAX_COURSE_PAGES, SHEET_TEMPLATE, render_sheets
from ..render.urls import course_pdf_path
from .context import Planned, Run
from .keys import combine
from .outputs import PDF, Keys, OutputKind


class PdfSheets(OutputKind):
    """The PDF sheet of every course (not made by `build --no-pdf`)."""

    stage = PDF

    def plan(self, run: Run, keys: Keys) -> list[Planned]:
        if not run.pdf:
            return []
        common = combine(keys.common, keys.template(SHEET_TEMPLATE), keys.template(CGV_TEMPLATE), keys.pdf_assets,
                         keys.sources["cgv"])
        return [Planned(course_pdf_path(course), combine(common, keys.sources.get(course.ref, "")), self, course)
                for course in run.project.catalogue.courses]

    def make(self, run: Run, todo: list[Planned]) -> None:
        to_render = []
        for item in todo:
            cached = run.cache.get_pdf(item.key)
            if cached is not None:
                run.publish_file(item.path, run.cache.put_pdf(item.key, cached), sha256(cached))
                run.counts["reused"] += 1
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
        return [p.key for p in run.planned if p.kind is self] + [self._part_key(run, pages)
                                                                  for pages in range(1, MAX_COURSE_PAGES + 1)]

    def _part_key(self, run: Run, course_pages: int) -> str:
        """The key of the CGV part of a sheet whose course part has `course_pages` pages."""
        keys = run.keys
        return combine(keys.common, keys.template(CGV_TEMPLATE), keys.pdf_assets, keys.sources["cgv"], "cgv-part",
                       str(course_pages))

    def render(self, run: Run, courses: list[Any], publish: Callable[[Any, bytes], None]) -> int:
        """Lay out the sheets of `courses` (CGV parts from the cache when there), verify, publish each."""
        if not courses:
            return 0
        assert run.pool is not None
        cache, config, cgv = run.cache, run.project.config, run.project.cgv
        parts: dict[int, Part] = {}
        for pages in range(1, MAX_COURSE_PAGES + 1):
            data = cache.get_pdf(self._part_key(run, pages))
            if data is not None:
                parts[pages] = Part(data, page_count(data))
        done = 0

        def on_sheet(course: Any, sheet: Part) -> None:
            nonlocal done
            if page_count(sheet.pdf) != sheet.pages:
                raise BuildError([Diagnostic(course.path, 0, 0, f"the PDF sheet has {page_count(sheet.pdf)} pages "
                                             f"instead of {sheet.pages} after joining the CGV")])
            publish(course, sheet.pdf)
            done += 1
            if run.progress:
                run.progress("pdf", done, len(courses))

        def check_part(pages: int, part: Part) -> None:
            """CGV pages made for this build are checked word for word before any sheet carrying them is published."""
            problems = verify_cgv_copies(cgv, [("cgv-part.pdf", part.pdf)], "")
            if problems:
                template = display_path(config.templates_dir / CGV_TEMPLATE, config.root)
                raise BuildError([dataclasses.replace(problem, path=template, message=f"in the CGV pages of the PDF "
                                                      f"sheets: {problem.message}") for problem in problems])
            cache.put_pdf(self._part_key(run, pages), part.pdf)

        run.pool.ensure(len(courses) + (0 if parts else 1))
        render_sheets(run.pool, courses, cgv_parts=parts, on_sheet=on_sheet, check_part=check_part)
        return done
