"""The printed catalogue output kind: `pdf/catalogue.pdf`, every course in one
document, to hand out or send to print.

    front   cover, introduction (content/catalogue.md), table of contents    laid out (pdf/catalogue.html)
    courses each course part, grouped by category and sub-category          the sheets' own parts, reused
    CGV     once                                                             the sheets' CGV part, reused
    back    contacts and the declaration number                              laid out (pdf/catalogue_back.html)

Nothing of a course is laid out for the catalogue: its parts are those of
the sheets (kept in the cache by key), so a one-course edit lays out that
course once. Nor does the front know a page number: each contents entry
leaves an empty box for it, so the front is laid out again only when the
list of courses, a title or a duration changes. The parts are then joined
and numbered, the contents linked and the bookmarks written
(render/pdf_catalogue.py). The keys of the front and back laid out are kept
with the catalogue's entry in the cache (`parts`), so that they stay in the
cache as long as it is published.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


from ..diagnostics import BuildError, Diagnostic
from ..files import file_digest, sha256
from ..render.html import render_page
from ..render.pdf_catalogue import BACK, CGV, FRONT, LINK, NUMBER, CatalogueAssembly, Fonts
from ..render.pdf_join import Part, page_count
from ..render.pdf_pool import Layout
from ..render.sheets import NUMBER_FONT, cgv_part, course_part
from ..render.templates import make_environment
from ..render.urls import CATALOGUE_PDF, HOME_PAGE
from .context import Planned, Run
from .keys import combine
from .outputs import PDF, Keys, Layouts, OutputKind
from .pdf_sheets import SheetsAhead, cgv_part_key, check_cgv_part, course_part_key

FRONT_TEMPLATE, BACK_TEMPLATE = "pdf/catalogue.html", "pdf/catalogue_back.html"
CONTENTS_FONT = "fonts/Lato-Bold.ttf"  # the contents' page numbers, in the assets


def _year(courses: tuple[Any, ...]) -> int:
    """The catalogue's year: that of its latest update."""
    return max(course.updated for course in courses).year


@dataclass(frozen=True)
class CatalogueFacts:
    """What the home page says of the printed catalogue."""

    path: str
    pages: int | None = None
    size: int | None = None  # bytes

    @property
    def size_label(self) -> str:
        """« 192 ko », « 12,3 Mo »."""
        if self.size is None:
            return ""
        if self.size < 1_000_000:
            return f"{max(1, round(self.size / 1000))}\u00a0ko"
        return f"{self.size / 1_000_000:.1f}".replace(".", ",") + "\u00a0Mo"


def _details(entry: dict) -> dict:
    """What the cache keeps of the catalogue besides its key ({} if unreadable: nothing is trusted)."""
    details = entry.get("details")
    return details if isinstance(details, dict) else {}


def published_facts(run: Run) -> CatalogueFacts:
    """The facts of the catalogue published by the last build, as the cache recorded them (the home page shows
    them until the new one is made, and is made again only if the new one changes what it says)."""
    return recorded_facts(run.cache.outputs, run.out_dir)


def recorded_facts(outputs: dict[str, dict], out_dir: Path) -> CatalogueFacts:
    """The facts of the printed catalogue published in `out_dir`, from the cache's record of its outputs."""
    entry = outputs.get(CATALOGUE_PDF)
    if entry is None or not (out_dir / CATALOGUE_PDF).is_file():
        return CatalogueFacts(CATALOGUE_PDF)
    pages, stat = _details(entry).get("pages"), entry.get("stat")
    return CatalogueFacts(CATALOGUE_PDF, pages if isinstance(pages, int) else None,
                          stat[0] if isinstance(stat, list) and stat and isinstance(stat[0], int) else None)


class PrintedCatalogue(OutputKind):
    """The whole catalogue as one PDF (not made by `build --no-pdf`). Planned
    first (the home page's key holds its key), made at the PDF stage before the
    sheets, which then find the course parts it laid out."""

    stage = PDF

    def plan(self, run: Run, keys: Keys) -> list[Planned]:
        if not run.pdf or not run.project.catalogue.courses:
            return []
        courses = run.project.catalogue.courses
        key = combine(*(course_part_key(keys, c) for c in courses), cgv_part_key(keys), keys.template(FRONT_TEMPLATE),
                      keys.template(BACK_TEMPLATE), keys.sources.get("intro", ""), "catalogue")
        return [Planned(CATALOGUE_PDF, key, self, courses)]

    def make(self, run: Run, todo: list[Planned]) -> None:
        if not todo:
            return
        started = time.perf_counter()
        item = todo[0]
        courses, keys, cache = item.subject, run.keys, run.cache
        own = {FRONT: (self._front_key(run, courses), self._front(run, courses)),
               BACK: (self._back_key(run), Layout("catalogue back", BACK_TEMPLATE, {})),
               CGV: (cgv_part_key(keys), cgv_part())}
        keys_of = {slot: key for slot, (key, _) in own.items()} | {c.ref: course_part_key(keys, c) for c in courses}
        layout_of = {slot: layout for slot, (_, layout) in own.items()} | {c.ref: course_part(c) for c in courses}
        there = {slot: cache.get_pdf(key) for slot, key in keys_of.items()}
        missing = [slot for slot in (FRONT, BACK, CGV, *(c.ref for c in courses)) if there[slot] is None]
        # laid out now: the course parts the sheets have not laid out yet (all of them in a first build), and the
        # front (first: the longest), the back and the CGV part where they changed
        layouts = Layouts(run, [layout_of[slot] for slot in missing])
        assembly = CatalogueAssembly([(category, [(c.ref, c.title) for _, group in subcategories for c in group])
                                      for category, subcategories in run.project.catalogue.by_category()])
        for slot in assembly.order:  # (an edit: most of the catalogue is joined while its course is laid out)
            if there[slot] is not None:
                assembly.add(slot, there[slot])
        # the sheets of the course parts laid out are joined as they come (a cold build: while the others are
        # laid out), once the CGV part is verified word for word (then kept for the sheets)
        ahead = SheetsAhead(run, {layout_of[c.ref].name: c for c in courses if c.ref in missing},
                            None if there[CGV] is None else Part(there[CGV], page_count(there[CGV])))
        refused: list[Diagnostic] = []  # (what the CGV part's verification found: said with the layouts' own problems)
        for name, part in layouts.arrivals():
            if CGV in missing and name == layout_of[CGV].name:
                try:
                    check_cgv_part(run, part)
                except BuildError as exc:
                    refused = exc.diagnostics
                    continue
                ahead.cgv_verified(part)
            else:
                ahead.laid_out(name, part)
        try:
            made = layouts.wait()
        except BuildError as exc:
            raise BuildError(exc.diagnostics + refused) from None
        if refused:
            raise BuildError(refused)
        course_parts_missing = any(slot not in own for slot in missing)
        if course_parts_missing:  # the sheets will find every part in the cache: the workers' memory is freed
            run.pool.rest()
        for slot in missing:
            there[slot] = made[layout_of[slot].name].pdf
            cache.put_pdf(keys_of[slot], there[slot])
        for slot in assembly.missing():
            assembly.add(slot, there[slot])
        assets = run.project.config.assets_dir
        # its file identifier: a digest of the parts in their order (what the catalogue is made of), not of the build
        # key, which also names the code and the packages installed beside it (a wheel installed alone and a
        # development environment publish the same bytes)
        identifier = combine(*(sha256(there[slot]) for slot in assembly.order))
        written = run.staging.file(item.path)  # (saved into the new site by qpdf itself)
        catalogue = assembly.finish(Fonts(footer=assets / NUMBER_FONT, contents=assets / CONTENTS_FONT),
                                    identifier=bytes.fromhex(identifier[:32]), into=written)
        run.publish_staged(item.path, file_digest(written))  # (not counted among the sheets of the build's summary)
        # kept in the cache: the front and back laid out (they stay in it while this catalogue is published), and
        # the page count the home page shows
        run.details[item.path] = {"parts": [keys_of[FRONT], keys_of[BACK]], "pages": catalogue.pages}
        self._home_page(run, CatalogueFacts(item.path, catalogue.pages, catalogue.size))
        # the catalogue's own time, for the benchmark (within the pdf stage): the time course parts took to lay
        # out is not counted when there were some (the sheets would have waited for them)
        run.timer.stages["catalogue"] = time.perf_counter() - started - (layouts.seconds if course_parts_missing
                                                                          else 0.0)

    def cache_keys(self, run: Run) -> list[str]:
        parts = _details(run.cache.outputs.get(CATALOGUE_PDF, {})).get("parts")
        return [key for key in parts if isinstance(key, str)] if isinstance(parts, list) else []

    def _front_key(self, run: Run, courses: tuple[Any, ...]) -> str:
        """What the front is made from: the contents list titles, references and durations, not pages."""
        keys = run.keys
        return combine(keys.common, keys.template(FRONT_TEMPLATE), keys.pdf_assets, keys.sources["cgv"],
                       keys.sources.get("intro", ""), str(_year(courses)),
                       *(f"{c.category}:{c.subcategory}:{c.ref}:{c.title}:{c.duration_label}" for c in courses), "front")

    def _back_key(self, run: Run) -> str:
        keys = run.keys
        return combine(keys.common, keys.template(BACK_TEMPLATE), keys.pdf_assets, keys.sources["cgv"], "back")

    def _front(self, run: Run, courses: tuple[Any, ...]) -> Layout:
        """Cover, introduction and contents (whose page numbers are written once the pages are known)."""
        return Layout("catalogue front", FRONT_TEMPLATE, {
            "categories": run.project.catalogue.by_category(), "year": _year(courses), "intro": run.project.intro,
            "link": LINK, "number": NUMBER})

    def _home_page(self, run: Run, facts: CatalogueFacts) -> None:
        """The home page links the catalogue with its size and page count, known now."""
        item = next(p for p in run.planned if p.path == HOME_PAGE)
        page = item.subject.__class__(item.subject.path, item.subject.template,
                                      {**item.subject.context, "catalogue_pdf": facts}, item.subject.searchable)
        if run.env is None:
            run.env = make_environment(run.project.config, run.cache.templates)
        data = render_page(run.env, run.project.config, page).data
        if sha256(data) != run.published.get(HOME_PAGE):
            run.republish(HOME_PAGE, data)
