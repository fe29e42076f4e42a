"""The printed catalogue output kind: `pdf/catalogue.pdf`, every course in one
document, to hand out or send to print.

    front   cover, introduction (content/catalogue.md), table of contents    laid out (pdf/catalogue.html)
    courses each course part, grouped by category and sub-category          the sheets' own parts, reused
    CGV     once                                                             the sheets' CGV part, reused
    back    contacts and the declaration number                              laid out (pdf/catalogue_back.html)

Nothing of a course is laid out for the catalogue: its parts are those of
the sheets (kept in the cache by key), so a one-course edit lays out that
course once. The front is laid out with the page number of each course
(known from the parts' page counts), again if its own length changed them.
The parts are then joined (pikepdf), « page X / Y » stamped over the whole
(the cover and the back page aside), the contents' entries made links to
their pages, and the bookmarks written: category → course, then the CGV.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import Any

import pikepdf

from ..diagnostics import BuildError, Diagnostic
from ..files import sha256
from ..render.html import render_page
from ..render.pdf_join import Part, page_count
from ..render.pdf_pool import Layout
from ..render.sheets import NUMBER_FONT, course_part
from ..render.stamp import PageNumbers, save
from ..render.templates import make_environment
from ..render.urls import CATALOGUE_PDF, HOME_PAGE
from .context import Planned, Run
from .keys import combine
from .outputs import PDF, Keys, OutputKind, lay_out
from .pdf_sheets import cached_part, cgv_pages, cgv_part_key, course_part_key

FRONT_TEMPLATE, BACK_TEMPLATE = "pdf/catalogue.html", "pdf/catalogue_back.html"
LINK = "lexom-page:"  # the contents' links, as laid out; made links to the page they name


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


def published_facts(run: Run) -> CatalogueFacts:
    """The facts of the catalogue published by the last build (the home page shows them until the new one is
    made, and is made again only if the new one changes what it says)."""
    previous = run.cache.outputs.get(CATALOGUE_PDF)
    path = run.out_dir / CATALOGUE_PDF
    if previous is None or not path.is_file():
        return CatalogueFacts(CATALOGUE_PDF)
    try:
        with pikepdf.open(path) as document:
            return CatalogueFacts(CATALOGUE_PDF, len(document.pages), path.stat().st_size)
    except (OSError, pikepdf.PdfError):
        return CatalogueFacts(CATALOGUE_PDF)


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
        courses = item.subject
        parts = self._course_parts(run, courses)
        cgv = cgv_pages(run)
        back = lay_out(run, [Layout("catalogue back", BACK_TEMPLATE, {})])["catalogue back"]
        front, starts = self._front(run, courses, parts)
        pdf = self._assemble(run, courses, front, parts, starts, cgv, back)
        run.publish(item.path, pdf)  # (not counted among the sheets of the build's summary)
        self._home_page(run, CatalogueFacts(item.path, page_count(pdf), len(pdf)))
        run.timer.stages["catalogue"] = time.perf_counter() - started  # (within the pdf stage; for the benchmark)

    def _course_parts(self, run: Run, courses: tuple[Any, ...]) -> list[Part]:
        """Each course's part: the sheets' (from the cache), laid out now where there is none."""
        keys = run.keys
        found = {c.ref: cached_part(run, course_part_key(keys, c)) for c in courses}
        missing = [c for c in courses if found[c.ref] is None]
        made = lay_out(run, [course_part(c) for c in missing])
        for course in missing:
            part = made[course_part(course).name]
            run.cache.put_pdf(course_part_key(keys, course), part.pdf)
            found[course.ref] = part
        return [found[c.ref] for c in courses]

    def _front(self, run: Run, courses: tuple[Any, ...], parts: list[Part]) -> tuple[Part, list[int]]:
        """Cover, introduction and contents, with the first page of each course;
        laid out again when its own length moves the courses' pages."""
        catalogue = run.project.catalogue
        year = max(course.updated for course in courses).year
        front_pages = 3  # a first guess: cover, introduction, one page of contents
        for _ in range(3):
            starts, page = [], front_pages + 1
            for part in parts:
                starts.append(page)
                page += part.pages
            first_page = dict(zip((c.ref for c in courses), starts))
            key = combine(run.keys.common, run.keys.template(FRONT_TEMPLATE), run.keys.sources.get("intro", ""),
                          repr(sorted(first_page.items())), *(f"{c.ref}:{c.title}:{c.duration_label}" for c in courses),
                          "front")
            data = run.cache.get_pdf(key)
            front = Part(data, page_count(data)) if data is not None else lay_out(run, [Layout(
                "catalogue front", FRONT_TEMPLATE, {"categories": catalogue.by_category(), "first_page": first_page,
                                                    "year": year, "intro": run.project.intro, "link": LINK})])[
                "catalogue front"]
            run.cache.put_pdf(key, front.pdf)
            if front.pages == front_pages:
                return front, starts
            front_pages = front.pages
        raise BuildError([Diagnostic(FRONT_TEMPLATE, 0, 0, "the catalogue's contents do not settle on a number of "
                                     "pages (each layout moves the page numbers it prints)")])

    def _assemble(self, run: Run, courses: tuple[Any, ...], front: Part, parts: list[Part], starts: list[int],
                  cgv: Part, back: Part) -> bytes:
        document = pikepdf.open(io.BytesIO(front.pdf))
        for part in (*parts, cgv, back):
            document.pages.extend(pikepdf.open(io.BytesIO(part.pdf)).pages)
        pages = document.pages
        for page in pages[: front.pages]:  # the contents' entries: links to their pages
            for annotation in page.obj.get("/Annots", ()):
                uri = str(annotation.get("/A", {}).get("/URI", ""))
                if uri.startswith(LINK):
                    del annotation["/A"]
                    annotation.Dest = pikepdf.Array([pages[int(uri[len(LINK):]) - 1].obj, pikepdf.Name.Fit])
        cgv_start = len(pages) - back.pages - cgv.pages
        with document.open_outline() as outline:
            outline.root.clear()  # (the front's own headings would be bookmarks too)
            start_of = dict(zip((c.ref for c in courses), starts))
            contents = 1 + (1 if run.project.intro else 0)
            outline.root.append(pikepdf.OutlineItem("Sommaire", contents))
            for category, subcategories in run.project.catalogue.by_category():
                members = [c for _, group in subcategories for c in group]
                entry = pikepdf.OutlineItem(category, start_of[members[0].ref] - 1)
                entry.children += [pikepdf.OutlineItem(f"{c.title} ({c.ref})", start_of[c.ref] - 1) for c in members]
                outline.root.append(entry)
            outline.root.append(pikepdf.OutlineItem("Conditions générales de vente", cgv_start))
        document.Root.Lang = pikepdf.String("fr")
        document.Root.PageMode = pikepdf.Name.UseOutlines
        stamper = PageNumbers(document, run.project.config.root / NUMBER_FONT)
        for number, page in enumerate(pages, start=1):
            if 1 < number < len(pages):  # not on the cover, nor on the back page
                stamper.stamp(page, number, len(pages))
        return save(document)

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
