"""The HTML stage's output kinds: pages made from templates, course pages, assets."""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Diagnostic
from ..legal.verify import verify_cgv_copies
from ..render.html import Page, course_page, render_page
from ..render.templates import make_environment
from ..render.urls import CATALOGUE_PDF, course_page_path
from .catalogue import published_facts
from .context import Planned, Run
from .keys import combine
from .outputs import HTML, Keys, OutputKind


def _render(run: Run, todo: list[Planned]) -> None:
    """Render pages into the new site (or take the one a check worker rendered)."""
    project = run.project
    for item in todo:
        if item.path in project.prerendered:
            new = run.publish_staged(item.path, project.prerendered[item.path])
        else:
            if run.env is None:
                run.cache.templates.mkdir(parents=True, exist_ok=True)
                run.env = make_environment(project.config, run.cache.templates)
            new = run.publish(item.path, render_page(run.env, project.config, item.subject).data)
        run.counts["pages" if new else "reused"] += 1


@dataclass(frozen=True)
class TemplatePage(OutputKind):
    """One file of the site made from one template (the home page, the CGV
    page, the sitemap...), showing what `uses` names: "catalogue" (the
    courses), "cgv", "catalogue_pdf" (the printed catalogue: its address, and
    once it is made its size and page count, see catalogue.py); `verify_cgv`:
    it prints the CGV, checked word for word."""

    path: str
    template: str
    uses: tuple[str, ...] = ()
    verify_cgv: bool = False
    stage = HTML

    def plan(self, run: Run, keys: Keys) -> list[Planned]:
        printed = next((item for item in run.planned if item.path == CATALOGUE_PDF), None)  # (planned first)
        shown = {"catalogue": keys.catalogue, "cgv": keys.sources["cgv"], "catalogue_pdf": printed.key if printed else ""}
        values = {"catalogue": lambda: run.project.catalogue, "cgv": lambda: run.project.cgv,
                  "catalogue_pdf": lambda: published_facts(run) if printed else None}
        page = Page(self.path, self.template, {name: values[name]() for name in self.uses})
        return [Planned(self.path, combine(keys.common, keys.template(self.template),
                                           *(shown[name] for name in self.uses)), self, page)]

    def make(self, run: Run, todo: list[Planned]) -> None:
        _render(run, todo)

    def check(self, run: Run) -> list[Diagnostic]:
        if not self.verify_cgv or self.path not in run.made:
            return []
        data = (run.staging.folder / self.path).read_bytes()
        return verify_cgv_copies(run.project.cgv, [(self.path, data)], run.out_dir.name)


class CoursePages(OutputKind):
    """The page of each course (templates/course.html), indexed by the search."""

    stage = HTML

    def plan(self, run: Run, keys: Keys) -> list[Planned]:
        base = combine(keys.common, keys.template("course.html"))
        if not run.pdf:  # no PDF sheet to link to: not the page of a full build
            base = combine(base, "no-pdf")
        return [Planned(course_page_path(course), combine(base, keys.sources[course.ref]), self,
                        course_page(course, pdf=run.pdf)) for course in run.project.catalogue.courses]

    def make(self, run: Run, todo: list[Planned]) -> None:
        _render(run, todo)


class Assets(OutputKind):
    """The files of assets/ (CSS, fonts, pictures, scripts), published as they are in assets/."""

    stage = HTML

    def plan(self, run: Run, keys: Keys) -> list[Planned]:
        assets = run.project.config.assets_dir
        return [Planned(f"assets/{path.relative_to(assets).as_posix()}", digest, self, path)
                for path, digest in keys.assets]

    def make(self, run: Run, todo: list[Planned]) -> None:
        for item in todo:
            run.publish(item.path, item.subject.read_bytes())
