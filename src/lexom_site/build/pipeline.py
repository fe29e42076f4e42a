"""The whole pipeline: load and validate everything, plan, render, then write.

    config -> content + legal -> plan (cache keys) -> render_html -> render_pdf -> verify -> output

Nothing is published before the whole catalogue is valid and every page and
PDF has been made and verified: outputs are written into a new folder beside
the old one, swapped in at the end. Outputs whose inputs did not change are
reused from the previous build or the cache (see cache.py); a build where
nothing changed writes nothing at all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..diagnostics import BuildError, Diagnostic, display_path
from ..inputs.config import CONFIG_FILE, SiteConfig, load_config
from ..inputs.catalogue import Catalogue, course_paths, make_catalogue, read_course
from ..inputs.course import Course, course_from_json, course_to_json
from ..inputs.source import Reader, source_reader
from ..legal.cgv import CGV_FILE, Cgv, load_cgv
from ..legal.lint import Linter, LintFile, lint_project
from ..render.html import (CGV_PAGE, OutputFile, course_page, course_page_path, course_pdf_path, make_environment,
                          render_page, site_pages)
from ..render.pdf_pool import Part, SheetPool, forking_workers, page_count, worker_signals
from ..render.search import BUNDLE_FILES, SEARCH_DIR, Indexing
from .cache import (BuildCache, Freshness, code_key, combine, file_intact, file_stat, locations, nothing_to_do,
                    output_intact, sha256, template_keys)
from .links import (BrokenLink, PageLinks, find_broken_links, is_checked, link_diagnostics, locate_in_source,
                    locate_in_templates, page_links)
from .staging import MARKER, Staging, check_output_dir, empty_trash
from .verify import verify_cgv_copies

Progress = Callable[[str, int, int], None]  # stage, done, total


@dataclass(frozen=True)
class Project:
    config: SiteConfig
    catalogue: Catalogue
    cgv: Cgv
    digests: dict[str, str] = dataclasses.field(default_factory=dict)  # course ref / "cgv" -> SHA-256 of the file
    valid: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)  # cache entries of the courses
    prerendered: dict[str, str] = dataclasses.field(default_factory=dict)  # pages already in staging -> SHA-256


@dataclass(frozen=True)
class BuildReport:
    out_dir: Path
    pages: int  # HTML pages made (not reused)
    pdfs: int  # PDF sheets made (not reused)
    reused: int  # outputs reused from the previous build or the cache
    seconds: float
    up_to_date: bool = False
    stages: dict[str, float] = dataclasses.field(default_factory=dict)  # seconds per stage


TRASH = "trash"  # in the cache folder: previous outputs, deleted by the next build
PARALLEL_CHECK_FROM = 200  # course files; below this, starting processes costs more than it saves


def load_project(root: Path, jobs: int | None = None, cache: BuildCache | None = None,
                 reader: Reader | None = None, pages_into: Staging | None = None,
                 input_digests: dict[str, str] | None = None) -> Project:
    """Read and validate every source; raise BuildError with all problems.

    Course files are read, parsed and linted one by one, in parallel worker
    processes for a large catalogue (`jobs`: how many; default all cores).
    With a `cache`, a course file whose bytes, configuration, CGV and program
    are those of a previous valid build is taken from it instead. With
    `pages_into`, the page of each course read anew is rendered into that
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
    cgv_source, _ = reader(config.legal_dir / CGV_FILE, display_path(config.legal_dir / CGV_FILE, config.root))
    validity = combine(code_key(), _file_digest(config.root / CONFIG_FILE), cgv_source.digest if cgv_source else "")
    paths, found = course_paths(config)
    diagnostics += found
    courses: list[Course] = []
    digests: dict[str, str] = {"cgv": cgv_source.digest if cgv_source else ""}
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
            source, _ = reader(path, display_path(path, config.root))
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
                                                                             pages_into)):
        diagnostics += found
        if page is not None:
            prerendered[page[0]] = page[1]
        if course is not None:
            courses.append(course)
            digests[course.ref] = digest
            if not found:
                valid[path.name] = {"sha256": digests[course.ref], "key": validity, "course": course_to_json(course)}
    diagnostics += lint_project(config, cgv, reader, skip_courses=True, linter=linter)
    diagnostics = list(dict.fromkeys(diagnostics))  # a file unreadable for two stages is reported once
    if any(d.is_error for d in diagnostics) or cgv is None:
        raise BuildError(diagnostics)
    return Project(config, make_catalogue(courses), cgv, digests, valid, prerendered)


def _file_digest(path: Path) -> str:
    try:
        return sha256(path.read_bytes())
    except OSError:
        return ""


@dataclass
class _WorkerState:
    config: SiteConfig
    linter: Linter
    reader: Reader
    pages_into: Staging | None
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
            file = render_page(state.env, state.config, course_page(course))
            state.pages_into.write(file.path, file.data)
            page = (file.path, sha256(file.data))
        except BuildError as exc:  # a template error: the same for every course, reported once
            diagnostics += exc.diagnostics
    return course, diagnostics, page, source.digest if source is not None else ""


def _check_courses(config: SiteConfig, linter: Linter, paths: list[Path], jobs: int | None, reader: Reader,
                   pages_into: Staging | None) -> list[tuple[Course | None, list[Diagnostic], tuple[str, str] | None, str]]:
    global _worker_state
    _worker_state = _WorkerState(config, linter, reader, pages_into)
    jobs = jobs or os.cpu_count() or 1
    try:
        if jobs < 2 or len(paths) < PARALLEL_CHECK_FROM or "fork" not in multiprocessing.get_all_start_methods():
            return [_check_course(path) for path in paths]
        # fork: the workers start with the configuration, the linter and the sources already read
        with forking_workers():
            pool = multiprocessing.get_context("fork").Pool(jobs, worker_signals)
        with pool:
            return pool.map(_check_course, paths, chunksize=max(1, len(paths) // (jobs * 4)))
    finally:
        _worker_state = None


@dataclass(frozen=True)
class Planned:
    """An output file to publish, and the key of everything it is made from."""

    path: str
    key: str
    kind: str  # "page", "asset", "pdf" or "search" (a file of the search index)
    subject: Any  # the Page, the asset's Path, the Course, or None


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def plan_outputs(project: Project, *, pdf: bool = True) -> tuple[list[Planned], dict[str, str]]:
    """Every output file with its key; and the keys of the CGV parts of the PDFs (by template)."""
    config = project.config
    templates = {p.relative_to(config.templates_dir).as_posix(): sha256(p.read_bytes())
                 for p in _files_under(config.templates_dir)}
    tkeys = template_keys(config.templates_dir, templates)
    assets = [(p, sha256(p.read_bytes())) for p in _files_under(config.assets_dir)]
    # what the PDFs may use of the assets: WeasyPrint runs no script, so a script's change re-renders no PDF
    assets_key = combine(*(f"{p.relative_to(config.assets_dir).as_posix()}:{d}" for p, d in assets
                           if p.suffix != ".js"))
    common = combine(code_key(), _file_digest(config.root / CONFIG_FILE))
    digests = project.digests
    catalogue_key = combine(*(f"{c.ref}:{digests.get(c.ref, '')}" for c in project.catalogue.courses))
    planned: list[Planned] = []
    for page in site_pages(project.catalogue, project.cgv):
        data = {"catalogue": catalogue_key, "cgv": digests["cgv"], "site": ""}.get(page.depends_on,
                                                                                 digests.get(page.depends_on))
        planned.append(Planned(page.path, combine(common, tkeys.get(page.template, ""), str(data)), "page", page))
    for path, digest in assets:
        planned.append(Planned(f"assets/{path.relative_to(config.assets_dir).as_posix()}", digest, "asset", path))
    pdf_common = combine(common, tkeys.get("pdf/sheet.html", ""), tkeys.get("pdf/cgv.html", ""), assets_key,
                         digests["cgv"])
    if pdf:
        for course in project.catalogue.courses:
            planned.append(Planned(course_pdf_path(course), combine(pdf_common, digests.get(course.ref, "")), "pdf",
                                   course))
    return planned, {"cgv": combine(common, tkeys.get("pdf/cgv.html", ""), assets_key, digests["cgv"], "cgv-part")}


def _previous_search_index(cache: BuildCache, key: str) -> list[Planned]:
    """The files of the previous search index when it was made from the same pages."""
    previous = [path for path, entry in cache.outputs.items() if path.startswith(SEARCH_DIR + "/")]
    if not previous or any(cache.outputs[path]["key"] != key for path in previous):
        return []
    return [Planned(path, key, "search", None) for path in sorted(previous)]


def _up_to_date(out_dir: Path, planned: list[Planned], cache: BuildCache) -> bool:
    """Is every output there, intact, made from the same inputs, and nothing else?"""
    if set(cache.outputs) != {p.path for p in planned} or not (out_dir / MARKER).is_file():
        return False
    present = {p.relative_to(out_dir).as_posix() for p in _files_under(out_dir)} - {MARKER}
    if present != set(cache.outputs):
        return False
    return all(cache.outputs[p.path]["key"] == p.key and file_intact(out_dir / p.path, cache.outputs[p.path]["sha256"])
               for p in planned)


def build(root: Path, out_dir: Path | None = None, *, pdf: bool = True, progress: Progress | None = None,
          jobs: int | None = None, cache_dir: Path | None = None, shard: tuple[int, int] | None = None,
          freshness: Freshness | None = None, sheet_pool: SheetPool | None = None) -> BuildReport:
    """Validate, then make every output that changed and publish the whole site into `out_dir`.

    `shard=(k, n)` makes only the PDF sheets of the k-th of n parts of the
    catalogue, into the cache, and publishes nothing (see docs/performance.md).
    `freshness` is what `cache.nothing_to_do` just found, when the caller asked."""
    started = time.perf_counter()
    stages: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        stages[name] = stages.get(name, 0.0) + now - since
        return now

    root, out_dir, cache_dir = locations(root, out_dir, cache_dir)
    check_output_dir(out_dir, root)
    t = time.perf_counter()
    if freshness is None:
        freshness = nothing_to_do(root, out_dir, cache_dir, pdf=pdf, marker=MARKER)
    cache = freshness.cache
    if shard is None and freshness.done:
        lap("plan", t)
        return BuildReport(out_dir, 0, 0, len(cache.outputs), time.perf_counter() - started, up_to_date=True,
                           stages=stages)
    with contextlib.ExitStack() as stack:
        stack.callback(empty_trash(cache.folder / TRASH).join)  # the outputs replaced by earlier builds
        early = None
        if shard is None and freshness.changed_courses is not None:
            # only course files changed: the search index, the longest task of such a build, starts now from
            # the pages it will most likely have (checked against the pages made before it is used)
            guessed = _guess_search_pages(root, out_dir, cache, freshness.changed_courses)
            if guessed is not None:
                early = EarlyIndexing(Indexing([(path, source) for path, (source, _) in guessed.items()]),
                                      {path: digest for path, (_, digest) in guessed.items()})
                stack.callback(early.indexing.stop)
        # the PDF workers start now (unless the caller started them even earlier) and load WeasyPrint
        # while the sources are read
        if pdf and sheet_pool is None:
            sheet_pool = stack.enter_context(SheetPool(jobs, cache.folder))
        staging = stack.enter_context(Staging(out_dir))
        return _build(root, out_dir, freshness, staging, sheet_pool, stack, pdf=pdf, progress=progress, jobs=jobs,
                      shard=shard, started=started, stages=stages, lap=lap, t=t, early=early)


@dataclass(frozen=True)
class EarlyIndexing:
    """The search index started before the pages were made, and the SHA-256 of each page it was given."""

    indexing: Indexing
    pages: dict[str, str]


def _guess_search_pages(root: Path, out_dir: Path, cache: BuildCache,
                        changed: tuple[str, ...]) -> dict[str, tuple[Path | bytes, str]] | None:
    """The course pages of a build where only course files changed, before
    anything is validated: the published page of each course whose file did
    not change, and the page of each changed or new file, rendered now. Each
    with its SHA-256. None when there is no good guess (the build then indexes
    the pages it makes)."""
    try:
        config = load_config(root)
        pages: dict[str, tuple[Path | bytes, str]] = {}
        for name, entry in cache.courses.items():
            if name in changed or not (config.courses_dir / name).is_file():  # changed, or removed
                continue
            path = course_page_path(course_from_json(entry["course"]))
            previous = cache.outputs.get(path)
            if previous is None or not output_intact(out_dir / path, previous):
                return None
            pages[path] = (out_dir / path, previous["sha256"])
        env = make_environment(config, cache.folder / "templates")
        reader = source_reader()
        for name in changed:
            _, course, problems = read_course(config.courses_dir / name, config, reader)
            if course is None or any(problem.is_error for problem in problems):
                return None  # the build reports it
            file = render_page(env, config, course_page(course))
            pages[file.path] = (file.data, sha256(file.data))
        return pages
    except (BuildError, KeyError, TypeError, ValueError, OSError):
        return None


def _build(root: Path, out_dir: Path, freshness: Freshness, staging: Staging,
           sheet_pool: SheetPool | None, stack: contextlib.ExitStack, *, pdf: bool, progress: Progress | None,
           jobs: int | None, shard: tuple[int, int] | None, started: float, stages: dict[str, float],
           lap: Callable[[str, float], float], t: float, early: EarlyIndexing | None) -> BuildReport:
    cache = freshness.cache
    project = load_project(root, jobs, cache, pages_into=None if shard else staging,
                           input_digests=freshness.digests)
    config = project.config
    if sheet_pool is not None:
        sheet_pool.configure(config, project.cgv)
    planned, part_keys = plan_outputs(project, pdf=pdf)
    search_key = combine(*(p.key for p in planned if p.kind == "page" and p.subject.searchable))
    planned += _previous_search_index(cache, search_key)
    pdf_keys = {p.subject.ref: p.key for p in planned if p.kind == "pdf"}
    t = lap("load", t)
    if shard is not None:
        k, n = shard
        courses = [p.subject for i, p in enumerate(sorted((p for p in planned if p.kind == "pdf"),
                                                           key=lambda p: p.subject.ref)) if i % n == k - 1]
        todo = [c for c in courses if cache.get_pdf(pdf_keys[c.ref]) is None]
        made = _render_pdfs(project, todo, part_keys, cache, sheet_pool, progress,
                            lambda course, data: cache.put_pdf(pdf_keys[course.ref], data))
        lap("pdf", t)
        return BuildReport(out_dir, 0, made, len(courses) - made, time.perf_counter() - started, stages=stages)
    if not project.prerendered and _up_to_date(out_dir, planned, cache):
        cache.fingerprint = freshness.fingerprint
        cache.save()
        lap("plan", t)
        return BuildReport(out_dir, 0, 0, len(planned), time.perf_counter() - started, up_to_date=True,
                           stages=stages)
    t = lap("plan", t)
    env = make_environment(config, cache.folder / "templates")
    (cache.folder / "templates").mkdir(parents=True, exist_ok=True)
    pages = pdfs = reused = 0
    written: dict[str, str] = {}  # path -> sha256
    to_render: list[Course] = []
    new_files: list[OutputFile] = []
    reindex = not any(item.kind == "search" for item in planned)
    kept: set[str] = set()  # outputs published again as they were: the same file, so the same size, date and inode

    def keep_previous(path: str, digest: str, *, made: bool = False) -> bool:
        """Publish the previous file again when the new one has the same bytes: its
        modification time stays, and browsers, rsync and CDNs see nothing new.
        `made`: the new file is in the staging folder already (a check worker's)."""
        previous = cache.outputs.get(path)
        if not previous or previous["sha256"] != digest or not output_intact(out_dir / path, previous):
            return False
        if made:
            (staging.folder / path).unlink()
        staging.link(path, out_dir / path)
        kept.add(path)
        return True

    for item in planned:
        previous = cache.outputs.get(item.path)
        if previous and previous["key"] == item.key and output_intact(out_dir / item.path, previous):
            if item.path in project.prerendered:  # rendered while checking (its course was re-read): unneeded
                (staging.folder / item.path).unlink()
            staging.link(item.path, out_dir / item.path)
            kept.add(item.path)
            written[item.path] = previous["sha256"]
            reused += 1
        elif item.kind == "search":  # a file of the previous index is missing or damaged: index again
            reindex = True
        elif item.path in project.prerendered:
            written[item.path] = project.prerendered[item.path]
            if keep_previous(item.path, written[item.path], made=True):  # its input changed, not its bytes
                reused += 1
            else:
                pages += 1
        elif item.kind == "page":
            file = render_page(env, config, item.subject)
            written[item.path] = sha256(file.data)
            if keep_previous(item.path, written[item.path]):
                reused += 1
            else:
                staging.write(file.path, file.data)
                new_files.append(file)
                pages += 1
        elif item.kind == "asset":
            data = item.subject.read_bytes()
            written[item.path] = sha256(data)
            if not keep_previous(item.path, written[item.path]):
                staging.write(item.path, data)
        else:
            cached = cache.get_pdf(item.key)
            if cached is not None:
                staging.link(item.path, cache.put_pdf(item.key, cached))
                written[item.path] = sha256(cached)
                reused += 1
            else:
                to_render.append(item.subject)
    if (out_dir / MARKER).is_file():
        staging.link(MARKER, out_dir / MARKER)  # unchanged: keep it as it is
    t = lap("html", t)
    indexing = None
    if reindex:
        planned = [item for item in planned if item.kind != "search"]
        # files of the previous index linked into staging are hard links to the published ones: never written through
        staging.remove(SEARCH_DIR)
        searchable = [item.path for item in planned if item.kind == "page" and item.subject.searchable]
        if early is not None and {path: written[path] for path in searchable} == early.pages:
            indexing = early.indexing  # the guess was right: the index started early is the one to publish
        else:  # made now, while the links are checked and the PDFs made
            indexing = Indexing([(path, staging.folder / path) for path in searchable])
            stack.callback(indexing.stop)  # if the build stops before the end
    if early is not None and indexing is not early.indexing:
        early.indexing.stop()
    site = [item.path for item in planned] + (list(BUNDLE_FILES) if indexing else [])
    problems, link_entries = check_links(project, site, planned, staging.folder, out_dir.name, written,
                                         cache.read_links(), pdf=pdf)
    problems += verify_cgv_copies(project.cgv, [f for f in new_files if f.path == CGV_PAGE], out_dir.name)
    t = lap("checks", t)

    def publish(course: Course, data: bytes) -> None:
        path = course_pdf_path(course)
        staging.link(path, cache.put_pdf(pdf_keys[course.ref], data))
        written[path] = sha256(data)

    try:
        pdfs = _render_pdfs(project, to_render, part_keys, cache, sheet_pool, progress, publish)
    except BuildError as exc:
        problems += exc.diagnostics
    if problems:
        raise BuildError(problems)
    t = lap("pdf", t)
    # while the search index is made: what the next build will read (a record by content, valid published or not)
    cache.write_links(link_entries)
    cache.courses = project.valid
    cache.save_courses()
    if indexing is not None:
        for path, data in indexing.wait().items():
            planned.append(Planned(path, search_key, "search", None))
            written[path] = sha256(data)
            if not keep_previous(path, written[path]):  # only the files that changed are written
                staging.write(path, data)
        t = lap("search", t)
    cleanup: list[threading.Thread] = []
    # the previous output goes into the cache's trash, emptied while the next build runs: deleting thousands
    # of files and folders would be the last thing this build waits for
    staging.commit(cleanup, trash=cache.folder / TRASH)
    previous_stat = {path: entry.get("stat") for path, entry in cache.outputs.items() if path in kept}
    cache.outputs = {item.path: {"key": item.key, "sha256": written[item.path],
                                 "stat": previous_stat.get(item.path) or file_stat(out_dir / item.path)}
                     for item in planned}
    cache.fingerprint = freshness.fingerprint
    cache.save()
    cache.prune_pdfs([p.key for p in planned if p.kind == "pdf"] + [_part_key(part_keys, n) for n in range(1, 21)])
    for thread in cleanup:  # the previous output, deleted meanwhile
        thread.join()
    lap("write", t)
    return BuildReport(out_dir, pages, pdfs, reused, time.perf_counter() - started, stages=stages)


def check_links(project: Project, site: list[str], planned: list[Planned], folder: Path, out_name: str,
                digests: dict[str, str], known: dict[str, dict], *, pdf: bool) -> tuple[list[Diagnostic], dict]:
    """Every internal link of the pages and stylesheets in `folder` leads to a
    file of the `site` (the PDFs and search index included, though not made
    yet) and heading. A file with the bytes it had at the last build
    (`digests` against the `known` entries) is not read again. Returns the
    problems and the entries to keep for the next build."""
    config = project.config
    sources = {item.path: item.subject for item in planned if item.kind in ("page", "asset") and is_checked(item.path)}
    pages: dict[str, PageLinks] = {}
    entries: dict[str, dict] = {}
    for path in sources:
        found = None
        entry = known.get(path)
        if entry and entry.get("sha256") == digests[path]:
            with contextlib.suppress(KeyError, TypeError, ValueError):
                found = PageLinks.from_json(entry)
        if found is None:
            found = page_links(path, (folder / path).read_text(encoding="utf-8", errors="replace"), config.base_url)
        pages[path] = found
        entries[path] = {"sha256": digests[path], **found.to_json()}

    def blame(item: BrokenLink) -> tuple[str, int, int]:
        subject = sources[item.page]
        if isinstance(subject, Path):  # a stylesheet of assets/
            return display_path(subject, config.root), 0, 0
        course = subject.context.get("course")
        if course is not None and (found := locate_in_source(config.root / course.path, item.link)):
            return course.path, *found
        own = config.templates_dir / subject.template
        written = item.link.removeprefix(config.base_url)  # a public address is written as absolute_url('path')
        found = locate_in_templates([own, *(t for t in _files_under(config.templates_dir) if t != own)], written)
        if found:
            return display_path(found[0], config.root), found[1], found[2]
        return display_path(own, config.root), 0, 0

    broken = find_broken_links(pages, site, absent_on_purpose=lambda path: not pdf and path.startswith("pdf/"))
    return link_diagnostics(broken, blame, out_name), entries


def _part_key(part_keys: dict[str, str], pages: int) -> str:
    return combine(part_keys["cgv"], str(pages))


def _render_pdfs(project: Project, courses: list[Course], part_keys: dict[str, str],
                 cache: BuildCache, sheet_pool: SheetPool | None, progress: Progress | None,
                 publish: Callable[[Course, bytes], None]) -> int:
    """Lay out the sheets of `courses` (CGV parts from the cache when there), verify, publish each."""
    if not courses:
        return 0
    assert sheet_pool is not None

    parts: dict[int, Part] = {}
    for pages in range(1, 21):
        data = cache.get_pdf(_part_key(part_keys, pages))
        if data is not None:
            parts[pages] = Part(data, page_count(data))
    done = 0

    def on_sheet(course: Course, sheet: Part) -> None:
        nonlocal done
        if page_count(sheet.pdf) != sheet.pages:
            raise BuildError([Diagnostic(course.path, 0, 0, f"the PDF sheet has {page_count(sheet.pdf)} pages "
                                         f"instead of {sheet.pages} after joining the CGV")])
        publish(course, sheet.pdf)
        done += 1
        if progress:
            progress("pdf", done, len(courses))

    def check_part(pages: int, part: Part) -> None:
        """CGV pages made for this build are checked word for word before any sheet carrying them is published."""
        config = project.config
        problems = verify_cgv_copies(project.cgv, [OutputFile("cgv-part.pdf", part.pdf)], "")
        if problems:
            template = display_path(config.templates_dir / "pdf" / "cgv.html", config.root)
            raise BuildError([dataclasses.replace(problem, path=template, message=f"in the CGV pages of the PDF "
                                                  f"sheets: {problem.message}") for problem in problems])
        cache.put_pdf(_part_key(part_keys, pages), part.pdf)

    sheet_pool.ensure(len(courses) + (0 if parts else 1))
    sheet_pool.render_sheets(courses, cgv_parts=parts, on_sheet=on_sheet, check_part=check_part)
    return done
