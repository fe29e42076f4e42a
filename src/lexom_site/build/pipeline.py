"""The build, stage by stage, in the order it runs (`_build`):

    load      read and validate every source (project.py); nothing is made if anything is wrong
    plan      every output file of the site and its key (each kind of OUTPUTS plans its files)
    reuse     the outputs made from the same inputs as last time are published again as they are
    html      the pages and assets that changed (pages.py)
    index     the search index, started in the background (search_index.py)
    check     every internal link, the CGV page (checks.py)
    pdf       the printed catalogue and the PDF sheets that changed, by the worker pool (catalogue.py, pdf_sheets.py)
    publish   the search index finished; the new site swapped in for the old one in one rename

Nothing is published before the whole catalogue is valid and every page and
PDF has been made and verified: outputs are written into a new folder beside
the old one (staging.py), swapped in at the end. A build where nothing
changed writes nothing at all (freshness.py).
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Callable

from ..diagnostics import BuildError, Diagnostic
from ..paths import OUTPUT_MARKER, locations
from ..render.pdf_pool import PdfPool
from ..render.urls import CGV_PAGE, HOME_PAGE, ROBOTS, SEARCH_PAGE, SITEMAP
from .cache import build_lock, check_cache_dir, file_stat
from .catalogue import PrintedCatalogue
from .checks import check_outputs
from .context import BuildReport, Progress, Run, Timer
from .freshness import Freshness, check_freshness, outputs_intact
from .outputs import HTML, INDEX, PDF, OutputKind, compute_keys
from .pages import Assets, CoursePages, TemplatePage
from .pdf_sheets import PdfSheets
from .project import load_project
from .search_index import SearchIndex, start_early
from .staging import Staging, check_output_dir, empty_trash

# Every kind of output of the site, in the order they are planned.
OUTPUTS: tuple[OutputKind, ...] = (
    PrintedCatalogue(),  # before the home page, which links it; made before the sheets, which reuse its parts
    TemplatePage(HOME_PAGE, "index.html", uses=("catalogue", "catalogue_pdf")),
    TemplatePage(CGV_PAGE, "cgv.html", uses=("cgv",), verify_cgv=True),
    TemplatePage(SEARCH_PAGE, "search.html"),
    TemplatePage(SITEMAP, "sitemap.xml", uses=("catalogue",)),
    TemplatePage(ROBOTS, "robots.txt"),
    CoursePages(),
    Assets(),
    PdfSheets(),
    SearchIndex(),  # after the pages it indexes
)


def build(root: Path, out_dir: Path | None = None, *, pdf: bool = True, progress: Progress | None = None,
          jobs: int | None = None, cache_dir: Path | None = None, shard: tuple[int, int] | None = None,
          freshness: Freshness | None = None, pool: PdfPool | None = None, strict: bool = False,
          waiting: Callable[[], None] | None = None, allow_empty: bool = False) -> BuildReport:
    """Validate, then make every output that changed and publish the whole site into `out_dir`.

    `shard=(k, n)` makes only the PDF sheets of the k-th of n parts of the
    catalogue, into the cache, and publishes nothing (see docs/performance.md).
    `freshness`: what `check_freshness` just found, when the caller asked;
    `pool`: PDF workers the caller started already; `strict`: refuse a course
    lacking an item Qualiopi requires (also when site.yaml says `strict: true`);
    `waiting()`: called when another build uses the cache, which this one waits for; `allow_empty`: publish a
    catalogue of no course (else refused)."""
    timer = Timer()
    root, out_dir, cache_dir = locations(root, out_dir, cache_dir)
    check_output_dir(out_dir, root)
    check_cache_dir(cache_dir, root, out_dir)
    with contextlib.ExitStack() as stack:
        stack.enter_context(build_lock(cache_dir, waiting))  # (held already when called by build_site)
        if freshness is None:
            freshness = check_freshness(root, out_dir, cache_dir, pdf=pdf, strict=strict)
        if shard is None and freshness.done:
            timer.lap("plan")
            return BuildReport(out_dir, 0, 0, len(freshness.cache.outputs), timer.seconds, up_to_date=True,
                               stages=timer.stages)
        stack.callback(empty_trash(freshness.cache.trash).join)  # the outputs replaced by earlier builds
        early = None
        if shard is None and freshness.changed_courses is not None:
            early = start_early(root, out_dir, freshness.cache, freshness.changed_courses, pdf=pdf)
            if early is not None:
                stack.callback(early.indexing.stop)
        if pdf and pool is None:  # started now: the workers load WeasyPrint while the sources are read
            pool = stack.enter_context(PdfPool(jobs, cache_dir, start=freshness.sheets))
        run = Run(root, out_dir, freshness, stack.enter_context(Staging(out_dir)), stack, timer, pdf=pdf, jobs=jobs,
                  progress=progress, pool=pool, early=early, strict=strict, allow_empty=allow_empty)
        return _build(run) if shard is None else _build_shard(run, shard)


def _build(run: Run) -> BuildReport:
    load(run, pages=True)
    plan(run)
    if not run.project.prerendered and outputs_intact(run.out_dir, run.cache.outputs,
                                                      {item.path: item.key for item in run.planned}):
        return up_to_date(run)
    todo = reuse(run)
    make(run, todo, HTML)
    run.timer.lap("html")
    make(run, todo, INDEX)
    problems = check_outputs(run)
    run.timer.lap("checks")
    problems += make(run, todo, PDF)
    if problems:
        raise BuildError(list(dict.fromkeys(problems)))  # (the catalogue and the sheets lay out the same parts)
    run.timer.lap("pdf")
    save_sources(run)
    finish(run)
    publish(run)
    return BuildReport(run.out_dir, run.counts["pages"], run.counts["pdfs"], run.counts["reused"],
                       run.timer.seconds, stages=run.timer.stages)


def _build_shard(run: Run, shard: tuple[int, int]) -> BuildReport:
    """`build --shard K/N`: the PDF sheets of part K of N, into the cache only."""
    load(run, pages=False)
    plan(run)
    sheets = next(kind for kind in OUTPUTS if isinstance(kind, PdfSheets))
    made, there = sheets.make_shard(run, shard)
    run.timer.lap("pdf")
    return BuildReport(run.out_dir, 0, made, there, run.timer.seconds, stages=run.timer.stages)


def load(run: Run, *, pages: bool) -> None:
    """Read and validate every source (`pages`: the check workers also render
    the page of each course they read, into the new site)."""
    run.project = load_project(run.root, run.jobs, run.cache, pages_into=run.staging if pages else None,
                               input_digests=run.freshness.digests, strict=run.strict or None,
                               allow_empty=run.allow_empty, pdf=run.pdf)
    if run.pool is not None:
        run.pool.configure(run.project.config, run.project.cgv)


def plan(run: Run) -> None:
    """Every output of the site, each with its key."""
    run.keys = compute_keys(run.project)
    for kind in OUTPUTS:
        run.planned += kind.plan(run, run.keys)
    run.timer.lap("load")


def up_to_date(run: Run) -> BuildReport:
    """Every output is there, intact, made from the same inputs: the inputs' fingerprint is all that is saved."""
    run.cache.fingerprint = run.freshness.fingerprint
    run.cache.save()
    run.timer.lap("plan")
    return BuildReport(run.out_dir, 0, 0, len(run.planned), run.timer.seconds, up_to_date=True,
                       stages=run.timer.stages)


def reuse(run: Run) -> list:
    """Publish again every output whose inputs did not change; the others, to be made."""
    run.timer.lap("plan")
    todo = [item for item in run.planned if not run.reuse(item)]
    if (run.out_dir / OUTPUT_MARKER).is_file():
        run.staging.link(OUTPUT_MARKER, run.out_dir / OUTPUT_MARKER)  # unchanged: keep it as it is
    return todo


def make(run: Run, todo: list, stage: str) -> list[Diagnostic]:
    """Let each kind of this stage make its files; at the PDF stage, the problems
    are returned (to be reported with the checks'), at the others raised."""
    problems: list[Diagnostic] = []
    for kind in OUTPUTS:
        if kind.stage == stage:
            try:
                kind.make(run, [item for item in todo if item.kind is kind])
            except BuildError as exc:
                if stage != PDF:
                    raise
                problems += exc.diagnostics
    return problems


def save_sources(run: Run) -> None:
    """What the next build will read of this one's sources (true whatever is
    published: each record is found by content), written while the search index is made."""
    run.cache.write_links(run.links)
    run.cache.courses = run.project.valid
    run.cache.save_courses()


def finish(run: Run) -> None:
    """Wait for the work the output kinds left running (the search index) and publish it."""
    if run.background:
        for kind in OUTPUTS:
            kind.finish(run)
        run.timer.lap("search")


def publish(run: Run) -> None:
    """Swap the new site in, record what it holds, and trim the cache."""
    cleanup: list[threading.Thread] = []
    # the previous output goes into the cache's trash, emptied while the next build runs: deleting thousands
    # of files and folders would be the last thing this build waits for
    run.staging.commit(cleanup, trash=run.cache.trash)
    cache = run.cache
    previous_stat = {path: entry.get("stat") for path, entry in cache.outputs.items() if path in run.kept}
    previous_details = {path: entry["details"] for path, entry in cache.outputs.items() if "details" in entry}
    cache.outputs = {item.path: {"key": item.key, "sha256": run.published[item.path],
                                 "stat": previous_stat.get(item.path) or file_stat(run.out_dir / item.path)}
                     for item in run.planned}
    for path, entry in cache.outputs.items():  # what an output kind keeps of its file (see Run.details)
        details = run.details.get(path, previous_details.get(path) if path not in run.made else None)
        if isinstance(details, dict):
            entry["details"] = details
    cache.fingerprint = run.freshness.fingerprint
    cache.save()
    cache.prune_pdfs([key for kind in OUTPUTS for key in kind.cache_keys(run)])
    for thread in cleanup:  # the previous output, deleted meanwhile
        thread.join()
    run.timer.lap("write")

