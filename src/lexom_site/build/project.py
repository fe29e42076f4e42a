"""Load: read and validate every source of a project into a `Project`.

Nothing is rendered before the whole catalogue is valid: every problem of
every file is collected, then raised together. Course files are read,
parsed and legally linted one by one, in parallel worker processes for a
large catalogue, or taken from the build cache when their bytes and
everything they were checked against are unchanged.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import spawn
from ..i18n import _
from ..diagnostics import BuildError, Diagnostic, display_path
from ..files import file_digest, sha256
from ..inputs.catalogue import Catalogue, catalogue_problems, course_paths, make_catalogue, read_course
from ..inputs.completeness import completeness_problems
from ..inputs.config import SiteConfig, load_config
from ..inputs.course import Course, course_from_json, course_to_json
from ..inputs.source import Reader, source_reader
from ..legal.cgv import Cgv, load_cgv
from ..legal.lint import Linter, LintFile, lint_project
from ..paths import CATALOGUE_INTRO, CONFIG_FILE
from ..render.html import course_page, render_page
from ..render.templates import make_environment
from .cache import BuildCache
from .keys import code_key, combine
from .staging import Staging

PARALLEL_CHECK_FROM = 200  # course files; below this, starting processes costs more than it saves


@dataclass(frozen=True)
class Project:
    config: SiteConfig
    catalogue: Catalogue
    cgv: Cgv
    digests: dict[str, str] = dataclasses.field(default_factory=dict)  # course ref / "cgv" -> SHA-256 of the file
    valid: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)  # cache entries of the courses
    prerendered: dict[str, str] = dataclasses.field(default_factory=dict)  # pages already in staging -> SHA-256
    warnings: tuple[Diagnostic, ...] = ()  # problems that do not stop the build, for the people to decide
    intro: str | None = None  # the Markdown of content/catalogue.md, the printed catalogue's introduction


def load_project(root: Path, jobs: int | None = None, cache: BuildCache | None = None,
                 reader: Reader | None = None, pages_into: Staging | None = None,
                 input_digests: dict[str, str] | None = None, strict: bool | None = None,
                 allow_empty: bool = False, pdf: bool = True) -> Project:
    """Read and validate every source; raise BuildError with all problems.
    `strict` (default: site.yaml's `strict`): a course lacking an item
    Qualiopi requires is a problem too (see inputs/completeness.py).
    No course file at all is a problem too, unless `allow_empty`.

    Course files are read, parsed and linted one by one, in parallel worker
    processes for a large catalogue (`jobs`: how many; default all cores).
    With a `cache`, a course file whose bytes, configuration, CGV and program
    are those of a previous valid build is taken from it instead. With
    `pages_into`, the page of each course read anew is rendered into that (`pdf`: linking its PDF sheet, which
    the build makes)
    staging folder by the same worker (`Project.prerendered`). `input_digests`: the
    SHA-256 of input files (by path in the project) just computed by the
    caller, so that cached course files are not read again."""
    config = load_config(root)
    reader = reader or source_reader()
    known = input_digests or {}
    diagnostics: list[Diagnostic] = []
    cgv = None
    try:
        cgv = load_cgv(config, reader)
    except BuildError as exc:
        diagnostics += exc.diagnostics
    cgv_source = reader(config.cgv_file, display_path(config.cgv_file, config.root))[0]
    intro = None
    if (config.root / CATALOGUE_INTRO).exists():
        intro_source, found = reader(config.root / CATALOGUE_INTRO, display_path(config.root / CATALOGUE_INTRO,
                                                                                 config.root))
        diagnostics += found
        if intro_source is not None:
            intro = intro_source.text
    validity = combine(code_key(), file_digest(config.root / CONFIG_FILE), cgv_source.digest if cgv_source else "")
    paths, found = course_paths(config)
    diagnostics += found
    courses: list[Course] = []
    digests: dict[str, str] = {"cgv": cgv_source.digest if cgv_source else ""}
    if intro is not None:
        digests["intro"] = intro_source.digest
    valid: dict[str, dict[str, Any]] = {}
    prerendered: dict[str, str] = {}
    to_check = []
    for path in paths:
        name = path.name
        entry = cache.courses.get(name) if cache else None
        if not entry:  # nothing cached: the workers read it
            to_check.append(path)
            continue
        digest = known.get(os.path.relpath(path, config.root).replace(os.sep, "/"))
        if digest is None:
            source = reader(path, display_path(path, config.root))[0]
            digest = source.digest if source is not None else None
        if digest is not None and entry.get("sha256") == digest and entry.get("key") == validity:
            try:
                course = dataclasses.replace(course_from_json(entry["course"]), path=display_path(path, config.root))
            except (KeyError, TypeError, ValueError):
                to_check.append(path)
                continue
            courses.append(course)
            digests[course.ref], valid[name] = digest, entry
        else:
            to_check.append(path)
    linter = Linter(config, cgv)
    for path, (course, found, page, digest) in zip(to_check, _check_courses(config, linter, to_check, jobs, reader,
                                                                             pages_into, pdf)):
        diagnostics += found
        if page is not None:
            prerendered[page[0]] = page[1]
        if course is not None:
            courses.append(course)
            digests[course.ref] = digest
            if not found:
                valid[path.name] = {"sha256": digests[course.ref], "key": validity, "course": course_to_json(course)}
    diagnostics += catalogue_problems(courses)
    diagnostics += lint_project(config, cgv, reader, skip_courses=True, linter=linter)
    diagnostics = list(dict.fromkeys(diagnostics))  # a file unreadable for two stages is reported once
    if not paths and config.courses_dir.is_dir() and not allow_empty:  # (all deleted by mistake?)
        diagnostics.append(Diagnostic(display_path(config.courses_dir, config.root), 0, 0,
                                      _("there is no course file: the site would publish an empty catalogue"),
                                      hint=_("add one with `lexom-site new course REF --title \"…\"`; to publish an "
                                             "empty catalogue on purpose, use --allow-empty")))
    if not any(d.is_error for d in diagnostics) and (config.strict if strict is None else strict):
        diagnostics += completeness_problems(tuple(courses), config)
    if any(d.is_error for d in diagnostics) or cgv is None:
        raise BuildError([d for d in diagnostics if d.is_error])  # (the warnings wait until it is valid)
    return Project(config, make_catalogue(courses), cgv, digests, valid, prerendered,
                   tuple(sorted(d for d in diagnostics if not d.is_error)), intro)


@dataclass
class _WorkerState:
    config: SiteConfig
    linter: Linter
    reader: Reader
    pages_into: Staging | None
    pdf: bool = True
    env: Any = None


_worker_state: _WorkerState | None = None


def _check_course(path: Path) -> tuple[Course | None, list[Diagnostic], tuple[str, str] | None, str]:
    """Read, parse and lint one course file; render its page when asked."""
    state = _worker_state
    assert state is not None
    source, course, diagnostics = read_course(path, state.config, state.reader)
    if source is not None:
        diagnostics += state.linter.lint(LintFile(source.path, source.text, "course"))
    page = None
    if course is not None and not diagnostics and state.pages_into is not None:
        if state.env is None:
            state.env = make_environment(state.config)
        try:
            file = render_page(state.env, state.config, course_page(course, pdf=state.pdf))
            state.pages_into.write(file.path, file.data)
            page = (file.path, sha256(file.data))
        except BuildError as exc:  # a template error: the same for every course, reported once
            diagnostics += exc.diagnostics
    return course, diagnostics, page, source.digest if source is not None else ""


def _check_courses(config: SiteConfig, linter: Linter, paths: list[Path], jobs: int | None, reader: Reader,
                   pages_into: Staging | None, pdf: bool = True
                   ) -> list[tuple[Course | None, list[Diagnostic], tuple[str, str] | None, str]]:
    global _worker_state
    _worker_state = _WorkerState(config, linter, reader, pages_into, pdf)
    jobs = jobs or os.cpu_count() or 1
    try:
        if jobs < 2 or len(paths) < PARALLEL_CHECK_FROM or "fork" not in multiprocessing.get_all_start_methods():
            return [_check_course(path) for path in paths]
        # fork: the workers start with the configuration, the linter and the sources already read
        with spawn.forking_workers():
            pool = multiprocessing.get_context("fork").Pool(jobs, spawn.worker_signals)
        with pool:
            return pool.map(_check_course, paths, chunksize=max(1, len(paths) // (jobs * 4)))
    finally:
        _worker_state = None


