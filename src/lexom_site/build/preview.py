"""The live preview's quick step (`lexom-site serve`): when only course files
changed, the pages that show them, checked and rendered at once; the whole
build (PDF sheets, printed catalogue, search index, every check) follows in
the background and publishes the complete site when it is done.

A `Preview` holds the catalogue as the last build left it, in memory: the
course of each course file, or its problems. `update(names)` reads,
validates and lints the changed files only (the others did not change, nor
did anything they are checked against: a change to anything but course
files goes to the whole build), then runs again what involves the whole
catalogue:

- the problems of every course file, not only the changed ones (a file
  still broken keeps the site from being shown);
- no course file at all (the build refuses an empty catalogue);
- `strict` (site.yaml): what Qualiopi requires, of every course;
- the internal links of every page made again (the changed courses' pages,
  the home page and the sitemap), against every file of the published site,
  with the pages and PDFs the change adds or removes.

Every check here is one the build runs too, with the same messages; the
build then checks the rest (the links of the pages not made again, the CGV
in every PDF) and shows what it finds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, display_path
from ..files import sha256
from ..inputs.catalogue import Catalogue, make_catalogue, read_course
from ..inputs.completeness import completeness_problems
from ..inputs.config import SiteConfig
from ..inputs.course import Course
from ..inputs.source import Reader, read_source
from ..legal.lint import Linter, LintFile
from ..paths import ignored, locations
from ..render.html import Page, course_page, render_page
from ..render.templates import make_environment
from ..render.urls import course_page_path, course_pdf_path
from .cache import BuildCache
from .catalogue import recorded_facts
from .links import BrokenLink, find_broken_links, link_diagnostics, locate_in_source, page_links
from .pages import TemplatePage
from .project import load_project


@dataclass(frozen=True)
class Update:
    """What one quick step found: the pages to show now (path -> bytes, only those whose bytes changed), the
    pages gone with a removed course, the PDFs the build will make again; or the problems that keep the site
    from being shown (then nothing else)."""

    pages: dict[str, bytes] = field(default_factory=dict)
    removed: frozenset[str] = frozenset()
    pdfs: frozenset[str] = frozenset()
    problems: tuple[Diagnostic, ...] = ()
    changed: tuple[str, ...] = ()  # the course files read again (display paths)


@dataclass
class Preview:
    """The catalogue in memory, kept up to date file by file (see the module's docstring)."""

    config: SiteConfig
    out_dir: Path
    pdf: bool
    strict: bool
    listings: tuple[TemplatePage, ...]  # the pages that list the courses (home page, sitemap)
    courses: dict[str, Course]  # course file name -> its course, for every file that parses
    problems: dict[str, list[Diagnostic]] = field(default_factory=dict)  # course file name -> its errors
    site: set[str] = field(default_factory=set)  # every file of the site as the preview shows it
    shown: dict[str, str] = field(default_factory=dict)  # page -> SHA-256 of the bytes shown
    facts: Any = None  # what the home page says of the printed catalogue
    linter: Linter | None = None
    env: Any = None
    reader: Reader = read_source  # (not source_reader's: it remembers every file it read)

    @classmethod
    def load(cls, root: Path, out_dir: Path, listings: tuple[TemplatePage, ...], *, pdf: bool,
             strict: bool | None = None) -> Preview:
        """The catalogue of the site just built into `out_dir` (valid: BuildError otherwise), from the build
        cache; the templates compiled once here, so that the first quick step does not wait for it."""
        root, out_dir, cache_dir = locations(root, out_dir, None)
        cache = BuildCache.open(cache_dir, out_dir.name)
        project = load_project(root, cache=cache, strict=strict)
        config = project.config
        preview = cls(config, out_dir, pdf, config.strict if strict is None else strict,
                      tuple(page for page in listings if "catalogue" in page.uses),
                      {Path(course.path).name: course for course in project.catalogue.courses},
                      linter=Linter(config, project.cgv), env=make_environment(config))
        preview.published(cache.outputs)
        if project.catalogue.courses:  # (compiles course.html and what it includes)
            render_page(preview.env, config, course_page(project.catalogue.courses[0], pdf=preview.pdf))
        preview._listing_pages(project.catalogue)
        return preview

    def published(self, outputs: dict[str, dict]) -> None:
        """The build published a complete site (the cache's record of it, `outputs`): what the preview shows."""
        self.site = set(outputs)
        self.shown = {path: entry["sha256"] for path, entry in outputs.items()}
        self.facts = recorded_facts(outputs, self.out_dir) if self.pdf else None

    def update(self, names: list[str]) -> Update:
        """Course files `names` (in the courses folder) changed, were added or removed: read them again, check
        the catalogue, render what shows them (see the module's docstring)."""
        config = self.config
        gone: dict[str, Course] = {}
        for name in names:
            old = self.courses.pop(name, None)
            self.problems.pop(name, None)
            path = config.courses_dir / name
            if not path.exists():
                if old is not None:
                    gone[name] = old
                continue
            source, course, found = read_course(path, config, self.reader)
            if source is not None:
                assert self.linter is not None
                found += self.linter.lint(LintFile(source.path, source.text, "course"))
            errors = [d for d in found if d.is_error]
            if errors:
                self.problems[name] = errors
            if course is not None:
                self.courses[name] = course
        changed = tuple(display_path(config.courses_dir / name, config.root) for name in names)
        problems = [d for name in sorted(self.problems) for d in self.problems[name]]
        if not self.courses and not self.problems:
            problems.append(Diagnostic(display_path(config.courses_dir, config.root), 0, 0,
                                       "there is no course file: the site would publish an empty catalogue",
                                       hint="add one with `lexom-site new course REF --title \"…\"`; to publish "
                                       "an empty catalogue on purpose, use --allow-empty"))
        if not problems and self.strict:
            problems += completeness_problems(tuple(self.courses.values()), config)
        if problems:
            return Update(problems=tuple(dict.fromkeys(problems)), changed=changed)

        catalogue = make_catalogue(self.courses.values())
        site = set(self.site)
        for course in gone.values():
            site -= {course_page_path(course), course_pdf_path(course)}
        edited = [self.courses[name] for name in names if name in self.courses]
        for course in edited:
            site |= {course_page_path(course)} | ({course_pdf_path(course)} if self.pdf else set())
        pages: dict[str, tuple[bytes, Any]] = {}
        for course in edited:
            page = course_page(course, pdf=self.pdf)
            pages[page.path] = (render_page(self.env, config, page).data, page)
        pages.update(self._listing_pages(catalogue))
        problems = self._broken_links(pages, site)
        if problems:
            return Update(problems=tuple(problems), changed=changed)

        new = {path: data for path, (data, _) in pages.items() if self.shown.get(path) != sha256(data)}
        removed = frozenset(path for course in gone.values() for path in (course_page_path(course),))
        self.site = site
        self.shown.update({path: sha256(data) for path, data in new.items()})
        for path in removed:
            self.shown.pop(path, None)
        pdfs = frozenset(course_pdf_path(course) for course in edited) if self.pdf else frozenset()
        if self.pdf and (edited or gone):
            pdfs |= {self.facts.path}  # the printed catalogue holds every course
        return Update(new, removed, pdfs, changed=changed)

    def _listing_pages(self, catalogue: Catalogue) -> dict[str, tuple[bytes, Page]]:
        """The home page and the sitemap, rendered as the build renders them."""
        values = {"catalogue": catalogue, "catalogue_pdf": self.facts if self.pdf and catalogue.courses else None}
        pages = {}
        for kind in self.listings:
            page = Page(kind.path, kind.template, {name: values[name] for name in kind.uses})
            pages[kind.path] = (render_page(self.env, self.config, page).data, page)
        return pages

    def _broken_links(self, pages: dict[str, tuple[bytes, Page]], site: set[str]) -> list[Diagnostic]:
        """The build's link check, on the pages made again (their links to any file of the site)."""
        config = self.config
        found = {path: page_links(path, data.decode("utf-8", errors="replace"), config.base_url)
                 for path, (data, _) in pages.items()}
        broken = find_broken_links(found, site)  # (no PDF linked when there is none: course_page(pdf=...))

        def blame(item: BrokenLink) -> tuple[str, int, int]:
            page = pages[item.page][1]
            course = page.context.get("course")
            if course is not None and (where := locate_in_source(config.root / course.path, item.link)):
                return course.path, *where
            return display_path(config.templates_dir / page.template, config.root), 0, 0

        return link_diagnostics(broken, blame, self.out_dir.name)


def course_file_name(courses_dir: Path, path: Path) -> str | None:
    """The name of the course file `path` is (directly in `courses_dir`, .md, not an editor's leftover)."""
    if path.parent != courses_dir or path.suffix != ".md" or ignored(path.name):
        return None
    return path.name
