"""The whole pipeline: load and validate everything, render, then write.

    config -> content + legal -> render_html -> render_pdf -> output

Nothing is written before the whole catalogue is valid and every page and
PDF has been rendered in memory.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .config import SiteConfig, load_config
from .content import Catalogue, load_catalogue
from .diagnostics import BuildError, Diagnostic
from .legal import Cgv, load_cgv
from .legal_lint import lint_project
from .output import check_output_dir, collect_assets, write_output
from .render_html import OutputFile, course_pdf_path, make_environment, render_site
from .render_pdf import render_sheet
from .verify import verify_cgv_copies

Progress = Callable[[str, int, int], None]  # stage, done, total


@dataclass(frozen=True)
class Project:
    config: SiteConfig
    catalogue: Catalogue
    cgv: Cgv


@dataclass(frozen=True)
class BuildReport:
    out_dir: Path
    pages: int
    pdfs: int
    seconds: float


def load_project(root: Path) -> Project:
    """Read and validate every source; raise BuildError with all problems."""
    config = load_config(root)
    diagnostics: list[Diagnostic] = []
    catalogue = cgv = None
    try:
        catalogue = load_catalogue(config)
    except BuildError as exc:
        diagnostics += exc.diagnostics
    try:
        cgv = load_cgv(config)
    except BuildError as exc:
        diagnostics += exc.diagnostics
    diagnostics += lint_project(config, cgv)
    diagnostics = list(dict.fromkeys(diagnostics))  # a file unreadable for two stages is reported once
    if any(d.is_error for d in diagnostics) or catalogue is None or cgv is None:
        raise BuildError(diagnostics)
    return Project(config, catalogue, cgv)


def build(root: Path, out_dir: Path | None = None, *, pdf: bool = True, progress: Progress | None = None) -> BuildReport:
    started = time.perf_counter()
    project = load_project(root)
    config = project.config
    out_dir = (out_dir or config.root / "public").resolve()
    check_output_dir(out_dir, config.root)
    env = make_environment(config)

    files: list[OutputFile] = render_site(env, config, project.catalogue, project.cgv)
    pages = len(files)
    files += collect_assets(config.assets_dir)
    pdfs = 0
    if pdf:
        courses = project.catalogue.courses
        failures: list[Diagnostic] = []
        for index, course in enumerate(courses):
            try:
                files.append(OutputFile(course_pdf_path(course), render_sheet(env, config, course, project.cgv)))
                pdfs += 1
            except BuildError as exc:  # go on: every sheet's problems are reported in one run
                failures += exc.diagnostics
            if progress:
                progress("pdf", index + 1, len(courses))
        if failures:
            raise BuildError(list(dict.fromkeys(failures)))
    problems = verify_cgv_copies(project.cgv, files, out_dir.name)
    if problems:
        raise BuildError(problems)
    write_output(out_dir, files)
    return BuildReport(out_dir, pages, pdfs, time.perf_counter() - started)
