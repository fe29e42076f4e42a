"""The whole pipeline: load and validate everything, render, then write.

    config -> content + legal -> render_html -> render_pdf -> output

Nothing is written before the whole catalogue is valid and every page and
PDF has been rendered in memory.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .config import SiteConfig, load_config
from .content import Catalogue, Course, course_paths, make_catalogue, read_course
from .diagnostics import BuildError, Diagnostic
from .legal import Cgv, load_cgv
from .legal_lint import Linter, LintFile, lint_project
from .source import source_reader
from .output import check_output_dir, collect_assets, write_output
from .render_html import OutputFile, course_pdf_path, make_environment, render_site
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


PARALLEL_CHECK_FROM = 200  # course files; below this, starting processes costs more than it saves


def load_project(root: Path, jobs: int | None = None) -> Project:
    """Read and validate every source; raise BuildError with all problems.

    Course files are read, parsed and linted one by one, in parallel worker
    processes for a large catalogue (`jobs`: how many; default all cores)."""
    config = load_config(root)
    reader = source_reader()
    diagnostics: list[Diagnostic] = []
    cgv = None
    try:
        cgv = load_cgv(config, reader)
    except BuildError as exc:
        diagnostics += exc.diagnostics
    paths, found = course_paths(config)
    diagnostics += found
    courses = []
    for course, found in _check_courses(config, cgv, paths, jobs):
        diagnostics += found
        if course is not None:
            courses.append(course)
    diagnostics += lint_project(config, cgv, reader, skip_courses=True)
    diagnostics = list(dict.fromkeys(diagnostics))  # a file unreadable for two stages is reported once
    if any(d.is_error for d in diagnostics) or cgv is None:
        raise BuildError(diagnostics)
    return Project(config, make_catalogue(courses), cgv)


_worker_state: tuple[SiteConfig, Linter] | None = None


def _check_course(path: Path) -> tuple[Course | None, list[Diagnostic]]:
    assert _worker_state is not None
    config, linter = _worker_state
    source, course, diagnostics = read_course(path, config)
    if source is not None:
        diagnostics += linter.lint(LintFile(source.path, source.text, "course"))
    return course, diagnostics


def _check_courses(config: SiteConfig, cgv: Cgv | None, paths: list[Path], jobs: int | None
                   ) -> list[tuple[Course | None, list[Diagnostic]]]:
    global _worker_state
    _worker_state = (config, Linter(config, cgv))
    jobs = jobs or os.cpu_count() or 1
    try:
        if jobs < 2 or len(paths) < PARALLEL_CHECK_FROM or "fork" not in multiprocessing.get_all_start_methods():
            return [_check_course(path) for path in paths]
        # fork: the workers start with the configuration and the linter already built
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return pool.map(_check_course, paths, chunksize=max(1, len(paths) // (jobs * 4)))
    finally:
        _worker_state = None


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
        from .render_pdf import render_sheet  # WeasyPrint takes 0.7 s to import: only when PDFs are made

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
